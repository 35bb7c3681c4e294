"""Which job runs when: APScheduler 3 wiring only (the jobs are core/jobs/tasks.py).

Every job coalesces (runs missed while the machine slept or a run overran become one) and runs
one at a time (max_instances=1): a drain still delivering when its next run is due is not
joined by a second one in the same runner."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy.engine import Engine

from core.jobs import tasks
from core.settings import Settings

OUTBOX_JOB = "outbox"
PURGE_JOB = "outbox-purge"
PURGE_HOURS = 6
STATISTICS_JOB = "statistics"
EMPTY_JOB = "empty-conversations"
DIGEST_JOB = "slack-digest"
REPORT_JOB = "weekly-report"
RETENTION_JOB = "retention"
DATA_KEYS_JOB = "data-keys"
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 60}


def build_scheduler(
    *,
    settings: Settings,
    engine: Engine,
    stop: threading.Event,
    scheduler: BaseScheduler | None = None,
) -> BaseScheduler:
    """The runner's jobs on `scheduler` (a BackgroundScheduler by default), not started. `stop`
    is set when the runner is asked to stop: a drain under way gives back what it has not
    tried yet."""
    if scheduler is None:
        scheduler = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(max_workers=2)},
            job_defaults=JOB_DEFAULTS,
        )
    scheduler.add_job(
        tasks.drain_outbox,
        "interval",
        seconds=settings.OUTBOX_POLL_SECONDS,
        id=OUTBOX_JOB,
        kwargs={"engine": engine, "settings": settings, "stop": stop},
        next_run_time=datetime.now(UTC),  # at start: what waited while no runner ran
    )
    scheduler.add_job(
        tasks.purge_outbox,
        "interval",
        hours=PURGE_HOURS,
        id=PURGE_JOB,
        kwargs={"engine": engine, "settings": settings},
        next_run_time=datetime.now(UTC),
    )
    scheduler.add_job(
        tasks.refresh_planner_statistics,
        "interval",
        days=1,
        id=STATISTICS_JOB,
        kwargs={"engine": engine},
        next_run_time=datetime.now(UTC),
    )
    scheduler.add_job(
        tasks.purge_empty_conversations,
        "interval",
        hours=1,
        id=EMPTY_JOB,
        kwargs={"engine": engine},
        next_run_time=datetime.now(UTC),
    )
    scheduler.add_job(
        tasks.post_daily_digest,
        "interval",
        hours=1,
        id=DIGEST_JOB,
        kwargs={"engine": engine, "settings": settings},
        next_run_time=datetime.now(UTC),
    )
    # Hourly rather than a weekly cron: REPORT_DAY and REPORT_HOUR are on the business's clock,
    # whose time zone the owner may change in the admin; the week's key keeps it to one.
    scheduler.add_job(
        tasks.send_weekly_report,
        "interval",
        hours=1,
        id=REPORT_JOB,
        kwargs={"engine": engine, "settings": settings},
        next_run_time=datetime.now(UTC),
    )
    scheduler.add_job(
        tasks.apply_retention,
        "interval",
        days=1,
        id=RETENTION_JOB,
        kwargs={"engine": engine, "settings": settings},
        next_run_time=datetime.now(UTC),
    )
    scheduler.add_job(
        tasks.sweep_data_keys,
        "interval",
        days=1,
        id=DATA_KEYS_JOB,
        kwargs={"engine": engine},
        next_run_time=datetime.now(UTC),
    )
    return scheduler
