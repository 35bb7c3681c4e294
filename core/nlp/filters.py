"""The content filter every visitor message passes before it is stored, embedded or sent on:
sensitive numbers are masked, profanity (also obfuscated: f*ck, sh1t, a$$) is censored, spam and
malicious links are flagged (core/nlp/links.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from core.nlp.links import link_flags
from core.nlp.pii import SENSITIVE, find_pii, mask

PROFANITY = "profanity"
# Entries of the word list that are everyday words in a shop's conversations.
EVERYDAY = frozenset({"strip", "god", "lube"})
PII_PREFIX = "pii:"
# What people type instead of a letter to slip past a filter.
_STAND_INS = {
    "a": "a@4*",
    "b": "b8",
    "c": "c(*",
    "e": "e3*",
    "g": "g9",
    "i": "i1!|*",
    "l": "l1|",
    "o": "o0*",
    "s": "s$5*",
    "t": "t7+",
    "u": "uv*",
}


@dataclass(frozen=True)
class Filtered:
    text: str  # safe to store and send on
    flags: tuple[str, ...]  # e.g. ("pii:CREDIT_CARD", "profanity")

    @property
    def had_sensitive_data(self) -> bool:
        return any(flag.startswith(PII_PREFIX) for flag in self.flags)


def _letter(char: str) -> str:
    if not char.isalpha():
        return re.escape(char)
    # A vowel may be drawn out ("fuuuck", three or more) but not doubled ("good" is not "god");
    # a repeated consonant would turn "asses" into "assess". The run is possessive and at most
    # 32 long: "*" stands in for most vowels, and a run that could end anywhere made a message
    # of 400 asterisks take 15 s (each vowel of each word tried every length of the run).
    options = "[" + re.escape(_STAND_INS.get(char, char)) + "]"
    return f"(?:{options}|{options}{{3,32}}+)" if char in "aeiou" else options


@lru_cache(maxsize=1)
def _profanity() -> re.Pattern[str]:
    """One compiled pattern over better-profanity's word list. (Its own matcher takes about
    13 ms a message, as much as the whole rest of a chat turn; this takes microseconds.)"""
    words = resources.files("better_profanity").joinpath("profanity_wordlist.txt").read_text()
    alternatives = sorted(
        {
            "\\s+".join("".join(_letter(c) for c in part) for part in w.split())
            for w in (line.strip().lower() for line in words.splitlines())
            if w and w not in EVERYDAY
        },
        key=len,
        reverse=True,
    )
    return re.compile(
        r"(?<![a-z0-9])(?:" + "|".join(alternatives) + r")(?![a-z0-9])", re.IGNORECASE
    )


def _censor(match: re.Match[str]) -> str:
    word = match.group()
    return "*" * len(word) if any(c.isalpha() for c in word) else word  # "***" is no word


def filter_text(text: str, link_blocklist: Iterable[str] = ()) -> Filtered:
    sensitive = [span for span in find_pii(text) if span.kind in SENSITIVE]
    flags = [f"{PII_PREFIX}{kind}" for kind in sorted({span.kind for span in sensitive})]
    clean = mask(text, sensitive)
    censored = _profanity().sub(_censor, clean)
    if censored != clean:
        flags.append(PROFANITY)
    flags.extend(link_flags(text, link_blocklist))
    return Filtered(censored, tuple(flags))
