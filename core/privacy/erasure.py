"""Erasing one visitor: every row the registry leads to from them is deleted, or anonymised
where it counts towards aggregates (events, clicks), in one transaction.

On SQLite a deleted row's bytes stay in the file's free space and in the write-ahead log until
they are overwritten, so after the commit the file is rebuilt (VACUUM) and the log emptied: a
scan of the file and its -wal then finds nothing of the person. PostgreSQL's dump holds only
live rows; its dead ones go at the next autovacuum.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, delete, select, text, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from core.crud import audit
from core.db import session_scope
from core.integrations import config as integrations_config
from core.integrations import crm_erasure
from core.models.audit import AuditAction
from core.privacy import shredding
from core.privacy.registry import Entry, Erasure, Subject, entries
from core.privacy.subjects import Found, Lookup, chunks, describe, find_subject
from core.settings import get_settings

LOG_IN_USE = (
    "Another process was reading the database: its log keeps the deleted bytes until its next "
    "checkpoint."
)


@dataclass(frozen=True)
class Erased:
    """What an erasure did: rows deleted and rows anonymised, per table."""

    subject: str  # "the e-mail address jo@example.org"
    deleted: dict[str, int]
    anonymised: dict[str, int]
    # False when another connection kept SQLite's log from being emptied (it is, at the next
    # checkpoint); always True elsewhere.
    log_emptied: bool = True
    # The erased visitors' data keys, to delete from the key store once this has committed.
    keys: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        """The erasure in one sentence, rows per table: Erased the id ...: deleted visitor 1,
        message 2; anonymised widgetclick 1."""
        done = [
            f"{how} " + ", ".join(f"{table} {n}" for table, n in counts.items() if n)
            for how, counts in (("deleted", self.deleted), ("anonymised", self.anonymised))
            if any(counts.values())
        ]
        return f"Erased {self.subject}: " + "; ".join(done) + "."


def erase_subject(*, session: Session, found: Found) -> Erased:
    """Delete or anonymise the subject's rows in the caller's transaction, dependent tables
    first (so no row is left pointing at one that is gone), and record their data keys as
    destroyed; the caller deletes `keys` from the key store after its commit."""
    tables = SQLModel.metadata.tables
    shredded = shredding.shred(session=session, found=found)
    by_table = {item.table: item for item in entries(Subject.VISITOR)}
    deleted: dict[str, int] = {}
    anonymised: dict[str, int] = {}
    replacing: dict[str, dict[Any, Any]] = {}
    for table in reversed(SQLModel.metadata.sorted_tables):
        item = by_table.get(table.name)
        if item is None:
            continue
        keys = found.rows[item.table]
        if item.erasure == Erasure.DELETE:
            deleted[item.table] = _delete(session, tables[item.table], keys)
        else:
            anonymised[item.table] = _anonymise(session, tables[item.table], item, keys, replacing)
    order = list(by_table)
    return Erased(
        describe(found.lookup, found.value),
        dict(sorted(deleted.items(), key=lambda kv: order.index(kv[0]))),
        dict(sorted(anonymised.items(), key=lambda kv: order.index(kv[0]))),
        keys=tuple(shredded),
    )


def erase(
    *,
    lookup: Lookup,
    value: str,
    actor: audit.Actor,
    engine: Engine | None = None,
    widen: bool = True,
) -> Erased:
    """Find the subject and erase them in one transaction with its entry in the audit log, then
    destroy their data keys and wipe what SQLite keeps of deleted rows. BadLookup and
    SubjectNotFound leave everything as it was."""
    with session_scope(engine) as session:
        found = find_subject(session=session, lookup=lookup, value=value, widen=widen)
        if widen:  # the team's erasure; a visitor's own is never sent on to the CRM: the
            # addresses they typed are not proof that the CRM's person is them
            configured = integrations_config.effective(session=session, settings=get_settings())
            crm_erasure.queue(session=session, settings=configured, found=found)
        done = erase_subject(session=session, found=found)
        audit.record_action(
            session=session, action=AuditAction.ERASURE, actor=actor, details=found.details()
        )
        bind = session.get_bind()
    assert isinstance(bind, Engine)
    shredding.destroy_or_leave(done.keys)
    emptied = wipe_free_space(bind)
    return Erased(done.subject, done.deleted, done.anonymised, emptied, done.keys)


def wipe_free_space(engine: Engine) -> bool:
    """On SQLite, rebuild the file and empty its log so deleted bytes are gone; True unless a
    reader elsewhere kept the log from being emptied now."""
    if engine.dialect.name != "sqlite":
        return True
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM"))
        busy, _, _ = conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).one()
    return busy == 0


def _delete(session: Session, table: Table, keys: tuple[Any, ...]) -> int:
    (pk,) = table.primary_key.columns
    for part in chunks(keys):
        session.execute(delete(table).where(pk.in_(part)))
    return len(keys)


def _anonymise(
    session: Session,
    table: Table,
    item: Entry,
    keys: tuple[Any, ...],
    replacing: dict[str, dict[Any, Any]],
) -> int:
    """Set each personal column to its cleared value. A column cleared by a function (a new
    pseudonymous key) gets one new value per value it replaces, the same in every table
    (`replacing`: old value -> new, per column name), so rows that were one browser's still
    count as one (unknown) visitor's, and two as two. A row without a key of its own, found
    through its conversation, gets the new key of its visitor's: the funnels count it as the
    visitor's now, as they did through the conversation."""
    (pk,) = table.primary_key.columns
    fixed = {n: p.cleared for n, p in item.personal.items() if not callable(p.cleared)}
    fresh = {n: p.cleared for n, p in item.personal.items() if callable(p.cleared)}
    for part in chunks(keys):
        for name, make in fresh.items():
            column = table.c[name]
            by_value: dict[Any, list[Any]] = defaultdict(list)
            rows = session.execute(select(pk, column).where(pk.in_(part))).all()
            owners = _owners(session, table, item, name, [k for k, old in rows if old is None])
            for key, old in rows:
                by_value[old if old is not None else owners[key]].append(key)
            for old, same in by_value.items():
                new = replacing.setdefault(name, {}).setdefault(old, make())
                session.execute(update(table).where(pk.in_(same)).values({name: new}))
        if fixed:
            session.execute(update(table).where(pk.in_(part)).values(fixed))
    return len(keys)


def _owners(
    session: Session, table: Table, item: Entry, name: str, keys: list[Any]
) -> dict[Any, Any]:
    """For rows of `table`, what their person is known by in `name`: the person's own `name`
    (a visitor's key), or else the person's row id."""
    if not keys:
        return {}
    (pk,) = table.primary_key.columns
    joined: Any = table
    here = table
    for hop in item.path:
        target = next(iter(here.c[hop].foreign_keys)).column
        joined = joined.join(target.table, target == here.c[hop])
        here = target.table
    (person,) = here.primary_key.columns
    known = here.c.get(name, person)
    query = select(pk, person, known).select_from(joined).where(pk.in_(keys))
    return {
        key: value if value is not None else (here.name, person_id)
        for key, person_id, value in session.execute(query).all()
    }
