"""The one place that imports torch and transformers: loads the sentence encoder once."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

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


class Encoder:
    """Mean-pooled, L2-normalised sentence embeddings (the sentence-transformers recipe)."""

    def __init__(self, path: Path) -> None:
        if not (path / "config.json").exists():
            raise FileNotFoundError(f"no sentence encoder at {path} (config.json missing)")
        self.name = path.name if path.name != "model" else path.parent.name
        self.tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        self.model = AutoModel.from_pretrained(str(path), local_files_only=True).eval()
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
        with self._tokenizer_lock:
            batch = self.tokenizer(
                list(texts),
                padding=True,
                truncation=True,
                max_length=MAX_TOKENS,
                return_tensors="pt",
            )
        if self.threads is not None and getattr(self._configured, "threads", None) != self.threads:
            torch.set_num_threads(self.threads)
            self._configured.threads = self.threads
        with torch.inference_mode():
            hidden = self.model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(pooled, dim=-1)
        return pooled.numpy().astype(np.float32, copy=False)

    def train_contrastive(
        self,
        batches: Sequence[Sequence[tuple[str, str, str]]],
        *,
        learning_rate: float,
        scale: float,
        seed: int,
    ) -> list[float]:
        """Fine-tune in place on (anchor, positive, group) batches with the multiple-negatives
        ranking loss: each anchor must pick its own positive out of the batch; a positive of
        the same group (another text of the same FAQ) is never counted as a negative. AdamW,
        10% linear warm-up. Returns the loss of each step."""
        torch.manual_seed(seed)
        model = self.model
        model.train()
        optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate)
        warmup = max(1, len(batches) // 10)
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda step: min(1.0, (step + 1) / warmup)
        )
        losses = []
        try:
            for chunk in batches:
                anchors = self._pooled([a for a, _, _ in chunk])
                positives = self._pooled([p for _, p, _ in chunk])
                group = [g for _, _, g in chunk]
                same = torch.tensor(
                    [
                        [group[i] == group[j] and i != j for j in range(len(chunk))]
                        for i in range(len(chunk))
                    ]
                )
                logits = (scale * anchors @ positives.T).masked_fill(same, float("-inf"))
                loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(chunk)))
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                schedule.step()
                losses.append(float(loss.detach()))
        finally:
            model.eval()
        return losses

    def _pooled(self, texts: list[str]) -> torch.Tensor:
        batch = self.tokenizer(
            texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
        )
        hidden = self.model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=-1)

    def save(self, path: Path) -> None:
        """Weights and tokenizer, loadable by Encoder(path)."""
        self.model.save_pretrained(str(path))
        self.tokenizer.save_pretrained(str(path))


@lru_cache(maxsize=4)
def load_encoder(path: Path) -> Encoder:
    return Encoder(Path(path))


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
