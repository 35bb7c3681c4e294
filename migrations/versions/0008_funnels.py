"""funnels: owners' funnels, and an index to find tracked steps by label

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 17:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('funnel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('window_days', sa.Integer(), nullable=False),
    sa.Column('steps', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    with op.batch_alter_table('analyticsevent', schema=None) as batch_op:
        batch_op.create_index('ix_analyticsevent_label_created_at', ['label', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('analyticsevent', schema=None) as batch_op:
        batch_op.drop_index('ix_analyticsevent_label_created_at')
    op.drop_table('funnel')
