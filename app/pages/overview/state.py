"""The Overview's state: the figures for today and the last 7 days, and conversations per day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import reflex as rx

from app import charts
from app.charts.overview import conversations_per_day
from app.session_state import AuthState, guarded
from core.analytics.overview import Summary
from core.analytics.queries import overview as queries
from core.crud import business as business_crud
from core.db import session_scope

DASH = "–"

# (label, help text) of each card, in the order `_cards` gives their values
METRICS: list[tuple[str, str]] = [
    ("Conversations", "Conversations started"),
    ("Messages", "Messages from visitors, the bot and agents"),
    (
        "Resolved by the bot",
        "A thumbs-up on an FAQ answer, or nothing asked after one; no agent, contact request "
        "or thumbs-down",
    ),
    ("Handed to an agent", "An agent took the conversation over"),
    ("Median first response", "From the visitor's first message to the first answer"),
    ("Feedback", "Share of helpful ratings"),
]


def _share(value: float | None) -> str:
    return DASH if value is None else f"{value:.0%}"


def _seconds(value: float | None) -> str:
    if value is None:
        return DASH
    if value < 1:
        return f"{value * 1000:.0f} ms"
    if value < 120:
        return f"{value:.1f} s"
    return f"{value / 60:.0f} min"


def _cards(summary: Summary) -> list[str]:
    feedback = (
        DASH
        if summary.feedback_score is None
        else f"{summary.feedback_score:.0%} of {summary.feedback_count}"
    )
    return [
        str(summary.conversations),
        str(summary.messages),
        _share(summary.bot_resolved_share),
        _share(summary.handed_over_share),
        _seconds(summary.median_first_response_seconds),
        feedback,
    ]


class OverviewState(AuthState):
    today: list[str] = []
    week: list[str] = []
    time_zone: str = "UTC"
    _per_day: list[tuple[date, int]] = []  # backend only: the page shows it as a chart

    @rx.var
    def per_day_chart(self) -> charts.Figure:
        """Conversations per day as app/charts draws them; recomputed when a load changes them."""
        return conversations_per_day(self._per_day)

    @rx.event
    @guarded()
    def load(self) -> None:
        with session_scope() as session:
            self.time_zone = business_crud.get_business(session=session).timezone
            found = queries.overview(
                session=session, now=datetime.now(UTC), tz=ZoneInfo(self.time_zone)
            )
        self.today = _cards(found.today)
        self.week = _cards(found.last_7_days)
        self._per_day = found.per_day
