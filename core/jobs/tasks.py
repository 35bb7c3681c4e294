"""The jobs the runner schedules, as plain functions (core/jobs/scheduler.py only wires them):
each may be called by hand, from a test or from a management command, and returns what it did."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlalchemy.engine import Engine

from core.crud import conversations as conv_crud
from core.db import get_engine, refresh_statistics, session_scope
from core.integrations import config, delivery, digest, report_mail
from core.integrations.channels import DELIVERERS
from core.models._types import utcnow
from core.settings import Settings, get_settings

log = logging.getLogger(__name__)
EMPTY_KEPT = timedelta(days=1)


def drain_outbox(
    *,
    engine: Engine | None = None,
    settings: Settings | None = None,
    stop: threading.Event | None = None,
) -> delivery.DrainResult:
    """Deliver every outbox entry that is due (until `stop` is set), with the integrations'
    configuration as it is now (the Integrations page's values over the environment's)."""
    engine = engine or get_engine()
    result = delivery.drain(
        engine=engine,
        settings=config.current(engine=engine, settings=settings or get_settings()),
        deliverers=DELIVERERS,
        stop=stop,
    )
    if result != delivery.DrainResult():
        log.info(
            "outbox: %d delivered, %d failed (retried later), %d dead",
            result.delivered,
            result.failed,
            result.dead,
        )
    return result


def purge_outbox(*, engine: Engine | None = None, settings: Settings | None = None) -> int:
    """Forget entries delivered more than OUTBOX_KEEP_DAYS ago, and delivered CRM deletions."""
    return delivery.purge_delivered(
        engine=engine or get_engine(), settings=settings or get_settings()
    )


def refresh_planner_statistics(*, engine: Engine | None = None) -> None:
    """Daily: SQLite's planner statistics, as the tables grow (`core.db.refresh_statistics`)."""
    refresh_statistics(engine or get_engine())


def sweep_data_keys(*, engine: Engine | None = None) -> int:
    """Daily: delete from the key store every data key an erasure destroyed, again (a key store
    restored from an older copy has them; a deletion may have failed)."""
    from core.privacy import shredding

    with session_scope(engine or get_engine()) as session:
        return shredding.sweep(session=session)


def purge_empty_conversations(*, engine: Engine | None = None) -> int:
    """Hourly: conversations nobody wrote in for a day (a failed first send, a probe) go, with
    their events and visitors left with nothing."""
    from core.privacy import shredding

    started = utcnow()
    with session_scope(engine or get_engine()) as session:
        purged = conv_crud.purge_empty(session=session, before=started - EMPTY_KEPT)
    if purged:
        with session_scope(engine or get_engine()) as session:
            shredding.sweep(session=session, since=started)
    return purged


def post_daily_digest(*, engine: Engine | None = None, settings: Settings | None = None) -> bool:
    """Hourly: yesterday's Slack digest, once a day after SLACK_DIGEST_HOUR local time."""
    with session_scope(engine or get_engine()) as session:
        return digest.post_daily_digest(session=session, settings=settings or get_settings())


def send_weekly_report(*, engine: Engine | None = None, settings: Settings | None = None) -> int:
    """Hourly: the weekly report e-mailed on REPORT_DAY from REPORT_HOUR local time, once."""
    with session_scope(engine or get_engine()) as session:
        return report_mail.send_weekly(session=session, settings=settings or get_settings())


def apply_retention(*, engine: Engine | None = None, settings: Settings | None = None) -> int:
    """Daily: erase what is older than the retention limits; returns the rows erased."""
    from core.crud.audit import Actor
    from core.privacy import retention

    settings = settings or get_settings()
    if not settings.RETENTION_CONVERSATION_DAYS and not settings.RETENTION_EVENT_DAYS:
        return 0
    done = retention.apply(
        engine=engine or get_engine(),
        settings=settings,
        actor=Actor(name="retention (jobs runner)"),
    )
    if done.anything:
        log.info("retention: %s", done.summary())
    return sum(done.deleted.values()) + sum(done.anonymised.values())
