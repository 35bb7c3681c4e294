"""The entities evaluation command's figures, and the Presidio JSON to CoNLL conversion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.nlp.training.evaluate import main
from core.nlp.training.evaluate_entities import presidio_to_conll, read_conll


def conll(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "test.conll"
    path.write_text(text.replace(" ", "\t"))
    return path


def evaluate(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["entities", *args]) == 0
    return dict(json.loads(capsys.readouterr().out.strip().splitlines()[-1]))


def test_entity_scores_count_exact_spans_per_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = conll(
        tmp_path,
        # found exactly: Dr. Khan, Halifax
        "I O\nmet O\nDr. B-per\nKhan I-per\nin O\nHalifax B-loc\n\n"
        # gold without the title: the found "Dr. Lee" is a wrong span (one FP, one FN)
        "ask O\nDr. O\nLee B-per\n\n"
        # lower case after a weak cue: missed (FN); "group" is not scored
        "thanks O\nbob B-per\nat O\nthe B-group\nclub I-group\n\n"
        # a place the gold data does not mark (FP), and a date nobody scores
        "Toronto O\non O\nMonday O\n",
    )
    result = evaluate(["--test", str(path), "--map", "per=PERSON,loc=LOCATION"], capsys)
    per_type = result["per_type"]
    assert per_type == {
        "LOCATION": {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "support": 1},
        "PERSON": {"precision": 0.5, "recall": 0.3333, "f1": 0.4, "support": 3},
    }
    assert result["micro"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 4}
    assert result["sentences"] == 4


def test_map_renames_predicted_types_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = conll(tmp_path, "see O\nyou O\non O\nMonday B-DATE_TIME\nat O\nnoon B-DATE_TIME\n")
    result = evaluate(["--test", str(path), "--map", "DATE=DATE_TIME,TIME=DATE_TIME"], capsys)
    # "Monday at noon" is one predicted DATE: a wrong span for both gold ones.
    assert result["per_type"] == {
        "DATE_TIME": {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 2}
    }


def test_presidio_json_becomes_iob2_conll(tmp_path: Path) -> None:
    text = "Mr. Leiva flew to Oslo on Tuesday."
    record = {
        "full_text": text,
        "spans": [
            {"entity_type": "PERSON", "start_position": 4, "end_position": 9},
            {"entity_type": "DATE_TIME", "start_position": 26, "end_position": 33},
        ],
    }
    (tmp_path / "synth.json").write_text(json.dumps([record]))
    assert presidio_to_conll(tmp_path / "synth.json", tmp_path / "out.conll") == 1
    [sentence] = read_conll(tmp_path / "out.conll")
    assert [tag for _, tag in sentence] == ["O", "O", "B-PERSON", *"OOOO", "B-DATE_TIME", "O"]
    assert [token for token, _ in sentence][:3] == ["Mr", ".", "Leiva"]


def test_a_bad_map_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = conll(tmp_path, "Ana B-per\n")
    assert main(["entities", "--test", str(path), "--map", "per"]) == 2
    assert "src=dst" in capsys.readouterr().err
