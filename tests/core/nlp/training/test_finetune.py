"""Fine-tuning the encoder on the business's FAQs: split, pairs, adoption, and a real short run."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from core.nlp.training.faq_sets import Faq, split_phrasings, training_pairs
from core.nlp.training.finetune import better, main
from core.settings import Settings

FAQS = [
    Faq(
        "1",
        "When are you open?",
        "9 to 5 on weekdays.",
        ("opening hours", "are you open now", "what time do you close", "hours on sunday"),
    ),
    Faq(
        "2",
        "Do you rent bikes?",
        "Yes, from $25 a day.",
        ("bike hire", "can I rent an e-bike", "rental prices", "hire a bike for a day"),
    ),
    Faq(
        "3",
        "Where are you?",
        "14 Wharf Street.",
        (
            "address",
            "how do I find the shop",
        ),
    ),
]


def test_a_share_of_each_faqs_phrasings_is_held_out_and_never_trained_on() -> None:
    split = split_phrasings(FAQS, holdout=0.3, seed=0)
    held = {text for text, _ in split.held_out}
    assert len(held) == 1 + 1 + 1  # round(4 * 0.3) = 1, and at least one of two
    for faq in split.faqs:
        assert not held & set(faq.phrasings)
    trained = {a for a, _, _ in training_pairs(split.faqs)} | {
        p for _, p, _ in training_pairs(split.faqs)
    }
    assert not held & trained
    # Same seed, same split: before/after figures compare like with like.
    assert split_phrasings(FAQS, holdout=0.3, seed=0) == split


def test_pairs_link_phrasings_to_their_question_and_answer() -> None:
    pairs = training_pairs([FAQS[2]])
    assert ("Where are you?", "14 Wharf Street.", "3") in pairs
    assert ("address", "Where are you?", "3") in pairs and (
        "address",
        "14 Wharf Street.",
        "3",
    ) in pairs


def test_a_new_model_is_adopted_only_when_it_retrieves_better_and_keeps_emotion() -> None:
    before = {"top1": 0.90, "mrr": 0.93, "emotion_polarity": 0.91}
    assert better({"top1": 0.92, "mrr": 0.94, "emotion_polarity": 0.90}, before)
    assert better({"top1": 0.90, "mrr": 0.95, "emotion_polarity": 0.91}, before)
    assert not better({"top1": 0.90, "mrr": 0.93, "emotion_polarity": 0.95}, before)
    assert not better({"top1": 0.89, "mrr": 0.99, "emotion_polarity": 0.91}, before)
    assert not better({"top1": 0.95, "mrr": 0.97, "emotion_polarity": 0.85}, before)


@pytest.mark.slow
def test_a_short_run_saves_a_versioned_model_and_records_before_and_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    faqs, queries = tmp_path / "faqs.csv", tmp_path / "queries.csv"
    with open(faqs, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["faq_id", "question", "answer"])
        writer.writerows((f.faq_id, f.question, f.answer) for f in FAQS)
    with open(queries, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "faq_id"])
        writer.writerows((p, f.faq_id) for f in FAQS for p in f.phrasings)
    models = tmp_path / "models"
    args = ["--faqs", str(faqs), "--queries", str(queries), "--models-dir", str(models)]
    assert main([*args, "--batch-size", "4"]) == 0
    record = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert record["model"] == "encoder.v2" and record["held_out_queries"] == 3
    assert record["training"]["steps"] >= 1
    assert {"top1", "mrr", "emotion_polarity"} <= set(record["before"]) & set(record["after"])
    saved = models / "encoder.v2"
    assert (saved / "config.json").exists() and (saved / "MODEL_CARD.md").exists()
    history = (models / "finetune-history.jsonl").read_text().splitlines()
    assert json.loads(history[-1])["model"] == "encoder.v2"
    adopted = (models / "ADOPTED").read_text().strip() if (models / "ADOPTED").exists() else None
    assert adopted == ("encoder.v2" if record["adopted"] else None)

    # The next run is the next version; --no-adopt never moves the pointer.
    assert main([*args, "--batch-size", "4", "--no-adopt"]) == 0
    second = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert second["model"] == "encoder.v3" and second["adopted"] is False
    assert (
        (models / "ADOPTED").read_text().strip() if (models / "ADOPTED").exists() else None
    ) == adopted


def test_the_chat_server_loads_the_adopted_encoder(tmp_path: Path) -> None:
    settings = Settings(DATA_DIR=tmp_path)
    shipped = settings.encoder_path
    (tmp_path / "models" / "encoder.v2").mkdir(parents=True)
    (tmp_path / "models" / "ADOPTED").write_text("encoder.v2\n")
    assert settings.encoder_path == shipped  # named but not a model: ignored
    (tmp_path / "models" / "encoder.v2" / "config.json").write_text("{}")
    assert settings.encoder_path == tmp_path / "models" / "encoder.v2"
    assert Settings(DATA_DIR=tmp_path, ENCODER_PATH=shipped).encoder_path == shipped


def test_a_translation_trains_as_its_source_faq(engine: object) -> None:
    from core.crud import faqs as faq_crud
    from core.db import session_scope
    from core.models import FaqEntryCreate
    from core.nlp.training.finetune import faqs_from_database

    with session_scope(engine) as session:  # type: ignore[arg-type]
        source = faq_crud.create_faq(
            session=session,
            faq_in=FaqEntryCreate(question="Bike wash?", answer="Yes, $10.", phrasings=["wash"]),
        )
        urdu = faq_crud.create_faq(
            session=session,
            faq_in=FaqEntryCreate(
                question="سائیکل دھلائی؟",
                answer="جی ہاں",
                language="ur",
                translation_of=source.id,
                phrasings=["دھلائی"],
            ),
        )
    try:
        mine = [f for f in faqs_from_database() if f.faq_id == str(source.id)]
        assert len(mine) == 1 and mine[0].question == "Bike wash?"
        assert set(mine[0].phrasings) == {"wash", "سائیکل دھلائی؟", "دھلائی"}
        assert all(f.faq_id != str(urdu.id) for f in faqs_from_database())
    finally:
        with session_scope(engine) as session:  # type: ignore[arg-type]
            faq_crud.delete_faq(session=session, faq=session.merge(urdu))
            faq_crud.delete_faq(session=session, faq=session.merge(source))
