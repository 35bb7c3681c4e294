"""conversation.page_url encrypted like message text (page paths can name a person or an order);
conversation.page_section keeps in clear only the path's first segment, for the flows filter

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 20:45:00.000000
"""

import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.crypto import decrypt, encrypt

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
# As core.models.conversations.page_section when this migration was written.
_SECTION = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")


def _section(url: str | None) -> str | None:
    if url is None:
        return None
    segment = urlsplit(url).path.lstrip("/").split("/")[0]
    if not segment:
        return "/"
    if _SECTION.fullmatch(segment) and sum(c.isdigit() for c in segment) <= 2:
        return f"/{segment}"
    return None


def _copy(source: str, convert: Callable[[Any], dict[str, Any]], *targets: str) -> None:
    """Fill `targets` from `source`, row by row in batches of ids."""
    conn = op.get_bind()
    conversation = sa.table(
        "conversation", sa.column("id"), sa.column(source), *(sa.column(t) for t in targets)
    )
    last = 0
    while True:
        rows = conn.execute(
            sa.select(conversation.c.id, conversation.c[source])
            .where(conversation.c.id > last)
            .order_by(conversation.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        conn.execute(
            conversation.update().where(conversation.c.id == sa.bindparam("cid")),
            [{"cid": cid, **convert(value)} for cid, value in rows],
        )
        last = rows[-1][0]


def _sealed(url: str | None) -> dict[str, Any]:
    return {
        "page_url_sealed": None if url is None else encrypt(url),
        "page_section": _section(url),
    }


def upgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("page_url_sealed", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("page_section", sqlmodel.sql.sqltypes.AutoString(length=41), nullable=True)
        )
    _copy("page_url", _sealed, "page_url_sealed", "page_section")
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_column("page_url")
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.alter_column(
            "page_url_sealed", new_column_name="page_url", existing_type=sa.Text()
        )


def downgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "page_url_plain", sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=True
            )
        )
    _copy(
        "page_url",
        lambda token: {"page_url_plain": None if token is None else decrypt(token)},
        "page_url_plain",
    )
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_column("page_url")
        batch_op.drop_column("page_section")
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.alter_column(
            "page_url_plain",
            new_column_name="page_url",
            existing_type=sa.String(length=2048),
        )
