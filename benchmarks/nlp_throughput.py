"""The cost of understanding a message: analyze() against the bare encoder, in one run.

analyze() = content filter + language detection + one encoder pass + intent head (trained on the
demo business's FAQs, as the chat server does) + emotion head + entities. The bare encoder is the
same model, same thread count, same texts. Prints messages/s at batch sizes 1, 8 and 32, the
ratio analyze/bare at each, and the median time of a single message.

    python benchmarks/nlp_throughput.py [--rounds 30] [--threads 1]

Target (issue 4): ratio at batch 32 >= 0.8, single-message p50 < 15 ms.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")


def messages() -> list[str]:
    demo = ROOT / "data" / "demo"
    support = ROOT / "data" / "models" / "emotion.minilm-attn.v2" / "support_test.csv"
    rows: list[str] = []
    for path, column in ((demo / "eval_queries.csv", "text"), (support, "text")):
        with open(path, newline="") as fh:
            rows += [r[column] for r in csv.DictReader(fh)]
    return rows


def rate(
    run: Callable[[Sequence[str]], object], texts: list[str], batch: int, rounds: int
) -> float:
    """Messages per second: the median of `rounds` timed batches (after one warm-up)."""
    chunks = [texts[i : i + batch] for i in range(0, len(texts) - batch + 1, batch)]
    run(chunks[0])
    times = []
    for r in range(rounds):
        chunk = chunks[r % len(chunks)]
        start = time.perf_counter()
        run(chunk)
        times.append(time.perf_counter() - start)
    return batch / statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    import numpy as np

    from core.nlp.analysis import Heads, analyze
    from core.nlp.builtin_intents import HUMAN, HUMAN_EXAMPLES
    from core.nlp.emotions import load_head
    from core.nlp.entities import warm_up
    from core.nlp.intents import train_intents
    from core.nlp.language import detect_languages
    from core.nlp.loading import load_encoder
    from core.settings import Settings

    settings = Settings()
    encoder = load_encoder(settings.encoder_path)
    encoder.use_threads(args.threads)
    faqs = json.loads((ROOT / "data" / "demo" / "faqs.json").read_text())
    examples = [(t, str(i)) for i, f in enumerate(faqs) for t in [f["question"], *f["phrasings"]]]
    examples += [(t, HUMAN) for t in HUMAN_EXAMPLES]
    vectors = encoder.encode([t for t, _ in examples])
    heads = Heads(
        intent_threshold=settings.INTENT_THRESHOLD,
        intents=train_intents(np.asarray(vectors), [label for _, label in examples]),
        emotions=load_head(),
        products=("Trek Marlin 5", "Brompton C Line", "Specialized Turbo Vado"),
        timezone="America/Halifax",
    )
    warm_up()
    detect_languages(["Warming up the language detector."])
    texts = messages()
    now = datetime(2026, 11, 24, 10, 0)

    def full(chunk: Sequence[str]) -> object:
        return analyze(chunk, encoder, heads, now=now)

    print(
        f"{len(texts)} support-style messages, {args.threads} encoder thread(s), median of "
        f"{args.rounds} batches"
    )
    figures = {}
    for batch in (1, 8, 32):
        bare = rate(encoder.encode, texts, batch, args.rounds)
        whole = rate(full, texts, batch, args.rounds)
        figures[batch] = (bare, whole)
        print(
            f"batch {batch:>2}: bare encoder {bare:7.1f} msg/s | analyze() {whole:7.1f} msg/s "
            f"| ratio {whole / bare:.3f}"
        )
    single = []
    for text in texts[: args.rounds * 2]:
        start = time.perf_counter()
        full([text])
        single.append((time.perf_counter() - start) * 1000)
    p50 = statistics.median(single)
    print(
        f"single message analyze(): p50 {p50:.2f} ms, p90 "
        f"{statistics.quantiles(single, n=10)[-1]:.2f} ms"
    )
    print(
        json.dumps(
            {
                "ratio_batch_32": round(figures[32][1] / figures[32][0], 3),
                "ratio_batch_8": round(figures[8][1] / figures[8][0], 3),
                "ratio_batch_1": round(figures[1][1] / figures[1][0], 3),
                "analyze_msgs_per_s_32": round(figures[32][1], 1),
                "single_p50_ms": round(p50, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
