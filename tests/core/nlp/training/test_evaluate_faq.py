"""The FAQ evaluation command on a tiny set it must get right."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from core.nlp.training.evaluate import main

pytestmark = pytest.mark.slow


def write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_faq_top1_and_mrr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    faqs = write(
        tmp_path / "faqs.csv",
        ["faq_id", "question", "answer"],
        [
            ["a", "What are your opening hours?", "9-5"],
            ["b", "How do I return an order?", "Ship it back"],
        ],
    )
    queries = write(
        tmp_path / "q.csv",
        ["text", "faq_id"],
        [
            ["when are you open", "a"],
            ["I want to send my purchase back", "b"],
            ["refund my order", "b"],
        ],
    )
    assert main(["faq", "--faqs", str(faqs), "--queries", str(queries)]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result == {"task": "faq", "queries": 3, "top1": 1.0, "mrr": 1.0}
