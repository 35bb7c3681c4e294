"""The wording around a decided reply: empathy for how the message read, and an
acknowledgement of what the bot understood, in the visitor's language."""

from __future__ import annotations

from core.bot.policy import choose_reply
from core.bot.replies import CONTACT_FORM, Reply
from core.bot.wording import acknowledge, empathize
from core.nlp.entities import Entity
from tests.core.bot.factories import (
    ANGRY_TEXT,
    CLARIFY_TEXT,
    HANDOVER_TEXT,
    MATCHES,
    POLICY,
    SORRY_TEXT,
    SURE,
    UNKNOWN_TEXT,
    intent,
)


def test_an_angry_visitor_gets_an_apology_and_a_person_right_away() -> None:
    reply = empathize(
        choose_reply(MATCHES, SURE, policy=POLICY),
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
        choose_reply(MATCHES, SURE, policy=POLICY),
        emotion="frustrated",
        polarity="negative",
        urgency="normal",
    )
    assert reply.text == f"{SORRY_TEXT} 9 to 5 on weekdays."
    assert reply.actions == ()


def test_a_sad_visitor_is_not_told_sorry_twice_when_the_bot_does_not_know() -> None:
    unknown = choose_reply([], intent(("1", 0.99), ("2", 0.01), ("3", 0.0)), policy=POLICY)
    reply = empathize(unknown, emotion="frustrated", polarity="negative", urgency="normal")
    assert reply.text == UNKNOWN_TEXT and reply.polarity == "negative"


def test_a_calm_visitor_gets_the_plain_answer() -> None:
    for emotion in ("neutral", "happy", "confused"):
        reply = empathize(
            choose_reply(MATCHES, SURE, policy=POLICY),
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
