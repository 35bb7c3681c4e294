"""The emotion head's network, trained with torch on frozen token states; `core.nlp.emotions`
runs the weights it returns with numpy, so the chat server never needs torch for the head."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from core.nlp.token_states import TokenStates


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
