"""The one run-time module importing torch and transformers: loads the sentence encoder once.

Besides it only core/nlp/training/ imports them, off-line: the chat server reaches torch through
this one seam, which is what tests replace."""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from core.nlp.token_states import StateReader, TokenStates

# Weights come from a local folder only; never reach for a model hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch  # noqa: E402
from transformers import AutoModel, AutoTokenizer  # noqa: E402
from transformers.utils import logging as hf_logging  # noqa: E402

MAX_TOKENS = 128
hf_logging.set_verbosity_error()
hf_logging.disable_progress_bar()


def int8(model: Any) -> Any:
    """`model` with its linear layers' weights in int8, one scale per output channel, and their
    activations quantised on the fly (torch's dynamic quantisation): about twice as fast on
    this CPU. torch announces that API's move to torchao; torchao's CPU kernels are not in the
    pinned wheel, so the warnings of the move are silenced here, and only these."""
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*torch\.ao\.quantization.*deprecated")
        warnings.filterwarnings("ignore", message=r".*quantize_per_tensor.*deprecated")
        warnings.filterwarnings("ignore", message=r".*quantize_per_channel.*deprecated")
        return quantize_dynamic(
            model, {torch.nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8
        )


class Encoder:
    """Mean-pooled, L2-normalised sentence embeddings (the sentence-transformers recipe)."""

    def __init__(self, path: Path, *, quantized: bool = False) -> None:
        if not (path / "config.json").exists():
            raise FileNotFoundError(f"no sentence encoder at {path} (config.json missing)")
        self.name = path.name if path.name != "model" else path.parent.name
        self.tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        self.model = AutoModel.from_pretrained(str(path), local_files_only=True).eval()
        self.quantized = quantized
        if quantized:
            self.model = int8(self.model)
        self.dim = int(self.model.config.hidden_size)
        # The fast tokenizer refuses concurrent calls ("Already borrowed"); forward passes may
        # run side by side in several threads.
        self._tokenizer_lock = threading.Lock()
        self.threads: int | None = None  # None: torch's default (every core)
        self._configured = threading.local()

    def use_threads(self, count: int) -> None:
        """Threads inside one forward pass. OpenMP keeps this per calling thread, so it is
        applied in whichever thread runs the next pass."""
        self.threads = max(1, count)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with torch.inference_mode():
            batch, output = self._forward(texts, hidden_states=False)
            pooled = mean_pool(output.last_hidden_state, batch["attention_mask"])
        return pooled.numpy().astype(np.float32, copy=False)

    def encode_read(self, texts: Sequence[str], reader: StateReader) -> tuple[np.ndarray, Any]:
        """The embeddings of `encode`, and what `reader` reads from the same forward pass."""
        embeddings, states = self.token_states(texts)
        return embeddings, reader.read(states)

    def token_states(
        self, texts: Sequence[str], *, max_tokens: int = MAX_TOKENS
    ) -> tuple[np.ndarray, TokenStates]:
        """The embeddings of `encode` and the pass's token states, in one forward pass."""
        if not texts:
            empty = np.zeros((0, 0, self.dim), dtype=np.float32)
            depth = int(self.model.config.num_hidden_layers)
            return np.zeros((0, self.dim), dtype=np.float32), TokenStates(
                empty, np.zeros((0, 0), dtype=bool), np.zeros((0, depth, self.dim), np.float32)
            )
        with torch.inference_mode():
            batch, output = self._forward(texts, hidden_states=True, max_tokens=max_tokens)
            mask = batch["attention_mask"]
            last = output.last_hidden_state
            weights = mask.unsqueeze(-1).to(last.dtype)
            layers = torch.stack(output.hidden_states[1:], dim=1)  # (n, L, T, H)
            means = (layers * weights.unsqueeze(1)).sum(2) / weights.sum(1).unsqueeze(1).clamp(
                min=1e-9
            )
            states = TokenStates(
                tokens=(last * weights).numpy(),
                mask=mask.numpy().astype(bool),
                layer_means=means.numpy(),
            )
            pooled = mean_pool(last, mask).numpy().astype(np.float32, copy=False)
        return pooled, states

    def _forward(
        self, texts: Sequence[str], *, hidden_states: bool, max_tokens: int = MAX_TOKENS
    ) -> tuple[Any, Any]:
        with self._tokenizer_lock:
            batch = self.tokenizer(
                list(texts),
                padding=True,
                truncation=True,
                max_length=max_tokens,
                return_tensors="pt",
            )
        if self.threads is not None and getattr(self._configured, "threads", None) != self.threads:
            torch.set_num_threads(self.threads)
            self._configured.threads = self.threads
        return batch, self.model(**batch, output_hidden_states=hidden_states)


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean over each text's tokens, L2-normalised (the sentence-transformers recipe)."""
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, dim=-1)


@lru_cache(maxsize=4)
def load_encoder(path: Path, *, quantized: bool = False) -> Encoder:
    return Encoder(Path(path), quantized=quantized)


@lru_cache(maxsize=2)
def load_text_classifier(path: Path) -> object:
    """A local Hugging Face text-classification model as a transformers pipeline (CPU), for
    users who set EMOTION_MODEL_PATH; call it as `classifier(texts, top_k=None)`."""
    from transformers import pipeline

    path = Path(path)
    if not (path / "config.json").exists():
        raise FileNotFoundError(f"no text-classification model at {path} (config.json missing)")
    # HF_HUB_OFFLINE (set above) keeps this from reaching for a hub.
    return pipeline("text-classification", model=str(path), tokenizer=str(path), device=-1)
