"""The torch half of fine-tuning: the encoder's own weights trained with the multiple-negatives
ranking loss, then saved where `Encoder(path)` loads them. Kept out of `core.nlp.loading` so the
run-time seam holds inference only."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import torch

from core.nlp.loading import MAX_TOKENS, Encoder, mean_pool


def train_contrastive(
    encoder: Encoder,
    batches: Sequence[Sequence[tuple[str, str, str]]],
    *,
    learning_rate: float,
    scale: float,
    seed: int,
) -> list[float]:
    """Fine-tune `encoder` in place on (anchor, positive, group) batches: each anchor must pick
    its own positive out of the batch; a positive of the same group (another text of the same
    FAQ) is never counted as a negative. AdamW, 10% linear warm-up. Returns the loss of each
    step."""
    torch.manual_seed(seed)
    model = encoder.model
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate)
    warmup = max(1, len(batches) // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / warmup)
    )
    losses = []
    try:
        for chunk in batches:
            anchors = _pooled(encoder, [a for a, _, _ in chunk])
            positives = _pooled(encoder, [p for _, p, _ in chunk])
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
        # The same object may go on encoding (the "after" figures): dropout off again.
        model.eval()
    return losses


def _pooled(encoder: Encoder, texts: list[str]) -> torch.Tensor:
    """`Encoder.encode` with gradients kept (encode runs under inference_mode)."""
    batch = encoder.tokenizer(
        texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
    )
    return mean_pool(encoder.model(**batch).last_hidden_state, batch["attention_mask"])


def save_encoder(encoder: Encoder, path: Path) -> None:
    """Weights and tokenizer, loadable by Encoder(path)."""
    encoder.model.save_pretrained(str(path))
    encoder.tokenizer.save_pretrained(str(path))
