"""The daily Slack digest: yesterday on the business's clock (conversations, what the bot
resolved, hand-overs, satisfaction, first response, contact requests), posted once a day after
SLACK_DIGEST_HOUR local time. The jobs runner asks every hour; the day's idempotency key makes
the digest one per day however often it is asked (and whichever runner asks)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.analytics.period import Period
from core.analytics.queries.overview import summary_of
from core.crud import business as business_crud
from core.crud.contacts import count_between
from core.integrations import config, outbox, slack
from core.models import OutboxChannel
from core.models._types import utcnow
from core.settings import Settings


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{share:.0%}"


def _seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f} s" if value < 90 else f"{value / 60:.0f} min"


def digest_alert(*, session: Session, settings: Settings, day: date) -> slack.Alert:
    business = business_crud.get_business(session=session)
    period = Period(day, day, ZoneInfo(business.timezone))
    summary = summary_of(session=session, period=period)
    contacts = count_between(session=session, start=period.start, end=period.end)
    score = (
        "–"
        if summary.feedback_score is None
        else f"{summary.feedback_score:.0%} 👍 of {summary.feedback_count}"
    )
    when = f"{day:%A} {day.day} {day:%B}"
    return slack.Alert(
        title=f"{business.name} on {when}",
        summary=(
            f"{business.name} on {when}: {summary.conversations} conversations, "
            f"{_percent(summary.bot_resolved_share)} resolved by the bot"
        ),
        fields=[
            ("Conversations", str(summary.conversations)),
            ("Resolved by the bot", _percent(summary.bot_resolved_share)),
            ("Handed to a person", _percent(summary.handed_over_share)),
            ("Satisfaction", score),
            ("First response (median)", _seconds(summary.median_first_response_seconds)),
            ("Contact requests", str(contacts)),
        ],
        quote=None,
        link=f"{settings.ADMIN_PUBLIC_URL}/",
        link_label="Open the overview",
    )


def post_daily_digest(*, session: Session, settings: Settings, now: datetime | None = None) -> bool:
    """Write yesterday's digest to the outbox once it is SLACK_DIGEST_HOUR or later on the
    business's clock. Returns whether it was written now (False: Slack or the digest is off,
    too early, or already written)."""
    settings = config.effective(session=session, settings=settings)
    if not settings.slack_configured or settings.SLACK_DIGEST_HOUR is None:
        return False
    business = business_crud.get_business(session=session)
    local = (now or utcnow()).astimezone(ZoneInfo(business.timezone))
    if local.hour < settings.SLACK_DIGEST_HOUR:
        return False
    day = local.date() - timedelta(days=1)
    alert = digest_alert(session=session, settings=settings, day=day)
    return outbox.enqueue(
        session=session,
        channel=OutboxChannel.SLACK,
        payload=slack.render(alert),
        key=f"slack:digest:{day.isoformat()}",
    )
