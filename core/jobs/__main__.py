"""`python -m core.jobs`: the jobs runner, in its own process. Ctrl-C or SIGTERM stops it: the
delivery under way finishes, entries claimed but not tried are given back, and it exits 0."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from types import FrameType

from core.db import get_engine
from core.integrations import checks, config
from core.jobs.scheduler import build_scheduler
from core.settings import get_settings

log = logging.getLogger("core.jobs")


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s jobs %(levelname)s %(message)s")
    # APScheduler reports every run and every skipped overlap; job errors still show.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    settings = get_settings()
    engine = get_engine()
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    scheduler = build_scheduler(settings=settings, engine=engine, stop=stop)
    scheduler.start()
    now = config.current(engine=engine, settings=settings)
    channels = [c.name for c in checks.CHANNELS if not checks.missing(c, now)]
    if now.whatsapp_configured:
        channels.append("WhatsApp")
    log.info(
        "jobs runner started: outbox every %gs (sending to: %s)",
        settings.OUTBOX_POLL_SECONDS,
        ", ".join(channels) or "no channel configured",
    )
    while not stop.wait(timeout=1.0):
        pass
    log.info("jobs runner stopping")
    scheduler.shutdown(wait=True)
    engine.dispose()
    log.info("jobs runner stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
