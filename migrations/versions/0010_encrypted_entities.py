"""message.entities encrypted like the text they were read in (e-mail addresses, phone numbers,
names and order numbers were stored in clear)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 20:30:00.000000
"""

import json
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from core.crypto import decrypt, encrypt

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
EMPTY = "[]"


def _copy(
    source: str, target: str, target_type: sa.types.TypeEngine[Any], convert: Callable[[Any], Any]
) -> None:
    """Fill `target` from `source` row by row (in batches of ids), converted."""
    conn = op.get_bind()
    message = sa.table(
        "message", sa.column("id"), sa.column(source), sa.column(target, target_type)
    )
    last = 0
    while True:
        rows = conn.execute(
            sa.select(message.c.id, message.c[source])
            .where(message.c.id > last)
            .order_by(message.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        conn.execute(
            message.update().where(message.c.id == sa.bindparam("mid")),
            [{"mid": mid, target: convert(value)} for mid, value in rows],
        )
        last = rows[-1][0]


def _to_text(value: object) -> str:
    # JSON columns come back parsed on PostgreSQL and as text on SQLite.
    return value if isinstance(value, str) else json.dumps(value or [], ensure_ascii=False)


def upgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("entities_sealed", sa.Text(), nullable=True))
    _copy("entities", "entities_sealed", sa.Text(), lambda value: encrypt(_to_text(value)))
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_column("entities")
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.alter_column(
            "entities_sealed", new_column_name="entities", existing_type=sa.Text(), nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("entities_plain", sa.JSON(), nullable=True))
    _copy("entities", "entities_plain", sa.JSON(), lambda value: json.loads(decrypt(value)))
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_column("entities")
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.alter_column(
            "entities_plain",
            new_column_name="entities",
            existing_type=sa.JSON(),
            nullable=False,
            server_default=EMPTY,
        )
