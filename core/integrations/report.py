"""The weekly performance report's figures: the seven days before the report's day against the
seven before them (conversations, the bot's resolution, hand-overs, satisfaction, first
response, contact requests, questions the bot could not answer), the most asked FAQs, the
weakest answers, and a chart of conversations per day. core/integrations/report_mail.py writes
it as an e-mail and sends it weekly."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.analytics.period import Period
from core.analytics.queries.overview import summary_of
from core.analytics.queries.quality import quality
from core.crud import business as business_crud
from core.crud.contacts import count_between
from core.integrations import report_charts
from core.models import Conversation, Message, ReplyKind, Role
from core.models._types import as_utc, utcnow

TOP = 5  # most asked FAQs listed
WEAKEST = 3  # weakest answers listed
MIN_ANSWERS = 3  # an FAQ answered fewer times is not called weak on so little


@dataclass(frozen=True)
class Figure:
    label: str
    value: str  # this week, as shown
    change: str  # against the week before ("+12%", "+3 pts", "–")


@dataclass(frozen=True)
class Report:
    business: str
    first: date  # the week's first day, on the business's clock
    last: date
    figures: list[Figure]
    top: list[dict[str, Any]]  # {"question", "answers", "liked"}
    weakest: list[dict[str, Any]]  # {"question", "answers", "score", "liked"}
    days: list[date]
    per_day: list[int]
    per_day_before: list[int]
    chart: bytes | None  # PNG, or None without a browser to draw it

    @property
    def subject(self) -> str:
        return f"{self.business}: your week of {self.first:%-d %b} to {self.last:%-d %b %Y}"


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _points(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return "–"
    return f"{(now - before) * 100:+.0f} pts"


def _relative(now: float | None, before: float | None, *, lower_is_better: bool = False) -> str:
    if now is None or before is None or before == 0:
        return "–" if now is None or before is None else "new"
    change = (now - before) / before
    return f"{change:+.0%}" + (" (faster)" if lower_is_better and change < 0 else "")


def _seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f} s" if value < 90 else f"{value / 60:.0f} min"


def _unanswered(session: Session, period: Period) -> int:
    """Questions the bot had no answer for (unknown) or gave up on (fallback)."""
    return int(
        session.exec(
            select(func.count())
            .select_from(Message)
            .where(
                col(Message.role) == Role.BOT,
                col(Message.kind).in_([ReplyKind.UNKNOWN, ReplyKind.FALLBACK]),
                col(Message.created_at) >= period.start,
                col(Message.created_at) < period.end,
            )
        ).one()
    )


def _per_day(session: Session, period: Period) -> list[int]:
    started = session.exec(
        select(Conversation.created_at).where(
            col(Conversation.created_at) >= period.start, col(Conversation.created_at) < period.end
        )
    ).all()
    counts = Counter(as_utc(t).astimezone(period.tz).date() for t in started)
    return [counts.get(period.first + timedelta(days=i), 0) for i in range(period.days)]


def week_ending(last: date, tz: ZoneInfo) -> tuple[Period, Period]:
    """The seven days ending on `last`, and the seven before them."""
    week = Period(last - timedelta(days=6), last, tz)
    before = Period(week.first - timedelta(days=7), week.first - timedelta(days=1), tz)
    return week, before


def build(*, session: Session, last: date, chart: bool = True) -> Report:
    """The report on the seven days ending on `last` (the business's clock)."""
    business = business_crud.get_business(session=session)
    week, before = week_ending(last, ZoneInfo(business.timezone))
    now, then = summary_of(session=session, period=week), summary_of(session=session, period=before)
    contacts = [count_between(session=session, start=p.start, end=p.end) for p in (week, before)]
    unanswered = [_unanswered(session, p) for p in (week, before)]
    satisfaction = (
        "–" if now.feedback_score is None else f"{now.feedback_score:.0%} of {now.feedback_count}"
    )
    figures = [
        Figure(
            "Conversations",
            str(now.conversations),
            _relative(now.conversations, then.conversations),
        ),
        Figure(
            "Resolved by the bot",
            _share(now.bot_resolved_share),
            _points(now.bot_resolved_share, then.bot_resolved_share),
        ),
        Figure(
            "Handed to a person",
            _share(now.handed_over_share),
            _points(now.handed_over_share, then.handed_over_share),
        ),
        Figure(
            "Satisfaction (👍 of ratings)",
            satisfaction,
            _points(now.feedback_score, then.feedback_score),
        ),
        Figure(
            "First response (median)",
            _seconds(now.median_first_response_seconds),
            _relative(
                now.median_first_response_seconds,
                then.median_first_response_seconds,
                lower_is_better=True,
            ),
        ),
        Figure("Contact requests", str(contacts[0]), _relative(contacts[0], contacts[1])),
        Figure("Questions the bot could not answer", str(unanswered[0]), _relative(*unanswered)),
    ]
    answers = quality(session=session, period=week, queue_limit=0).per_faq
    top = sorted(answers, key=lambda f: (-f["answers"], f["question"]))[:TOP]
    weak = [f for f in answers if f["answers"] >= MIN_ANSWERS]
    weakest = sorted(weak, key=lambda f: (f["mean_score"], f["question"]))[:WEAKEST]
    per_day, per_day_before = _per_day(session, week), _per_day(session, before)
    days = [week.first + timedelta(days=i) for i in range(week.days)]
    return Report(
        business=business.name,
        first=week.first,
        last=week.last,
        figures=figures,
        top=[
            {
                "question": f["question"],
                "answers": f["answers"],
                "liked": _share(f["thumbs_up_share"]),
            }
            for f in top
        ],
        weakest=[
            {
                "question": f["question"],
                "answers": f["answers"],
                "score": f"{f['mean_score']:.2f}",
                "liked": _share(f["thumbs_up_share"]),
            }
            for f in weakest
        ],
        days=days,
        per_day=per_day,
        per_day_before=per_day_before,
        chart=report_charts.conversations_chart(days, per_day, per_day_before) if chart else None,
    )


def last_complete_day(tz: ZoneInfo, now: datetime | None = None) -> date:
    """Yesterday on the business's clock: the last day a report can cover."""
    return (now or utcnow()).astimezone(tz).date() - timedelta(days=1)
