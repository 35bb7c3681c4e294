"""What the bot says for a given set of matches."""

from __future__ import annotations

from core.nlp.retrieval import Match
from core.replies import CONTACT_FORM, compose_reply

MATCHES = [
    Match(1, "When are you open?", "9 to 5 on weekdays.", 0.81),
    Match(2, "Where are you?", "14 Wharf Street.", 0.40),
    Match(3, "Do you rent bikes?", "Yes, from $25 a day.", 0.30),
    Match(4, "Gift cards?", "Yes.", 0.20),
]


def test_confident_match_is_answered_with_its_faq() -> None:
    reply = compose_reply(MATCHES, threshold=0.55)
    assert reply.text == "9 to 5 on weekdays." and reply.faq_id == 1
    assert reply.quick_replies == () and reply.actions == ()


def test_below_threshold_asks_which_of_the_top_three_was_meant() -> None:
    reply = compose_reply(MATCHES, threshold=0.9)
    assert reply.faq_id is None
    assert reply.quick_replies == ("When are you open?", "Where are you?", "Do you rent bikes?")
    assert CONTACT_FORM in reply.actions
    assert reply.confidence == 0.81


def test_empty_knowledge_base_offers_the_contact_form() -> None:
    reply = compose_reply([], threshold=0.55)
    assert reply.actions == (CONTACT_FORM,) and reply.quick_replies == ()
