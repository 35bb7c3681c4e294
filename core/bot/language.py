"""Which language the bot replies in, and what the conversation's language becomes."""

from __future__ import annotations

from collections.abc import Sequence

from core.models import LanguageSource
from core.nlp.analysis import Analysis


def reply_language(analysis: Analysis, language: str, source: str) -> str:
    """The visitor's own choice, then the language of this message (detected from 10
    characters on), then what the conversation had (browser or business default)."""
    if source == LanguageSource.MANUAL:
        return language
    return analysis.language or language


def conversation_language(
    analyses: Sequence[Analysis], language: str, source: str
) -> tuple[str, str]:
    """The conversation's language and where it came from after these messages: the last
    detected one, unless the visitor chose a language."""
    detected = [a.language for a in analyses if a.language]
    if detected and source != LanguageSource.MANUAL:
        return detected[-1], LanguageSource.DETECTED
    return language, source
