"""The bot's policy: answer, ask, hand over or say it doesn't know, given the FAQ matches and
the intent head's reading of a message."""

from __future__ import annotations

from core.bot.policy import choose_reply
from core.bot.replies import CONTACT_FORM, HUMAN, Reply
from core.nlp.builtin_intents import HUMAN as HUMAN_INTENT
from core.nlp.retrieval import Match
from tests.core.bot.factories import (
    CLARIFY_TEXT,
    CLOSE,
    FALLBACK_TEXT,
    HANDOVER_TEXT,
    MATCHES,
    POLICY,
    QUESTIONS,
    SURE,
    UNKNOWN_TEXT,
    UNSURE,
    intent,
)


def test_a_confident_intent_is_answered_with_its_faq() -> None:
    reply = choose_reply(MATCHES, SURE, policy=POLICY, questions=QUESTIONS)
    assert reply == Reply("9 to 5 on weekdays.", faq_id=1, confidence=0.93)


def test_below_the_intent_threshold_the_bot_asks_with_the_likeliest_faqs() -> None:
    reply = choose_reply(MATCHES, UNSURE, policy=POLICY, questions=QUESTIONS)
    assert (reply.text, reply.kind, reply.faq_id) == (CLARIFY_TEXT, "clarify", None)
    # The intent head's ranking first, filled from the retrieval; an FAQ only once.
    assert reply.quick_replies == ("Gifts?", "Where are you?", "When are you open?")
    assert reply.actions == ()


def test_suggestions_are_in_the_visitors_language() -> None:
    urdu = {
        1: "آپ کب کھلتے ہیں؟",
        2: "آپ کہاں ہیں؟",
        3: "کیا آپ سائیکلیں کرائے پر دیتے ہیں؟",
        4: "تحفے؟",
    }
    reply = choose_reply(MATCHES, UNSURE, policy=POLICY, questions=urdu, language="ur")
    assert reply.quick_replies == (urdu[4], urdu[2], urdu[1])
    without_head = choose_reply(MATCHES[1:], policy=POLICY, questions=urdu, language="ur")
    assert without_head.quick_replies == (urdu[2], urdu[3])


def test_two_intents_within_the_margin_are_ambiguous_even_when_both_are_likely() -> None:
    reply = choose_reply(MATCHES, CLOSE, policy=POLICY, questions=QUESTIONS)
    assert reply.kind == "clarify" and reply.quick_replies[:2] == (QUESTIONS[1], QUESTIONS[2])


def test_a_confident_intent_with_distant_faq_texts_is_still_asked_about() -> None:
    far = [Match(1, "When are you open?", "9 to 5.", 0.5)]
    assert choose_reply(far, SURE, policy=POLICY, questions=QUESTIONS).kind == "clarify"


def test_still_unclear_after_a_clarifying_question_offers_a_person_or_the_form() -> None:
    reply = choose_reply(
        MATCHES, UNSURE, policy=POLICY, questions=QUESTIONS, previous_kind="clarify"
    )
    assert (reply.text, reply.kind, reply.quick_replies) == (FALLBACK_TEXT, "fallback", ())
    assert reply.actions == (HUMAN, CONTACT_FORM)
    # A clear message after a clarifying question is simply answered.
    answered = choose_reply(MATCHES, SURE, policy=POLICY, previous_kind="clarify")
    assert answered.faq_id == 1


def test_nothing_close_gets_an_honest_i_dont_know_not_the_least_bad_faq() -> None:
    far = [Match(1, "When are you open?", "9 to 5.", 0.31)]
    sure_but_wrong = intent(("1", 0.99), ("2", 0.01), ("3", 0.0))
    for matches in (far, []):
        reply = choose_reply(matches, sure_but_wrong, policy=POLICY)
        assert (reply.text, reply.kind, reply.faq_id) == (UNKNOWN_TEXT, "unknown", None)
        assert reply.actions == (HUMAN, CONTACT_FORM)


def test_asking_for_a_person_hands_over_only_when_it_reads_like_one() -> None:
    person = intent((HUMAN_INTENT, 0.95), ("1", 0.03), ("2", 0.01))
    reply = choose_reply(MATCHES, person, policy=POLICY, human_similarity=0.8)
    assert (reply.text, reply.kind, reply.needs_human) == (HANDOVER_TEXT, "handover", True)
    assert reply.actions == (CONTACT_FORM,)
    # A softmax over known intents is sure of something even for "tell me a joke".
    far = [Match(2, "Where are you?", "14 Wharf Street.", 0.2)]
    joke = choose_reply(far, person, policy=POLICY, human_similarity=0.2)
    assert joke.kind == "unknown" and not joke.needs_human


def test_without_an_intent_head_retrieval_decides() -> None:
    assert choose_reply(MATCHES, policy=POLICY).faq_id == 1
    unsure = choose_reply(MATCHES[1:], policy=POLICY)
    assert unsure.kind == "clarify" and unsure.quick_replies == (
        "Where are you?",
        "Do you rent bikes?",
    )
