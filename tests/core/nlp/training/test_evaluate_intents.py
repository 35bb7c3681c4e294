"""The intents evaluation command: its figures, and the Banking77 split with intents held out."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest


@pytest.mark.slow
def test_evaluation_command_prints_its_figures_last(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from core.nlp.training.evaluate_intents import main

    def write(name: str, rows: list[tuple[str, str]]) -> str:
        with open(tmp_path / name, "w", newline="") as fh:
            csv.writer(fh).writerows([("text", "label"), *rows])
        return str(tmp_path / name)

    hours = ["when do you open", "what are your opening hours", "are you open on sunday"]
    returns = ["how do I return an item", "can I send my order back", "refund policy"]
    train = write("train.csv", [(t, "hours") for t in hours] + [(t, "returns") for t in returns])
    test = write("test.csv", [("what time do you close", "hours"), ("I want a refund", "returns")])
    oos = write("oos.csv", [("what is the capital of australia", "trivia")])
    assert main(["intents", "--train", train, "--test", test, "--oos", oos]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["task"] == "intents" and result["intents"] == 2 and result["oos"] == 1
    assert result["accuracy"] == 1.0 and result["macro_f1"] == 1.0
    assert 0.0 <= result["ece"] <= 1.0 and result["threshold"] == 0.7
    assert [point["threshold"] for point in result["curve"]][:2] == [0.3, 0.4]


def test_held_out_split_moves_whole_intents_to_out_of_scope(tmp_path: Path) -> None:
    from core.nlp.training.evaluate_intents import ROOT, make_split, read_labelled

    data = tmp_path / "banking"
    data.mkdir()
    for split in ("train", "test"):
        with open(data / f"{split}.csv", "w", newline="") as fh:
            rows = [(f"{split} {label} {i}", label) for label in "abcde" for i in range(3)]
            csv.writer(fh).writerows([("text", "category"), *rows])
    result = make_split(data, tmp_path / "out", hold_out=2, seed=0)
    held = set(result["held_out"])
    assert len(held) == 2 and result == make_split(data, tmp_path / "again", 2, 0) | {
        "out": result["out"]
    }
    assert not held & set(read_labelled(tmp_path / "out" / "train.csv")[1])
    assert not held & set(read_labelled(tmp_path / "out" / "test.csv")[1])
    oos_texts, oos_labels = read_labelled(tmp_path / "out" / "oos.csv")
    assert set(oos_labels) == held and all(t.startswith("test ") for t in oos_texts)
    with pytest.raises(ValueError, match="inside the project"):
        make_split(data, ROOT / "data" / "b77", hold_out=2, seed=0)
