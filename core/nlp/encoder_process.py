"""The sentence encoder in a process of its own.

In the chat server, the encoder's Python code would share one GIL with the event loop and the
database writer; measured on 2 cores it then ran at about half its standalone speed. In its own
process it keeps its speed, and the web process never imports torch."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import numpy as np

from core.nlp.emotions import EmotionResult, predict_emotions_with_model
from core.nlp.token_states import StateReader

_encoder: Any = None  # the loaded Encoder, inside the worker process only
_classifier: Any = None  # EMOTION_MODEL_PATH's pipeline, inside the worker process only
_readers: dict[int, StateReader] = {}  # heads sent over by encode_read, by the sender's key


def _exit_with(parent: int) -> None:
    """Exit once `parent` is gone. A pool's worker otherwise outlives a server killed with
    SIGKILL (it holds both ends of its task queue, so it never reads an end of file) and keeps
    its model's hundreds of MB; an orphan is adopted by another process, which is how it
    notices."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _load(
    path: str, threads: int, classifier_path: str | None = None, quantized: bool = False
) -> None:
    threading.Thread(target=_exit_with, args=(os.getppid(),), daemon=True).start()
    os.environ["OMP_NUM_THREADS"] = str(threads)  # before torch loads
    from threadpoolctl import threadpool_limits

    # numpy came in with this module, before the variable was set: its BLAS (which runs the
    # emotion head) would otherwise use every core and compete with the web process.
    threadpool_limits(limits=threads)
    from core.nlp.loading import load_encoder, load_text_classifier

    global _encoder, _classifier
    _encoder = load_encoder(Path(path), quantized=quantized)
    _encoder.use_threads(threads)
    if classifier_path is not None:
        _classifier = load_text_classifier(Path(classifier_path))


def _classify(texts: list[str]) -> list[EmotionResult]:
    return predict_emotions_with_model(_classifier, texts)


def _dim() -> int:
    return int(_encoder.dim)


def _encode(texts: list[str]) -> np.ndarray:
    return _encoder.encode(texts)  # type: ignore[no-any-return]


def _install(key: int, reader: StateReader) -> None:
    _readers.pop(key, None)
    _readers[key] = reader
    while len(_readers) > 2:  # the newest two: a call still on its way may use the older one
        del _readers[next(iter(_readers))]


def _encode_read(texts: list[str], key: int) -> tuple[np.ndarray, Any]:
    return _encoder.encode_read(texts, _readers[key])  # type: ignore[no-any-return]


class EncoderProcess:
    """Same interface as core.nlp.loading.Encoder; the model lives in a child process."""

    def __init__(
        self,
        path: Path,
        threads: int = 1,
        classifier_path: Path | None = None,
        *,
        quantized: bool = False,
    ) -> None:
        # A text-classification model for emotions (EMOTION_MODEL_PATH) runs here too, so the
        # web process never imports torch.
        self.has_classifier = classifier_path is not None
        self._args = (
            str(path),
            threads,
            None if classifier_path is None else str(classifier_path),
            quantized,
        )
        self._lock = threading.Lock()
        self._pool = self._start()
        self._installed: StateReader | None = None  # the reader the worker holds
        self.dim = self._pool.submit(_dim).result()  # also waits until the model is loaded

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_load,
            initargs=self._args,
        )

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._run(_encode, list(texts))  # type: ignore[no-any-return]

    def encode_read(self, texts: Sequence[str], reader: StateReader) -> tuple[np.ndarray, Any]:
        """Embeddings and what `reader` reads from the same pass, run in the worker. The reader
        (a head of a few MB) is sent once and kept there until another one is asked for."""
        return self._run(_encode_read, list(texts), id(reader), reader=reader)  # type: ignore[no-any-return]

    def classify(self, texts: Sequence[str]) -> list[EmotionResult]:
        """Emotion readings from EMOTION_MODEL_PATH's model (only when it was given)."""
        if not texts:
            return []
        return self._run(_classify, list(texts))  # type: ignore[no-any-return]

    def _run(self, task: Any, *args: Any, reader: StateReader | None = None) -> Any:
        """`task(*args)` in the worker. A reader the worker lacks is sent just before, to the
        same pool (its one worker runs tasks in order). A worker that died (killed, out of
        memory) is replaced, once, by whichever caller notices first."""
        for attempt in (1, 2):
            installing = None
            with self._lock:
                pool = self._pool
                if reader is not None and self._installed is not reader:
                    installing = pool.submit(_install, id(reader), reader)
                    self._installed = reader
                future = pool.submit(task, *args)
            try:
                if installing is not None:
                    installing.result()
                return future.result()
            except BrokenProcessPool:
                if attempt == 2:
                    raise
                with self._lock:
                    if self._pool is pool:
                        pool.shutdown(wait=False, cancel_futures=True)
                        self._pool = self._start()
                        self._installed = None
            except BaseException:
                if installing is not None:
                    with self._lock:
                        if self._installed is reader:
                            self._installed = None  # sent again next time
                raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
