"""What the bot says for a given set of matches."""

from __future__ import annotations

from core.nlp.retrieval import Match
from core.replies import ANGRY_TEXT, CONTACT_FORM, SORRY_TEXT, compose_reply, empathize

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


def test_an_angry_visitor_gets_an_apology_and_a_person_right_away() -> None:
    reply = empathize(
        compose_reply(MATCHES, threshold=0.55), emotion="angry", polarity="negative", urgency="high"
    )
    assert reply.text == f"{ANGRY_TEXT} 9 to 5 on weekdays."
    assert CONTACT_FORM in reply.actions
    assert (reply.emotion, reply.urgency, reply.faq_id) == ("angry", "high", 1)


def test_a_frustrated_visitor_gets_an_apology_before_the_answer() -> None:
    reply = empathize(
        compose_reply(MATCHES, threshold=0.55),
        emotion="frustrated",
        polarity="negative",
        urgency="normal",
    )
    assert reply.text == f"{SORRY_TEXT} 9 to 5 on weekdays."
    assert reply.actions == ()


def test_a_calm_visitor_gets_the_plain_answer() -> None:
    for emotion in ("neutral", "happy", "confused"):
        reply = empathize(
            compose_reply(MATCHES, threshold=0.55),
            emotion=emotion,
            polarity="neutral",
            urgency="low",
        )
        assert reply.text == "9 to 5 on weekdays." and reply.emotion == emotion
