"""Personal and secret data in text: find it, and mask what must never be stored or sent on.

Candidates come from patterns; numbers are kept only when their checksum or structure is valid
(Luhn for cards, ISO 13616 for IBANs, SSA rules for SSNs, libphonenumber for phones), which is
what keeps order numbers and prices from being masked."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers
from stdnum import iban, luhn
from stdnum.us import ssn

CREDIT_CARD = "CREDIT_CARD"
US_SSN = "US_SSN"
IBAN_CODE = "IBAN_CODE"
EMAIL_ADDRESS = "EMAIL_ADDRESS"
PHONE_NUMBER = "PHONE_NUMBER"
IP_ADDRESS = "IP_ADDRESS"

# Masked in chat before storage and before anything leaves the system.
SENSITIVE = frozenset({CREDIT_CARD, US_SSN, IBAN_CODE})
MASKS = {
    CREDIT_CARD: "[card number removed]",
    US_SSN: "[SSN removed]",
    IBAN_CODE: "[IBAN removed]",
    EMAIL_ADDRESS: "[e-mail]",
    PHONE_NUMBER: "[phone]",
    IP_ADDRESS: "[IP address]",
}
PHONE_REGIONS = ("US", "GB", "DE", "FR", "IT", "ES", "NL", "AU", "CA", "IN")

_CARD = re.compile(r"(?<![\d+-])(?:\d[ -]?){11,18}\d(?![\d-])")
_SSN = re.compile(r"(?<![\d-])\d{3}([- ])\d{2}\1\d{4}(?![\d-])")
_IBAN = re.compile(r"\b[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]){11,30}\b")
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d ().-]{5,}\d(?:\s*(?:x|ext\.?)\s*\d{1,5})?(?!\w)")
_IP = re.compile(
    r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.])"
)
_DATE_LIKE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}(?:\s|$)")
# A number followed by a street name is a house number, not a phone.
_STREET_AFTER = re.compile(
    r"^[ ,]*(?:[A-Z][\w'.-]*\s+){0,3}(?:st|street|ave|avenue|road|rd|lane|ln|drive|dr|close|"
    r"place|pl|square|way|court|ct|boulevard|blvd|vej|rue|gade|straat|strasse|stra\u00dfe)\b",
    re.IGNORECASE,
)
_STREET_WORD = re.compile(r"^[ ,]*[A-Z][a-z]+")


@dataclass(frozen=True)
class Span:
    kind: str
    start: int
    end: int
    text: str


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _cards(text: str) -> Iterable[Span]:
    for m in _CARD.finditer(text):
        number = _digits(m.group())
        if 12 <= len(number) <= 19 and luhn.is_valid(number):
            yield Span(CREDIT_CARD, m.start(), m.end(), m.group())


def _ssns(text: str) -> Iterable[Span]:
    for m in _SSN.finditer(text):
        if ssn.is_valid(_digits(m.group())):
            yield Span(US_SSN, m.start(), m.end(), m.group())


def _ibans(text: str) -> Iterable[Span]:
    for m in _IBAN.finditer(text):
        candidate = m.group()
        # The pattern may run on into the next words ("GB56...19 to"): drop words from the end.
        while len(candidate.replace(" ", "")) >= 15:
            if iban.is_valid(candidate.upper()):
                yield Span(IBAN_CODE, m.start(), m.start() + len(candidate), candidate)
                break
            if " " not in candidate:
                break
            candidate = candidate.rsplit(" ", 1)[0]


def _emails(text: str) -> Iterable[Span]:
    for m in _EMAIL.finditer(text):
        yield Span(EMAIL_ADDRESS, m.start(), m.end(), m.group())


def _phones(text: str) -> Iterable[Span]:
    for m in _PHONE.finditer(text):
        raw = m.group().strip()
        digits = _digits(raw.split("x")[0])
        if not 7 <= len(digits) <= 15 or _DATE_LIKE.match(raw):
            continue
        after = text[m.end() : m.end() + 40]
        if _STREET_AFTER.match(after) or (" " in raw and _STREET_WORD.match(after)):
            continue
        if any(_possible(raw, region) for region in PHONE_REGIONS):
            yield Span(PHONE_NUMBER, m.start(), m.start() + len(m.group().rstrip()), raw)


def _possible(raw: str, region: str) -> bool:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_possible_number(number)


def _ips(text: str) -> Iterable[Span]:
    for m in _IP.finditer(text):
        yield Span(IP_ADDRESS, m.start(), m.end(), m.group())


# Order matters: where spans overlap, the earlier (more specific) kind wins.
_FINDERS = (_emails, _ibans, _cards, _ssns, _ips, _phones)


def find_pii(text: str) -> list[Span]:
    """Every personal or secret item in `text`, in order, not overlapping."""
    taken: list[Span] = []
    for finder in _FINDERS:
        for span in finder(text):
            if all(span.end <= t.start or span.start >= t.end for t in taken):
                taken.append(span)
    return sorted(taken, key=lambda s: s.start)


def mask(text: str, spans: Iterable[Span], kinds: frozenset[str] = SENSITIVE) -> str:
    """`text` with the spans of the given kinds replaced by a short label."""
    out, last = [], 0
    for span in sorted((s for s in spans if s.kind in kinds), key=lambda s: s.start):
        out.append(text[last : span.start])
        out.append(MASKS[span.kind])
        last = span.end
    out.append(text[last:])
    return "".join(out)
