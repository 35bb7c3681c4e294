"""whatsapp: a conversation continued on WhatsApp keeps the visitor's number (encrypted) and
its keyed hash, by which an incoming WhatsApp message finds the conversation

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("whatsapp_to", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("whatsapp_key", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_conversation_whatsapp_key", ["whatsapp_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_whatsapp_key")
        batch_op.drop_column("whatsapp_key")
        batch_op.drop_column("whatsapp_to")
