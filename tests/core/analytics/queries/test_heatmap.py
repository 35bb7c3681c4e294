"""The heatmap's counts from `widgetclick` rows in the database (SQLite, and PostgreSQL with
TEST_DATABASE_URL). The database is shared by the run: these clicks live in March 2033, a month
no other test writes to."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete

from core.analytics.heatmap import COLUMNS, ROWS, Cell, ElementCount
from core.analytics.period import Period
from core.analytics.queries.heatmap import all_views, cell_rows, heatmap
from core.models import WidgetClick

MARCH = Period(date(2033, 3, 1), date(2033, 3, 31), ZoneInfo("UTC"))
VISITOR = "ab" * 16


def click(
    element: str,
    panel_x: float,
    panel_y: float,
    *,
    panel: str = "chat",
    width: str = "medium",
    day: int = 10,
    **flags: bool,
) -> WidgetClick:
    return WidgetClick(
        visitor_key=VISITOR,
        element=element,
        panel=panel,
        width_class=width,
        x=0.5,
        y=0.5,
        panel_x=panel_x,
        panel_y=panel_y,
        created_at=datetime(2033, 3, day, 12, tzinfo=UTC),
        **flags,
    )


@pytest.fixture
def clicks(engine: Engine) -> Iterator[Session]:
    """Hand-placed clicks: 3 on the send button (one a rage click), 2 on a quick reply in one
    cell, 1 dead click, 1 on the launcher while closed, and clicks outside the period or in
    another width class that must not count."""
    with Session(engine) as session:
        session.add_all(
            [
                # column floor(0.95 * 12) = 11, row floor(0.96 * 20) = 19
                click("send", 0.95, 0.96),
                click("send", 0.95, 0.96),
                click("send", 0.95, 0.96, rage=True),
                # column 2, row 10 (0.2 * 12 = 2.4; 0.52 * 20 = 10.4)
                click("quick_reply", 0.2, 0.52),
                click("quick_reply", 0.24, 0.53),
                click("none", 0.5, 0.3, dead=True),  # column 6, row 6
                click("launcher", 1.0, 1.0, panel="closed"),  # the far edge: the last cell
                click("send", 0.95, 0.96, width="narrow"),
                click("send", 0.95, 0.96, day=31),  # March 31st: still in
                click("send", 0.95, 0.96, day=1),  # March 1st: still in
            ]
        )
        outside = click("send", 0.95, 0.96)
        outside.created_at = datetime(2033, 4, 2, 12, tzinfo=UTC)  # April in any time zone
        session.add(outside)
        session.commit()
        yield session
        session.exec(delete(WidgetClick).where(col(WidgetClick.visitor_key) == VISITOR))
        session.commit()


def test_clicks_are_counted_per_element_with_rage_and_dead_clicks(clicks: Session) -> None:
    view = heatmap(session=clicks, period=MARCH, panel="chat", width_class="medium")
    assert (view.clicks, view.rage_clicks, view.dead_clicks) == (8, 1, 1)
    assert view.elements == [
        ElementCount("send", 5, 5 / 8, 1, 0),
        ElementCount("quick_reply", 2, 2 / 8, 0, 0),
        ElementCount("none", 1, 1 / 8, 0, 1),
    ]


def test_clicks_fall_in_the_grid_cell_under_them(clicks: Session) -> None:
    view = heatmap(session=clicks, period=MARCH, panel="chat", width_class="medium")
    assert view.cells == [Cell(6, 6, 1), Cell(2, 10, 2), Cell(11, 19, 5)]
    closed = heatmap(session=clicks, period=MARCH, panel="closed", width_class="medium")
    assert closed.cells == [Cell(COLUMNS - 1, ROWS - 1, 1)]
    coarse = cell_rows(session=clicks, period=MARCH, panel="chat", columns=2, rows=2)
    assert sorted(coarse) == [
        ("chat", "medium", 0, 1, 2),
        ("chat", "medium", 1, 0, 1),  # 0.5 is the start of the second half
        ("chat", "medium", 1, 1, 5),
        ("chat", "narrow", 1, 1, 1),
    ]


def test_every_panel_and_width_with_clicks_is_a_view(clicks: Session) -> None:
    found = {(v.panel, v.width_class): v.clicks for v in all_views(session=clicks, period=MARCH)}
    assert found == {("chat", "medium"): 8, ("chat", "narrow"): 1, ("closed", "medium"): 1}
    empty = heatmap(session=clicks, period=MARCH, panel="contact", width_class="wide")
    assert (empty.clicks, empty.elements, empty.cells) == (0, [], [])
