from __future__ import annotations

import re
from enum import StrEnum
from typing import Any
from zoneinfo import available_timezones

from pydantic import field_validator
from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from core.content.quick_actions import validate_quick_actions
from core.content.rich import RichError
from core.content.triggers import TriggerError, validate_triggers
from core.models._types import json_list_field


class Telemetry(StrEnum):
    """Whether the widget records clicks and the host page's tracked steps."""

    # Recorded, and the chat tells the visitor so with a way to refuse ("Don't count mine").
    NOTICE = "notice"
    # Only once the visitor agrees: asked in the chat, or given through the site's own consent
    # banner calling SupportChat.consent(true).
    CONSENT = "consent"
    OFF = "off"


class BusinessBase(SQLModel):
    name: str = Field(max_length=200)
    greeting: str = Field(max_length=500)
    default_language: str = Field(default="en", max_length=16)
    timezone: str = Field(default="UTC", max_length=64)
    color: str = Field(default="#0b6e4f", max_length=16)
    position: str = Field(default="right", max_length=8)
    telemetry: str = Field(default=Telemetry.NOTICE, max_length=8)
    # The share of page views whose widget clicks are recorded (tracked steps always are).
    click_sample_rate: float = Field(default=1.0, ge=0.0, le=1.0)


class Business(BusinessBase, table=True):
    """The one business this installation serves (a single row)."""

    id: int | None = Field(default=None, primary_key=True)
    hours: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    products: list[str] = json_list_field()
    contact: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Proactive triggers served to the widget: [{"name", "kind", "message", ...}] (see widget docs).
    triggers: list[dict[str, Any]] = json_list_field()
    # Quick actions by context ("after_hours", "product", ...) -> [{"label", "action"}].
    quick_actions: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )


DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


class BusinessUpdate(SQLModel):
    """What an owner edits on the settings page; every field is checked before anything is saved."""

    name: str = Field(min_length=1, max_length=200)
    greeting: str = Field(min_length=1, max_length=500)
    timezone: str = Field(max_length=64)
    color: str = Field(max_length=16)
    position: str = Field(max_length=8)
    # Day -> "HH:MM-HH:MM", or None when closed that day.
    hours: dict[str, str | None]
    # None keeps what is stored (core/content/triggers.py, core/content/quick_actions.py describe the shapes).
    triggers: list[dict[str, Any]] | None = None
    quick_actions: dict[str, Any] | None = None
    telemetry: Telemetry | None = None
    click_sample_rate: float | None = Field(default=None, ge=0.0, le=1.0)

    @field_validator("name", "greeting")
    @classmethod
    def _stripped(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in available_timezones():
            raise ValueError(f"unknown time zone {value!r} (use a name like Europe/London)")
        return value

    @field_validator("color")
    @classmethod
    def _hex_color(cls, value: str) -> str:
        if not _COLOR.match(value):
            raise ValueError("use a colour like #0b6e4f")
        return value.lower()

    @field_validator("position")
    @classmethod
    def _side(cls, value: str) -> str:
        if value not in ("left", "right"):
            raise ValueError("must be left or right")
        return value

    @field_validator("hours")
    @classmethod
    def _opening_hours(cls, value: dict[str, str | None]) -> dict[str, str | None]:
        hours: dict[str, str | None] = {}
        for day in DAYS:
            text = (value.get(day) or "").replace(" ", "")
            if text and not _HOURS.match(text):
                raise ValueError(f"{day}: write opening hours as 09:00-17:00, or leave empty")
            if text and text[:5] >= text[6:]:
                raise ValueError(f"{day}: closing time must be after opening time")
            hours[day] = text or None
        return hours

    @field_validator("triggers", mode="before")
    @classmethod
    def _triggers(cls, value: Any) -> Any:
        if value is None:
            return None
        try:
            return validate_triggers(value)
        except TriggerError as error:
            raise ValueError(str(error).replace("Value error, ", "")) from None

    @field_validator("quick_actions", mode="before")
    @classmethod
    def _quick_actions(cls, value: Any) -> Any:
        if value is None:
            return None
        try:
            return validate_quick_actions(value)
        except RichError as error:
            raise ValueError(str(error).replace("Value error, ", "")) from None
