"""Request and response bodies of the chat API (they also feed the OpenAPI document)."""

from __future__ import annotations

import math
import re
from typing import Annotated, Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from core.models import MessagePublic, PanelState, WidthClass
from core.nlp.language import SUPPORTED


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _valid_unicode(cls, value: object) -> object:
        # JSON can carry lone surrogates ("\ud800") that no UTF-8 text can hold.
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("contains characters that are not valid Unicode") from None
        return value


VISITOR_KEY_PATTERN = r"^[0-9a-f]{32}$"


class ConversationIn(_In):
    # The visitor's own choice of language (wins over everything); otherwise the browser's.
    language: StrictStr | None = Field(default=None, max_length=16)
    browser_language: StrictStr | None = Field(default=None, max_length=35)
    page_url: StrictStr | None = Field(default=None, max_length=2048)
    # The pseudonymous id the widget keeps in the browser for analytics (absent when the
    # visitor's Do Not Track or the owner's consent setting says no).
    visitor_key: StrictStr | None = Field(default=None, pattern=VISITOR_KEY_PATTERN)

    @field_validator("page_url")
    @classmethod
    def _without_query(cls, value: str | None) -> str | None:
        # Query strings and fragments can carry personal data (e-mails, reset tokens).
        if value is None:
            return None
        parts = urlsplit(value)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


class ConversationOut(BaseModel):
    conversation_id: str
    visitor_token: str
    greeting: str


class ConversationPatchIn(_In):
    # The visitor's own choice of language, from the widget's language menu.
    language: StrictStr

    @field_validator("language")
    @classmethod
    def _supported(cls, value: str) -> str:
        code = value.strip().lower()
        if code not in SUPPORTED:
            raise ValueError(
                f"unsupported language {value[:16]!r}; use one of {', '.join(SUPPORTED)}"
            )
        return code


class ConversationPatchOut(BaseModel):
    conversation_id: str
    language: str
    language_source: str


class MessageIn(_In):
    text: StrictStr
    client_id: StrictStr | None = Field(default=None, min_length=1, max_length=64)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("text must not be empty")
        return value


class BatchIn(_In):
    messages: list[MessageIn] = Field(min_length=1)


class TurnOut(BaseModel):
    message: MessagePublic
    reply: MessagePublic | None
    # The language detected in the visitor's message (en, ur, es, fr, de, ar); null when the text
    # is too short to tell. The widget switches its own language by it unless the visitor chose one.
    language: str | None = None


class BatchOut(BaseModel):
    results: list[TurnOut]


class HistoryOut(BaseModel):
    conversation_id: str
    status: str
    language: str
    # Where `language` came from: "manual" (the visitor chose it), "detected", "browser", "default".
    language_source: str = "default"
    messages: list[MessagePublic]


class ContactIn(_In):
    name: StrictStr = Field(min_length=1, max_length=200)
    email: EmailStr
    phone: StrictStr | None = Field(default=None, max_length=40)
    message: StrictStr = Field(min_length=1, max_length=5000)
    conversation_id: StrictStr | None = Field(default=None, max_length=32)

    @field_validator("name", "message")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()


class ContactOut(BaseModel):
    id: int
    status: str


class FeedbackIn(_In):
    rating: StrictInt = Field(ge=-1, le=1)
    message_id: StrictInt | None = None
    comment: StrictStr | None = Field(default=None, max_length=2000)

    @field_validator("rating")
    @classmethod
    def _nonzero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("rating must be 1 (helpful) or -1 (not helpful)")
        return value


class FeedbackOut(BaseModel):
    id: int


class EstimatedWaitOut(BaseModel):
    # Median seconds to a bot answer (latest 200 measured), null before any was measured.
    bot_seconds: float | None
    # Median seconds a visitor waited for an agent's reply over the last 7 days, null if none.
    agent_seconds: float | None


class ConfigOut(BaseModel):
    business_name: str
    greeting: str
    # The greeting in each language the bot speaks (en, ur, es, fr, de, ar) while the owner keeps
    # the default one; {} when the owner wrote their own, which is shown as written.
    greetings: dict[str, str] = {}
    default_language: str
    color: str
    position: str
    timezone: str
    # Day ("mon".."sun") -> "HH:MM-HH:MM" on the business's clock, or null when closed.
    hours: dict[str, str | None]
    open_now: bool
    # ISO 8601 with the business's UTC offset, so the widget can show the owner's wall-clock time.
    next_opening: str | None
    # Proactive messages: [{"name", "kind", "message", "url_pattern"?, "seconds"?}] (core/content/triggers.py).
    triggers: list[dict[str, Any]] = []
    # Context ("after_hours", "product") -> buttons [{"label", "action", "value"?}] (core/content/rich.py).
    quick_actions: dict[str, list[dict[str, Any]]] = {}
    estimated_wait: EstimatedWaitOut = EstimatedWaitOut(bot_seconds=None, agent_seconds=None)
    # Whether the widget records clicks and the page's tracked steps: "on", "consent" (only after
    # the page calls SupportChat.consent(true)) or "off"; and the share of page views whose
    # clicks are recorded.
    telemetry: str = "on"
    click_sample_rate: float = 1.0


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


class ClickIn(_In):
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


class TrackedIn(_In):
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


class TelemetryIn(_In):
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


class SuggestionOut(BaseModel):
    faq_id: int
    question: str


class SuggestionsOut(BaseModel):
    suggestions: list[SuggestionOut]


class ErrorOut(BaseModel):
    error: str
    details: list[dict[str, object]] | None = None
    retry_after: int | None = None


SCHEMAS: tuple[type[BaseModel], ...] = (
    ConversationIn,
    ConversationOut,
    ConversationPatchIn,
    ConversationPatchOut,
    MessageIn,
    BatchIn,
    TurnOut,
    BatchOut,
    HistoryOut,
    ContactIn,
    ContactOut,
    FeedbackIn,
    FeedbackOut,
    EstimatedWaitOut,
    ConfigOut,
    ClickIn,
    TrackedIn,
    TelemetryIn,
    TelemetryOut,
    SuggestionsOut,
    ErrorOut,
    MessagePublic,
)
