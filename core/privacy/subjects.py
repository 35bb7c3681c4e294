"""Finding one visitor's rows: the person named by an e-mail address, a phone number or an id,
and every row the registry leads to from them. Export and erasure both start here.

A search matches the registry's personal columns of its kind in every visitor table (an e-mail
address is looked for in `visitor.email` and `contactrequest.email`). The matched rows belong to
the subject, and so does every visitor they lead to; from those visitors the registry's paths
find the rest, and their pseudonymous keys find the events recorded before or without a chat.
Encrypted columns cannot be compared in SQL, so they are decrypted and compared here: a scan of
the tables holding e-mail addresses and phone numbers (visitors and contact requests), which
stays small beside messages and events.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Select, Table, or_, select
from sqlmodel import Session, SQLModel

import core.models  # noqa: F401  (registers every table the registry names)
from core.crypto import EncryptedText
from core.privacy.registry import Entry, Subject, entries

# Rows are read and changed this many primary keys at a time (bound-parameter limits).
CHUNK = 500
_HEX_ID = re.compile(r"[0-9a-f]{32}")
_PHONE = re.compile(r"\+?[0-9 ()./-]+")
MIN_PHONE_DIGITS = 6


class Lookup(StrEnum):
    """What the person is found by."""

    EMAIL = "email"
    PHONE = "phone"
    # A visitor's id, the pseudonymous key the widget keeps in their browser, or the id of one
    # of their conversations (the inbox's links carry it): 32 hexadecimal characters.
    VISITOR = "visitor"


# The personal columns each kind of search compares, wherever a visitor table has them.
_COLUMNS: dict[Lookup, tuple[str, ...]] = {
    Lookup.EMAIL: ("email",),
    Lookup.PHONE: ("phone", "whatsapp_to"),
    Lookup.VISITOR: ("public_id", "visitor_key"),
}


class BadLookup(ValueError):
    """The value cannot name anyone: not an e-mail address, a phone number or an id."""


class SubjectNotFound(LookupError):
    """Nothing stored matches (never there, or already erased)."""


@dataclass(frozen=True)
class Found:
    """One visitor subject: how they were found and the primary keys of their rows, per table
    of the registry (every visitor table, in registry order; empty where they have none)."""

    lookup: Lookup
    value: str  # as compared (normalised)
    visitor_ids: tuple[int, ...]
    keys: tuple[str, ...]  # their pseudonymous keys
    rows: dict[str, tuple[Any, ...]]

    def counts(self) -> dict[str, int]:
        return {table: len(keys) for table, keys in self.rows.items()}

    @property
    def total(self) -> int:
        return sum(len(keys) for keys in self.rows.values())

    def details(self) -> dict[str, Any]:
        """What the audit log keeps of an action on them: how they were found and the rows,
        nothing that names them."""
        return {"found_by": self.lookup.value, "rows": self.counts()}


def normalise(lookup: Lookup, value: str) -> str:
    """The value as stored values are compared with it; BadLookup says what is wrong with it."""
    value = value.strip()
    if not value:
        raise BadLookup(f"Enter the {_NOUN[lookup]} to look for.")
    if lookup == Lookup.EMAIL:
        local, at, domain = value.partition("@")
        if not (at and local and "." in domain.strip(".") and " " not in value):
            raise BadLookup(f"“{value}” is not an e-mail address.")
        return value.casefold()
    if lookup == Lookup.PHONE:
        digits = _digits(value)
        if not _PHONE.fullmatch(value) or len(digits) < MIN_PHONE_DIGITS:
            raise BadLookup(f"“{value}” is not a phone number.")
        return digits
    if not _HEX_ID.fullmatch(value.lower()):
        raise BadLookup(
            f"“{value}” is not a visitor id: a visitor, key or conversation id has "
            "32 characters 0-9 and a-f."
        )
    return value.lower()


_NOUN = {Lookup.EMAIL: "e-mail address", Lookup.PHONE: "phone number", Lookup.VISITOR: "id"}


def describe(lookup: Lookup, value: str) -> str:
    """How the subject is named in messages: "the e-mail address jo@example.org"."""
    return f"the {_NOUN[lookup]} {value}"


def find_subject(*, session: Session, lookup: Lookup, value: str, widen: bool = True) -> Found:
    """The visitor(s) `value` names and all their rows; BadLookup for a malformed value,
    SubjectNotFound when nothing stored matches.

    The search widens to what the rows found say about the person, until nothing new turns
    up: the e-mail addresses and phone numbers they gave (a contact form sent without a chat),
    the browser's pseudonymous key (a later chat from the same browser). So each way of naming
    someone finds the same rows. Without `widen` (a visitor asking for their own data from the
    widget) the addresses and numbers are not followed: nobody has checked they are the
    visitor's, and typing someone's address into a form must not reach that person's data."""
    wanted = normalise(lookup, value)
    tables = _tables()
    matched: dict[str, set[Any]] = {}
    visitor_ids: set[int] = set()
    keys: set[str] = set()
    todo, seen = [(lookup, wanted)], set()
    while todo:
        searched = todo.pop()
        seen.add(searched)
        _match(session, *searched, matched=matched, visitor_ids=visitor_ids, keys=keys)
        if not matched:
            raise SubjectNotFound(f"Nothing is stored about {describe(lookup, wanted)}.")
        _by_keys(session, tables, visitor_ids, keys)
        rows = _all_rows(session, tables, matched, visitor_ids, keys)
        todo = sorted(_named_in(session, tables, rows) - seen) if widen else []
    return Found(lookup, wanted, tuple(sorted(visitor_ids)), tuple(sorted(keys)), rows)


def _match(
    session: Session,
    lookup: Lookup,
    wanted: str,
    *,
    matched: dict[str, set[Any]],
    visitor_ids: set[int],
    keys: set[str],
) -> None:
    """Add the rows holding `wanted` in a column of the lookup's kind, and their visitors."""
    tables = _tables()
    for item in entries(Subject.VISITOR):
        table = tables[item.table]
        for name in _COLUMNS[lookup]:
            if name not in item.personal:
                continue
            pks = _matching(session, table, table.c[name], lookup, wanted)
            if not pks:
                continue
            matched.setdefault(item.table, set()).update(pks)
            visitor_ids |= _people_of(session, table, item.path, pks)
            if name in item.also_by:
                keys.add(wanted)


def _by_keys(
    session: Session, tables: dict[str, Table], visitor_ids: set[int], keys: set[str]
) -> None:
    """The pseudonymous keys are the browser's: a visitor holding one of the subject's keys is
    the subject too (a later chat from the same browser)."""
    own = tables[Subject.VISITOR.value]
    for name in {name for item in entries(Subject.VISITOR) for name in item.also_by}:
        keys |= _values(session, own, own.c[name], _pk(own), visitor_ids)
        visitor_ids |= _values(session, own, _pk(own), own.c[name], keys)


def _all_rows(
    session: Session,
    tables: dict[str, Table],
    matched: dict[str, set[Any]],
    visitor_ids: set[int],
    keys: set[str],
) -> dict[str, tuple[Any, ...]]:
    return {
        item.table: tuple(
            sorted(
                _rows_of(session, tables[item.table], item, visitor_ids, keys)
                | matched.get(item.table, set())
            )
        )
        for item in entries(Subject.VISITOR)
    }


def _named_in(
    session: Session, tables: dict[str, Table], rows: dict[str, tuple[Any, ...]]
) -> set[tuple[Lookup, str]]:
    """The e-mail addresses and phone numbers the subject's rows hold, as searches."""
    named: set[tuple[Lookup, str]] = set()
    for item in entries(Subject.VISITOR):
        table = tables[item.table]
        for lookup in (Lookup.EMAIL, Lookup.PHONE):
            for name in _COLUMNS[lookup]:
                if name not in item.personal:
                    continue
                for stored in _values(session, table, table.c[name], _pk(table), rows[item.table]):
                    try:
                        named.add((lookup, normalise(lookup, str(stored))))
                    except BadLookup:
                        continue  # a value no search could name (a phone too short)
    return named


def chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _tables() -> dict[str, Table]:
    return dict(SQLModel.metadata.tables)


def _pk(table: Table) -> Column[Any]:
    (column,) = table.primary_key.columns
    return column


def _digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit())


def _same(lookup: Lookup, stored: str, wanted: str) -> bool:
    if lookup == Lookup.EMAIL:
        return stored.strip().casefold() == wanted
    if lookup == Lookup.PHONE:
        return _digits(stored) == wanted
    return stored == wanted


def _matching(
    session: Session, table: Table, column: Column[Any], lookup: Lookup, wanted: str
) -> set[Any]:
    """Primary keys of the rows whose `column` holds the wanted value."""
    pk = _pk(table)
    if not isinstance(column.type, EncryptedText) and lookup == Lookup.VISITOR:
        return set(session.execute(select(pk).where(column == wanted)).scalars())
    # Encrypted (or needing normalising): read the stored values and compare them decrypted.
    rows = session.execute(select(pk, column).where(column.is_not(None))).all()
    return {key for key, stored in rows if _same(lookup, str(stored), wanted)}


def _people_of(
    session: Session, table: Table, path: tuple[str, ...], pks: Iterable[Any]
) -> set[int]:
    """The visitors the rows `pks` of `table` lead to along `path`."""
    values, column = set(pks), _pk(table)
    for hop in path:
        step = table.c[hop]
        values = _values(session, table, step, column, values)
        target = next(iter(step.foreign_keys)).column
        table, column = target.table, target
    return {int(v) for v in values}


def _values(
    session: Session, table: Table, wanted: Column[Any], by: Column[Any], among: Iterable[Any]
) -> set[Any]:
    """The non-empty values of `wanted` in the rows whose `by` is among `among`."""
    found: set[Any] = set()
    for part in chunks(sorted(set(among))):
        query = select(wanted).where(by.in_(part), wanted.is_not(None))
        found.update(session.execute(query).scalars())
    return found


def leading(
    table: Table, path: tuple[str, ...], column: Column[Any], people: list[int]
) -> Select[Any]:
    """The values of `column` in the rows of `table` that `path` leads to the people from."""
    if not path:
        return select(column).where(_pk(table).in_(people))
    step = table.c[path[0]]
    target = next(iter(step.foreign_keys)).column
    return select(column).where(step.in_(leading(target.table, path[1:], target, people)))


def _rows_of(
    session: Session, table: Table, item: Entry, visitor_ids: set[int], keys: set[str]
) -> set[Any]:
    """Primary keys of the entry's rows about the visitors: by its path, or by their keys."""
    pk = _pk(table)
    found: set[Any] = set()
    people = sorted(visitor_ids)
    for part in chunks(people) if people else ():
        found.update(session.execute(leading(table, item.path, pk, list(part))).scalars())
    if item.also_by and keys:
        by_key = or_(*(table.c[name].in_(sorted(keys)) for name in item.also_by))
        found.update(session.execute(select(pk).where(by_key)).scalars())
    return found
