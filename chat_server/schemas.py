"""Request and response bodies of the chat API (they also feed the OpenAPI document)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StrictInt,
    StrictStr,
    field_validator,
)

from core.models import MessagePublic
from core.nlp.language import SUPPORTED

# The largest id a database column holds (a signed 64-bit integer).
MAX_ID = 2**63 - 1


def _check_text(value: object) -> None:
    """Every string in `value` (nested lists and objects too) can be stored: valid Unicode, and
    no NUL character, which PostgreSQL's text cannot hold."""
    if isinstance(value, str):
        try:
            # JSON can carry lone surrogates ("\ud800") that no UTF-8 text can hold.
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("contains characters that are not valid Unicode") from None
        if "\x00" in value:
            raise ValueError("contains a NUL character")
    elif isinstance(value, list | tuple):
        for item in value:
            _check_text(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_text(item)


class RequestBody(BaseModel):
    """A request body: unknown fields are refused, and text must be storable."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _storable_text(cls, value: object) -> object:
        _check_text(value)
        return value


VISITOR_KEY_PATTERN = r"^[0-9a-f]{32}$"


class ConversationIn(RequestBody):
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


class ConversationPatchIn(RequestBody):
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


class MessageIn(RequestBody):
    text: StrictStr
    client_id: StrictStr | None = Field(default=None, min_length=1, max_length=64)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("text must not be empty")
        return value


class BatchIn(RequestBody):
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


class ContactIn(RequestBody):
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


class ExportLinkIn(RequestBody):
    email: EmailStr


class ExportLinkOut(BaseModel):
    status: str  # "sent" whether or not anything is stored about the address


class ContactOut(BaseModel):
    id: int
    status: str


class FeedbackIn(RequestBody):
    rating: StrictInt = Field(ge=-1, le=1)
    message_id: StrictInt | None = Field(default=None, ge=1, le=MAX_ID)
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
    # Whether a visitor can have a link to their data e-mailed (SMTP_HOST and MAIL_FROM set).
    email_links: bool = False


class SuggestionOut(BaseModel):
    faq_id: int
    question: str


class SuggestionsOut(BaseModel):
    suggestions: list[SuggestionOut]


class ErrorOut(BaseModel):
    error: str
    details: list[dict[str, object]] | None = None
    retry_after: int | None = None


class SlackEventIn(BaseModel):
    """What Slack's Events API posts: only the fields read here (Slack sends more)."""

    model_config = ConfigDict(extra="ignore")

    type: StrictStr  # "url_verification" once, then "event_callback"
    challenge: StrictStr | None = Field(default=None, max_length=200)
    event: dict[str, Any] | None = None


class SlackEventOut(BaseModel):
    ok: bool = True
    challenge: str | None = None  # echoed to a url_verification request
