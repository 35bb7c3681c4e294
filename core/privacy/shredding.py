"""Crypto-shredding: a visitor's personal fields are written with their own data key
(core/data_keys.py), and erasing the visitor destroys it.

The registry names each visitor table's personal columns and the path from its rows to the
visitor. As the ORM writes a row of such a table, its encrypted personal values are marked with
the data key of the visitor the path leads to (a new visitor gets a new key), and the column
types encrypt marked values with that key. Rows that lead to no visitor (a contact form sent
outside a chat, events of a browser that never chatted) keep the master keys, and erasure
deletes or clears them as before.

An erasure records the destroyed keys (`shreddedkey`) in its own transaction and deletes them
from the key store after the commit; `sweep` deletes them again from a key store restored from
a copy older than the erasure, and retries a deletion that failed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Table, Text, bindparam, event, inspect, or_, select, update
from sqlalchemy import column as sa_column
from sqlalchemy import table as sa_table
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper
from sqlmodel import Session, SQLModel, col

from core import data_keys
from core.crypto import EncryptedText, decrypt, keyed
from core.models import ShreddedKey, Visitor
from core.privacy.registry import Entry, Erasure, Subject, entries
from core.privacy.subjects import Found, chunks
from core.settings import get_settings

log = logging.getLogger(__name__)
_CACHE = "shredding.keys"  # session.info: (table, id) -> data key id, for the session's life


def encrypted_personal(item: Entry) -> tuple[str, ...]:
    """The registry's personal columns of `item` that are stored encrypted."""
    table = SQLModel.metadata.tables[item.table]
    return tuple(n for n in item.personal if isinstance(table.c[n].type, EncryptedText))


@cache
def _lookup(first: str, path: tuple[str, ...]) -> Any:
    """A query for the data key of the visitor reached from a row of table `first` by `path`
    (the foreign keys after the first hop), taking that row's id as :id."""
    tables = SQLModel.metadata.tables
    here: Table = tables[first]
    joined: Any = here
    for hop in path:
        target = next(iter(here.c[hop].foreign_keys)).column
        joined = joined.join(target.table, target == here.c[hop])
        here = target.table
    (start,) = tables[first].primary_key.columns
    return select(here.c.data_key_id).select_from(joined).where(start == bindparam("id"))


def _key_via(connection: Connection, cache: dict[Any, Any], item: Entry, row: Any) -> str | None:
    """The data key of the visitor `row` (of `item`'s table) belongs to, or None."""
    first_hop = item.path[0]
    value = getattr(row, first_hop, None)
    if value is not None:
        target = next(iter(SQLModel.metadata.tables[item.table].c[first_hop].foreign_keys))
        first = target.column.table.name
        found = cache.get((first, value))
        if found is None:
            found = connection.execute(_lookup(first, item.path[1:]), {"id": value}).scalar()
            cache[(first, value)] = found
        return found
    for column in item.also_by:  # a browser's key: the visitor who chatted with it, if any
        key = getattr(row, column, None)
        if key is not None:
            query = (
                select(col(Visitor.data_key_id))
                .where(col(Visitor.visitor_key) == key, col(Visitor.data_key_id).is_not(None))
                .order_by(col(Visitor.id))
                .limit(1)
            )
            return connection.execute(query).scalar()
    return None


def _session_cache(row: Any) -> dict[Any, Any]:
    session = inspect(row).session
    return {} if session is None else session.info.setdefault(_CACHE, {})


def _mark(row: Any, names: Iterable[str], key_id: str | None, changed_only: bool) -> None:
    state = inspect(row)
    for name in names:
        if changed_only and not state.attrs[name].history.has_changes():
            continue
        value = getattr(row, name)
        marked = keyed(value, key_id)
        if marked is not value:
            setattr(row, name, marked)


def _listen(item: Entry, mapped: type, names: tuple[str, ...]) -> None:
    def write(changed_only: bool) -> Any:
        def listener(_mapper: Mapper[Any], connection: Connection, row: Any) -> None:
            if item.table == "visitor":
                if row.data_key_id is None and not changed_only:
                    row.data_key_id = data_keys.create_key()
                key_id = row.data_key_id
                browser_changed = inspect(row).attrs.visitor_key.history.has_changes()
                if row.visitor_key and key_id and (browser_changed or not changed_only):
                    _adopt_browser_rows(connection, row.visitor_key, key_id)
            else:
                key_id = _key_via(connection, _session_cache(row), item, row)
                if key_id is None and not item.also_by and not changed_only:
                    key_id = data_keys.create_key()  # its own: a contact form sent outside a chat
            _mark(row, names, key_id, changed_only)

        return listener

    event.listen(mapped, "before_insert", write(False))
    event.listen(mapped, "before_update", write(True))


def _adopt_browser_rows(connection: Connection, visitor_key: str, key_id: str) -> None:
    """Rows a browser left before its first chat (tracked steps' properties) were written with
    the master keys, as no visitor had that browser's key: now one has, they take its data key."""
    for item in entries(Subject.VISITOR):
        if not item.also_by:
            continue
        table = SQLModel.metadata.tables[item.table]
        (pk,) = table.primary_key.columns
        for name in encrypted_personal(item):
            raw = sa_table(
                table.name,
                sa_column(pk.name),
                sa_column(name, Text()),
                *(sa_column(c) for c in item.also_by),
            )
            found = connection.execute(
                select(raw.c[pk.name], raw.c[name]).where(
                    or_(*(raw.c[c] == visitor_key for c in item.also_by)),
                    raw.c[name].is_not(None),
                    raw.c[name].not_like(data_keys.PREFIX + "%"),
                )
            ).all()
            for row_id, token in found:
                sealed = data_keys.encrypt_with(key_id, decrypt(token).encode("utf-8"))
                connection.execute(
                    update(raw).where(raw.c[pk.name] == row_id).values({name: sealed})
                )


def _install() -> None:
    classes = {m.local_table.name: m.class_ for m in SQLModel._sa_registry.mappers}  # type: ignore[attr-defined]
    for item in entries(Subject.VISITOR):
        names = encrypted_personal(item)
        if names and item.table in classes:
            _listen(item, classes[item.table], names)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_CACHE, None)


def key_for_conversation(*, session: Session, conversation_id: int | None) -> str | None:
    """The data key of the visitor of a conversation (for rows written without the ORM)."""
    if conversation_id is None:
        return None
    item = next(e for e in entries(Subject.VISITOR) if e.table == "conversation")
    query = _lookup("conversation", item.path)
    return session.connection().execute(query, {"id": conversation_id}).scalar()


def shred(*, session: Session, found: Found) -> list[str]:
    """Record as destroyed, in the caller's transaction (the erasure's), the data keys of the
    subject's visitors and the keys of their own that the subject's deleted rows were written
    with (a contact form sent outside a chat), but never a key another visitor holds. The caller
    deletes them from the key store (`destroy`) once it has committed."""
    visitor_ids = list(found.rows.get("visitor", ()))
    keys: set[str] = set()
    for part in chunks(visitor_ids):
        keys |= set(
            session.execute(
                select(col(Visitor.data_key_id)).where(
                    col(Visitor.id).in_(part), col(Visitor.data_key_id).is_not(None)
                )
            ).scalars()
        )
    for item in entries(Subject.VISITOR):
        if item.erasure != Erasure.DELETE or item.table == "visitor" or not found.rows[item.table]:
            continue
        keys |= _keys_in(session, item, found.rows[item.table])
    held = set()
    for part in chunks(sorted(keys)):
        held |= set(
            session.execute(
                select(col(Visitor.data_key_id)).where(
                    col(Visitor.data_key_id).in_(part), col(Visitor.id).not_in(visitor_ids)
                )
            ).scalars()
        )
    destroyed = sorted(keys - held)
    for key_id in destroyed:
        if session.get(ShreddedKey, key_id) is None:
            session.add(ShreddedKey(key_id=key_id))
    return destroyed


def _keys_in(session: Session, item: Entry, row_ids: tuple[Any, ...]) -> set[str]:
    """The data keys the personal values of these rows were written with."""
    table = SQLModel.metadata.tables[item.table]
    (pk,) = table.primary_key.columns
    names = encrypted_personal(item)
    if not names:
        return set()
    raw = sa_table(table.name, sa_column(pk.name), *(sa_column(n, Text()) for n in names))
    keys: set[str] = set()
    for part in chunks(row_ids):
        for row in session.execute(select(*raw.c).where(raw.c[pk.name].in_(part))).all():
            keys |= {k for token in row[1:] if token and (k := data_keys.key_id_of(token))}
    return keys


def destroy_or_leave(key_ids: Iterable[str]) -> None:
    """Delete destroyed data keys from the key store after the erasure's commit. The erasure
    stands if the key store cannot be reached now: the keys are recorded as destroyed, and the
    daily `sweep` deletes them."""
    try:
        data_keys.destroy(key_ids)
    except Exception:
        log.exception("the key store could not delete erased visitors' keys; the daily sweep will")


class KeyStoreMissing(RuntimeError):
    """The key store holds none of the recent visitors' keys: the wrong one, or lost."""


def check_key_store(*, session: Session, sample: int = 100) -> None:
    """Refuse to start on a key store that holds none of the latest visitors' data keys (a
    moved DATA_DIR/keys, a KEYSTORE_URL naming another database, each host with a key store of
    its own): every visitor would read as erased and new rows would be sealed with keys the
    other processes cannot read."""
    recent = (
        session.execute(
            select(col(Visitor.data_key_id))
            .where(col(Visitor.data_key_id).is_not(None))
            .order_by(col(Visitor.id).desc())
            .limit(sample)
        )
        .scalars()
        .all()
    )
    shredded = set(
        session.execute(
            select(col(ShreddedKey.key_id)).where(col(ShreddedKey.key_id).in_(recent))
        ).scalars()
    )
    wanted = [k for k in recent if k not in shredded]
    if wanted and not any(data_keys.exists(k) for k in wanted):
        raise KeyStoreMissing(
            f"the key store ({data_keys.keystore_url(get_settings())}) holds none of the latest "
            f"{len(wanted)} visitors' data keys: restore it (DATA_DIR/keys/data_keys.sqlite3) "
            "or set KEYSTORE_URL to the one the database was written with"
        )


def sweep(*, session: Session, since: datetime | None = None) -> int:
    """Delete from the key store the data keys recorded as destroyed (since `since`, or all: the
    daily run, which also covers a key store restored from a copy older than an erasure and a
    deletion that failed). Returns keys deleted."""
    query = select(col(ShreddedKey.key_id))
    if since is not None:
        query = query.where(col(ShreddedKey.shredded_at) >= since)
    return data_keys.destroy(session.execute(query).scalars().all())


_install()
