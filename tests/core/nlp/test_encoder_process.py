"""The encoder in its own process gives the same embeddings and emotion readings, and survives
its worker dying."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

import numpy as np
import pytest

from core.nlp.emotions import load_head
from core.nlp.encoder_process import EncoderProcess
from core.settings import Settings

pytestmark = pytest.mark.slow

TEXTS = ["when do you open on saturday", "can I return a bike I bought online"]


@pytest.fixture(scope="module")
def remote(settings: Settings):  # type: ignore[no-untyped-def]
    encoder = EncoderProcess(settings.encoder_path)
    yield encoder
    encoder.close()


def test_embeddings_match_the_in_process_encoder(remote: EncoderProcess, encoder) -> None:  # type: ignore[no-untyped-def]
    vectors = remote.encode(TEXTS)
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.allclose(vectors, encoder.encode(TEXTS), atol=1e-4)
    assert remote.encode([]).shape == (0, 384)


def test_encoder_int8_reaches_the_encoders_process(settings: Settings) -> None:
    from core.nlp.loading import load_encoder

    fast = EncoderProcess(settings.encoder_path, quantized=True)
    try:
        vectors = fast.encode(TEXTS)
    finally:
        fast.close()
    in_process = load_encoder(settings.encoder_path, quantized=True).encode(TEXTS)
    assert np.allclose(vectors, in_process, atol=1e-4)


def test_a_killed_worker_is_replaced(remote: EncoderProcess) -> None:
    before = remote.encode(TEXTS[:1])
    for pid in list(remote._pool._processes):  # type: ignore[union-attr]
        os.kill(pid, signal.SIGKILL)
    after = remote.encode(TEXTS[:1])
    assert np.allclose(before, after, atol=1e-5)


def test_the_emotion_head_reads_the_same_pass_in_the_worker(
    remote: EncoderProcess, encoder: Any
) -> None:
    head = load_head()
    texts = ["my parcel never came and nobody answers the phone", "thanks, that sorted it!"]
    vectors, readings = remote.encode_read(texts, head)
    local_vectors, local_readings = encoder.encode_read(texts, head)
    assert np.allclose(vectors, encoder.encode(texts), atol=1e-4)  # the same embeddings
    assert np.allclose(vectors, local_vectors, atol=1e-4)
    assert [r.label for r in readings] == [r.label for r in local_readings]
    assert [r.polarity for r in readings] == ["negative", "positive"]
    # the head is sent once, and sent again to a worker that replaced a dead one
    sent: list[str] = []
    submit = remote._pool.submit
    remote._pool.submit = lambda task, *args: sent.append(task.__name__) or submit(task, *args)  # type: ignore[method-assign]
    remote.encode_read(texts, head)
    remote.encode_read(texts[:1], head)
    assert sent == ["_encode_read", "_encode_read"]
    assert remote.encode_read([], head)[0].shape == (0, 384)
    for pid in list(remote._pool._processes):  # type: ignore[union-attr]
        os.kill(pid, signal.SIGKILL)
    _, again = remote.encode_read(texts, head)
    assert [r.label for r in again] == [r.label for r in readings]


PARENT = """
import sys
from pathlib import Path
from core.nlp.encoder_process import EncoderProcess
encoder = EncoderProcess(Path(sys.argv[1]))
print(*encoder._pool._processes, flush=True)
sys.stdin.read()  # until killed
"""


def _alive(pid: int) -> bool:
    """Running (a dead child that nobody has reaped yet is a zombie: not alive)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_the_worker_exits_when_the_server_is_killed(settings: Settings) -> None:
    """`kill -9` of the chat server must not leave its encoder (hundreds of MB) running."""
    with subprocess.Popen(
        [sys.executable, "-c", PARENT, str(settings.encoder_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as parent:
        assert parent.stdout is not None
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert workers and all(_alive(pid) for pid in workers)
        parent.kill()
    deadline = time.monotonic() + 60  # a generous bound: it checks every second
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers)
