"""EMOTION_MODEL_PATH: a local Hugging Face text-classification model reads emotion instead of
the shipped head, inside the encoder's process."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from core.models import Message
from core.settings import Settings
from tests.conftest import Visit, make_app

pytestmark = pytest.mark.slow


def test_a_local_model_reads_every_message(
    tmp_path: Path, engine: object, settings: Settings
) -> None:
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    # A model that only knows two negative labels: whatever it says, the reading is negative,
    # where the shipped head reads this plain question as neutral.
    names = {0: "anger", 1: "annoyance"}
    model = AutoModelForSequenceClassification.from_pretrained(
        str(settings.encoder_path),
        num_labels=2,
        id2label=names,
        label2id={v: k for k, v in names.items()},
        local_files_only=True,
    )
    model.save_pretrained(tmp_path)
    AutoTokenizer.from_pretrained(str(settings.encoder_path)).save_pretrained(tmp_path)

    with TestClient(make_app(settings, EMOTION_MODEL_PATH=tmp_path)) as client:
        turn = Visit(client).say("where are you located?")
    with Session(engine) as session:  # type: ignore[arg-type]
        stored = session.get(Message, turn["message"]["id"])
        assert stored is not None
        assert stored.emotion in {"angry", "frustrated"} and stored.polarity == "negative"
