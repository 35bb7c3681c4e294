"""The encoder's token states for many texts at once, in batches of similar length: what the
emotion head is trained on and what its measurements (training card, evaluation command, the
fine-tuning gate) read."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np

from core.nlp.token_states import TokenStates

BATCH_SIZE = 64

T = TypeVar("T")


def read_in_batches(
    encoder: Any,
    texts: Sequence[str],
    read: Callable[[TokenStates], Sequence[T]],
    batch_size: int = BATCH_SIZE,
) -> list[T]:
    """`read` over the token states of many texts, in the texts' order; batches of similar
    length keep padding (and time) down."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out: list[Any] = [None] * len(texts)
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        _, states = encoder.token_states([texts[i] for i in rows])
        for i, value in zip(rows, read(states), strict=True):
            out[i] = value
    return out


def collect_states(encoder: Any, texts: Sequence[str], max_tokens: int) -> TokenStates:
    """Token states of every text, padded to `max_tokens` (tokens stored as float16: the
    GoEmotions training set takes 2.1 GB instead of 4.3)."""
    dim = int(encoder.dim)
    tokens = np.zeros((len(texts), max_tokens, dim), dtype=np.float16)
    mask = np.zeros((len(texts), max_tokens), dtype=bool)
    means: np.ndarray | None = None
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for start in range(0, len(order), BATCH_SIZE):
        rows = order[start : start + BATCH_SIZE]
        _, states = encoder.token_states([texts[i] for i in rows], max_tokens=max_tokens)
        width = states.tokens.shape[1]
        tokens[rows, :width] = states.tokens
        mask[rows, :width] = states.mask
        if means is None:
            means = np.zeros((len(texts), *states.layer_means.shape[1:]), dtype=np.float32)
        means[rows] = states.layer_means
    return TokenStates(tokens, mask, means if means is not None else np.zeros((0, 0, dim)))
