"""The weekly report as an e-mail, through the outbox to REPORT_EMAIL_TO: HTML with the chart
inline (cid:) and a plain-text part. The jobs runner asks hourly (`send_weekly`); on REPORT_DAY
from REPORT_HOUR the week's key (`email:report:<last day>:<address>`) makes it one per week and
address. The admin's Weekly report page shows the same e-mail and sends it now."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from jinja2 import Environment
from sqlmodel import Session

from core.crud import business as business_crud
from core.integrations import config, outbox
from core.integrations.report import MIN_ANSWERS, Report, build
from core.models import OutboxChannel
from core.models._types import utcnow
from core.settings import Settings

CHART_ID = "conversations-per-day"

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


def send_weekly(*, session: Session, settings: Settings, now: datetime | None = None) -> int:
    """On REPORT_DAY from REPORT_HOUR on the business's clock, write the report on the seven
    days before; returns how many e-mails were written (0: not the time, not configured, or
    already written this week)."""
    settings = config.effective(session=session, settings=settings)
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
