"""The personal-data registry stays complete and true to the schema: a new table that leads to a
visitor or a user, a renamed column, or a new encrypted column left out of it fails here, and
the personal columns still stored in clear can only become fewer."""

from __future__ import annotations

from sqlalchemy import Table
from sqlmodel import SQLModel

import core.models  # noqa: F401  (registers every table)
from core.crypto import EncryptedText
from core.privacy.registry import IN_CLEAR, REGISTRY, Subject, entry

PEOPLE = {"visitor": Subject.VISITOR, "user": Subject.USER}
# Tables that point at a person's rows only through the business's own content.
NOT_PERSONAL = {"faqentry"}


def tables() -> dict[str, Table]:
    return dict(SQLModel.metadata.tables)


def leads_to(table: Table, seen: frozenset[str] = frozenset()) -> set[str]:
    """The people's tables reachable from `table` through its foreign keys."""
    if table.name in PEOPLE:
        return {table.name}
    found: set[str] = set()
    for key in table.foreign_keys:
        target = key.column.table
        if target.name not in seen and target.name not in NOT_PERSONAL:
            found |= leads_to(target, seen | {table.name})
    return found


def test_every_table_leading_to_a_person_is_registered_for_that_person() -> None:
    missing = {}
    for name, table in tables().items():
        people = leads_to(table)
        registered = entry(name)
        if people and (registered is None or registered.subject.value not in people):
            missing[name] = sorted(people)
    assert missing == {}


def test_entries_name_real_tables_and_columns() -> None:
    wrong = []
    for item in REGISTRY:
        table = tables().get(item.table)
        if table is None:
            wrong.append(item.table)
            continue
        wrong += [f"{item.table}.{c}" for c in item.personal if c not in table.columns]
        first = item.found_by.split(",")[0].split(" ")[0]
        if first not in table.columns:
            wrong.append(f"{item.table} found by {first}")
    assert wrong == []
    assert len({item.table for item in REGISTRY}) == len(REGISTRY)


def test_every_encrypted_column_is_declared_personal() -> None:
    encrypted = {
        (name, column.name)
        for name, table in tables().items()
        for column in table.columns
        if isinstance(column.type, EncryptedText)
    }
    declared = {(item.table, column) for item in REGISTRY for column in item.personal}
    assert encrypted - declared == set()
    assert ("message", "text") in encrypted  # what a visitor wrote is never in clear


def test_personal_columns_in_clear_are_exactly_the_known_ones() -> None:
    clear = {
        (item.table, column)
        for item in REGISTRY
        for column in item.personal
        if not isinstance(tables()[item.table].columns[column].type, EncryptedText)
    }
    # A new personal column must be encrypted; one encrypted since comes off IN_CLEAR.
    assert clear == IN_CLEAR
