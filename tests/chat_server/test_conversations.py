"""The JSON API as the widget uses it: conversations, messages, batches, history, feedback."""

from __future__ import annotations

import csv
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.testclient import TestClient

from core.crud import business as business_crud
from core.db import session_scope
from core.models.business import DAYS, BusinessUpdate
from core.settings import Settings
from tests.conftest import Visit
from tests.core.bot.factories import ANGRY_TEXT, CLARIFY_TEXT, FALLBACK_TEXT, UNKNOWN_TEXT

pytestmark = pytest.mark.slow


def test_start_conversation_returns_token_and_greeting(client: TestClient) -> None:
    visit = Visit(client, {"language": "en", "page_url": "https://shop.example/pricing"})
    assert len(visit.cid) == 32
    assert "Harbourside Bikes" in visit.greeting
    assert visit.history() == []


def test_same_visitor_keeps_its_token_across_conversations(client: TestClient) -> None:
    first = Visit(client)
    response = client.post("/api/conversations", json={}, headers=first.headers)
    second = response.json()
    # The second conversation belongs to the same visitor: its token reads the first one too.
    headers = {"Authorization": f"Bearer {second['visitor_token']}"}
    assert (
        client.get(f"/api/conversations/{first.cid}/messages", headers=headers).status_code == 200
    )


def test_bot_answers_a_reworded_faq_from_the_knowledge_base(visit: Visit) -> None:
    turn = visit.say("what time do you guys close on saturdays")
    reply = turn["reply"]
    assert turn["message"]["role"] == "visitor"
    assert reply["role"] == "bot"
    assert "Saturday" in reply["text"]
    assert reply["faq_id"] is not None and reply["confidence"] >= 0.6


def test_unclear_message_gets_a_clarifying_question_with_three_suggestions(visit: Visit) -> None:
    reply = visit.say("do you take trade ins")["reply"]
    assert reply["faq_id"] is None and reply["kind"] == "clarify"
    assert reply["text"] == CLARIFY_TEXT
    assert reply["quick_replies"][0] == "Do you accept trade-ins of used bikes?"
    assert len(reply["quick_replies"]) == 3
    # Clicking a suggestion sends that FAQ question, which the bot then answers.
    followed = visit.say(reply["quick_replies"][0])["reply"]
    assert followed["faq_id"] is not None and followed["confidence"] > 0.9
    assert followed["kind"] == "answer"


def test_still_unclear_after_a_clarifying_question_offers_a_person_or_the_form(
    visit: Visit,
) -> None:
    assert visit.say("do you take trade ins")["reply"]["kind"] == "clarify"
    reply = visit.say("question about my bike")["reply"]
    assert reply["kind"] == "fallback" and reply["text"] == FALLBACK_TEXT
    assert reply["quick_replies"] == [] and reply["faq_id"] is None
    assert reply["actions"] == ["human", "contact_form"]


def test_out_of_scope_gets_an_honest_i_dont_know_never_a_wrong_faq(visit: Visit) -> None:
    for text in ("my cat is sick", "what's the capital of australia", "tell me a joke"):
        reply = visit.say(text)["reply"]
        assert reply["kind"] == "unknown" and reply["faq_id"] is None, text
        assert reply["text"] == UNKNOWN_TEXT
        assert reply["actions"] == ["human", "contact_form"]


def test_asking_for_a_person_flags_the_conversation_for_the_team(visit: Visit) -> None:
    from core.bot.texts import say
    from core.crud import conversations
    from core.db import get_engine

    for text, language in (("Talk to a person", "en"), ("Quiero hablar con un agente", "es")):
        reply = visit.say(text)["reply"]
        assert reply["kind"] == "handover", text
        assert reply["text"] == say("handover", language) and "contact_form" in reply["actions"]
    with Session(get_engine()) as session:
        said = conversations.get_conversation(session=session, public_id=visit.cid)
        assert said is not None and said.urgency == "high"


def test_the_reply_uses_the_people_dates_and_orders_it_understood(visit: Visit) -> None:
    reply = visit.say("I'd like to book a service appointment with Dr. Khan on Monday at 3pm")[
        "reply"
    ]
    assert reply["kind"] == "answer" and reply["faq_id"] is not None
    said = re.match(
        r"I see: with Dr\. Khan, on Monday (\d+) (\w+) at 15:00\. Book online", reply["text"]
    )
    assert said, reply["text"]
    today = datetime.now(ZoneInfo("America/Halifax")).date()  # the demo business's clock
    mondays = [today + timedelta(days=n) for n in range(8)]
    assert (int(said[1]), said[2]) in {(d.day, f"{d:%B}") for d in mondays if d.weekday() == 0}


def test_each_visitor_message_stores_its_intent_and_entities(visit: Visit) -> None:
    from core.db import get_engine
    from core.models import Message

    turn = visit.say("where is my order #A12345? I paid $40")
    with Session(get_engine()) as session:
        stored = session.get(Message, turn["message"]["id"])
        assert stored is not None
        assert stored.intent is not None and stored.intent_confidence is not None
        assert 0.0 < stored.intent_confidence <= 1.0
        found = {(e["type"], e["value"]) for e in stored.entities}
        assert ("ORDER_ID", "A12345") in found and ("MONEY", "40.00 USD") in found


def test_what_is_read_in_a_message_is_not_stored_in_clear(visit: Visit) -> None:
    """The entities found in a message (an e-mail address, a phone number, an order number) are
    encrypted like the message's text: the stored columns hold none of them, the model reads
    them back."""
    from sqlalchemy import text

    from core.db import get_engine
    from core.models import Message

    said = "my order A77881 never came, write to jo.bloggs@example.org or call +44 20 7946 0958"
    turn = visit.say(said)
    with Session(get_engine()) as session:
        raw = (
            session.connection()
            .execute(
                text("SELECT text, entities FROM message WHERE id = :id"),
                {"id": turn["message"]["id"]},
            )
            .one()
        )
        stored = session.get(Message, turn["message"]["id"])
        assert stored is not None
        read = {e["value"] for e in stored.entities}
    assert "jo.bloggs@example.org" in read and "A77881" in read
    for secret in ("jo.bloggs", "example.org", "A77881", "7946"):
        assert all(secret not in str(column) for column in raw), secret


def test_history_returns_every_message_in_order_decrypted(visit: Visit) -> None:
    visit.say("do you rent bikes?")
    visit.say("how much is a tune-up")
    messages = visit.history()
    assert [m["role"] for m in messages] == ["visitor", "bot", "visitor", "bot"]
    assert messages[0]["text"] == "do you rent bikes?"
    assert [m["id"] for m in messages] == sorted(m["id"] for m in messages)


def test_retried_client_id_is_stored_once(visit: Visit) -> None:
    first = visit.say("where are you located?", client_id="abc-1")
    again = visit.say("where are you located?", client_id="abc-1")
    assert again == first
    assert len(visit.history()) == 2


def test_batch_of_queued_messages_is_answered_in_order(client: TestClient, visit: Visit) -> None:
    texts = ["do you sell gift cards", "can I return an online order", "do you sell gift cards"]
    body = {"messages": [{"text": t, "client_id": f"q{i}"} for i, t in enumerate(texts)]}
    response = client.post(
        f"/api/conversations/{visit.cid}/messages/batch", json=body, headers=visit.headers
    )
    assert response.status_code == 201, response.text
    results = response.json()["results"]
    assert [r["message"]["text"] for r in results] == texts
    assert results[0]["reply"]["faq_id"] == results[2]["reply"]["faq_id"]
    # Sending the same queue again (the connection dropped before the answer) adds nothing.
    again = client.post(
        f"/api/conversations/{visit.cid}/messages/batch", json=body, headers=visit.headers
    )
    assert again.json()["results"] == results
    assert len(visit.history()) == 6


def test_config_describes_the_business(client: TestClient) -> None:
    config = client.get("/api/config").json()
    assert config["business_name"] == "Harbourside Bikes"
    assert config["color"].startswith("#")


def _save_settings(engine: Engine, **changes: object) -> None:
    with session_scope(engine) as session:
        current = business_crud.get_business(session=session)
        update = BusinessUpdate.model_validate(current, from_attributes=True)
        business_crud.update_business(
            session=session,
            business_in=BusinessUpdate.model_validate(update.model_dump() | changes),
        )


def test_settings_saved_in_the_admin_show_in_config_on_the_next_request(
    client: TestClient, engine: Engine
) -> None:
    with Session(engine) as session:
        original = BusinessUpdate.model_validate(
            business_crud.get_business(session=session), from_attributes=True
        )
    try:
        # Closed now: only the day after tomorrow on the business's clock (+05:45) has hours.
        zone = ZoneInfo("Asia/Kathmandu")
        later = datetime.now(zone).date() + timedelta(days=2)
        day = DAYS[later.weekday()]
        _save_settings(
            engine,
            name="Harbourside Bikes & Boats",
            timezone="Asia/Kathmandu",
            color="#AA3300",
            position="left",
            hours={day: "10:00-11:00"},
        )
        response = client.get("/api/config")
        assert response.headers["cache-control"] == "no-cache"
        config = response.json()
        assert (config["business_name"], config["color"], config["position"]) == (
            "Harbourside Bikes & Boats",
            "#aa3300",
            "left",
        )
        assert config["timezone"] == "Asia/Kathmandu"
        assert config["hours"] == {d: "10:00-11:00" if d == day else None for d in DAYS}
        assert config["open_now"] is False
        assert config["next_opening"] == f"{later.isoformat()}T10:00:00+05:45"

        # Open all day, every day, in a zone whose clock is away from the 23:59-00:00 gap: open
        # now, and the next opening is tomorrow's midnight there.
        tz = next(z for z in ("UTC", "Asia/Tokyo") if 1 <= datetime.now(ZoneInfo(z)).hour <= 22)
        _save_settings(engine, timezone=tz, hours=dict.fromkeys(DAYS, "00:00-23:59"))
        config = client.get("/api/config").json()
        assert config["open_now"] is True
        tomorrow = datetime.now(ZoneInfo(tz)).date() + timedelta(days=1)
        offset = "+00:00" if tz == "UTC" else "+09:00"
        assert config["next_opening"] == f"{tomorrow.isoformat()}T00:00:00{offset}"
    finally:
        with session_scope(engine) as session:
            business_crud.update_business(session=session, business_in=original)
    assert client.get("/api/config").json()["business_name"] == "Harbourside Bikes"


def test_demo_queries_are_answered_with_the_right_faq(
    client: TestClient, settings: Settings
) -> None:
    """Held-out phrasings of the demo FAQs (not in the knowledge base) find their FAQ."""
    with open(settings.DEMO_DIR / "eval_queries.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))[:20]
    faqs = {f["id"]: f["question"] for f in _faqs(client, settings)}
    visit = Visit(client)
    body = {"messages": [{"text": r["text"]} for r in rows]}
    results = client.post(
        f"/api/conversations/{visit.cid}/messages/batch", json=body, headers=visit.headers
    ).json()["results"]
    right = sum(
        faqs.get(r["reply"]["faq_id"]) == row["question"]
        for r, row in zip(results, rows, strict=True)
    )
    assert right >= 17


def _faqs(client: TestClient, settings: Settings) -> list[dict[str, object]]:
    from sqlmodel import Session

    from core.crud.faqs import list_faqs
    from core.db import get_engine

    with Session(get_engine()) as session:
        return [{"id": f.id, "question": f.question} for f in list_faqs(session=session)]


def _set_status(cid: str, status: str) -> None:
    from core.crud.conversations import get_conversation
    from core.db import get_engine, session_scope

    with session_scope(get_engine()) as session:
        conversation = get_conversation(session=session, public_id=cid)
        assert conversation is not None
        conversation.status = status
        session.add(conversation)


def test_bot_stays_quiet_while_an_agent_has_taken_over(visit: Visit) -> None:
    _set_status(visit.cid, "human")
    turn = visit.say("are you there?", client_id="h1")
    assert turn["reply"] is None
    _set_status(visit.cid, "bot")
    answered = visit.say("when do you open on saturday", client_id="h2")
    assert answered["reply"] is not None
    # Retrying the first message must not borrow the answer given to the second.
    assert visit.say("are you there?", client_id="h1")["reply"] is None
    assert [m["role"] for m in visit.history()] == ["visitor", "visitor", "bot"]


def test_writing_to_a_closed_conversation_reopens_it(client: TestClient, visit: Visit) -> None:
    _set_status(visit.cid, "closed")
    assert visit.say("one more thing: do you sell gift cards")["reply"] is not None
    response = client.get(f"/api/conversations/{visit.cid}/messages", headers=visit.headers)
    assert response.json()["status"] == "bot"


def test_page_url_is_kept_without_query_or_fragment(client: TestClient) -> None:
    from core.crud.conversations import get_conversation
    from core.db import get_engine, session_scope

    visit = Visit(client, {"page_url": "https://shop.example/reset?email=ada@example.org#token=1"})
    with session_scope(get_engine()) as session:
        conversation = get_conversation(session=session, public_id=visit.cid)
        assert conversation is not None and conversation.page_url == "https://shop.example/reset"


def test_secrets_are_masked_before_storage_and_the_visitor_is_warned(visit: Visit) -> None:
    from sqlalchemy import text

    from core.db import get_engine

    turn = visit.say("my card 4111 1111 1111 1111 was charged twice, refund please")
    assert (
        turn["message"]["text"] == "my card [card number removed] was charged twice, refund please"
    )
    assert turn["message"]["flags"] == ["pii:CREDIT_CARD"]
    assert turn["reply"]["text"].startswith("Please don't share sensitive information in chat.")
    assert visit.history()[0]["text"].startswith("my card [card number removed]")
    with get_engine().connect() as conn:
        rows = conn.execute(text("SELECT text FROM message")).scalars().all()
    from core.crypto import decrypt

    assert not any("4111" in decrypt(row) for row in rows)


def test_profanity_is_stored_masked_and_answered_politely(visit: Visit) -> None:
    turn = visit.say("where the f*ck is my order")
    assert turn["message"]["text"] == "where the **** is my order"
    assert turn["reply"]["text"].startswith("Please keep the conversation professional.")


def test_language_follows_the_visitor_unless_they_chose_one(client: TestClient) -> None:
    browsing = Visit(client, {"browser_language": "fr-FR"})
    assert (
        client.get(f"/api/conversations/{browsing.cid}/messages", headers=browsing.headers).json()[
            "language"
        ]
        == "fr"
    )
    turn = browsing.say("¿a qué hora abren el sábado?")
    assert turn["message"]["flags"] == []
    history = client.get(
        f"/api/conversations/{browsing.cid}/messages", headers=browsing.headers
    ).json()
    assert history["language"] == "es"
    browsing.say("ok")  # too short to switch back
    assert (
        client.get(f"/api/conversations/{browsing.cid}/messages", headers=browsing.headers).json()[
            "language"
        ]
        == "es"
    )

    chosen = Visit(client, {"language": "ur", "browser_language": "en-US"})
    chosen.say("when do you open on saturday")
    assert (
        client.get(f"/api/conversations/{chosen.cid}/messages", headers=chosen.headers).json()[
            "language"
        ]
        == "ur"
    )


def test_each_message_of_a_batch_is_followed_by_its_answer(
    client: TestClient, visit: Visit
) -> None:
    body = {"messages": [{"text": "do you rent bikes"}, {"text": "do you sell gift cards"}]}
    response = client.post(
        f"/api/conversations/{visit.cid}/messages/batch", json=body, headers=visit.headers
    )
    assert response.status_code == 201
    history = visit.history()
    assert [m["role"] for m in history] == ["visitor", "bot", "visitor", "bot"]
    assert "gift card" in history[3]["text"].lower()


def test_suggestions_offer_published_faq_questions(client: TestClient) -> None:
    response = client.get("/api/suggestions", params={"q": "gift ca"})
    assert response.status_code == 200
    assert response.json()["suggestions"][0]["question"] == "Do you sell gift cards?"
    assert client.get("/api/suggestions", params={"q": "winter stor"}).json() == {"suggestions": []}


def test_an_angry_complaint_is_flagged_urgent_and_listed_first(
    visit: Visit, client: TestClient
) -> None:
    from datetime import UTC, datetime

    from core.crud import inbox
    from core.db import get_engine, session_scope

    calm = Visit(client)
    calm.say("do you sell gift cards?")
    turn = visit.say(
        "This is outrageous! You charged me twice, nobody answers and I am absolutely furious."
    )
    reply = turn["reply"]
    assert isinstance(reply, dict) and str(reply["text"]).startswith(ANGRY_TEXT)
    assert "contact_form" in reply["actions"]
    calm.say("and do you have helmets?")  # newer activity, but not urgent
    with session_scope(get_engine()) as session:
        rows = inbox.list_conversations(session=session, status="open", now=datetime.now(UTC))
        order = [r.public_id for r in rows]
        assert order.index(visit.cid) < order.index(calm.cid)
        assert next(r for r in rows if r.public_id == visit.cid).urgency == "high"
        said = inbox.transcript(session=session, public_id=visit.cid)
        assert said is not None and said.messages[0].emotion == "angry"


def test_the_visitor_chooses_a_language_and_detection_no_longer_switches_it(
    client: TestClient, engine: Engine
) -> None:
    visit = Visit(client, {"browser_language": "en-US"})
    url = f"/api/conversations/{visit.cid}"
    response = client.patch(url, json={"language": "FR"}, headers=visit.headers)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "conversation_id": visit.cid,
        "language": "fr",
        "language_source": "manual",
    }
    visit.say("¿a qué hora abren el sábado?")  # Spanish, but the visitor chose French
    history = client.get(f"{url}/messages", headers=visit.headers).json()
    assert (history["language"], history["language_source"]) == ("fr", "manual")
    # Choosing again changes it again.
    assert (
        client.patch(url, json={"language": "ar"}, headers=visit.headers).json()["language"] == "ar"
    )
    assert client.get(f"{url}/messages", headers=visit.headers).json()["language"] == "ar"


def test_choosing_a_language_is_checked(client: TestClient) -> None:
    visit, other = Visit(client), Visit(client)
    url = f"/api/conversations/{visit.cid}"
    unsupported = client.patch(url, json={"language": "xx"}, headers=visit.headers)
    assert unsupported.status_code == 422
    assert (
        "unsupported language 'xx'; use one of en, ur, es, fr, de, ar"
        in unsupported.json()["error"]
    )
    assert client.patch(url, json={}, headers=visit.headers).status_code == 422
    assert (
        client.patch(url, json={"language": "en", "x": 1}, headers=visit.headers).status_code == 422
    )
    assert client.patch(url, json={"language": 5}, headers=visit.headers).status_code == 422
    assert client.patch(url, content=b"{", headers=visit.headers).status_code == 400
    assert client.patch(url, json={"language": "de"}).status_code == 401
    assert client.patch(url, json={"language": "de"}, headers=other.headers).status_code == 403
    missing = client.patch(
        "/api/conversations/" + "0" * 32, json={"language": "de"}, headers=visit.headers
    )
    assert missing.status_code == 404
    history = client.get(f"{url}/messages", headers=visit.headers).json()
    assert history["language_source"] != "manual"  # nothing above changed it


def test_the_widget_on_another_origin_may_patch(client: TestClient) -> None:
    preflight = client.options(
        "/api/conversations/abc",
        headers={
            "Origin": "http://localhost:8080",
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status_code == 200
    assert "PATCH" in preflight.headers["access-control-allow-methods"]


URDU_HOURS = "ہم پیر سے جمعہ صبح 9 بجے سے شام 6 بجے تک کھلے ہیں"


def test_a_visitor_writing_urdu_gets_the_urdu_translation_of_the_faq(visit: Visit) -> None:
    turn = visit.say("آپ کی دکان کتنے بجے کھلتی ہے؟")
    assert turn["language"] == "ur"
    reply = turn["reply"]
    assert reply["kind"] == "answer" and reply["text"].startswith(URDU_HOURS)
    # The same question in English keeps English: the answer follows the message's language.
    english = visit.say("what time do you open on saturday?")["reply"]
    assert "We're open Monday to Friday" in english["text"]


def test_the_visitors_choice_of_language_picks_the_translation_or_adds_a_note(
    client: TestClient,
) -> None:
    from core.bot.texts import say

    visit = Visit(client)
    url = f"/api/conversations/{visit.cid}"
    assert client.patch(url, json={"language": "es"}, headers=visit.headers).status_code == 200
    hours = visit.say("what time do you open?")["reply"]
    assert hours["text"].startswith("Abrimos de lunes a viernes")
    password = visit.say("how do I reset my password?")["reply"]
    assert password["kind"] == "answer"
    # The note is a part of its own, in the visitor's language, beside the English answer; the
    # text still ends with it for a client that shows `text` alone.
    assert (password["note"], password["note_language"]) == (say("untranslated", "es"), "es")
    assert password["language"] == "en"
    assert password["text"].endswith(f". {say('untranslated', 'es')}")
    unclear = visit.say("do you take trade ins")["reply"]
    assert unclear["text"] == say("clarify", "es")

    urdu = Visit(client)
    url = f"/api/conversations/{urdu.cid}"
    assert client.patch(url, json={"language": "ur"}, headers=urdu.headers).status_code == 200
    assert urdu.say("what's the capital of australia")["reply"]["text"] == say("unknown", "ur")


def test_an_answer_about_prices_offers_the_owners_product_quick_actions(visit: Visit) -> None:
    reply = visit.say("How much do common repairs like a flat tire cost?")["reply"]
    assert reply["kind"] == "answer"
    (block,) = [b for b in reply["rich"] if b["type"] == "buttons"]
    assert [b["label"] for b in block["buttons"]] == [
        "Book a service",
        "Rental prices",
        "Test ride",
    ]
    # An FAQ with buttons of its own keeps them instead.
    tune_up = visit.say("How much does a tune-up cost?")["reply"]
    assert [b["type"] for b in tune_up["rich"]] == ["carousel", "buttons"]
    assert "Test ride" not in str(tune_up["rich"])
    # Opening hours are not about a product.
    assert visit.say("when do you open on saturday?")["reply"]["rich"] == []


def test_the_warning_about_a_card_number_is_in_the_visitors_language(client: TestClient) -> None:
    from core.bot.texts import say

    visit = Visit(client)
    url = f"/api/conversations/{visit.cid}"
    assert client.patch(url, json={"language": "ur"}, headers=visit.headers).status_code == 200
    turn = visit.say("my card is 4111 1111 1111 1111, where is my order?")
    assert "4111" not in turn["message"]["text"]
    assert turn["reply"]["text"].startswith(say("sensitive", "ur"))
