"""DATE and TIME entities: a cheap pattern finds date words and numbers, and only those spans go
to `dateparser` (future preferred, relative to the message's time in the business's time zone;
answers cached). Values are ISO: "2026-11-30", "2026-11" (a month), "1977" (a year), "15:00"
(TIME); a date with a time is one DATE, "2026-11-25T15:00"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from functools import lru_cache

from core.nlp.entity_types import DATE, TIME, Context, Entity

_MONTHS = "january february march april may june july august september october november december"
_MONTH_NUMBER = {name: i for i, name in enumerate(_MONTHS.split(), 1)}
_MONTH_NUMBER |= {name[:3]: i for name, i in list(_MONTH_NUMBER.items())} | {"sept": 9}
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_WEEKDAY = (
    r"(?:(?:next|this|coming)\s+)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day\b"
    r"|(?-i:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\b\.?)"
)
_NUMBER = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a\s+couple\s+of)"
# A date part is "day" (dateparser reads it), "month" (bare month), "year", or "weekend".
_DATE_PARTS = re.compile(
    rf"(?P<day>\b\d{{4}}-\d{{1,2}}-\d{{1,2}}\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b"
    rf"|\b\d{{1,2}}\.\d{{1,2}}\.\d{{4}}\b|\b{_DAY}(?:\s+of)?\s+{_MONTH}(?:,?\s+\d{{4}})?\b"
    rf"|\b{_MONTH}\s+{_DAY}\b(?:,?\s+\d{{4}}\b)?|\b{_WEEKDAY}|\bthe\s+\d{{1,2}}(?:st|nd|rd|th)\b"
    r"|\b(?:today|tonight|tomorrow|tmrw|yesterday|(?:the\s+)?day\s+after\s+tomorrow)\b"
    r"|\b(?:next|this|last|coming)\s+(?:week|month|year)\b"
    rf"|\bin\s+{_NUMBER}\s+(?:days?|weeks?|months?)\b|\b{_NUMBER}\s+(?:days?|weeks?)\s+"
    r"(?:from\s+now|ago)\b)"
    r"|(?P<weekend>\b(?:this|next|the)\s+weekend\b)"
    r"|(?P<month>\b(?:(?i:january|february|april|june|july|august|september|october|november|"
    r"december)|(?-i:March))(?:\s+\d{4})?\b)"
    r"|\b(?:in|during|since|of|from|until|by|before|after)\s+(?P<year>(?:19|20)\d{2})\b(?![-/.]\d)",
    re.IGNORECASE,
)
_TIME_PART = re.compile(
    r"(?<![\d:.])(?P<h>1[0-2]|0?[1-9])(?::(?P<m>[0-5]\d))?\s*(?P<ampm>[ap])\.?m\b\.?"
    r"|(?<![\w:.])(?P<h24>[01]?\d|2[0-3]):(?P<m24>[0-5]\d)(?::(?P<s24>[0-5]\d))?(?![\w:])"
    r"|\b(?P<word>noon|midday|midnight)\b",
    re.IGNORECASE,
)
_JOIN = re.compile(r"\s*(?:,\s*)?(?:(?:at|@|on|the|from)\s+)?|T", re.IGNORECASE)


def dates(text: str, ctx: Context) -> Iterator[Entity]:
    parts = [
        (m.start(m.lastgroup or 0), m.end(m.lastgroup or 0), m) for m in _DATE_PARTS.finditer(text)
    ]
    parts += [(m.start(), m.end(), m) for m in _TIME_PART.finditer(text)]
    parts.sort(key=lambda p: p[0])
    groups: list[list[tuple[int, int, re.Match[str]]]] = []
    for part in parts:
        if (
            groups
            and part[0] >= groups[-1][-1][1]
            and _JOIN.fullmatch(text[groups[-1][-1][1] : part[0]])
        ):
            groups[-1].append(part)
        elif not groups or part[0] >= groups[-1][-1][1]:
            groups.append([part])
    for group in groups:
        days = [p for p in group if p[2].re is _DATE_PARTS]
        times = [p for p in group if p[2].re is _TIME_PART]
        clock = _clock(times[0][2]) if times else None
        day = _day(text[days[0][0] : days[-1][1]], days, ctx) if days else None
        if day and clock and len(day) == 10:
            start, end = group[0][0], group[-1][1]
            yield Entity(DATE, text[start:end], start, end, f"{day}T{clock}")
            continue
        if day:
            yield Entity(DATE, text[days[0][0] : days[-1][1]], days[0][0], days[-1][1], day)
        if clock:
            start, end = times[0][0], times[0][1]
            yield Entity(TIME, text[start:end], start, end, clock)


def _clock(m: re.Match[str]) -> str:
    if m.group("word"):
        return "00:00" if m.group("word").lower() == "midnight" else "12:00"
    if m.group("h24"):
        seconds = f":{m.group('s24')}" if m.group("s24") else ""
        return f"{int(m.group('h24')):02d}:{m.group('m24')}{seconds}"
    hour = int(m.group("h")) % 12 + (12 if m.group("ampm").lower() == "p" else 0)
    return f"{hour:02d}:{m.group('m') or '00'}"


def _day(span: str, days: list[tuple[int, int, re.Match[str]]], ctx: Context) -> str | None:
    kind = days[0][2].lastgroup if len(days) == 1 else "day"
    today = ctx.now.date()
    if kind == "year":
        return span
    if kind == "month":
        name, *year = span.split()
        month = _MONTH_NUMBER[name.lower()]
        return f"{int(year[0]) if year else today.year + (month < today.month)}-{month:02d}"
    if kind == "weekend":
        # The weekend under way, or the coming Saturday; "next weekend" is the one after.
        first = today + timedelta(days=max(0, 5 - today.weekday()))
        return str(first + timedelta(days=7 * span.lower().startswith("next")))
    parsed = _dateparser(" ".join(span.lower().split()), ctx.now)
    return parsed.isoformat() if parsed else None


@lru_cache(maxsize=4096)
def _dateparser(span: str, now: datetime) -> date | None:
    from dateparser.date import DateDataParser

    settings = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": now, "DATE_ORDER": "MDY"}
    parser = DateDataParser(languages=["en"], settings=settings)
    found = parser.get_date_data(span).date_obj
    return found.date() if found else None


# ---- products --------------------------------------------------------------------------------
