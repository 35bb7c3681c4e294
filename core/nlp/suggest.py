"""Autocomplete: published FAQ questions that match what a visitor is typing."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
# Small words visitors type that FAQ questions often phrase differently ("when do you open" vs
# "What are your opening hours?"); they are skipped unless they are the word being typed.
_FILLER = frozenset(
    [
        "a",
        "an",
        "the",
        "do",
        "does",
        "you",
        "your",
        "i",
        "my",
        "me",
        "we",
        "our",
        "is",
        "are",
        "can",
        "could",
        "will",
        "when",
        "what",
        "how",
        "where",
        "which",
        "who",
        "to",
        "of",
        "for",
        "on",
        "in",
        "at",
        "it",
        "please",
        "hi",
        "hello",
    ]
)


@dataclass(frozen=True)
class Suggestion:
    faq_id: int
    question: str


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


class SuggestionIndex:
    """Every word typed (fillers aside) must begin a word of the FAQ's question or of one of its
    phrasings; the last word is usually still being typed. Matches on the question rank first."""

    def __init__(self, faqs: Sequence[tuple[int, str, Sequence[str]]]) -> None:
        self._faqs = [
            (faq_id, question, _words(question), [_words(p) for p in phrasings])
            for faq_id, question, phrasings in faqs
        ]

    def suggest(self, query: str, limit: int = 5) -> list[Suggestion]:
        typed = _words(query[:200])
        if not typed or len(query.strip()) < 2:
            return []
        wanted = [w for w in typed[:-1] if w not in _FILLER] + typed[-1:]
        ranked: list[tuple[int, int, int, Suggestion]] = []
        for order, (faq_id, question, words, phrasings) in enumerate(self._faqs):
            if _covers(words, wanted):
                rank = 0
            elif any(_covers(p, wanted) for p in phrasings):
                rank = 1
            else:
                continue
            ranked.append((rank, len(question), order, Suggestion(faq_id, question)))
        return [s for *_, s in sorted(ranked)[:limit]]


def _covers(words: Sequence[str], wanted: Sequence[str]) -> bool:
    return all(any(w.startswith(q) for w in words) for q in wanted)
