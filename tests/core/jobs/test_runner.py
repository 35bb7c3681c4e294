"""`python -m core.jobs` as `make run` starts it: it delivers what waits in the outbox, stops
cleanly on Ctrl-C or SIGTERM, and an alert it was sending when killed (kill -9) is delivered
by the next runner once the lease runs out, and shows once in Slack."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.integrations import outbox, slack
from core.models import OutboxChannel, OutboxEntry, OutboxStatus
from tests.fake_slack import CHANNEL, TOKEN, WAIT, FakeSlack, clear_outbox

ROOT = Path(__file__).resolve().parents[3]
ALERT = slack.Alert(
    title="New contact request",
    summary="New contact request from Ada",
    fields=[("Name", "Ada")],
    quote="Call me",
    link="http://localhost:3000/contacts",
    link_label="Open contact requests",
)


@pytest.fixture
def db(engine: Engine) -> Iterator[Engine]:
    clear_outbox(engine)
    yield engine
    clear_outbox(engine)


class Runner:
    """One jobs runner process, its output in a file."""

    def __init__(self, slack_url: str, log: Path, **env: str) -> None:
        self.log = log
        settings = {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_CHANNEL": CHANNEL,
            "SLACK_API_URL": slack_url,
            "OUTBOX_POLL_SECONDS": "0.2",
            "SLACK_DIGEST_HOUR": "",  # no daily digest among the alerts these tests count
            "PYTHONUNBUFFERED": "1",
        }
        with log.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "core.jobs"],
                cwd=ROOT,
                env=os.environ | settings | env,  # the test database and keys (tests/conftest.py)
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def stop(self, signum: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise

    @property
    def output(self) -> str:
        return self.log.read_text()


def write(engine: Engine, key: str) -> None:
    with Session(engine) as session:
        outbox.enqueue(
            session=session, channel=OutboxChannel.SLACK, payload=slack.render(ALERT), key=key
        )
        session.commit()


def entry(engine: Engine, key: str) -> OutboxEntry:
    with Session(engine) as session:
        return session.exec(select(OutboxEntry).where(OutboxEntry.idempotency_key == key)).one()


def wait_until(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_the_runner_delivers_what_waits_and_stops_cleanly(
    db: Engine, tmp_path: Path, signum: int
) -> None:
    fake = FakeSlack().start()
    write(db, "slack:runner:1")
    runner = Runner(fake.url, tmp_path / "runner.log")
    try:
        [post] = fake.wait_for(1)
        assert post.key == "slack:runner:1"
        assert wait_until(lambda: entry(db, "slack:runner:1").status == OutboxStatus.DELIVERED)
        write(db, "slack:runner:2")  # written while it runs: found on its next look
        assert [p.key for p in fake.wait_for(2)] == ["slack:runner:1", "slack:runner:2"]
    finally:
        code = runner.stop(signum)
        fake.stop()
    assert code == 0, runner.output
    assert "jobs runner started" in runner.output and "jobs runner stopped" in runner.output
    assert "Traceback" not in runner.output


def test_an_alert_whose_runner_was_killed_mid_delivery_shows_once_in_slack(
    db: Engine, tmp_path: Path
) -> None:
    held = threading.Event()
    fake = FakeSlack(hold=held).start()  # Slack receives the alert but has not answered yet
    write(db, "slack:killed")
    lease = {"OUTBOX_LEASE_SECONDS": "2"}
    first = Runner(fake.url, tmp_path / "first.log", **lease)
    second = None
    try:
        assert fake.wait_for_requests(1) == 1
        first.process.kill()  # kill -9 mid-delivery
        first.process.wait(timeout=WAIT)
        held.set()
        assert entry(db, "slack:killed").status == OutboxStatus.PENDING

        second = Runner(fake.url, tmp_path / "second.log", **lease)
        assert wait_until(lambda: entry(db, "slack:killed").status == OutboxStatus.DELIVERED)
    finally:
        if first.process.poll() is None:  # the test failed before killing it
            first.process.kill()
            first.process.wait(timeout=WAIT)
        stopped = None if second is None else second.stop()
        fake.stop()
    assert second is not None and stopped == 0, second.output
    # Slack had it from the first runner (whose answer never arrived): the second found its key
    # in the channel's history instead of posting it again. The entry counts both attempts.
    assert [p.key for p in fake.posts] == ["slack:killed"]
    assert fake.requests == 2  # the first post, then the second runner's look at the history
    assert entry(db, "slack:killed").attempts == 2
