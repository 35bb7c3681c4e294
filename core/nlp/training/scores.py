"""Classification figures, the same for the evaluation command and the emotion head's card."""

from __future__ import annotations

from collections import Counter
from typing import Any


def scores(gold: list[str], predicted: list[str], labels: tuple[str, ...]) -> dict[str, Any]:
    """Accuracy, macro-F1 over `labels` and per-class precision/recall/F1/support."""
    pairs = Counter(zip(gold, predicted, strict=True))
    per_class = {}
    for label in labels:
        tp = pairs[(label, label)]
        support = sum(n for (g, _), n in pairs.items() if g == label)
        predicted_n = sum(n for (_, p), n in pairs.items() if p == label)
        precision = tp / predicted_n if predicted_n else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": support,
        }
    present = [label for label in labels if per_class[label]["support"]]
    accuracy = sum(pairs[(label, label)] for label in labels) / max(1, len(gold))
    macro = sum(float(per_class[label]["f1"]) for label in present) / max(1, len(present))
    return {"accuracy": round(accuracy, 4), "macro_f1": round(macro, 4), "per_class": per_class}
