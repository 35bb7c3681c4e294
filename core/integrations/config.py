"""The integrations' effective configuration: what the owner saved on the Integrations page
(core/models/integration_settings.py, encrypted) over the server's environment settings, one
setting at a time. Every sender, webhook check, Send test and the jobs runner read it here, so
a change reaches them without a restart.

Saved values are checked exactly as the environment's are: the merged configuration goes
through `Settings` validation (E.164 numbers, e-mail addresses, https URLs, Salesforce's three
settings together, the CRM field mappings), and a value it refuses changes nothing."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select

from core.crud import audit
from core.db import session_scope
from core.models import IntegrationSetting
from core.models._types import utcnow
from core.models.audit import AuditAction
from core.settings import Settings

CACHE_SECONDS = 2.0  # how stale `current` may be in a process that did not make the change
SHOWN_ENDING = 4  # characters of a secret the page shows
SHORTEST_SHOWN = 12  # a shorter secret shows none of it


@dataclass(frozen=True)
class Setting:
    name: str  # the Settings field (and environment variable) it overrides
    label: str
    secret: bool = False


# The fields each channel's form shows, by channel key (core/integrations/checks.py).
FORM: dict[str, tuple[Setting, ...]] = {
    "slack": (
        Setting("SLACK_BOT_TOKEN", "Bot token (xoxb-…)", secret=True),
        Setting("SLACK_CHANNEL", "Channel id"),
        Setting("SLACK_SIGNING_SECRET", "Signing secret (replies from threads)", secret=True),
    ),
    "sms": (
        Setting("TWILIO_ACCOUNT_SID", "Twilio account SID"),
        Setting("TWILIO_AUTH_TOKEN", "Twilio auth token", secret=True),
        Setting("TWILIO_FROM", "Send texts from (E.164)"),
        Setting("ALERT_SMS_TO", "Text alerts to (E.164)"),
        Setting("TWILIO_WHATSAPP_FROM", "WhatsApp sender (E.164)"),
    ),
    "email": (
        Setting("SMTP_HOST", "SMTP server"),
        Setting("SMTP_PORT", "SMTP port"),
        Setting("SMTP_USERNAME", "SMTP user name"),
        Setting("SMTP_PASSWORD", "SMTP password", secret=True),
        Setting("MAIL_FROM", "Send from (address)"),
        Setting("REPORT_EMAIL_TO", "Weekly report to (addresses, comma-separated)"),
    ),
    "hubspot": (Setting("HUBSPOT_ACCESS_TOKEN", "Private app access token", secret=True),),
    "salesforce": (
        Setting("SALESFORCE_LOGIN_URL", "My Domain URL (https://…)"),
        Setting("SALESFORCE_CLIENT_ID", "Connected App consumer key"),
        Setting("SALESFORCE_CLIENT_SECRET", "Connected App consumer secret", secret=True),
    ),
}
FIELD_MAPS = {"hubspot": "HUBSPOT_FIELD_MAP", "salesforce": "SALESFORCE_FIELD_MAP"}
SETTINGS: dict[str, Setting] = {s.name: s for fields in FORM.values() for s in fields} | {
    name: Setting(name, "Field mapping") for name in FIELD_MAPS.values()
}


class ConfigError(ValueError):
    """A value the settings refuse; nothing was saved."""


_lock = threading.Lock()
# Merged configurations by (base, saved values), holding the base so that its id stays its own.
_merged: dict[tuple[int, tuple[tuple[str, str], ...]], tuple[Settings, Settings]] = {}
# The saved values as last read, by database URL: (when, the values).
_read: dict[str, tuple[float, dict[str, str]]] = {}


def stored(*, session: Session) -> dict[str, str]:
    """What the owner saved, by setting name (decrypted)."""
    return {row.name: row.value for row in session.exec(select(IntegrationSetting)).all()}


def overlay(settings: Settings, values: Mapping[str, str]) -> Settings:
    """`settings` with `values` in place of theirs, validated as the environment's are."""
    key = (id(settings), tuple(sorted(values.items())))
    with _lock:
        found = _merged.get(key)
    if found is not None and found[0] is settings:
        return found[1]
    data = settings.model_dump()
    data.update(values)
    try:
        result = Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_words(exc)) from None
    with _lock:
        if len(_merged) > 32:
            _merged.clear()
        _merged[key] = (settings, result)
    return result


def _words(error: ValidationError) -> str:
    said = []
    for item in error.errors():
        message = str(item["msg"]).removeprefix("Value error, ")
        where = ".".join(str(part) for part in item["loc"])
        said.append(message if not where or message.startswith(where) else f"{where}: {message}")
    return "; ".join(said)


def effective(*, session: Session, settings: Settings) -> Settings:
    """The configuration in force: each saved value over the environment's."""
    return merged(settings, stored(session=session))


def merged(settings: Settings, values: dict[str, str]) -> Settings:
    """`settings` with the saved `values` over them (the environment wins a clash)."""
    if not values:
        return settings
    try:
        return overlay(settings, values)
    except ConfigError:
        # Saved values were checked when saved; a change of the environment since can make
        # them clash (Salesforce's three settings split across both): the environment wins.
        return settings


def current(*, engine: Engine, settings: Settings) -> Settings:
    """`effective` outside a transaction, read again at most every CACHE_SECONDS."""
    now, database = time.monotonic(), engine.url.render_as_string(hide_password=False)
    with _lock:
        found = _read.get(database)
    if found is not None and now - found[0] < CACHE_SECONDS:
        return merged(settings, found[1])
    with session_scope(engine) as session:
        values = stored(session=session)
    with _lock:
        _read[database] = (now, values)
    return merged(settings, values)


def forget() -> None:
    """Read the saved values again next time (after a change in this process)."""
    with _lock:
        _read.clear()


def save(
    *,
    session: Session,
    settings: Settings,
    changes: Mapping[str, str | None],
    actor: audit.Actor,
    channel: str,
) -> list[str]:
    """Save the owner's values (None or empty: not set here, the environment's applies; for a
    secret, empty keeps the saved one and None clears it). Raises ConfigError, saving nothing,
    when the result does not validate. Returns the names changed; each change is written to
    the audit log by name, never by value."""
    unknown = [name for name in changes if name not in SETTINGS]
    if unknown:
        raise ConfigError(f"{', '.join(unknown)} cannot be set here")
    before = stored(session=session)
    after = dict(before)
    for name, value in changes.items():
        text = (value or "").strip()
        if value is None or (not text and not SETTINGS[name].secret):
            after.pop(name, None)
        elif text:
            after[name] = text
    changed = sorted(n for n in set(before) | set(after) if before.get(n) != after.get(n))
    if not changed:
        return []
    overlay(settings, after)  # raises ConfigError: nothing written
    session.exec(delete(IntegrationSetting).where(col(IntegrationSetting.name).in_(changed)))
    for name in changed:
        if name in after:
            session.add(IntegrationSetting(name=name, value=after[name], updated_at=utcnow()))
    audit.record_action(
        session=session,
        action=AuditAction.INTEGRATION_CHANGE,
        actor=actor,
        details={"channel": channel, "fields": changed},
    )
    forget()
    return changed


def save_field_map(
    *,
    session: Session,
    settings: Settings,
    crm: str,
    mapping: Mapping[str, str] | None,
    actor: audit.Actor,
) -> list[str]:
    """Save a CRM's field mapping (None: back to the environment's, or the defaults)."""
    value = None if mapping is None else json.dumps(dict(mapping), sort_keys=True)
    return save(
        session=session,
        settings=settings,
        changes={FIELD_MAPS[crm]: value},
        actor=actor,
        channel=crm,
    )


def masked(value: str | None) -> str:
    """How the page shows a secret: never the value, at most its last characters."""
    if not value:
        return "not set"
    if len(value) < SHORTEST_SHOWN:
        return "set"
    return f"set, ending …{value[-SHOWN_ENDING:]}"
