"""What the bot says, given the FAQ matches and the intent head's reading of a message."""

from __future__ import annotations

from core.nlp.builtin_intents import HUMAN as HUMAN_INTENT
from core.nlp.entities import Entity
from core.nlp.intents import IntentResult
from core.nlp.retrieval import Match
from core.replies import (
    ANGRY_TEXT,
    CLARIFY_TEXT,
    CONTACT_FORM,
    FALLBACK_TEXT,
    HANDOVER_TEXT,
    HUMAN,
    SORRY_TEXT,
    UNKNOWN_TEXT,
    Policy,
    Reply,
    acknowledge,
    compose_reply,
    empathize,
)

MATCHES = [
    Match(1, "When are you open?", "9 to 5 on weekdays.", 0.81),
    Match(2, "Where are you?", "14 Wharf Street.", 0.40),
    Match(3, "Do you rent bikes?", "Yes, from $25 a day.", 0.30),
]
QUESTIONS = {1: "When are you open?", 2: "Where are you?", 3: "Do you rent bikes?", 4: "Gifts?"}
POLICY = Policy(answer_similarity=0.55, unknown_similarity=0.4)


def intent(*top: tuple[str, float], threshold: float = 0.7, margin: float = 0.1) -> IntentResult:
    label, confidence = top[0]
    return IntentResult(
        label=label,
        confidence=confidence,
        top3=tuple(top),
        out_of_scope=confidence < threshold,
        ambiguous=confidence - top[1][1] < margin,
    )


SURE = intent(("1", 0.93), ("2", 0.04), ("3", 0.02))
UNSURE = intent(("4", 0.55), ("2", 0.30), ("1", 0.10))
CLOSE = intent(("1", 0.80), ("2", 0.75), ("3", 0.01))


def test_a_confident_intent_is_answered_with_its_faq() -> None:
    reply = compose_reply(MATCHES, SURE, policy=POLICY, questions=QUESTIONS)
    assert reply == Reply("9 to 5 on weekdays.", faq_id=1, confidence=0.93)


def test_below_the_intent_threshold_the_bot_asks_with_the_likeliest_faqs() -> None:
    reply = compose_reply(MATCHES, UNSURE, policy=POLICY, questions=QUESTIONS)
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
    reply = compose_reply(MATCHES, UNSURE, policy=POLICY, questions=urdu, language="ur")
    assert reply.quick_replies == (urdu[4], urdu[2], urdu[1])
    without_head = compose_reply(MATCHES[1:], policy=POLICY, questions=urdu, language="ur")
    assert without_head.quick_replies == (urdu[2], urdu[3])


def test_two_intents_within_the_margin_are_ambiguous_even_when_both_are_likely() -> None:
    reply = compose_reply(MATCHES, CLOSE, policy=POLICY, questions=QUESTIONS)
    assert reply.kind == "clarify" and reply.quick_replies[:2] == (QUESTIONS[1], QUESTIONS[2])


def test_a_confident_intent_with_distant_faq_texts_is_still_asked_about() -> None:
    far = [Match(1, "When are you open?", "9 to 5.", 0.5)]
    assert compose_reply(far, SURE, policy=POLICY, questions=QUESTIONS).kind == "clarify"


def test_still_unclear_after_a_clarifying_question_offers_a_person_or_the_form() -> None:
    reply = compose_reply(
        MATCHES, UNSURE, policy=POLICY, questions=QUESTIONS, previous_kind="clarify"
    )
    assert (reply.text, reply.kind, reply.quick_replies) == (FALLBACK_TEXT, "fallback", ())
    assert reply.actions == (HUMAN, CONTACT_FORM)
    # A clear message after a clarifying question is simply answered.
    answered = compose_reply(MATCHES, SURE, policy=POLICY, previous_kind="clarify")
    assert answered.faq_id == 1


def test_nothing_close_gets_an_honest_i_dont_know_not_the_least_bad_faq() -> None:
    far = [Match(1, "When are you open?", "9 to 5.", 0.31)]
    sure_but_wrong = intent(("1", 0.99), ("2", 0.01), ("3", 0.0))
    for matches in (far, []):
        reply = compose_reply(matches, sure_but_wrong, policy=POLICY)
        assert (reply.text, reply.kind, reply.faq_id) == (UNKNOWN_TEXT, "unknown", None)
        assert reply.actions == (HUMAN, CONTACT_FORM)


def test_asking_for_a_person_hands_over_only_when_it_reads_like_one() -> None:
    person = intent((HUMAN_INTENT, 0.95), ("1", 0.03), ("2", 0.01))
    reply = compose_reply(MATCHES, person, policy=POLICY, human_similarity=0.8)
    assert (reply.text, reply.kind, reply.needs_human) == (HANDOVER_TEXT, "handover", True)
    assert reply.actions == (CONTACT_FORM,)
    # A softmax over known intents is sure of something even for "tell me a joke".
    far = [Match(2, "Where are you?", "14 Wharf Street.", 0.2)]
    joke = compose_reply(far, person, policy=POLICY, human_similarity=0.2)
    assert joke.kind == "unknown" and not joke.needs_human


def test_without_an_intent_head_retrieval_decides() -> None:
    assert compose_reply(MATCHES, policy=POLICY).faq_id == 1
    unsure = compose_reply(MATCHES[1:], policy=POLICY)
    assert unsure.kind == "clarify" and unsure.quick_replies == (
        "Where are you?",
        "Do you rent bikes?",
    )


def test_an_angry_visitor_gets_an_apology_and_a_person_right_away() -> None:
    reply = empathize(
        compose_reply(MATCHES, SURE, policy=POLICY),
        emotion="angry",
        polarity="negative",
        urgency="high",
    )
    assert reply.text == f"{ANGRY_TEXT} 9 to 5 on weekdays."
    assert CONTACT_FORM in reply.actions and reply.needs_human
    assert (reply.emotion, reply.urgency, reply.faq_id) == ("angry", "high", 1)


def test_an_angry_request_for_a_person_is_not_offered_a_person_twice() -> None:
    handover = Reply(HANDOVER_TEXT, kind="handover", needs_human=True, actions=(CONTACT_FORM,))
    reply = empathize(handover, emotion="angry", polarity="negative", urgency="high")
    assert reply.text == f"{SORRY_TEXT} {HANDOVER_TEXT}"


def test_a_frustrated_visitor_gets_an_apology_before_the_answer() -> None:
    reply = empathize(
        compose_reply(MATCHES, SURE, policy=POLICY),
        emotion="frustrated",
        polarity="negative",
        urgency="normal",
    )
    assert reply.text == f"{SORRY_TEXT} 9 to 5 on weekdays."
    assert reply.actions == ()


def test_a_sad_visitor_is_not_told_sorry_twice_when_the_bot_does_not_know() -> None:
    unknown = compose_reply([], intent(("1", 0.99), ("2", 0.01), ("3", 0.0)), policy=POLICY)
    reply = empathize(unknown, emotion="frustrated", polarity="negative", urgency="normal")
    assert reply.text == UNKNOWN_TEXT and reply.polarity == "negative"


def test_a_calm_visitor_gets_the_plain_answer() -> None:
    for emotion in ("neutral", "happy", "confused"):
        reply = empathize(
            compose_reply(MATCHES, SURE, policy=POLICY),
            emotion=emotion,
            polarity="neutral",
            urgency="low",
        )
        assert reply.text == "9 to 5 on weekdays." and reply.emotion == emotion


def test_an_answer_says_which_person_day_product_and_order_it_understood() -> None:
    found = [
        Entity("PERSON", "Dr. Khan", 0, 8, "Dr. Khan"),
        Entity("DATE", "Monday at 3pm", 12, 25, "2026-11-30T15:00"),
        Entity("PRODUCT", "marlin 5", 30, 38, "Trek Marlin 5"),
        Entity("ORDER_ID", "#A12345", 40, 47, "A12345"),
        Entity("EMAIL", "a@b.co", 50, 56, "a@b.co"),
    ]
    reply = acknowledge(Reply("Book online.", faq_id=8), found)
    assert reply.text == (
        "I see: with Dr. Khan, on Monday 30 November at 15:00, for your Trek Marlin 5, "
        "order A12345. Book online."
    )
    # A question back, or "I don't know", should not sound sure of anything.
    asking = Reply(CLARIFY_TEXT, kind="clarify")
    assert acknowledge(asking, found) == asking
    assert acknowledge(Reply("Book online.", faq_id=8), []).text == "Book online."


def test_the_acknowledgement_is_in_the_visitors_language_with_its_day_and_month_names() -> None:
    found = [
        Entity("PERSON", "Dr. Khan", 0, 8, "Dr. Khan"),
        Entity("DATE", "lunes a las 3", 12, 25, "2026-11-30T15:00"),
        Entity("ORDER_ID", "#A12345", 40, 47, "A12345"),
    ]
    answer = Reply("Reserve en línea.", faq_id=8)
    assert acknowledge(answer, found, "es").text == (
        "Entendido: con Dr. Khan, el lunes 30 de noviembre a las 15:00, pedido A12345. "
        "Reserve en línea."
    )
    assert acknowledge(answer, found, "de").text.startswith(
        "Verstanden: mit Dr. Khan, am Montag, 30. November um 15:00, Bestellung A12345."
    )
    urdu = acknowledge(Reply("آن لائن بک کریں۔", faq_id=8), found, "ur").text
    assert urdu.startswith(
        "میں سمجھ گیا: Dr. Khan کے ساتھ، پیر 30 نومبر کو 15:00 بجے، آرڈر A12345۔"
    )
    arabic = acknowledge(answer, found[1:2], "ar").text
    assert arabic.startswith("فهمت: يوم الاثنين 30 نوفمبر الساعة 15:00.")
    # Months and years read as such; a date it cannot read is left out rather than shown raw.
    vague = [
        Entity("DATE", "in November", 0, 11, "2026-11"),
        Entity("DATE", "next year", 12, 21, "2027"),
        Entity("DATE", "someday", 22, 29, "someday"),
    ]
    assert acknowledge(answer, vague, "de").text.startswith(
        "Verstanden: im November 2026, im Jahr 2027. "
    )
    assert acknowledge(answer, vague[2:], "en") == answer
    # An answer in a language the bot has no sentences in gets none rather than a mixed reply.
    japanese = Reply("オンラインで予約できます。", faq_id=8)
    assert acknowledge(japanese, found, "ja") == japanese
