"""data keys: each visitor gets a data key of their own in the key store (core/data_keys.py), and
the personal fields already stored for them (their own, their conversations', messages', contact
requests', ratings', analytics events' and outbox entries') are re-encrypted with it; the keys
erasures destroy are recorded in shreddedkey

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 18:00:00.000000
"""

from collections.abc import Callable, Sequence

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


def _key_query(table: str, via: str, names: tuple[str, ...]) -> str:
    picked = ", ".join(f"t.{n}" for n in names)
    if via == "self":
        return f"SELECT t.id, t.data_key_id, {picked} FROM visitor t"
    if via == "visitor_id":
        return f"SELECT t.id, v.data_key_id, {picked} FROM {table} t JOIN visitor v ON v.id = t.visitor_id"
    return (
        f"SELECT t.id, v.data_key_id, {picked} FROM {table} t"
        " JOIN conversation c ON c.id = t.conversation_id JOIN visitor v ON v.id = c.visitor_id"
    )


def _rewrite(conn: sa.Connection, change: Callable[[str, str], str | None]) -> None:
    """Pass every personal value through `change(token, data key id)`, a batch at a time."""
    for table, (via, names) in COLUMNS.items():
        last = 0
        while True:
            rows = conn.execute(
                sa.text(_key_query(table, via, names) + " WHERE t.id > :last ORDER BY t.id LIMIT :n"),
                {"last": last, "n": BATCH},
            ).all()
            if not rows:
                break
            for row in rows:
                last = row[0]
                values = {}
                for name, token in zip(names, row[2:], strict=True):
                    if token is not None and row[1] is not None:
                        new = change(token, row[1])
                        if new is not None:
                            values[name] = new
                if values:
                    assigned = ", ".join(f"{n} = :{n}" for n in values)
                    conn.execute(
                        sa.text(f"UPDATE {table} SET {assigned} WHERE id = :id"), {**values, "id": row[0]}
                    )


def _to_data_key(token: str, key_id: str) -> str | None:
    if data_keys.key_id_of(token) is not None:
        return None
    return data_keys.encrypt_with(key_id, decrypt(token).encode("utf-8"))


def _to_master_key(token: str, key_id: str) -> str | None:
    if data_keys.key_id_of(token) is None:
        return None
    return encrypt(data_keys.decrypt_keyed(token).decode("utf-8"))


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
    while True:
        ids = conn.execute(
            sa.text("SELECT id FROM visitor WHERE data_key_id IS NULL ORDER BY id LIMIT :n"),
            {"n": BATCH},
        ).scalars().all()
        if not ids:
            break
        for visitor_id in ids:
            conn.execute(
                sa.text("UPDATE visitor SET data_key_id = :k WHERE id = :id"),
                {"k": data_keys.create_key(), "id": visitor_id},
            )
    _rewrite(conn, _to_data_key)


def downgrade() -> None:
    _rewrite(op.get_bind(), _to_master_key)
    op.drop_table("shreddedkey")
    with op.batch_alter_table("visitor", schema=None) as batch_op:
        batch_op.drop_column("data_key_id")
