"""The runner's schedule: the outbox is looked at every OUTBOX_POLL_SECONDS, runs that pile up
while one is still delivering become one, and never two at once."""

from __future__ import annotations

import threading

from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from core.jobs import tasks
from core.jobs.scheduler import (
    DIGEST_JOB,
    EMPTY_JOB,
    OUTBOX_JOB,
    PURGE_JOB,
    REPORT_JOB,
    RETENTION_JOB,
    STATISTICS_JOB,
    build_scheduler,
)
from core.settings import Settings


def test_the_outbox_is_drained_every_few_seconds_one_run_at_a_time(
    engine: Engine, settings: Settings
) -> None:
    stop = threading.Event()
    fast = settings.model_copy(update={"OUTBOX_POLL_SECONDS": 3.0})
    scheduler = build_scheduler(settings=fast, engine=engine, stop=stop)
    scheduler.start(paused=True)
    try:
        drain = scheduler.get_job(OUTBOX_JOB)
        assert drain.func is tasks.drain_outbox
        assert drain.kwargs == {"engine": engine, "settings": fast, "stop": stop}
        assert isinstance(drain.trigger, IntervalTrigger)
        assert drain.trigger.interval.total_seconds() == 3.0
        assert drain.coalesce is True and drain.max_instances == 1
        assert scheduler.get_job(PURGE_JOB).func is tasks.purge_outbox
        statistics = scheduler.get_job(STATISTICS_JOB)
        assert statistics.func is tasks.refresh_planner_statistics
        assert statistics.trigger.interval.total_seconds() == 86400
        empty = scheduler.get_job(EMPTY_JOB)
        assert empty.func is tasks.purge_empty_conversations
        assert empty.trigger.interval.total_seconds() == 3600
        digest = scheduler.get_job(DIGEST_JOB)
        assert digest.func is tasks.post_daily_digest
        assert digest.trigger.interval.total_seconds() == 3600
        weekly = scheduler.get_job(REPORT_JOB)
        assert weekly.func is tasks.send_weekly_report
        assert weekly.trigger.interval.total_seconds() == 3600
        kept = scheduler.get_job(RETENTION_JOB)
        assert kept.func is tasks.apply_retention
        assert kept.trigger.interval.total_seconds() == 86400
    finally:
        scheduler.shutdown(wait=False)
