"""data keys: each visitor gets a data key of their own in the key store (core/data_keys.py), and
the personal fields already stored for them (their own, their conversations', messages', contact
requests', ratings', analytics events' and outbox entries') are re-encrypted with it; the keys
erasures destroy are recorded in shreddedkey

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 18:00:00.000000
"""

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from core import data_keys
from core.crypto import decrypt, encrypt

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
# The personal encrypted columns of each visitor table at this revision, and how a row of it
# reaches its visitor: "self" (the visitor row), "visitor_id", or "conversation_id".
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "visitor": ("self", ("name", "email", "phone")),
    "conversation": ("visitor_id", ("page_url", "whatsapp_to")),
    "message": ("conversation_id", ("text", "note", "entities")),
    "contactrequest": ("conversation_id", ("name", "email", "phone", "message")),
    "feedback": ("conversation_id", ("comment",)),
    "analyticsevent": ("conversation_id", ("private_properties",)),
    "outboxentry": ("conversation_id", ("payload", "last_error")),
}
# Each row's data key: its visitor's; a contact request sent outside a chat gets one of its own;
# a step a browser tracked outside a chat takes the key of the first visitor with that browser's.
KEY_OF = {
    "self": "t.data_key_id",
    "visitor_id": "(SELECT v.data_key_id FROM visitor v WHERE v.id = t.visitor_id)",
    "conversation_id": (
        "(SELECT v.data_key_id FROM conversation c JOIN visitor v ON v.id = c.visitor_id"
        " WHERE c.id = t.conversation_id)"
    ),
}
BY_BROWSER = (
    "(SELECT v.data_key_id FROM visitor v WHERE v.visitor_key = t.visitor_key"
    " ORDER BY v.id LIMIT 1)"
)


def _rows(conn: sa.Connection, table: str, key: str, names: tuple[str, ...]) -> Iterator[Any]:
    """Every row of `table` in batches: its id, its data key (`key`, an SQL expression) and
    its personal values."""
    picked = ", ".join(f"t.{n}" for n in names)
    last = 0
    while True:
        rows = conn.execute(
            sa.text(
                f"SELECT t.id, {key}, {picked} FROM {table} t"
                " WHERE t.id > :last ORDER BY t.id LIMIT :n"
            ),
            {"last": last, "n": BATCH},
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def _store(conn: sa.Connection, table: str, row_id: int, values: dict[str, str]) -> None:
    if values:
        assigned = ", ".join(f"{n} = :{n}" for n in values)
        conn.execute(sa.text(f"UPDATE {table} SET {assigned} WHERE id = :id"), {**values, "id": row_id})


def upgrade() -> None:
    with op.batch_alter_table("visitor", schema=None) as batch_op:
        batch_op.add_column(sa.Column("data_key_id", sa.String(length=32), nullable=True))
    op.create_table(
        "shreddedkey",
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("shredded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_id"),
    )
    conn = op.get_bind()
    # Every visitor gets a key, made a batch at a time in the key store.
    for row in _rows(conn, "visitor", "t.data_key_id", ("id",)):
        if row[1] is None:
            conn.execute(
                sa.text("UPDATE visitor SET data_key_id = :k WHERE id = :id"),
                {"k": data_keys.create_key(), "id": row[0]},
            )
    for table, (via, names) in COLUMNS.items():
        key = KEY_OF[via]
        if table == "analyticsevent":
            key = f"COALESCE({key}, {BY_BROWSER})"
        for row in _rows(conn, table, key, names):
            key_id = row[1]
            if key_id is None and table == "contactrequest":
                key_id = data_keys.create_key()
            if key_id is None:
                continue
            _store(conn, table, row[0], {
                name: data_keys.encrypt_with(key_id, decrypt(token).encode("utf-8"))
                for name, token in zip(names, row[2:], strict=True)
                if token is not None and data_keys.key_id_of(token) is None
            })  # fmt: skip


def downgrade() -> None:
    conn = op.get_bind()
    for table, (_via, names) in COLUMNS.items():
        for row in _rows(conn, table, "NULL", names):  # every row, whatever it leads to
            _store(conn, table, row[0], {
                name: encrypt(decrypt(token))
                for name, token in zip(names, row[2:], strict=True)
                if token is not None and data_keys.key_id_of(token) is not None
            })  # fmt: skip
    op.drop_table("shreddedkey")
    with op.batch_alter_table("visitor", schema=None) as batch_op:
        batch_op.drop_column("data_key_id")
