"""widget rules (proactive triggers, quick actions), rich replies and FAQ media, intent labels

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("business", schema=None) as batch_op:
        batch_op.add_column(sa.Column("triggers", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(
            sa.Column("quick_actions", sa.JSON(), nullable=False, server_default="{}")
        )
    with op.batch_alter_table("faqentry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("media", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("translation_of", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_faqentry_translation_of", "faqentry", ["translation_of"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_index("ix_faqentry_translation_of", ["translation_of"])
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rich", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("kind", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("intent", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("intent_confidence", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("entities", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        for column in ("entities", "intent_confidence", "intent", "kind", "rich"):
            batch_op.drop_column(column)
    with op.batch_alter_table("faqentry", schema=None) as batch_op:
        batch_op.drop_index("ix_faqentry_translation_of")
        batch_op.drop_constraint("fk_faqentry_translation_of", type_="foreignkey")
        batch_op.drop_column("translation_of")
        batch_op.drop_column("media")
    with op.batch_alter_table("business", schema=None) as batch_op:
        batch_op.drop_column("quick_actions")
        batch_op.drop_column("triggers")
