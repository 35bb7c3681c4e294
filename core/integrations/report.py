"""The weekly performance report, e-mailed to REPORT_EMAIL_TO through the outbox: the seven
days before the report's day against the seven before them (conversations, the bot's
resolution, hand-overs, satisfaction, first response, contact requests, questions the bot could
not answer), the most asked FAQs, the weakest answers, and a chart of conversations per day, as
HTML with the chart inline and as plain text. The jobs runner asks hourly; the week's key
(`email:report:<last day>:<address>`) makes it one per week and address. The admin's Weekly
report page shows the same e-mail and sends it now."""

from __future__ import annotations

import base64
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment
from sqlalchemy import func
from sqlmodel import Session, col, select

from core.analytics.period import Period
from core.analytics.queries.overview import summary_of
from core.analytics.queries.quality import quality
from core.crud import business as business_crud
from core.crud.contacts import count_between
from core.integrations import outbox, report_charts
from core.models import Conversation, Message, OutboxChannel, ReplyKind, Role
from core.models._types import as_utc, utcnow
from core.settings import Settings

TOP = 5  # most asked FAQs listed
WEAKEST = 3  # weakest answers listed
MIN_ANSWERS = 3  # an FAQ answered fewer times is not called weak on so little
CHART_ID = "conversations-per-day"


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


_TEMPLATES = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
HTML = _TEMPLATES.from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ r.subject }}</title></head>
<body style="margin:0;padding:24px;background:#f6f7f9;font-family:Arial,sans-serif;color:#1f2933">
<div style="max-width:680px;margin:0 auto;background:#fff;padding:24px;border-radius:8px">
<h1 style="font-size:20px;margin:0 0 4px">{{ r.business }}: your week</h1>
<p style="margin:0 0 16px;color:#52606d">{{ r.first.strftime('%A %-d %B') }} to {{ r.last.strftime('%A %-d %B %Y') }}, against the seven days before</p>
<table role="presentation" style="border-collapse:collapse;width:100%;margin-bottom:16px">
<tr><th scope="col" style="text-align:left;padding:6px;border-bottom:1px solid #d9e2ec">Figure</th><th scope="col" style="text-align:right;padding:6px;border-bottom:1px solid #d9e2ec">This week</th><th scope="col" style="text-align:right;padding:6px;border-bottom:1px solid #d9e2ec">Change</th></tr>
{% for f in r.figures %}
<tr><th scope="row" style="text-align:left;font-weight:normal;padding:6px">{{ f.label }}</th><td style="text-align:right;padding:6px;font-weight:bold">{{ f.value }}</td><td style="text-align:right;padding:6px;color:#52606d">{{ f.change }}</td></tr>
{% endfor %}
</table>
<h2 style="font-size:16px">Conversations per day</h2>
{% if chart_src %}
<img src="{{ chart_src }}" width="640" style="max-width:100%;height:auto" alt="Conversations per day: {% for d in r.days %}{{ d.strftime('%a') }} {{ r.per_day[loop.index0] }} (week before {{ r.per_day_before[loop.index0] }}){{ ', ' if not loop.last }}{% endfor %}">
{% else %}
<p>{% for d in r.days %}{{ d.strftime('%a') }} {{ r.per_day[loop.index0] }} (week before {{ r.per_day_before[loop.index0] }}){{ ', ' if not loop.last }}{% endfor %}</p>
{% endif %}
<h2 style="font-size:16px">Most asked</h2>
{% if r.top %}<ol>{% for f in r.top %}<li>{{ f.question }}: {{ f.answers }} answers, {{ f.liked }} 👍</li>{% endfor %}</ol>
{% else %}<p>No FAQ was answered this week.</p>{% endif %}
<h2 style="font-size:16px">Weakest answers</h2>
{% if r.weakest %}<ol>{% for f in r.weakest %}<li>{{ f.question }}: score {{ f.score }} over {{ f.answers }} answers, {{ f.liked }} 👍</li>{% endfor %}</ol>
<p><a href="{{ admin }}/quality">Review them on the Response quality page</a></p>
{% else %}<p>No FAQ was answered {{ min_answers }} times or more this week.</p>{% endif %}
<p style="color:#52606d;font-size:12px">Sent by CustomerAgent to {{ to }}. <a href="{{ admin }}/">Open the admin</a></p>
</div></body></html>
"""
)
TEXT = Environment(autoescape=False, trim_blocks=True, lstrip_blocks=True).from_string(
    """{{ r.business }}: your week
{{ r.first.strftime('%A %-d %B') }} to {{ r.last.strftime('%A %-d %B %Y') }}, against the seven days before

{% for f in r.figures %}
{{ f.label }}: {{ f.value }} ({{ f.change }})
{% endfor %}

Conversations per day: {% for d in r.days %}{{ d.strftime('%a') }} {{ r.per_day[loop.index0] }}{{ ', ' if not loop.last }}{% endfor %}

Most asked:
{% for f in r.top %}
{{ loop.index }}. {{ f.question }}: {{ f.answers }} answers, {{ f.liked }} liked
{% else %}
No FAQ was answered this week.
{% endfor %}

Weakest answers:
{% for f in r.weakest %}
{{ loop.index }}. {{ f.question }}: score {{ f.score }} over {{ f.answers }} answers, {{ f.liked }} liked
{% else %}
No FAQ was answered {{ min_answers }} times or more this week.
{% endfor %}

Open the admin: {{ admin }}/
"""
)


def render_html(report: Report, *, settings: Settings, to: str, inline: bool = True) -> str:
    """The e-mail's HTML; the chart as cid:<id> (`inline`, for the e-mail) or a data: URL (for
    a browser's preview)."""
    if report.chart is None:
        src = ""
    elif inline:
        src = f"cid:{CHART_ID}"
    else:
        src = "data:image/png;base64," + base64.b64encode(report.chart).decode()
    return HTML.render(
        r=report, chart_src=src, admin=settings.ADMIN_PUBLIC_URL, to=to, min_answers=MIN_ANSWERS
    )


def render_text(report: Report, *, settings: Settings) -> str:
    return TEXT.render(r=report, admin=settings.ADMIN_PUBLIC_URL, min_answers=MIN_ANSWERS)


def enqueue(*, session: Session, settings: Settings, report: Report, key: str) -> int:
    """Write the report's e-mail to each of REPORT_EMAIL_TO; returns how many were written
    (an address already sent this key is skipped)."""
    images = {} if report.chart is None else {CHART_ID: base64.b64encode(report.chart).decode()}
    written = 0
    for to in settings.REPORT_EMAIL_TO:
        payload = {
            "to": to,
            "subject": report.subject,
            "text": render_text(report, settings=settings),
            "html": render_html(report, settings=settings, to=to),
            "images": images,
        }
        written += outbox.enqueue(
            session=session, channel=OutboxChannel.EMAIL, payload=payload, key=f"{key}:{to}"
        )
    return written


def last_complete_day(settings: Settings, tz: ZoneInfo, now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(tz).date() - timedelta(days=1)


def send_weekly(*, session: Session, settings: Settings, now: datetime | None = None) -> int:
    """On REPORT_DAY from REPORT_HOUR on the business's clock, write the report on the seven
    days before; returns how many e-mails were written (0: not the time, not configured, or
    already written this week)."""
    if not settings.REPORT_EMAIL_TO or not settings.email_configured:
        return 0
    tz = ZoneInfo(business_crud.get_business(session=session).timezone)
    local = (now or utcnow()).astimezone(tz)
    if local.strftime("%A").lower() != settings.REPORT_DAY or local.hour < settings.REPORT_HOUR:
        return 0
    last = local.date() - timedelta(days=1)
    key = f"email:report:{last.isoformat()}"
    if outbox.written(session=session, key=f"{key}:{settings.REPORT_EMAIL_TO[-1]}"):
        return 0  # the chart costs seconds: not drawn again every hour of the day
    report = build(session=session, last=last)
    return enqueue(session=session, settings=settings, report=report, key=key)
