"""Erasing a visitor: afterwards the raw database (the SQLite file and its log, or a PostgreSQL
dump) holds nothing of them, another visitor's data is intact and readable, the dashboards'
counts are unchanged, and a second erasure, an unknown subject or a failure half-way changes
nothing."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from core.crud import contacts, telemetry
from core.crud import conversations as conv_crud
from core.crud.audit import Actor, recent_actions
from core.db import session_scope
from core.models import AnalyticsEvent, ContactRequestCreate, WidgetClick
from core.models._types import utcnow
from core.privacy import erasure
from core.privacy.erasure import erase
from core.privacy.export import export_data
from core.privacy.registry import Subject, entries
from core.privacy.subjects import Found, Lookup, SubjectNotFound, find_subject
from tests.factories import PERSON_ROWS, Person, make_person

WHO = Actor(name="owner@example.com", address="203.0.113.9")


@pytest.fixture
def people(engine: Engine) -> tuple[Person, Person]:
    with session_scope(engine) as session:
        return make_person(session), make_person(session)


def raw_database(engine: Engine) -> bytes:
    """Every byte an outsider holding the database would read: the SQLite file and its
    write-ahead log, or a PostgreSQL dump."""
    if engine.dialect.name == "sqlite":
        # Read by another process: closing a file of the database here would drop every POSIX
        # lock this process holds on it (SQLite's documented pitfall), and its open connections
        # would then share the write-ahead log with other processes (a jobs runner started by a
        # later test) without their locks.
        path = Path(str(engine.url.database))
        wal = path.with_name(path.name + "-wal")
        files = [str(path), *([str(wal)] if wal.exists() else [])]
        return subprocess.run(["cat", *files], check=True, capture_output=True).stdout
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    return subprocess.run(
        ["pg_dump", "--data-only", f"--dbname={url}"], check=True, capture_output=True
    ).stdout


def found(engine: Engine, lookup: Lookup, value: str) -> Found:
    with Session(engine) as session:
        return find_subject(session=session, lookup=lookup, value=value)


def everything(engine: Engine, person: Person) -> str:
    """The person's export as text (every decrypted value)."""
    with Session(engine) as session:
        subject = find_subject(session=session, lookup=Lookup.VISITOR, value=person.public_id)
        return str(export_data(session=session, found=subject)["tables"])


def table_sizes(engine: Engine) -> dict[str, int]:
    tables = SQLModel.metadata.tables
    with Session(engine) as session:
        return {
            item.table: session.execute(
                select(func.count()).select_from(tables[item.table])
            ).scalar_one()
            for item in entries(Subject.VISITOR)
        }


def aggregates(engine: Engine) -> dict[str, Any]:
    """What the dashboards count: events per name, their distinct visitors, clicks, revenue."""
    with Session(engine) as session:
        per_name = dict(
            session.execute(
                select(AnalyticsEvent.name, func.count()).group_by(AnalyticsEvent.name)
            ).all()
        )
        visitors = session.execute(
            select(func.count(AnalyticsEvent.visitor_key.distinct()))  # type: ignore[union-attr]
        ).scalar_one()
        clickers = session.execute(
            select(func.count(WidgetClick.visitor_key.distinct()))  # type: ignore[attr-defined]
        ).scalar_one()
        clicks = session.execute(select(func.count()).select_from(WidgetClick)).scalar_one()
        revenue = session.execute(select(func.sum(AnalyticsEvent.value))).scalar_one()
    return {
        "per_name": per_name,
        "visitors": visitors,
        "clickers": clickers,
        "clicks": clicks,
        "revenue": revenue,
    }


def test_after_erasure_the_raw_database_holds_nothing_of_the_subject(
    engine: Engine, people: tuple[Person, Person]
) -> None:
    jo, other = people
    before = raw_database(engine)
    # The scan sees what is stored in clear (the ids); the rest was encrypted all along.
    assert jo.visitor_key.encode() in before and jo.public_id.encode() in before
    assert jo.email.encode() not in before

    done = erase(lookup=Lookup.EMAIL, value=jo.email, actor=WHO, engine=engine)
    assert {t: n for t, n in done.deleted.items() if t in PERSON_ROWS} == {
        "visitor": 1,
        "conversation": 1,
        "message": 2,
        "contactrequest": 2,
        "feedback": 1,
        "answerreview": 1,
    }
    assert done.anonymised == {"analyticsevent": 2, "widgetclick": 1}
    assert set(done.deleted) | set(done.anonymised) == {i.table for i in entries(Subject.VISITOR)}
    assert done.log_emptied
    with Session(engine) as session:
        logged = recent_actions(session=session, limit=1)[0]
    assert (logged.action, logged.actor, logged.address) == ("erasure", WHO.name, WHO.address)
    assert logged.details == {"found_by": "email", "rows": done.deleted | done.anonymised}
    assert done.summary.startswith(
        f"Erased the e-mail address {jo.email}: deleted visitor 1, conversation 1, message 2, "
        "contactrequest 2, feedback 1, "
    )
    assert done.summary.endswith("; anonymised analyticsevent 2, widgetclick 1.")

    after = raw_database(engine)
    assert [value for value in jo.identifying if value.encode() in after] == []
    assert jo.conversation_id.encode() not in after
    # Another visitor's data is still there, and still reads.
    assert other.visitor_key.encode() in after
    kept = everything(engine, other)
    assert [value for value in other.identifying if value not in kept] == []


def test_the_dashboards_keep_their_counts_without_the_identity(
    engine: Engine, people: tuple[Person, Person]
) -> None:
    jo, _ = people
    events = found(engine, Lookup.EMAIL, jo.email).rows["analyticsevent"]
    before = aggregates(engine)
    erase(lookup=Lookup.VISITOR, value=jo.visitor_key, actor=WHO, engine=engine)
    assert aggregates(engine) == before
    with Session(engine) as session:
        rows = [session.get(AnalyticsEvent, key) for key in events]
    assert {(r.visitor_key == jo.visitor_key, r.conversation_id) for r in rows if r} == {
        (False, None)
    }
    assert all(r is not None and r.private_properties is None for r in rows)
    assert len({r.visitor_key for r in rows if r}) == 1  # still one (unknown) visitor's


def test_two_browsers_of_one_person_stay_two_visitors_in_the_counts(engine: Engine) -> None:
    second = uuid.uuid4().hex
    with session_scope(engine) as session:
        jo = make_person(session)
        # The same person chats again from another browser and gives the same e-mail address.
        visitor = conv_crud.create_visitor(session=session, language="en")
        visitor.visitor_key = second
        conversation = conv_crud.create_conversation(session=session, visitor=visitor)
        contacts.create_contact_request(
            session=session,
            contact_in=ContactRequestCreate(name="Jo", email=jo.email, message="Me again"),
            conversation_id=conversation.id,
        )
        telemetry.record_tracked(session=session, visitor_key=second, name="signup", at=utcnow())
    subject = found(engine, Lookup.PHONE, jo.phone)
    assert len(subject.visitor_ids) == 2
    assert set(subject.keys) == {jo.visitor_key, second}
    before = aggregates(engine)
    erase(lookup=Lookup.PHONE, value=jo.phone, actor=WHO, engine=engine)
    assert aggregates(engine) == before
    with Session(engine) as session:
        rows = [session.get(AnalyticsEvent, key) for key in subject.rows["analyticsevent"]]
    keys = {row.visitor_key for row in rows if row is not None}
    assert len(keys) == 2 and not keys & set(subject.keys)


def test_a_second_erasure_or_an_unknown_subject_changes_nothing(
    engine: Engine, people: tuple[Person, Person]
) -> None:
    jo, _ = people
    erase(lookup=Lookup.VISITOR, value=jo.public_id, actor=WHO, engine=engine)
    sizes = table_sizes(engine)
    with Session(engine) as session:
        logged = recent_actions(session=session, limit=1)
    for lookup, value in (
        (Lookup.VISITOR, jo.public_id),
        (Lookup.VISITOR, jo.visitor_key),
        (Lookup.EMAIL, jo.email),
        (Lookup.PHONE, jo.phone),
    ):
        with pytest.raises(SubjectNotFound, match="Nothing is stored about"):
            erase(lookup=lookup, value=value, actor=WHO, engine=engine)
    assert table_sizes(engine) == sizes
    with Session(engine) as session:
        assert recent_actions(session=session, limit=1) == logged  # nothing done, nothing logged


def test_an_erasure_that_fails_half_way_leaves_everything_as_it_was(
    engine: Engine, people: tuple[Person, Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    jo, _ = people
    exported = everything(engine, jo)
    sizes = table_sizes(engine)
    with Session(engine) as session:
        logged_before = recent_actions(session=session, limit=1)
    real = erasure._delete

    def fail_at_the_visitor(session: Session, table: Any, keys: tuple[Any, ...]) -> int:
        if table.name == "visitor":
            raise RuntimeError("the disk is full")
        return real(session, table, keys)

    monkeypatch.setattr(erasure, "_delete", fail_at_the_visitor)
    with pytest.raises(RuntimeError, match="the disk is full"):
        erase(lookup=Lookup.EMAIL, value=jo.email, actor=WHO, engine=engine)
    assert table_sizes(engine) == sizes
    assert everything(engine, jo) == exported
    with Session(engine) as session:
        assert recent_actions(session=session, limit=1) == logged_before
