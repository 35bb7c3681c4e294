"""The emotions evaluation command: its figures on a small polarity file, and labels it refuses."""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import pytest

from core.nlp import emotions
from core.nlp.training.evaluate import main


@pytest.mark.slow
def test_evaluate_command_on_a_small_polarity_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "test.csv"
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label"])
        writer.writerow(["Thanks a lot, all sorted!", "positive"])
        writer.writerow(["My order never arrived", "negative"])
        writer.writerow(["What are your opening hours?", "neutral"])
    assert main(["emotions", "--test", str(path), "--polarity"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["labels"] == "polarity" and result["texts"] == 3
    assert result["accuracy"] == 1.0
    assert set(result["per_class"]) == {"negative", "neutral", "positive"}


def test_evaluate_rejects_unknown_labels(tmp_path: Path) -> None:
    from core.nlp.training.evaluate_emotions import run

    path = tmp_path / "test.csv"
    path.write_text("text,label\nhello,elated\n")
    args = argparse.Namespace(test=path, polarity=False, head=emotions.HEAD_NAME, model=None)
    with pytest.raises(ValueError, match="elated"):
        run(args)
