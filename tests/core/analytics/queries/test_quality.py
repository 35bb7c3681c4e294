"""Response quality read from the database (SQLite, and PostgreSQL with TEST_DATABASE_URL):
every figure on hand-built conversations with known answers (tests/core/analytics/quality_data.py).

a1 FAQ A: relevance .9, complete, thumbs-up, 500 ms        -> .27 + .3 + .3 + .1    = .97
a2 FAQ A: relevance .8, re-asked, unrated (rule .4), 4 s    -> .24 + 0 + .12 + .05   = .41
a3 FAQ A: relevance .85, complete, unrated (rule .925), 1 s -> .255 + .3 + .2775 + .1 = .9325
a4 FAQ B: relevance .6, clarified next, thumbs-down, 1 s    -> .18 + 0 + 0 + .1      = .28
a5 FAQ B: relevance .7, agent next, unrated (rule .35), -   -> .21 + 0 + .105 + .1   = .415 (reviewed)
"""

from __future__ import annotations

from datetime import date

import pytest
from pytest import approx
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.analytics import quality as q
from core.analytics.queries.quality import quality
from core.db import session_scope
from tests.core.analytics.quality_data import Built, build

DAY = date(2035, 3, 10)  # a day no other test writes to: the run shares one database


@pytest.fixture(scope="module")
def built(engine: Engine) -> Built:
    with session_scope(engine) as session:
        return build(session, DAY)


def test_every_answer_is_scored_from_its_four_parts(engine: Engine, built: Built) -> None:
    with Session(engine) as session:
        found = quality(session=session, period=built.period)
    assert found.answers == 5
    assert found.mean_score == approx((0.97 + 0.41 + 0.9325 + 0.28 + 0.415) / 5)
    assert found.mean_parts == approx(
        {
            "relevance": (0.9 + 0.8 + 0.85 + 0.6 + 0.7) / 5,
            "completeness": 2 / 5,
            "helpfulness": (1 + 0.4 + 0.925 + 0 + 0.35) / 5,
            "speed": (1 + 0.5 + 1 + 1 + 1) / 5,
        }
    )
    assert (found.rated, found.thumbs_up_share, found.reasks) == (2, 0.5, 1)
    assert [d["answers"] for d in found.distribution] == [0, 0, 1, 0, 2, 0, 0, 0, 0, 2]
    assert "Fewer than 20 rated answers" in found.model


def test_answers_under_the_threshold_wait_for_review_worst_first(
    engine: Engine, built: Built
) -> None:
    with Session(engine) as session:
        found = quality(session=session, period=built.period)
    assert (found.below_threshold, found.awaiting_review) == (3, 2)  # a5 was marked reviewed
    queue = found.queue
    assert [row["message_id"] for row in queue] == [built.answers["a4"], built.answers["a2"]]
    first = queue[0]
    assert first["score"] == approx(0.28) and first["question"] == f"Quality B {DAY}"
    assert first["conversation"] == built.conversations["c3"].public_id
    assert (first["relevance"], first["completeness"], first["helpfulness"]) == approx((0.6, 0, 0))
    assert first["rated"] is True and first["answered_at"].startswith("2035-03-10T09:")
    assert queue[1]["speed"] == approx(0.5) and queue[1]["rated"] is False


def test_the_per_faq_table_lists_the_weakest_faq_first(engine: Engine, built: Built) -> None:
    with Session(engine) as session:
        rows = quality(session=session, period=built.period).per_faq
    assert [row["faq_id"] for row in rows] == [built.faq_b, built.faq_a]
    weak, strong = rows
    assert weak["answers"] == 2 and weak["mean_score"] == approx((0.28 + 0.415) / 2)
    assert (weak["rated"], weak["thumbs_up_share"], weak["reasks"], weak["below_threshold"]) == (
        1,
        0.0,
        0,
        2,
    )
    assert strong["answers"] == 3 and strong["mean_score"] == approx((0.97 + 0.41 + 0.9325) / 3)
    assert (strong["thumbs_up_share"], strong["reasks"], strong["below_threshold"]) == (1.0, 1, 1)


def test_resolution_is_confirmed_by_a_thumbs_up_or_assumed_from_silence(
    engine: Engine, built: Built
) -> None:
    with Session(engine) as session:
        found = quality(session=session, period=built.period).resolution
    # c1 confirmed (thumbs-up); c2 assumed (ends on an FAQ answer); c3 thumbs-down and contact,
    # c4 an agent, c5 never answered from an FAQ.
    assert (found.conversations, found.confirmed, found.assumed) == (5, 1, 1)
    assert found.rate == approx(2 / 5)


def test_with_enough_ratings_unrated_answers_take_their_cells_thumbs_up_share(
    engine: Engine, built: Built, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(q, "MIN_RATED", 1)
    with Session(engine) as session:
        found = quality(session=session, period=built.period)
    # a1 (complete, relevance band 3) was liked, so a3 (same cell) is predicted 1.0, not .925;
    # a2 and a5 (incomplete, band 2) have no rated neighbour and keep the rule.
    assert found.mean_parts["helpfulness"] == approx((1 + 0.4 + 1.0 + 0 + 0.35) / 5)
    assert "2 of 8 cells" in found.model


def test_a_period_without_answers_has_no_scores(engine: Engine) -> None:
    with Session(engine) as session:
        found = quality(session=session, period=Period_of(date(2035, 3, 12)))
    assert found.answers == 0 and found.mean_score is None and found.queue == []
    assert found.resolution.rate is None


def Period_of(day: date):  # noqa: N802
    from zoneinfo import ZoneInfo

    from core.analytics.period import Period

    return Period(day, day, ZoneInfo("UTC"))
