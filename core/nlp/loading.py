"""The one place that imports torch and transformers: loads the sentence encoder once."""

from __future__ import annotations

import os
import threading
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
        with torch.inference_mode():
            batch, output = self._forward(texts, hidden_states=False)
            pooled = _mean_pool(output.last_hidden_state, batch["attention_mask"])
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
            pooled = _mean_pool(last, mask).numpy().astype(np.float32, copy=False)
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
        return _mean_pool(self.model(**batch).last_hidden_state, batch["attention_mask"])

    def save(self, path: Path) -> None:
        """Weights and tokenizer, loadable by Encoder(path)."""
        self.model.save_pretrained(str(path))
        self.tokenizer.save_pretrained(str(path))


def _mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean over each text's tokens, L2-normalised (the sentence-transformers recipe)."""
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, dim=-1)


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


def fit_attention_head(
    states: TokenStates,
    labels: np.ndarray,
    *,
    outputs: Sequence[int],
    boosted: np.ndarray,
    boost_per_batch: int,
    epochs: int,
    seed: int,
    queries: int = 4,
    hidden: int = 256,
    dropout: float = 0.2,
    batch_size: int = 128,
    learning_rate: float = 1e-3,
    weight_decay: float = 0.05,
    after_epoch: Any = None,
) -> dict[str, np.ndarray]:
    """Train a small network on frozen token states; returns its weights as numpy arrays (run
    by `core.nlp.emotions` with numpy, the layout of torch.nn.Linear: y = x @ w.T + b).

    The network: `queries` attention-pooled views of the last layer's tokens, beside the
    standardised mean of every layer, then one GELU hidden layer shared by the outputs (one
    softmax per entry of `outputs`, with that many classes). `labels` is (n, len(outputs)),
    -1 where a row says nothing for an output. Each step takes `batch_size` rows at random
    and, as a loss of its own beside theirs, `boost_per_batch` rows drawn from the `boosted`
    ones: a small set of rows (the support-style lines) weighs as much as all the others.
    `after_epoch(epoch, weights)` may watch progress."""
    torch.manual_seed(seed)
    n, _, dim = states.tokens.shape
    means = torch.from_numpy(states.layer_means.reshape(n, -1).astype(np.float32))
    # A feature that hardly varies (some last-layer dimensions stay near 0) is not blown up:
    # an encoder that moves it a little must not swing the readings.
    centre, scale = means.mean(0), means.std(0).clamp(min=1e-2)
    tokens = torch.from_numpy(states.tokens)
    mask = torch.from_numpy(states.mask)
    targets = torch.from_numpy(labels.astype(np.int64))
    pool = torch.nn.Linear(dim, queries)
    trunk = torch.nn.Sequential(
        torch.nn.Dropout(dropout),
        torch.nn.Linear(dim * queries + means.shape[1], hidden),
        torch.nn.GELU(),
        torch.nn.Dropout(dropout),
    )
    heads = torch.nn.ModuleList(torch.nn.Linear(hidden, k) for k in outputs)
    modules = torch.nn.ModuleList([pool, trunk, heads])

    def forward(rows: torch.Tensor) -> list[torch.Tensor]:
        x = tokens[rows].float()
        attention = pool(x).masked_fill(~mask[rows].unsqueeze(-1), -1e4).softmax(1)
        pooled = torch.einsum("btk,bth->bkh", attention, x).reshape(len(rows), -1)
        z = trunk(torch.cat([pooled, (means[rows] - centre) / scale], 1))
        return [head(z) for head in heads]

    def weights() -> dict[str, np.ndarray]:
        out: dict[str, Any] = {
            "pool_w": pool.weight,
            "pool_b": pool.bias,
            "centre": centre,
            "scale": scale,
            "hidden_w": trunk[1].weight,
            "hidden_b": trunk[1].bias,
        }
        for i, layer in enumerate(heads):
            out[f"out{i}_w"], out[f"out{i}_b"] = layer.weight, layer.bias
        return {k: v.detach().numpy().astype(np.float32).copy() for k, v in out.items()}

    boost_rows = torch.from_numpy(np.flatnonzero(boosted))
    steps = epochs * ((n + batch_size - 1) // batch_size)
    optimizer = torch.optim.AdamW(modules.parameters(), lr=learning_rate, weight_decay=weight_decay)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=learning_rate, total_steps=steps, pct_start=0.1
    )
    for epoch in range(epochs):
        modules.train()
        order = torch.randperm(n)
        for start in range(0, n, batch_size):
            parts = [order[start : start + batch_size]]
            if len(boost_rows) and boost_per_batch:
                parts.append(boost_rows[torch.randint(0, len(boost_rows), (boost_per_batch,))])
            loss = torch.zeros(())
            for rows in parts:  # the boosted draw is a loss of its own, as heavy as the batch
                for i, logits in enumerate(forward(rows)):
                    wanted = targets[rows, i]
                    if bool((wanted >= 0).any()):
                        loss = loss + torch.nn.functional.cross_entropy(
                            logits, wanted, ignore_index=-1
                        )
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
        modules.eval()
        if after_epoch is not None:
            after_epoch(epoch, weights())
    return weights()
