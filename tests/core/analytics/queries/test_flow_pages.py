"""The flows filter by page, now that page URLs are encrypted: the plain section (the path's
first segment) decides in SQL, and the URLs it cannot decide are decrypted and matched."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.analytics.period import Period
from core.analytics.queries import flows as queries
from core.analytics.queries.flows import FlowFilters
from core.models import AnalyticsEvent, EventName
from core.models.conversations import page_section
from tests.factories import make_conversation

PERIOD = Period(date(2034, 5, 1), date(2034, 5, 31), ZoneInfo("UTC"))
START = datetime(2034, 5, 10, 9, 0, tzinfo=UTC)
PAGES = {
    "home": "https://shop.example/",
    "plans": "https://shop.example/pricing/plans",
    "teams": "https://shop.example/pricing/teams",
    "order": "https://shop.example/A77881/track",  # a first segment that may be personal
    "none": None,
}


@pytest.mark.parametrize(
    ("url", "section"),
    [
        (None, None),
        ("https://shop.example", "/"),
        ("https://shop.example/", "/"),
        ("https://shop.example/pricing/plans", "/pricing"),
        ("https://shop.example/help-centre", "/help-centre"),
        ("https://shop.example/v2/docs", "/v2"),
        ("https://shop.example/A77881/track", None),
        ("https://shop.example/jo.bloggs@example.org", None),
        ("https://shop.example/2034-sale", None),
        ("https://shop.example/" + "a" * 41, None),
    ],
)
def test_only_a_section_like_first_segment_is_kept_plain(url: str | None, section: str) -> None:
    assert page_section(url) == section


@pytest.fixture(scope="module")
def made(engine: Engine) -> Iterator[dict[str, int]]:
    ids = {}
    with Session(engine, expire_on_commit=False) as session:
        for key, url in PAGES.items():
            conversation = make_conversation(session, created_at=START, page_url=url)
            session.add(
                AnalyticsEvent(
                    name=EventName.CONTACT_REQUESTED,
                    conversation_id=conversation.id,
                    created_at=START + timedelta(seconds=5),
                )
            )
            session.flush()
            assert conversation.id is not None
            ids[key] = conversation.id
        session.commit()
    yield ids


def _on(session: Session, page: str) -> int:
    table = queries.path_table(session=session, period=PERIOD, filters=FlowFilters(page=page))
    return int(table["conversations"].sum()) if len(table) else 0


@pytest.mark.parametrize(
    ("page", "conversations"),
    [
        ("", 5),
        ("/", 4),  # every conversation that has a page
        ("/pricing", 2),
        ("/pri", 2),
        ("/pricing/", 2),
        ("/pricing/plans", 1),
        ("/pricing/plans/extra", 0),
        ("/A77881", 1),  # read from the encrypted URL
        ("/A77881/track", 1),
        ("/help", 0),
        ("pricing", 0),  # paths start with "/"
    ],
)
def test_the_page_filter_matches_path_prefixes(
    session: Session, made: dict[str, int], page: str, conversations: int
) -> None:
    assert _on(session, page) == conversations


def test_the_plain_section_is_set_when_the_page_changes(
    session: Session, made: dict[str, int]
) -> None:
    def stored(key: str) -> tuple[str | None, str | None]:
        row = session.connection().execute(
            text("SELECT page_url, page_section FROM conversation WHERE id = :id"),
            {"id": made[key]},
        )
        return tuple(row.one())  # type: ignore[return-value]

    url, section = stored("plans")
    assert url is not None and "pricing" not in url and section == "/pricing"
    assert stored("order")[1] is None and stored("none") == (None, None)
