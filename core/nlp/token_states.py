"""What one encoder pass leaves behind besides the sentence embedding (numpy only).

Heads that need more than the pooled embedding (the emotion network attends over the words)
read these from the same forward pass: the encoder hands them to a `StateReader` before the
states are dropped, so no text is encoded twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np


@dataclass(frozen=True, eq=False)
class TokenStates:
    tokens: np.ndarray  # (n, T, H) the last layer's token vectors, zero past each text's end
    mask: np.ndarray  # (n, T) bool, True on the text's tokens
    layer_means: np.ndarray  # (n, L, H) each transformer layer's mean over the text's tokens

    def __len__(self) -> int:
        return int(self.tokens.shape[0])


class StateReader(Protocol):
    """A head run on the token states of the pass that computed the embeddings."""

    def read(self, states: TokenStates) -> Any: ...
