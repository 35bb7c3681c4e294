"""The bot's own sentences: every language says everything English says, with the same blanks."""

from __future__ import annotations

import string

from core.bot.texts import TEXTS, say


def _blanks(text: str) -> list[str | None]:
    return [field for _, field, _, _ in string.Formatter().parse(text) if field is not None]


def test_every_language_has_every_sentence_with_the_same_blanks() -> None:
    for language, texts in TEXTS.items():
        assert set(texts) == set(TEXTS["en"]), language
        for key, text in texts.items():
            assert text.strip(), (language, key)
            assert _blanks(text) == _blanks(TEXTS["en"][key]), (language, key)


def test_a_language_without_sentences_falls_back_to_english() -> None:
    assert say("clarify", "ja") == say("clarify", "en") == TEXTS["en"]["clarify"]
    assert say("clarify", "ur") != say("clarify", "en")
