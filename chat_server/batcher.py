"""Micro-batching: concurrent callers share one encoder pass.

Items that arrive while a batch is running wait and go together in the next one, so a lone
visitor gets a batch of one (lowest latency) and a crowd gets large batches (highest throughput).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class MicroBatcher(Generic[T, R]):
    def __init__(self, fn: Callable[[Sequence[T]], Sequence[R]], max_size: int) -> None:
        self._fn = fn
        self._max_size = max_size
        self._queue: asyncio.Queue[tuple[T, asyncio.Future[R]]] = asyncio.Queue()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="encoder")
        self._task: asyncio.Task[None] | None = None
        self.batches = 0
        self.items = 0
        self.busy_seconds = 0.0  # time spent inside fn: busy_seconds / uptime is the load

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="micro-batcher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._executor.shutdown(wait=False)

    async def submit(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        await self._queue.put((item, future))
        return await future

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            pending = [await self._queue.get()]
            while len(pending) < self._max_size and not self._queue.empty():
                pending.append(self._queue.get_nowait())
            pending = [(item, fut) for item, fut in pending if not fut.cancelled()]
            if not pending:
                continue
            started = time.perf_counter()
            try:
                results = await loop.run_in_executor(
                    self._executor, self._fn, [item for item, _ in pending]
                )
            except Exception as exc:
                if len(pending) == 1:
                    _settle(pending[0][1], exc=exc)
                    continue
                # One bad item must not fail the others: take them one at a time.
                for item, fut in pending:
                    try:
                        [result] = await loop.run_in_executor(self._executor, self._fn, [item])
                    except Exception as item_exc:
                        _settle(fut, exc=item_exc)
                    else:
                        _settle(fut, result=result)
                continue
            self.busy_seconds += time.perf_counter() - started
            self.batches += 1
            self.items += len(pending)
            for (_, fut), result in zip(pending, results, strict=True):
                _settle(fut, result=result)


def _settle(
    future: asyncio.Future[R], *, result: R | None = None, exc: BaseException | None = None
) -> None:
    if future.done():  # the caller went away
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(result)  # type: ignore[arg-type]
