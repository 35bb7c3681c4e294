"""telemetry notice: the widget's telemetry setting "on" becomes "notice" (recorded, and the
chat tells the visitor so with a way to refuse); "consent" now also asks in the chat

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(sa.text("UPDATE business SET telemetry = 'notice' WHERE telemetry = 'on'"))


def downgrade() -> None:
    op.execute(sa.text("UPDATE business SET telemetry = 'on' WHERE telemetry = 'notice'"))
