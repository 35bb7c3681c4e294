"""The telemetry endpoint's bodies: a batch of widget clicks and the host page's tracked steps,
bounded and checked so that nothing personal or absurd is stored (see docs/analytics.md)."""

from __future__ import annotations

import math
import re
from typing import Annotated

from pydantic import (
    BaseModel,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from chat_server.schemas import VISITOR_KEY_PATTERN, RequestBody
from core.models import PanelState, WidthClass

MAX_EVENTS_PER_BATCH = 100
ELEMENT_KEY_PATTERN = r"^[a-z][a-z0-9_.-]{0,63}$"
TRACKED_NAME_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
PROPERTY_KEY_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"
MAX_PROPERTIES = 10
MAX_PROPERTY_CHARS = 100
# Words in a property's key that say it holds free text or personal data: tracked steps name
# what happened, never who did it or what they wrote. Matched against the key's "_" parts.
PERSONAL_KEY_PARTS = frozenset(
    {
        "address", "birthday", "comment", "dob", "email", "firstname", "fullname", "iban", "ip",
        "lastname", "mail", "message", "mobile", "msg", "name", "note", "password", "phone",
        "query", "search", "ssn", "surname", "tel", "telephone", "text", "token", "username",
    }
)  # fmt: skip
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+\s*\d(?:[\s().-]*\d){6,}")

Fraction = Annotated[float, Field(strict=True, ge=0.0, le=1.0, allow_inf_nan=False)]
# Milliseconds on the visitor's clock; only differences between them are used.
ClientTime = Annotated[float, Field(strict=True, ge=0.0, allow_inf_nan=False)]
PropertyValue = StrictStr | StrictBool | StrictInt | StrictFloat


class ClickIn(RequestBody):
    """One click in the widget: its element's data-track key ("none": nothing there), where inside
    that element (x, y) and inside the panel (panel_x, panel_y), each from 0 to 1."""

    element: StrictStr = Field(pattern=ELEMENT_KEY_PATTERN)
    x: Fraction
    y: Fraction
    panel_x: Fraction
    panel_y: Fraction
    panel: PanelState
    width_class: WidthClass
    rage: StrictBool = False
    dead: StrictBool = False
    at: ClientTime | None = None


class TrackedIn(RequestBody):
    """A step of the business's own (SupportChat.track): a name, an optional value in a
    currency, and a few flat properties that name what happened, never who or what was written."""

    name: StrictStr = Field(pattern=TRACKED_NAME_PATTERN)
    value: Annotated[float, Field(strict=True, ge=0.0, allow_inf_nan=False)] | None = None
    currency: StrictStr | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    properties: dict[str, PropertyValue] = Field(default_factory=dict)
    at: ClientTime | None = None

    @field_validator("properties")
    @classmethod
    def _small_and_impersonal(cls, value: dict[str, PropertyValue]) -> dict[str, PropertyValue]:
        if len(value) > MAX_PROPERTIES:
            raise ValueError(f"at most {MAX_PROPERTIES} properties")
        for key, item in value.items():
            if not re.fullmatch(PROPERTY_KEY_PATTERN, key):
                raise ValueError(f"property key {key[:40]!r} must match {PROPERTY_KEY_PATTERN}")
            if PERSONAL_KEY_PARTS.intersection(key.split("_")):
                raise ValueError(
                    f"property {key!r} looks like free text or personal data, which is never stored"
                )
            if isinstance(item, float) and not math.isfinite(item):
                raise ValueError(f"property {key!r} must be a finite number")
            if isinstance(item, str):
                if not item.isprintable():  # control characters, lone surrogates
                    raise ValueError(f"property {key!r} must be printable text")
                if len(item) > MAX_PROPERTY_CHARS:
                    raise ValueError(
                        f"property {key!r} is longer than {MAX_PROPERTY_CHARS} characters"
                    )
                if _EMAIL.search(item) or _PHONE.search(item):
                    raise ValueError(
                        f"property {key!r} looks like an e-mail address or phone number"
                    )
        return value

    @model_validator(mode="after")
    def _value_with_currency(self) -> TrackedIn:
        if (self.value is None) != (self.currency is None):
            raise ValueError("value and currency go together (currency: 3 capital letters, USD)")
        return self


class TelemetryIn(RequestBody):
    """A batch from the widget or the host page, stored all or nothing."""

    visitor_key: StrictStr = Field(pattern=VISITOR_KEY_PATTERN)
    # Attached only when the request carries this conversation's visitor token.
    conversation_id: StrictStr | None = Field(default=None, max_length=32)
    clicks: list[ClickIn] = Field(default_factory=list, max_length=MAX_EVENTS_PER_BATCH)
    tracked: list[TrackedIn] = Field(default_factory=list, max_length=MAX_EVENTS_PER_BATCH)
    # When the batch left, on the same clock as the items' `at`: each item is stored at the
    # server's time minus its age, so a wrong clock in the browser moves nothing.
    sent_at: ClientTime | None = None

    @model_validator(mode="after")
    def _one_batch(self) -> TelemetryIn:
        if len(self.clicks) + len(self.tracked) > MAX_EVENTS_PER_BATCH:
            raise ValueError(f"at most {MAX_EVENTS_PER_BATCH} clicks and tracked steps together")
        return self


class TelemetryOut(BaseModel):
    clicks: int
    tracked: int
    # Whether the batch was linked to the conversation (its visitor token came with it).
    conversation_attached: bool
