"""response quality and ROI: reviewed answers, the owner's ROI assumptions and baselines, and
indexes the dashboards' queries use

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 17:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "answerreview",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reviewed_by"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("message_id"),
    )
    op.create_table(
        "analyticsassumptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("human_conversation_cost", sa.Float(), nullable=False),
        sa.Column("monthly_running_cost", sa.Float(), nullable=False),
        sa.Column("attribution_days", sa.Integer(), nullable=False),
        sa.Column("baselines", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.create_index("ix_message_created_at", ["created_at"], unique=False)
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index("ix_feedback_message_id", ["message_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_message_id")
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index("ix_message_created_at")
    op.drop_table("analyticsassumptions")
    op.drop_table("answerreview")
