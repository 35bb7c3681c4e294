"""emotion, polarity and urgency of visitor messages; urgency of conversations

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 05:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("emotion", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("polarity", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("urgency", sa.String(length=16), nullable=True))
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("urgency", sa.String(length=16), nullable=False, server_default="normal")
        )
        batch_op.create_index("ix_conversation_urgency", ["urgency"])


def downgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_urgency")
        batch_op.drop_column("urgency")
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_column("urgency")
        batch_op.drop_column("polarity")
        batch_op.drop_column("emotion")
