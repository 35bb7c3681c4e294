"""The content filter: profanity, also obfuscated, and secrets, without flagging plain words."""

from __future__ import annotations

import pytest

from core.nlp.filters import filter_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("what the f*ck, my parcel is late", "what the ****, my parcel is late"),
        ("this service is sh1t", "this service is ****"),
        ("you a$$hole", "you *******"),
        ("fuuuck this", "****** this"),
    ],
)
def test_profanity_is_censored_even_when_disguised(text: str, expected: str) -> None:
    result = filter_text(text)
    assert result.text == expected
    assert result.flags == ("profanity",)


@pytest.mark.parametrize(
    "text",
    [
        "I need to assess the shipping cost",
        "are you open on Good Friday",
        "classic bass guitar stand",
        "full strip-down and degrease",
        "a chain clean and lube",
        "***",
    ],
)
def test_ordinary_words_pass_untouched(text: str) -> None:
    assert filter_text(text).text == text and filter_text(text).flags == ()


def test_secrets_are_masked_and_flagged_but_contact_details_stay() -> None:
    result = filter_text("card 4111 1111 1111 1111, reach me at ada@example.org or 604-696-5272")
    assert result.text == "card [card number removed], reach me at ada@example.org or 604-696-5272"
    assert result.flags == ("pii:CREDIT_CARD",) and result.had_sensitive_data
