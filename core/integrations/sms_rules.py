"""The rules SMS alerts follow, read by the settings too: phone numbers in E.164 (phonenumbers)
and quiet hours on the business's clock."""

from __future__ import annotations

import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

import phonenumbers

_QUIET = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


def e164(number: str) -> str:
    """`number` in E.164 (+447700900123); ValueError when it is not a valid phone number."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException as error:
        raise ValueError(f"{number!r} is not a phone number in international form") from error
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError(f"{number!r} is not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def quiet_hours(rule: str) -> tuple[time, time] | None:
    """ "22:00-07:00" -> (22:00, 07:00); "" -> None; ValueError otherwise."""
    if not rule:
        return None
    found = _QUIET.match(rule.strip())
    if found is None:
        raise ValueError(f"SMS_QUIET_HOURS {rule!r} is not a range such as '22:00-07:00'")
    h1, m1, h2, m2 = (int(part) for part in found.groups())
    return time(h1, m1), time(h2, m2)


def is_quiet(rule: str, timezone: str, now: datetime) -> bool:
    hours = quiet_hours(rule)
    if hours is None:
        return False
    start, end = hours
    local = now.astimezone(ZoneInfo(timezone)).time()
    return start <= local < end if start <= end else local >= start or local < end
