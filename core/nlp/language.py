"""Which language a visitor writes in (lingua, offline, about 0.03 ms a message)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

SUPPORTED = {
    "en": Language.ENGLISH,
    "ur": Language.URDU,
    "es": Language.SPANISH,
    "fr": Language.FRENCH,
    "de": Language.GERMAN,
    "ar": Language.ARABIC,
}
MIN_CHARS = 10  # shorter texts ("ok", "thanks!") say too little to switch language on
_CODES = {language: code for code, language in SUPPORTED.items()}


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    return (
        LanguageDetectorBuilder.from_languages(*SUPPORTED.values())
        .with_preloaded_language_models()
        .build()
    )


def detect_languages(texts: Sequence[str]) -> list[str | None]:
    """ISO 639-1 code per text, or None when it is too short or not one of SUPPORTED."""
    out: list[str | None] = []
    for text in texts:
        found = _detector().detect_language_of(text) if len(text.strip()) >= MIN_CHARS else None
        out.append(None if found is None else _CODES.get(found))
    return out


def normalize(tag: str | None) -> str | None:
    """'es-MX' -> 'es'; None for languages the product does not speak."""
    if not tag:
        return None
    code = tag.strip().lower().replace("_", "-").split("-")[0]
    return code if code in SUPPORTED else None


def initial_language(
    *, manual: str | None, browser: str | None, default: str | None
) -> tuple[str, str]:
    """(language, source) for a new conversation: the visitor's choice, else the browser's
    language, else the business default. Detection from the visitor's text comes later."""
    for source, tag in (("manual", manual), ("browser", browser), ("default", default)):
        code = normalize(tag)
        if code:
            return code, source
    return "en", "default"
