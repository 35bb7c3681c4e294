"""a bot answer's note in the visitor's language, stored apart from the answer's text

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Answers stored earlier keep their note inside `text`: they read as they always did.
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))  # encrypted, like text
        batch_op.add_column(sa.Column("note_language", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_column("note_language")
        batch_op.drop_column("note")
