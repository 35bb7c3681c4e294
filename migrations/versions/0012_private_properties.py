"""an admin user's name encrypted; what may be personal in an analytics event (a tracked step's
own properties, the agent's name) moved out of the plain properties into private_properties,
encrypted

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 21:15:00.000000
"""

import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from core.crypto import decrypt, encrypt

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
# Events whose properties held something personal, and the keys that did (None: all of them).
PRIVATE_KEYS: dict[str, tuple[str, ...] | None] = {
    "tracked": None,
    "agent_joined": ("agent",),
    "agent_replied": ("agent",),
}


def _batches(table: sa.TableClause, *where: Any) -> Iterator[Sequence[sa.Row[Any]]]:
    """The table's rows (the columns given to `table`) by increasing id, a batch at a time."""
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(
            sa.select(*table.c)
            .where(table.c.id > last, *where)
            .order_by(table.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id


def _update(table: sa.TableClause, changes: list[dict[str, Any]]) -> None:
    if changes:
        op.get_bind().execute(table.update().where(table.c.id == sa.bindparam("rid")), changes)


def _replace(
    name: str, column: str, new_type: sa.types.TypeEngine[Any], convert: Callable[[Any], Any]
) -> None:
    """Swap the NOT NULL `column` for one of `new_type` holding each value converted."""
    temporary = f"{column}_new"
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.add_column(sa.Column(temporary, new_type, nullable=True))
    table = sa.table(name, sa.column("id"), sa.column(column), sa.column(temporary, new_type))
    for rows in _batches(table):
        _update(table, [{"rid": r.id, temporary: convert(r._mapping[column])} for r in rows])
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.drop_column(column)
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.alter_column(
            temporary, new_column_name=column, existing_type=new_type, nullable=False
        )


def _events(*columns: sa.ColumnClause[Any]) -> sa.TableClause:
    return sa.table(
        "analyticsevent", sa.column("id"), sa.column("name"), sa.column("properties", sa.JSON()),
        *columns,
    )  # fmt: skip


def upgrade() -> None:
    _replace("user", "name", sa.Text(), encrypt)

    with op.batch_alter_table("analyticsevent", schema=None) as batch_op:
        batch_op.add_column(sa.Column("private_properties", sa.Text(), nullable=True))
    events = _events(sa.column("private_properties"))
    for rows in _batches(events, events.c.name.in_(PRIVATE_KEYS)):
        changes = []
        for row in rows:
            keys = PRIVATE_KEYS[row.name]
            plain = dict(row.properties or {})
            private = {k: plain.pop(k) for k in list(plain) if keys is None or k in keys}
            if private:
                sealed = encrypt(json.dumps(private, ensure_ascii=False))
                changes.append({"rid": row.id, "properties": plain, "private_properties": sealed})
        _update(events, changes)


def downgrade() -> None:
    events = _events(sa.column("private_properties"))
    for rows in _batches(events, events.c.private_properties.is_not(None)):
        private = [json.loads(decrypt(r.private_properties)) for r in rows]
        merged = [{**(r.properties or {}), **p} for r, p in zip(rows, private)]
        _update(_events(), [{"rid": r.id, "properties": m} for r, m in zip(rows, merged)])
    with op.batch_alter_table("analyticsevent", schema=None) as batch_op:
        batch_op.drop_column("private_properties")

    _replace("user", "name", sa.String(length=200), decrypt)
