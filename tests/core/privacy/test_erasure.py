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
from sqlalchemy import column as sa_column
from sqlalchemy import func, select
from sqlalchemy import table as sa_table
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col

from core import data_keys
from core.crud import contacts, telemetry
from core.crud import conversations as conv_crud
from core.crud.audit import Actor, recent_actions
from core.crypto import ERASED, EncryptedText, decrypt
from core.db import make_engine, session_scope
from core.models import AnalyticsEvent, ContactRequestCreate, Conversation, WidgetClick
from core.models._types import utcnow
from core.privacy import erasure, shredding
from core.privacy.erasure import erase
from core.privacy.export import export_data
from core.privacy.registry import Subject, entries
from core.privacy.subjects import Found, Lookup, SubjectNotFound, find_subject
from core.settings import Settings
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
        files = [str(f) for f in (path, path.with_name(path.name + "-wal")) if f.exists()]
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


def backup(engine: Engine, tmp_path: Path) -> Engine:
    """A copy of the whole database as an operator's backup makes it (SQLite's VACUUM INTO, or
    pg_dump), restored into a database of its own; returns an engine on the restored copy."""
    if engine.dialect.name == "sqlite":
        copy = tmp_path / "backup.db"
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f"VACUUM INTO '{copy}'")
        return make_engine(f"sqlite:///{copy}")
    url = engine.url.set(drivername="postgresql")
    restored = url.set(database=f"{url.database}_backup")
    dump = subprocess.run(
        ["pg_dump", "--no-owner", f"--dbname={url.render_as_string(hide_password=False)}"],
        check=True,
        capture_output=True,
    ).stdout
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{restored.database}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{restored.database}"')
    subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", restored.render_as_string(hide_password=False)],
        input=dump,
        check=True,
        capture_output=True,
    )
    return make_engine(restored.render_as_string(hide_password=False))


def readable(copy: Engine) -> str:
    """Every personal value of the visitor tables the copy holds that still decrypts."""
    values: list[str] = []
    with copy.connect() as conn:
        for item in entries(Subject.VISITOR):
            table = SQLModel.metadata.tables[item.table]
            names = [n for n in item.personal if isinstance(table.c[n].type, EncryptedText)]
            for name in names:
                for (token,) in conn.execute(
                    select(sa_column(name)).select_from(sa_table(item.table))
                ):
                    if token is None:
                        continue
                    try:
                        values.append(
                            data_keys.decrypt_keyed(token).decode()
                            if data_keys.key_id_of(token)
                            else decrypt(token)
                        )
                    except data_keys.KeyDestroyed:
                        values.append(ERASED)
    return "\n".join(values)


def test_a_backup_taken_before_the_erasure_cannot_be_read_for_the_erased(
    engine: Engine, people: tuple[Person, Person], tmp_path: Path, settings: Settings
) -> None:
    """Crypto-shredding: the erasure destroys the visitor's data keys, so a copy of the
    database taken before it, restored, holds their rows but cannot decrypt any of them;
    another visitor's rows in the same copy read as before. A key store restored from a copy
    older than the erasure gets the keys back, and the daily sweep destroys them again."""
    jo, other = people
    copy = backup(engine, tmp_path)
    try:
        with Session(copy) as session:
            conversation = session.scalars(
                select(Conversation).where(col(Conversation.public_id) == jo.conversation_id)
            ).one()
            assert conversation.page_url == jo.texts[5]  # the copy reads, before the erasure
        with data_keys.get_keystore().connect() as conn:
            kept_keys = conn.execute(select(data_keys.datakey)).all()  # the key store's backup

        done = erase(lookup=Lookup.EMAIL, value=jo.email, actor=WHO, engine=engine)
        assert len(done.keys) == 2  # the visitor's key, and the contact form's sent outside a chat
        data_keys.forget_cached()
        # Nor does a copy of the key store's files taken now hold them.
        store = settings.keys_dir / data_keys.KEYSTORE_FILE
        files = [str(f) for f in (store, store.with_name(store.name + "-wal")) if f.exists()]
        copied = subprocess.run(["cat", *files], check=True, capture_output=True).stdout
        gone = [row.wrapped for row in kept_keys if row.id in done.keys]
        assert len(gone) == 2 and not [w for w in gone if w.encode() in copied]

        in_copy = readable(copy)
        assert [
            value for value in jo.texts + (jo.email, jo.phone, jo.name) if value in in_copy
        ] == []
        assert ERASED in in_copy
        assert [
            value for value in other.texts[:-1] + (other.email, other.name) if value not in in_copy
        ] == []
        with Session(copy) as session:
            conversation = session.scalars(
                select(Conversation).where(col(Conversation.public_id) == jo.conversation_id)
            ).one()
            assert conversation.page_url == ERASED

        with data_keys.get_keystore().begin() as conn:  # the key store restored from its backup
            for row in kept_keys:
                if row.id in done.keys:
                    conn.execute(data_keys.datakey.insert().values(**row._mapping))
        data_keys.forget_cached()
        assert jo.email in readable(copy)
        with session_scope(engine) as session:
            assert shredding.sweep(session=session) == 2
        data_keys.forget_cached()
        assert jo.email not in readable(copy)
    finally:
        copy.dispose()
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{copy.url.database}"')
