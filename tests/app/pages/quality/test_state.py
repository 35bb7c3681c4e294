"""The quality page shows, and its CSV downloads hold, the figures the JSON command prints."""

from __future__ import annotations

import io
import json
from datetime import date

import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.pages.quality.state import (
    PER_FAQ_COLUMNS,
    QUEUE_COLUMNS,
    faq_row,
    queue_row,
    summary_cards,
)
from core import manage
from core.analytics.csv_export import to_csv
from core.analytics.queries.quality import figures
from core.db import session_scope
from tests.core.analytics.quality_data import Built, build

DAY = date(2033, 6, 10)


@pytest.fixture(scope="module")
def built(engine: Engine) -> Built:
    with session_scope(engine) as session:
        return build(session, DAY)


def test_the_page_and_its_csv_show_what_the_json_command_prints(
    engine: Engine,
    built: Built,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("core.db.get_engine", lambda: engine)
    day = DAY.isoformat()
    assert manage.main(["analytics", "--from", day, "--to", day, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)["quality"]
    with Session(engine) as session:
        found = figures(session=session, period=built.period)
    assert printed == json.loads(json.dumps(found))  # the page's own dict, as JSON

    cards = {card["label"]: card["value"] for card in summary_cards(found)}
    assert cards["Answers scored"] == "5" and cards["Waiting for review"] == "2"
    assert cards["Resolved by the bot"] == "2 of 5"
    assert (cards["Confirmed"], cards["Assumed"]) == ("1", "1")
    queue = [queue_row(row) for row in found["review_queue"]]
    assert [(row["score"], row["completeness"]) for row in queue] == [
        ("0.28", "no"),
        ("0.41", "no"),
    ]
    assert queue[0]["inbox_url"] == f"/inbox?c={built.conversations['c3'].public_id}"
    assert queue[0]["edit_url"] == f"/knowledge?edit={built.faq_b}"
    assert [faq_row(row)["mean_score"] for row in found["per_faq"]] == ["0.35", "0.77"]

    per_faq = pd.read_csv(io.StringIO(to_csv(found["per_faq"], PER_FAQ_COLUMNS)))
    assert list(per_faq["answers"]) == [r["answers"] for r in printed["per_faq"]]
    assert list(per_faq["mean_score"]) == pytest.approx(
        [r["mean_score"] for r in printed["per_faq"]]
    )
    queue_csv = pd.read_csv(io.StringIO(to_csv(found["review_queue"], QUEUE_COLUMNS)))
    assert list(queue_csv["message_id"]) == [r["message_id"] for r in printed["review_queue"]]
