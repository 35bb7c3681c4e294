"""Concurrent messages share one encoder pass."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

import pytest

from chat_server.batcher import MicroBatcher


async def test_concurrent_items_are_batched_and_each_gets_its_own_result() -> None:
    sizes: list[int] = []

    def slow_double(items: Sequence[int]) -> list[int]:
        sizes.append(len(items))
        time.sleep(0.02)
        return [2 * i for i in items]

    batcher: MicroBatcher[int, int] = MicroBatcher(slow_double, max_size=16)
    batcher.start()
    try:
        results = await asyncio.gather(*(batcher.submit(i) for i in range(40)))
    finally:
        await batcher.stop()
    assert results == [2 * i for i in range(40)]
    assert max(sizes) <= 16
    assert len(sizes) <= 5, f"40 concurrent items took {len(sizes)} passes"


async def test_a_failing_batch_fails_its_callers_and_the_batcher_goes_on() -> None:
    def picky(items: Sequence[str]) -> list[str]:
        if "boom" in items:
            raise RuntimeError("encoder failed")
        return [i.upper() for i in items]

    batcher: MicroBatcher[str, str] = MicroBatcher(picky, max_size=64)
    batcher.start()
    try:
        with pytest.raises(RuntimeError, match="encoder failed"):
            await batcher.submit("boom")
        assert await batcher.submit("fine") == "FINE"
    finally:
        await batcher.stop()


async def test_one_bad_item_fails_alone_when_batched_with_good_ones() -> None:
    def strict(items: Sequence[str]) -> list[str]:
        time.sleep(0.01)
        if any(i.startswith("bad") for i in items):
            raise ValueError("cannot encode")
        return [i.upper() for i in items]

    batcher: MicroBatcher[str, str] = MicroBatcher(strict, max_size=64)
    batcher.start()
    try:
        items = ["a", "bad1", "b", "c", "bad2", "d"]
        results = await asyncio.gather(*(batcher.submit(i) for i in items), return_exceptions=True)
    finally:
        await batcher.stop()
    assert results[0] == "A" and results[2:4] == ["B", "C"] and results[5] == "D"
    assert isinstance(results[1], ValueError) and isinstance(results[4], ValueError)
