"""Autocomplete over FAQ questions and phrasings."""

from __future__ import annotations

from core.nlp.suggest import SuggestionIndex

INDEX = SuggestionIndex(
    [
        (1, "What are your opening hours?", ["when do you open", "are you open on sundays"]),
        (2, "Do you rent bikes?", ["can I hire a bike for the day"]),
        (3, "How much does it cost to rent a bike?", ["rental prices"]),
        (4, "What is your return policy?", ["can I send something back"]),
    ]
)


def questions(query: str) -> list[str]:
    return [s.question for s in INDEX.suggest(query)]


def test_the_word_being_typed_is_a_prefix() -> None:
    assert questions("retu") == ["What is your return policy?"]
    assert questions("when do you op") == ["What are your opening hours?"]


def test_matches_on_the_question_rank_before_matches_on_phrasings() -> None:
    assert questions("rent") == ["Do you rent bikes?", "How much does it cost to rent a bike?"]
    assert questions("hire") == ["Do you rent bikes?"]


def test_too_short_or_unknown_input_suggests_nothing() -> None:
    assert questions("r") == [] and questions("   ") == [] and questions("zebra") == []
    assert len(INDEX.suggest("a" * 5000)) == 0
