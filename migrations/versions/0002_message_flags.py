"""message flags and languages

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 03:33:00.247281
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        # Existing messages were stored before the content filter: no flags.
        batch_op.add_column(sa.Column("flags", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("language", sa.String(length=16), nullable=True))
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "language_source", sa.String(length=16), nullable=False, server_default="default"
            )
        )



def downgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_column("language")
        batch_op.drop_column("flags")
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_column("language_source")

