"""Request and response bodies of the chat API (they also feed the OpenAPI document)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictStr,
    field_validator,
)

from core.models import MessagePublic
from core.models.business import Telemetry
from core.models.contacts import EMAIL_MAX_CHARS, EMAIL_PATTERN
from core.nlp.language import SUPPORTED

# The largest id the tables' INTEGER id columns hold: 32 bits on PostgreSQL (SQLite's hold 64),
# so a larger message_id is refused rather than sent to a query that fails.
MAX_ID = 2**31 - 1
# What the OpenAPI document states of every text in a request body: no NUL character (which
# PostgreSQL's text cannot hold). The same check runs on each string (_check_text).
NO_NUL_PATTERN = r"^[^\x00]*$"
# The characters str.strip() removes (str.isspace), spelled out: "\s" means fewer of them in
# the JSON Schema (ECMA-262) regex a client validates with, e.g. not U+001C..U+001F.
WHITESPACE = r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Text that is not blank: something besides whitespace, and no NUL. Written so that no regex
# engine backtracks on it (the leading whitespace and the first other character never overlap).
NOT_BLANK_PATTERN = rf"^[{WHITESPACE}]*[^\x00{WHITESPACE}][^\x00]*$"
_NOT_BLANK = re.compile(NOT_BLANK_PATTERN)
# The visitor's own choice of language: a supported code, in any case.
LANGUAGE_PATTERN = (
    "^(?:" + "|".join("".join(f"[{c}{c.upper()}]" for c in code) for code in SUPPORTED) + ")$"
)


def _integral(value: object) -> object:
    # JSON has one kind of number: 3.0 is the integer 3, as JSON Schema's "integer" says too.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# An integer in a request body: 3 or 3.0, never "3" or true.
JsonInt = Annotated[int, Field(strict=True), BeforeValidator(_integral)]
MessageId = Annotated[int, Field(strict=True, ge=1, le=MAX_ID), BeforeValidator(_integral)]


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


def state_no_nul(schema: dict[str, Any]) -> None:
    """Every string property of a request body's JSON schema without a pattern of its own gets
    NO_NUL_PATTERN (the patterns of the others already leave NUL out)."""
    for prop in schema.get("properties", {}).values():
        for option in [prop, *prop.get("anyOf", ())]:
            if option.get("type") == "string" and not {"pattern", "enum", "const"} & set(option):
                option["pattern"] = NO_NUL_PATTERN


class RequestBody(BaseModel):
    """A request body: unknown fields are refused, and text must be storable."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=state_no_nul)

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
    language: StrictStr = Field(json_schema_extra={"pattern": LANGUAGE_PATTERN})

    @field_validator("language")
    @classmethod
    def _supported(cls, value: str) -> str:
        if not re.fullmatch(LANGUAGE_PATTERN, value):
            raise ValueError(
                f"unsupported language {value[:16]!r}; use one of {', '.join(SUPPORTED)}"
            )
        return value.lower()


class ConversationPatchOut(BaseModel):
    conversation_id: str
    language: str
    language_source: str


def _not_blank(value: str, what: str) -> str:
    if not _NOT_BLANK.fullmatch(value):
        raise ValueError(f"{what} must not be empty")
    return value


class MessageIn(RequestBody):
    # As sent: MAX_MESSAGE_CHARS (stated in the OpenAPI document) counts every character sent;
    # the text is stored without the whitespace around it.
    text: StrictStr = Field(json_schema_extra={"pattern": NOT_BLANK_PATTERN})
    client_id: StrictStr | None = Field(default=None, min_length=1, max_length=64)

    @field_validator("text")
    @classmethod
    def _has_text(cls, value: str) -> str:
        return _not_blank(value, "text")


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
    name: StrictStr = Field(
        min_length=1, max_length=200, json_schema_extra={"pattern": NOT_BLANK_PATTERN}
    )
    email: StrictStr = Field(max_length=EMAIL_MAX_CHARS, pattern=EMAIL_PATTERN)
    phone: StrictStr | None = Field(default=None, max_length=40)
    message: StrictStr = Field(
        min_length=1, max_length=5000, json_schema_extra={"pattern": NOT_BLANK_PATTERN}
    )
    conversation_id: StrictStr | None = Field(default=None, max_length=32)

    @field_validator("name", "message")
    @classmethod
    def _has_text(cls, value: str) -> str:
        return _not_blank(value, "text").strip()


class ExportLinkIn(RequestBody):
    email: StrictStr = Field(max_length=EMAIL_MAX_CHARS, pattern=EMAIL_PATTERN)


class ExportLinkOut(BaseModel):
    status: str  # "sent" whether or not anything is stored about the address


class ContactOut(BaseModel):
    id: int
    status: str


class FeedbackIn(RequestBody):
    rating: JsonInt = Field(json_schema_extra={"enum": [1, -1]})
    message_id: MessageId | None = None
    comment: StrictStr | None = Field(default=None, max_length=2000)

    @field_validator("rating")
    @classmethod
    def _nonzero(cls, value: int) -> int:
        if value not in (1, -1):
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
    # Whether the widget records clicks and the page's tracked steps: "notice" (yes, and the
    # chat says so, with a way to refuse), "consent" (only once the visitor agrees, in the chat
    # or through the page's SupportChat.consent(true)) or "off"; and the share of page views
    # whose clicks are recorded.
    telemetry: Telemetry = Telemetry.NOTICE
    click_sample_rate: float = 1.0
    # Whether a visitor can have a link to their data e-mailed (SMTP_HOST and MAIL_FROM set).
    email_links: bool = False
    # Whether a visitor can continue the chat on WhatsApp (Twilio's WhatsApp sender set up).
    whatsapp: bool = False


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


# A phone number in international form: +, then 8 to 15 digits (E.164), single spaces or dashes
# between them allowed. Whether WhatsApp reaches it, only sending tells.
WHATSAPP_NUMBER_PATTERN = r"^\+[1-9](?:[ -]?[0-9]){7,14}$"


class WhatsAppIn(RequestBody):
    number: StrictStr = Field(max_length=40, pattern=WHATSAPP_NUMBER_PATTERN)
    # The visitor agreed to continue on WhatsApp (their number goes to WhatsApp through Twilio).
    consent: Literal[True]


class WhatsAppOut(BaseModel):
    status: str  # "sent": the first WhatsApp message is on its way
    number: str  # the number, in E.164
