"""Language detection and the precedence of language sources."""

from __future__ import annotations

from core.nlp.language import detect_languages, initial_language, normalize


def test_the_six_supported_languages_are_told_apart() -> None:
    texts = [
        "when do you open on saturday",
        "¿a qué hora abren el sábado?",
        "quand ouvrez-vous le samedi ?",
        "wann öffnen Sie am Samstag?",
        "آپ ہفتے کو کب کھلتے ہیں؟",
        "متى تفتحون يوم السبت؟",
    ]
    assert detect_languages(texts) == ["en", "es", "fr", "de", "ur", "ar"]


def test_short_texts_do_not_decide_the_language() -> None:
    assert detect_languages(["ok", "gracias", "thanks!!"]) == [None, None, None]


def test_choice_beats_browser_beats_business_default() -> None:
    assert initial_language(manual="ur", browser="es-MX", default="en") == ("ur", "manual")
    assert initial_language(manual=None, browser="es-MX", default="en") == ("es", "browser")
    assert initial_language(manual="xx", browser="ja-JP", default="fr") == ("fr", "default")
    assert normalize("DE_at") == "de" and normalize("pt-BR") is None
