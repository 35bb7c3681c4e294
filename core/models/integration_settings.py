"""Integration settings the owner entered on the Integrations page: one row per setting (a
Slack token, an SMTP host, a CRM field mapping), each value encrypted like message text. A row
overrides the environment setting of the same name (core/integrations/config.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel

from core.models._types import encrypted_field, utcnow


class IntegrationSetting(SQLModel, table=True):
    # The Settings field it overrides (SLACK_BOT_TOKEN, HUBSPOT_FIELD_MAP, ...).
    name: str = Field(primary_key=True, max_length=64)
    # As the environment variable would hold it (a mapping as JSON); secrets among them, so
    # every value is encrypted.
    value: str = encrypted_field()
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
