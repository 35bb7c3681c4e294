"""The telemetry endpoint's bodies: a batch of widget clicks and the host page's tracked steps,
bounded and checked so that nothing personal or absurd is stored (see docs/analytics.md)."""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonDict

from chat_server.schemas import VISITOR_KEY_PATTERN, WHITESPACE, RequestBody, state_no_nul
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
PERSONAL_KEY_PATTERN = r"(?:^|_)(?:" + "|".join(sorted(PERSONAL_KEY_PARTS)) + r")(?:_|$)"
# Property text: no control, line-breaking or invisible formatting characters (bidi overrides,
# zero-width ones), and nothing that looks like an e-mail address or a phone number. Spelled with
# explicit classes, not \s or \d, so that JSON Schema's regex means the same as Python's.
PRINTABLE_PATTERN = (
    r"^[^\x00-\x1f\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]*$"
)
EMAIL_LIKE_PATTERN = rf"[^@{WHITESPACE}]+@[^@{WHITESPACE}]+\.[^@{WHITESPACE}]+"
PHONE_LIKE_PATTERN = rf"\+[{WHITESPACE}]*[0-9](?:[{WHITESPACE}().-]*[0-9]){{6,}}"
_EMAIL = re.compile(EMAIL_LIKE_PATTERN)
_PHONE = re.compile(PHONE_LIKE_PATTERN)
# What the OpenAPI document states of `properties` (checked by _small_and_impersonal).
PROPERTIES_SCHEMA: JsonDict = {
    "maxProperties": MAX_PROPERTIES,
    "propertyNames": {
        "pattern": PROPERTY_KEY_PATTERN,
        "not": {"pattern": PERSONAL_KEY_PATTERN},
    },
    "additionalProperties": {
        "anyOf": [
            {
                "type": "string",
                "maxLength": MAX_PROPERTY_CHARS,
                "pattern": PRINTABLE_PATTERN,
                "not": {
                    "anyOf": [{"pattern": EMAIL_LIKE_PATTERN}, {"pattern": PHONE_LIKE_PATTERN}]
                },
            },
            {"type": "boolean"},
            {"type": "number"},
        ]
    },
}

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


def _value_with_currency_schema(schema: dict[str, Any]) -> None:
    state_no_nul(schema)
    # Both numbers and text, or neither (absent or null): what _value_with_currency checks.
    schema["anyOf"] = [
        {
            "properties": {"value": {"type": "number"}, "currency": {"type": "string"}},
            "required": ["value", "currency"],
        },
        {"properties": {"value": {"type": "null"}, "currency": {"type": "null"}}},
    ]


# The largest value a tracked step may carry: a trillion in any currency. More is a mistake,
# and a few values near the largest double made PostgreSQL's SUM() over them overflow, so the
# ROI and funnel dashboards failed for every later period.
MAX_VALUE = 1e12


class TrackedIn(RequestBody):
    """A step of the business's own (SupportChat.track): a name, an optional value in a
    currency, and a few flat properties that name what happened, never who or what was written."""

    model_config = ConfigDict(**RequestBody.model_config)
    model_config["json_schema_extra"] = _value_with_currency_schema

    name: StrictStr = Field(pattern=TRACKED_NAME_PATTERN)
    value: (
        Annotated[float, Field(strict=True, ge=0.0, le=MAX_VALUE, allow_inf_nan=False)] | None
    ) = None
    currency: StrictStr | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    properties: dict[str, PropertyValue] = Field(
        default_factory=dict, json_schema_extra=PROPERTIES_SCHEMA
    )
    at: ClientTime | None = None

    @field_validator("properties")
    @classmethod
    def _small_and_impersonal(cls, value: dict[str, PropertyValue]) -> dict[str, PropertyValue]:
        if len(value) > MAX_PROPERTIES:
            raise ValueError(f"at most {MAX_PROPERTIES} properties")
        for key, item in value.items():
            if not re.fullmatch(PROPERTY_KEY_PATTERN, key):
                raise ValueError(f"property key {key[:40]!r} must match {PROPERTY_KEY_PATTERN}")
            if re.search(PERSONAL_KEY_PATTERN, key):
                raise ValueError(
                    f"property {key!r} looks like free text or personal data, which is never stored"
                )
            if isinstance(item, float) and not math.isfinite(item):
                raise ValueError(f"property {key!r} must be a finite number")
            if isinstance(item, str):
                if not re.fullmatch(PRINTABLE_PATTERN, item):
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
