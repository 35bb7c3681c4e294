"""analytics events: visitor key, typed columns, widget clicks, channel, telemetry settings

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FAQ_FK = 'fk_analyticsevent_faq_id_faqentry'
# Events renamed when the vocabulary grew (what an agent did, apart from what the bot did).
RENAMED = {'handover': 'agent_joined', 'handback': 'handed_back'}


def upgrade() -> None:
    op.create_table('widgetclick',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitor_key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=True),
    sa.Column('element', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('panel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('width_class', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('x', sa.Float(), nullable=False),
    sa.Column('y', sa.Float(), nullable=False),
    sa.Column('panel_x', sa.Float(), nullable=False),
    sa.Column('panel_y', sa.Float(), nullable=False),
    sa.Column('rage', sa.Boolean(), nullable=False),
    sa.Column('dead', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversation.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('widgetclick', schema=None) as batch_op:
        batch_op.create_index('ix_widgetclick_panel_created_at', ['panel', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_widgetclick_visitor_key'), ['visitor_key'], unique=False)

    with op.batch_alter_table('analyticsevent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visitor_key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('faq_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('value', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True))
        batch_op.drop_index(batch_op.f('ix_analyticsevent_name'))
        batch_op.create_index('ix_analyticsevent_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_analyticsevent_name_created_at', ['name', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_analyticsevent_visitor_key'), ['visitor_key'], unique=False)
        batch_op.create_foreign_key(FAQ_FK, 'faqentry', ['faq_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('business', schema=None) as batch_op:
        batch_op.add_column(sa.Column('telemetry', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False, server_default='on'))
        batch_op.add_column(sa.Column('click_sample_rate', sa.Float(), nullable=False, server_default='1.0'))

    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default='widget'))
        batch_op.create_index(batch_op.f('ix_conversation_channel'), ['channel'], unique=False)
        batch_op.create_index('ix_conversation_created_at', ['created_at'], unique=False)

    with op.batch_alter_table('visitor', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visitor_key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.create_index(batch_op.f('ix_visitor_visitor_key'), ['visitor_key'], unique=False)



    events = sa.table('analyticsevent', sa.column('name', sa.String))
    for old, new in RENAMED.items():
        op.execute(events.update().where(events.c.name == old).values(name=new))
    # Defaults stay in the models; the server defaults only filled the existing rows.
    with op.batch_alter_table('business', schema=None) as batch_op:
        batch_op.alter_column('telemetry', server_default=None)
        batch_op.alter_column('click_sample_rate', server_default=None)
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.alter_column('channel', server_default=None)


def downgrade() -> None:
    events = sa.table('analyticsevent', sa.column('name', sa.String))
    for old, new in RENAMED.items():
        op.execute(events.update().where(events.c.name == new).values(name=old))
    with op.batch_alter_table('visitor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visitor_visitor_key'))
        batch_op.drop_column('visitor_key')

    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_index('ix_conversation_created_at')
        batch_op.drop_index(batch_op.f('ix_conversation_channel'))
        batch_op.drop_column('channel')

    with op.batch_alter_table('business', schema=None) as batch_op:
        batch_op.drop_column('click_sample_rate')
        batch_op.drop_column('telemetry')

    with op.batch_alter_table('analyticsevent', schema=None) as batch_op:
        batch_op.drop_constraint(FAQ_FK, type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_analyticsevent_visitor_key'))
        batch_op.drop_index('ix_analyticsevent_name_created_at')
        batch_op.drop_index('ix_analyticsevent_created_at')
        batch_op.create_index(batch_op.f('ix_analyticsevent_name'), ['name'], unique=False)
        batch_op.drop_column('currency')
        batch_op.drop_column('value')
        batch_op.drop_column('label')
        batch_op.drop_column('faq_id')
        batch_op.drop_column('visitor_key')

    with op.batch_alter_table('widgetclick', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_widgetclick_visitor_key'))
        batch_op.drop_index('ix_widgetclick_panel_created_at')

    op.drop_table('widgetclick')
