"""The personal-data registry stays complete and true to the schema: a table that leads to a
visitor or a user through its foreign keys and is not registered for that person, a column or a
path that does not exist, an anonymised row that would still lead back to the person, or a new
encrypted or identifying column left out of it fails here, and the personal columns still
stored in clear can only become fewer."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import JSON, Column, String, Table
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

import core.models  # noqa: F401  (registers every table)
from core.crypto import EncryptedText
from core.privacy.registry import (
    IN_CLEAR,
    NOT_PERSONAL,
    PLAIN,
    REGISTRY,
    Entry,
    Erasure,
    Subject,
    entries,
    entry,
)

PEOPLE = {"visitor": Subject.VISITOR, "user": Subject.USER}
# Column names that identify a person wherever they appear.
IDENTIFYING = {"visitor_key", "email", "phone", "ip", "ip_address", "user_agent"}


def tables() -> dict[str, Table]:
    return dict(SQLModel.metadata.tables)


def leads_to(table: Table, seen: frozenset[str] = frozenset()) -> set[str]:
    """The people's tables reachable from `table` through its foreign keys."""
    if table.name in PEOPLE:
        return {table.name}
    found: set[str] = set()
    for key in table.foreign_keys:
        target = key.column.table
        if target.name not in seen:
            found |= leads_to(target, seen | {table.name})
    return found


def follow(item: Entry) -> list[str]:
    """What is wrong with the entry's path from its table to the person's table."""
    table = tables()[item.table]
    for hop in item.path:
        column = table.columns.get(hop)
        if column is None or len(column.foreign_keys) != 1:
            return [f"{item.table}: {table.name}.{hop} is not a foreign key"]
        table = next(iter(column.foreign_keys)).column.table
    if table.name != item.subject.value:
        return [f"{item.table}: the path ends at {table.name}, not {item.subject.value}"]
    return []


def test_the_walk_finds_the_tables_that_point_at_people() -> None:
    # The walk itself: the direct and the indirect ways to a visitor or a user.
    assert leads_to(tables()["conversation"]) == {"visitor"}
    assert leads_to(tables()["contactrequest"]) == {"visitor"}
    assert leads_to(tables()["answerreview"]) == {"visitor", "user"}
    assert leads_to(tables()["faqentry"]) == set()


def test_every_table_leading_to_a_person_is_registered_for_that_person() -> None:
    missing = [
        f"{name} -> {person}"
        for name, table in tables().items()
        for person in sorted(leads_to(table))
        if entry(name, PEOPLE[person]) is None
    ]
    assert missing == []


def test_entries_name_real_tables_columns_and_paths() -> None:
    wrong: list[str] = []
    for item in REGISTRY:
        table = tables().get(item.table)
        if table is None:
            wrong.append(f"no table {item.table}")
            continue
        named = [*item.personal, *item.also_by]
        wrong += [f"no column {item.table}.{c}" for c in named if c not in table.columns]
        wrong += follow(item)
    assert wrong == []
    pairs = [(item.table, item.subject) for item in REGISTRY]
    assert len(set(pairs)) == len(pairs)
    # Each person's own table comes first, so export and erasure find the person before the rest.
    for person in Subject:
        assert entries(person)[0].table == person.value and entries(person)[0].path == ()


def test_an_anonymised_row_keeps_nothing_that_leads_back_to_the_person() -> None:
    wrong = []
    for item in REGISTRY:
        if item.erasure != Erasure.ANONYMISE:
            continue
        table = tables()[item.table]
        for link in (*item.path[:1], *item.also_by):
            if link not in item.personal:
                wrong.append(f"{item.table}.{link} leads back but is not cleared")
        for name, personal in item.personal.items():
            column = table.columns[name]
            if personal.cleared is None and not column.nullable:
                wrong.append(f"{item.table}.{name} is NOT NULL: it needs a cleared value")
    assert wrong == []


def test_every_encrypted_or_identifying_column_is_declared_personal() -> None:
    declared = {(item.table, column) for item in REGISTRY for column in item.personal}
    encrypted = {
        (name, column.name)
        for name, table in tables().items()
        for column in table.columns
        if isinstance(column.type, EncryptedText)
    }
    identifying = {
        (name, column.name)
        for name, table in tables().items()
        for column in table.columns
        if column.name in IDENTIFYING
    }
    secrets = {(table, column) for table, columns in NOT_PERSONAL.items() for column in columns}
    assert encrypted - declared - secrets == set()
    assert identifying - declared == set()
    assert ("message", "text") in encrypted  # what a visitor wrote is never in clear


def test_the_business_secrets_are_encrypted_and_about_no_one() -> None:
    """An encrypted column left out of the registry as the business's own secret is in a table
    that leads to no person, so nothing personal can hide there."""
    for name, columns in NOT_PERSONAL.items():
        table = tables()[name]
        assert leads_to(table) == set() and entry(name) is None
        assert all(isinstance(table.columns[c].type, EncryptedText) for c in columns)
    assert "integrationsetting" in NOT_PERSONAL  # the Integrations page's credentials


def test_personal_columns_in_clear_are_exactly_the_known_ones() -> None:
    clear = {
        (item.table, column)
        for item in REGISTRY
        for column in item.personal
        if not isinstance(tables()[item.table].columns[column].type, EncryptedText)
    }
    # A new personal column must be encrypted; one encrypted since comes off IN_CLEAR.
    assert clear == IN_CLEAR


def _holds_text(column: Column[object]) -> bool:
    """Text or JSON, under whatever wrapper of the column's type (sqlmodel's AutoString)."""
    kind = column.type
    while isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    return isinstance(kind, String | JSON)


def test_every_text_column_of_a_registered_table_is_encrypted_or_decided_plain() -> None:
    """A new text or JSON column in a table about a person is encrypted, or declared plain (a
    label, PLAIN) or in clear (IN_CLEAR) on purpose: nothing free lands in clear by default."""
    undecided = [
        f"{item.table}.{column.name}"
        for item in REGISTRY
        for column in tables()[item.table].columns
        if _holds_text(column)
        and not isinstance(column.type, EncryptedText)
        and (item.table, column.name) not in IN_CLEAR
        and column.name not in PLAIN.get(item.table, ())
    ]
    assert undecided == []
    named = [f"{t}.{c}" for t, cs in PLAIN.items() for c in cs if c not in tables()[t].columns]
    assert named == []


def test_the_documented_list_is_the_registry() -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "privacy.md").read_text()
    rows = {
        tuple(cell.strip() for cell in line.strip("|").split("|")[:4])
        for line in doc.splitlines()
        if line.startswith("| ") and not line.startswith("| table")
    }
    listed = {(table, person) for table, person, _, _ in rows}
    assert listed == {(item.table, item.subject.value) for item in REGISTRY}
    erasure = {(table, person): how for table, person, _, how in rows}
    assert all(erasure[(i.table, i.subject.value)] == i.erasure.value for i in REGISTRY)
