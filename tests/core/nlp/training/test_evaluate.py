"""The evaluation command's figures on a small Presidio-format file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.nlp.training.evaluate import main


def record(text: str, *spans: tuple[str, str]) -> dict[str, object]:
    return {
        "full_text": text,
        "spans": [
            {
                "entity_type": kind,
                "start_position": text.index(value),
                "end_position": text.index(value) + len(value),
            }
            for kind, value in spans
        ],
    }


def test_pii_precision_and_recall(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = [
        record("pay with 4111 1111 1111 1111", ("CREDIT_CARD", "4111 1111 1111 1111")),
        record("mail ada@example.org", ("EMAIL_ADDRESS", "ada@example.org")),
        record("ssn is 536-90-4399", ("US_SSN", "536-90-4399")),
        record("my other email is gone", ("EMAIL_ADDRESS", "gone")),  # a miss
        record("order 5105 1051 0510 5100 arrived"),  # a card the gold data does not list
    ]
    path = tmp_path / "pii.json"
    path.write_text(json.dumps(data))
    assert main(["pii", "--data", str(path)]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    per = result["per_type"]
    assert per["CREDIT_CARD"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "support": 1}
    assert per["EMAIL_ADDRESS"]["recall"] == 0.5 and per["EMAIL_ADDRESS"]["precision"] == 1.0
    assert per["US_SSN"]["f1"] == 1.0


def test_missing_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pii", "--data", str(tmp_path / "nope.json")]) == 2
    assert "cannot evaluate" in capsys.readouterr().err
