"""integration settings: credentials and CRM field mappings the owner enters on the
Integrations page (encrypted), and the receiver's record id on a delivered outbox entry

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 17:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "integrationsetting",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    with op.batch_alter_table("outboxentry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("receipt", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outboxentry", schema=None) as batch_op:
        batch_op.drop_column("receipt")
    op.drop_table("integrationsetting")
