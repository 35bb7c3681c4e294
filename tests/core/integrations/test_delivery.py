"""Delivering the outbox: what the receiver gets, through an outage, with two runners at once,
after a runner dies mid-delivery, and when an entry gives up."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import make_engine
from core.integrations import delivery, outbox, slack
from core.integrations.channels import DELIVERERS
from core.models import OutboxChannel, OutboxEntry, OutboxStatus
from core.models._types import utcnow
from core.settings import Settings
from tests.factories import make_conversation
from tests.fake_slack import CHANNEL, FakeSlack

ALERT = slack.Alert(
    title="New contact request",
    summary="New contact request from Ada",
    fields=[("Name", "Ada")],
    quote="Please call me back",
    link="http://localhost:3000/inbox?c=abc",
    link_label="Open conversation",
)


def write(engine: Engine, key: str, conversation_id: int | None = None, text: str = "") -> None:
    payload = slack.render(ALERT) | ({"text": text} if text else {})
    with Session(engine) as session:
        assert outbox.enqueue(
            session=session,
            channel=OutboxChannel.SLACK,
            payload=payload,
            key=key,
            conversation_id=conversation_id,
        )
        session.commit()


def entry(engine: Engine, key: str) -> OutboxEntry:
    with Session(engine) as session:
        return session.exec(select(OutboxEntry).where(OutboxEntry.idempotency_key == key)).one()


def drain(engine: Engine, settings: Settings) -> delivery.DrainResult:
    return delivery.drain(engine=engine, settings=settings, deliverers=DELIVERERS)


def drain_until(
    engine: Engine, settings: Settings, done: Callable[[], bool], rounds: int = 500
) -> None:
    """Drain again (failed entries come due again after a few ms) until `done`."""
    for _ in range(rounds):
        drain(engine, settings)
        if done():
            return
        threading.Event().wait(0.01)


def test_a_written_alert_reaches_slack_once_with_its_idempotency_key(
    db: Engine, slack_server: FakeSlack, slack_settings: Settings
) -> None:
    write(db, "slack:contact:1")

    assert drain(db, slack_settings) == delivery.DrainResult(delivered=1)
    assert drain(db, slack_settings) == delivery.DrainResult()  # nothing twice

    [post] = slack_server.posts
    assert post.body["channel"] == CHANNEL
    assert post.body["text"] == "New contact request from Ada"
    assert post.body["blocks"][0]["text"]["text"] == "New contact request"
    assert post.key == "slack:contact:1"
    row = entry(db, "slack:contact:1")
    assert row.status == OutboxStatus.DELIVERED and row.attempts == 1
    assert row.delivered_at is not None and row.claimed_until is None


def test_an_entry_is_written_only_if_its_transaction_commits(
    db: Engine, slack_server: FakeSlack, slack_settings: Settings
) -> None:
    with Session(db) as session:
        assert outbox_enqueue(session, "slack:rolled-back")
        session.rollback()

    assert drain(db, slack_settings) == delivery.DrainResult()
    assert slack_server.posts == []


def outbox_enqueue(session: Session, key: str) -> bool:
    return outbox.enqueue(
        session=session, channel=OutboxChannel.SLACK, payload=slack.render(ALERT), key=key
    )


def test_a_key_already_written_is_not_written_again(db: Engine) -> None:
    with Session(db) as session:
        assert outbox_enqueue(session, "slack:twice")
        # The same key again, in the same transaction and in a later one: still one entry, and
        # the caller's transaction goes on.
        assert not outbox_enqueue(session, "slack:twice")
        session.commit()
    with Session(db) as session:
        assert not outbox_enqueue(session, "slack:twice")
        session.commit()
        count = len(session.exec(select(OutboxEntry)).all())
    assert count == 1


def test_an_outage_delays_alerts_and_they_arrive_once_each_in_order(
    db: Engine, slack_server: FakeSlack, slack_settings: Settings, session: Session
) -> None:
    conversation = make_conversation(session)
    session.commit()
    slack_server.fail_first = 3  # Slack answers 500 three times, then recovers
    for n in range(3):
        write(db, f"slack:outage:{n}", conversation.id, text=f"alert {n}")

    result = drain(db, slack_settings)
    assert result.delivered == 0 and result.failed == 1  # the later two wait for the first
    row = entry(db, "slack:outage:0")
    assert row.status == OutboxStatus.FAILED
    assert "SlackApiError" in (row.last_error or "")

    drain_until(db, slack_settings, lambda: len(slack_server.posts) == 3)

    assert [p.body["text"] for p in slack_server.posts] == ["alert 0", "alert 1", "alert 2"]
    assert slack_server.requests == 6  # three refused, then each alert once
    rows = [entry(db, f"slack:outage:{n}") for n in range(3)]
    assert [r.status for r in rows] == [OutboxStatus.DELIVERED] * 3
    assert [r.attempts for r in rows] == [4, 1, 1]
    assert rows[0].last_error is None


def test_an_alert_waits_while_slack_is_unreachable(
    db: Engine, slack_server: FakeSlack, slack_settings: Settings
) -> None:
    write(db, "slack:unreachable")
    with socket.socket() as closed:  # a port nothing listens on: connection refused
        closed.bind(("127.0.0.1", 0))
        down = slack_settings.model_copy(
            update={"SLACK_API_URL": f"http://127.0.0.1:{closed.getsockname()[1]}/api/"}
        )
    assert drain(db, down) == delivery.DrainResult(failed=1)
    assert "refused" in (entry(db, "slack:unreachable").last_error or "").lower()

    drain_until(db, slack_settings, lambda: len(slack_server.posts) == 1)
    assert [p.key for p in slack_server.posts] == ["slack:unreachable"]


def test_runners_draining_at_once_never_deliver_an_entry_twice(
    db: Engine, slack_server: FakeSlack, slack_settings: Settings, session: Session
) -> None:
    conversations = [make_conversation(session).id for _ in range(4)]
    session.commit()
    keys = []
    for n in range(40):
        # Most alerts are about one of four conversations (delivered in order within each).
        conversation_id = conversations[n % 5] if n % 5 < 4 else None
        keys.append((f"slack:race:{n}", conversation_id))
        write(db, f"slack:race:{n}", conversation_id, text=f"race {n}")
    small_batches = slack_settings.model_copy(update={"OUTBOX_BATCH_SIZE": 1})
    # Each runner has its own engine and connections, as separate processes would.
    engines = [make_engine(small_batches.DATABASE_URL) for _ in range(4)]
    errors: list[BaseException] = []

    def runner(engine: Engine) -> None:
        try:
            drain_until(engine, small_batches, lambda: len(slack_server.posts) >= 40)
        except BaseException as exc:  # reported by the test below
            errors.append(exc)

    threads = [threading.Thread(target=runner, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for engine in engines:
        engine.dispose()

    assert errors == []
    received = [p.key for p in slack_server.posts]
    assert sorted(received) == sorted(k for k, _ in keys)  # every alert, none twice
    for conversation_id in conversations:
        theirs = [k for k, c in keys if c == conversation_id]
        assert [k for k in received if k in theirs] == theirs  # in the order written


def test_an_entry_whose_runner_died_is_taken_again_once_its_lease_runs_out(
    db: Engine, slack_server: FakeSlack, slack_settings: Settings
) -> None:
    write(db, "slack:lease")
    start = utcnow()
    lease = timedelta(seconds=slack_settings.OUTBOX_LEASE_SECONDS)

    [dying] = delivery.claim(engine=db, settings=slack_settings, now=start)
    # The runner that claimed it dies before delivering: while its lease lasts, no other runner
    # takes the entry; afterwards the next one does, and delivers it.
    assert delivery.claim(engine=db, settings=slack_settings, now=start + lease / 2) == []
    [taken] = delivery.claim(
        engine=db, settings=slack_settings, now=start + lease + timedelta(seconds=1)
    )
    assert taken.id == dying.id and taken.attempt == 2 and taken.key == dying.key
    assert taken.unsure and not dying.unsure  # the receiver may have it: Slack looks first
    assert (
        delivery.deliver_one(
            engine=db, settings=slack_settings, outgoing=taken, deliverers=DELIVERERS
        )
        == OutboxStatus.DELIVERED
    )

    # Had the first runner come back late, its outcome would not overwrite the delivery.
    def refuse(_outgoing: delivery.Outgoing, _settings: Settings) -> None:
        raise ConnectionError("too late")

    late = delivery.deliver_one(
        engine=db, settings=slack_settings, outgoing=dying, deliverers={"slack": refuse}
    )
    assert late == OutboxStatus.FAILED  # what it saw, not what it could record
    assert entry(db, "slack:lease").status == OutboxStatus.DELIVERED
    assert [p.key for p in slack_server.posts] == ["slack:lease"]


def _posted_then_died(db: Engine, settings: Settings) -> delivery.Outgoing:
    """A runner claims the entry and posts it, then dies before recording that; the next
    runner's claim once the lease ran out."""
    start = utcnow()
    [dying] = delivery.claim(engine=db, settings=settings, now=start)
    slack.post(settings=settings, payload=dying.payload, key=dying.key)
    later = start + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)
    [taken] = delivery.claim(engine=db, settings=settings, now=later)
    return taken


def test_an_alert_posted_by_a_runner_that_died_is_not_posted_again(
    db: Engine, slack_server: FakeSlack, slack_settings: Settings
) -> None:
    write(db, "slack:posted-then-died")
    taken = _posted_then_died(db, slack_settings)

    status = delivery.deliver_one(
        engine=db, settings=slack_settings, outgoing=taken, deliverers=DELIVERERS
    )

    assert status == OutboxStatus.DELIVERED
    assert [p.key for p in slack_server.posts] == ["slack:posted-then-died"]  # once in Slack
    row = entry(db, "slack:posted-then-died")
    assert row.attempts == 2 and not row.unsure


def test_without_reading_the_channel_a_resent_alert_carries_the_same_key(
    db: Engine, slack_server: FakeSlack, slack_settings: Settings
) -> None:
    slack_server.history = False  # the bot token lacks channels:history
    write(db, "slack:cannot-look")
    taken = _posted_then_died(db, slack_settings)

    delivery.deliver_one(engine=db, settings=slack_settings, outgoing=taken, deliverers=DELIVERERS)

    # At least once: the receiver tells the repeat by its key.
    assert [p.key for p in slack_server.posts] == ["slack:cannot-look", "slack:cannot-look"]
    assert entry(db, "slack:cannot-look").status == OutboxStatus.DELIVERED


def test_an_entry_failing_past_the_maximum_age_is_dead_until_retried(
    db: Engine, slack_server: FakeSlack, slack_settings: Settings
) -> None:
    write(db, "slack:dead")
    slack_server.fail_first = 1
    [claimed] = delivery.claim(engine=db, settings=slack_settings)
    two_days_on = claimed.started_at + timedelta(hours=slack_settings.OUTBOX_MAX_AGE_HOURS)

    status = delivery.deliver_one(
        engine=db,
        settings=slack_settings,
        outgoing=claimed,
        deliverers=DELIVERERS,
        now=lambda: two_days_on,
    )

    assert status == OutboxStatus.DEAD
    assert drain(db, slack_settings) == delivery.DrainResult()  # a dead entry waits
    with Session(db) as session:
        [dead] = outbox.list_entries(session=session, statuses=[OutboxStatus.DEAD])
        assert dead.summary == "New contact request from Ada"
        assert "500" in (dead.last_error or "") or "Internal" in (dead.last_error or "")
        assert outbox.retry(session=session, entry_id=dead.id)
        assert not outbox.retry(session=session, entry_id=dead.id)  # already pending
        session.commit()

    assert drain(db, slack_settings) == delivery.DrainResult(delivered=1)
    assert [p.key for p in slack_server.posts] == ["slack:dead"]
    row = entry(db, "slack:dead")
    assert row.status == OutboxStatus.DELIVERED and row.attempts == 1


def test_an_entry_of_a_channel_nobody_delivers_is_dead_at_once(
    db: Engine, settings: Settings
) -> None:
    write(db, "nowhere:1")
    result = delivery.drain(engine=db, settings=settings, deliverers={})
    assert result == delivery.DrainResult(dead=1)
    assert "no delivery function" in (entry(db, "nowhere:1").last_error or "")


def test_alerts_wait_while_slack_is_not_configured(
    db: Engine, slack_server: FakeSlack, slack_settings: Settings
) -> None:
    write(db, "slack:unconfigured")
    unconfigured = slack_settings.model_copy(update={"SLACK_BOT_TOKEN": None})

    assert drain(db, unconfigured) == delivery.DrainResult(failed=1)
    assert "SLACK_BOT_TOKEN" in (entry(db, "slack:unconfigured").last_error or "")

    drain_until(db, slack_settings, lambda: len(slack_server.posts) == 1)
    assert [p.key for p in slack_server.posts] == ["slack:unconfigured"]


def test_a_stopping_runner_gives_back_what_it_has_not_tried(
    db: Engine, slack_server: FakeSlack, slack_settings: Settings
) -> None:
    for n in range(3):
        write(db, f"slack:stop:{n}")
    stop = threading.Event()
    sent: list[str] = []

    def then_stop(outgoing: delivery.Outgoing, settings: Settings) -> None:
        sent.append(outgoing.key)
        stop.set()  # Ctrl-C while the first alert is being sent

    result = delivery.drain(
        engine=db, settings=slack_settings, deliverers={"slack": then_stop}, stop=stop
    )

    assert result == delivery.DrainResult(delivered=1) and sent == ["slack:stop:0"]
    rest = [entry(db, f"slack:stop:{n}") for n in (1, 2)]
    assert all(r.status == OutboxStatus.PENDING and r.claimed_until is None for r in rest)
    assert all(r.attempts == 0 for r in rest)  # given back untried
    assert drain(db, slack_settings) == delivery.DrainResult(delivered=2)


@pytest.mark.parametrize("attempt", [1, 2, 5, 30, 100])
def test_backoff_doubles_up_to_the_cap_with_jitter(settings: Settings, attempt: int) -> None:
    ceiling = min(
        settings.OUTBOX_BACKOFF_MAX_SECONDS,
        settings.OUTBOX_BACKOFF_BASE_SECONDS * 2 ** (attempt - 1),
    )
    low = delivery.backoff_seconds(attempt, settings, rand=lambda: 0.0)
    high = delivery.backoff_seconds(attempt, settings, rand=lambda: 1.0)
    assert (low, high) == (ceiling / 2, ceiling)
    waits = {delivery.backoff_seconds(attempt, settings) for _ in range(20)}
    assert len(waits) > 1 and all(ceiling / 2 <= w <= ceiling for w in waits)


def test_delivered_entries_are_forgotten_after_the_keeping_time(
    db: Engine, slack_server: FakeSlack, slack_settings: Settings
) -> None:
    write(db, "slack:old")
    write(db, "slack:waiting")
    [first, _] = delivery.claim(engine=db, settings=slack_settings)
    delivery.deliver_one(engine=db, settings=slack_settings, outgoing=first, deliverers=DELIVERERS)
    later = utcnow() + timedelta(days=slack_settings.OUTBOX_KEEP_DAYS, seconds=1)

    assert delivery.purge_delivered(engine=db, settings=slack_settings, now=later) == 1
    with Session(db) as session:
        left = session.exec(select(OutboxEntry.idempotency_key).order_by(col(OutboxEntry.id)))
        assert list(left) == ["slack:waiting"]  # not delivered yet: kept
