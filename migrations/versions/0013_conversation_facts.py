"""each conversation's facts for the dashboards (resolution signals, reply times, its path for
the flows) and each bot answer's (what followed it, its rating), kept current as conversations
are written, computed here for the conversations already stored

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 22:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.crud.conversation_facts import refresh_all

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "conversationfacts",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("first_visitor", sa.Integer(), nullable=True),
        sa.Column("last_visitor", sa.Integer(), nullable=True),
        sa.Column("last_answer", sa.Integer(), nullable=True),
        sa.Column("last_reply", sa.Integer(), nullable=True),
        sa.Column("handed", sa.Integer(), nullable=False),
        sa.Column("agent_wrote", sa.Integer(), nullable=False),
        sa.Column("joined", sa.Integer(), nullable=False),
        sa.Column("contacted", sa.Integer(), nullable=False),
        sa.Column("disliked", sa.Integer(), nullable=False),
        sa.Column("liked", sa.Integer(), nullable=False),
        sa.Column("first_response_seconds", sa.Float(), nullable=True),
        sa.Column("last_reply_seconds", sa.Float(), nullable=True),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("thumbs_down", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("conversation_id"),
    )
    op.create_table(
        "answerfacts",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("faq_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("latency_ms", sa.Float(), nullable=True),
        sa.Column("complete", sa.Integer(), nullable=False),
        sa.Column("reasked", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("message_id"),
    )
    with op.batch_alter_table("answerfacts", schema=None) as batch_op:
        batch_op.create_index("ix_answerfacts_created_at", ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_answerfacts_conversation_id"), ["conversation_id"], unique=False
        )
    refresh_all(op.get_bind())


def downgrade() -> None:
    op.drop_table("answerfacts")
    op.drop_table("conversationfacts")
