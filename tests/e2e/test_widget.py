"""A visitor on the demo site chats with the bot through the embedded widget, in Chromium."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core import business_hours
from core.crud import business as business_crud
from core.models import ContactRequest
from core.settings import Settings
from tests.conftest import LiveServer, make_app
from tests.e2e.conftest import ask

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

RECORD_GROWTH = """
() => {
  window.__lengths = [];
  const log = document.querySelector('.sc-log');
  new MutationObserver(() => {
    const bots = log.querySelectorAll('.sc-msg[data-role=bot] .sc-msg-text');
    const last = bots[bots.length - 1];
    if (last) window.__lengths.push(last.textContent.length);
  }).observe(log, {subtree: true, childList: true, characterData: true});
}
"""


UNCLEAR = "do you take trade ins"  # close to the trade-in FAQ, not sure enough to answer
STILL_UNCLEAR = "question about my bike"


def open_widget(page: Page, url: str) -> None:
    page.goto(f"{url}/demo")
    launcher = page.locator(".sc-launcher")
    expect(launcher).to_have_accessible_name("Open chat")
    launcher.click()
    expect(
        page.get_by_role("dialog", name=re.compile("Chat with Harbourside Bikes"))
    ).to_be_visible()


def test_reworded_question_gets_a_streamed_answer_that_survives_a_reload(
    page: Page, live_server: LiveServer
) -> None:
    open_widget(page, live_server.url)
    expect(page.locator(".sc-msg[data-greeting]")).to_contain_text("Harbourside Bikes")
    page.evaluate(RECORD_GROWTH)
    ask(page, "til what time are you open on saturday")

    answer = page.locator(".sc-msg[data-role=bot][data-id] .sc-msg-text").last
    expect(answer).to_contain_text("Saturdays we're open from 10:00 am to 5:00 pm")
    lengths = page.evaluate("window.__lengths")
    partial = [n for n in set(lengths) if 0 < n < len(answer.inner_text())]
    assert len(partial) >= 3, f"the answer did not arrive token by token: {sorted(set(lengths))}"

    page.reload()
    page.locator(".sc-launcher").click()
    texts = page.locator(".sc-msg[data-id] .sc-msg-text")
    expect(texts.first).to_have_text("til what time are you open on saturday")
    expect(texts.nth(1)).to_contain_text("Saturdays we're open")
    expect(texts).to_have_count(2)


def test_unclear_question_offers_suggestions_and_the_contact_form(
    page: Page, live_server: LiveServer, engine: Engine
) -> None:
    open_widget(page, live_server.url)
    ask(page, UNCLEAR)
    suggestions = page.locator(".sc-quick-reply")
    expect(suggestions).to_have_count(3)
    # Picking none and still unclear: a person or the contact form (two-stage fallback).
    ask(page, STILL_UNCLEAR)

    page.locator(".sc-contact-open").click()
    form = page.locator(".sc-contact-form")
    form.locator("[name=name]").fill("Ada Lovelace")
    form.locator("[name=email]").fill("ada@example.org")
    form.locator("[name=phone]").fill("+1 555 0199")
    form.locator("[name=message]").fill("Please call me about a wheel rebuild")
    page.locator(".sc-contact-submit").click()
    thanks = page.locator(".sc-contact-thanks")
    expect(thanks).to_be_visible()
    expect(thanks).to_have_text("Thanks! We'll get back to you soon.")
    expect(form).to_be_hidden()

    with Session(engine) as session:
        rows = session.exec(select(ContactRequest).order_by(ContactRequest.id.desc())).all()  # type: ignore[union-attr]
        mine = [r for r in rows if r.email == "ada@example.org"]
    assert mine and mine[0].message == "Please call me about a wheel rebuild"
    assert mine[0].conversation_id is not None


def test_still_unclear_offers_a_person_and_the_button_asks_for_one(
    page: Page, live_server: LiveServer
) -> None:
    open_widget(page, live_server.url)
    ask(page, UNCLEAR)
    expect(page.locator(".sc-quick-reply")).to_have_count(3)
    ask(page, STILL_UNCLEAR)
    last_bot = page.locator(".sc-msg[data-role=bot][data-id]").last
    expect(last_bot).to_contain_text("I'm still not sure I understand.")
    person = last_bot.get_by_role("button", name="Talk to a person")
    expect(last_bot.get_by_role("button", name="Contact us")).to_be_visible()
    person.click()
    expect(page.locator(".sc-msg[data-role=visitor] .sc-msg-text").last).to_have_text(
        "I'd like to talk to a person."
    )
    expect(page.locator(".sc-msg[data-role=bot][data-id]").last).to_contain_text(
        "I've asked a person from our team to join this conversation"
    )


def test_out_of_scope_question_gets_an_honest_i_dont_know(
    page: Page, live_server: LiveServer
) -> None:
    open_widget(page, live_server.url)
    ask(page, "what's the capital of australia")
    answer = page.locator(".sc-msg[data-role=bot][data-id]").last
    expect(answer).to_contain_text("I don't know the answer to that")
    expect(answer.get_by_role("button", name="Talk to a person")).to_be_visible()
    expect(page.locator(".sc-quick-reply")).to_have_count(0)


def test_the_answer_names_who_and_when_it_understood(page: Page, live_server: LiveServer) -> None:
    open_widget(page, live_server.url)
    ask(page, "I'd like to book a service appointment with Dr. Khan on Monday at 3pm")
    answer = page.locator(".sc-msg[data-role=bot][data-id] .sc-msg-text").last
    expect(answer).to_contain_text(
        re.compile(r"^I see: with Dr\. Khan, on Monday \d+ \w+ at 15:00\.")
    )
    expect(answer).to_contain_text("Book online")


def test_an_angry_visitor_gets_an_apology_and_a_person_offered_at_once(
    page: Page, live_server: LiveServer
) -> None:
    open_widget(page, live_server.url)
    ask(
        page,
        "This is outrageous! You charged me twice, nobody answers and I am absolutely furious.",
    )
    answer = page.locator(".sc-msg[data-role=bot][data-id]").last
    expect(answer.locator(".sc-msg-text")).to_contain_text(
        "I'm sorry about this. I've flagged your conversation for our team"
    )
    expect(answer.get_by_role("button", name="Contact us")).to_be_visible()


def test_clicking_a_suggestion_asks_it(page: Page, live_server: LiveServer) -> None:
    open_widget(page, live_server.url)
    ask(page, UNCLEAR)
    first = page.locator(".sc-quick-reply").first
    question = first.inner_text()
    first.click()
    expect(page.locator(".sc-msg[data-role=visitor] .sc-msg-text").last).to_have_text(question)
    expect(page.locator(".sc-msg[data-role=bot][data-id]")).to_have_count(2)


def test_typing_suggests_faq_questions_and_picking_one_asks_it(
    page: Page, live_server: LiveServer
) -> None:
    open_widget(page, live_server.url)
    box = page.locator(".sc-input")
    with page.expect_response(lambda r: "/api/suggestions?q=do+you+rent" in r.url) as answer:
        box.press_sequentially("do you rent", delay=50)
    offered = [s["question"] for s in answer.value.json()["suggestions"]]
    assert 0 < len(offered) <= 5
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(box).to_have_attribute("aria-controls", listbox.get_attribute("id") or "")
    options = page.locator(".sc-suggestion")
    # The list shows the answer to the whole query, not a stale one for a prefix.
    expect(options).to_have_text(offered)
    expect(options.filter(has_text=re.compile("rent", re.IGNORECASE)).first).to_be_visible()

    box.press("ArrowDown")
    first = options.first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id") or "")
    question = first.inner_text()
    box.press("Enter")

    expect(page.locator(".sc-msg[data-role=visitor] .sc-msg-text").last).to_have_text(question)
    expect(page.locator(".sc-msg[data-role=bot][data-id]")).to_have_count(1)
    expect(page.locator(".sc-suggestions")).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("")


def _expected_status(engine: Engine) -> str:
    with Session(engine) as session:
        business = business_crud.get_business(session=session)
    hours, tz, now = business.hours, business.timezone, datetime.now(UTC)
    assert hours, "the demo business should have opening hours"
    if business_hours.open_now(hours, tz, now):
        return "We're online"
    opening = business_hours.next_opening(hours, tz, now)
    if opening is None:
        return "We're away right now"
    return f"We're away — we open again {opening:%A} at {opening:%H:%M}"


def test_the_header_says_whether_the_business_is_open_now(
    page: Page, live_server: LiveServer, engine: Engine
) -> None:
    before = _expected_status(engine)
    open_widget(page, live_server.url)
    # Either side of an opening or closing minute that passed while the page loaded.
    expected = {before, _expected_status(engine)}
    status = page.locator(".sc-header .sc-status")
    expect(status).to_have_text(re.compile("^(" + "|".join(map(re.escape, expected)) + ")$"))
    expect(page.get_by_role("dialog")).to_have_accessible_description(status.inner_text())
    assert status.evaluate("n => [...n.childNodes].every((c) => c.nodeType === Node.TEXT_NODE)")


def test_markup_typed_by_a_visitor_is_shown_as_text(page: Page, live_server: LiveServer) -> None:
    open_widget(page, live_server.url)
    ask(page, "<img src=x onerror=alert(1)> hello")
    expect(page.locator(".sc-msg[data-role=visitor] .sc-msg-text").last).to_have_text(
        "<img src=x onerror=alert(1)> hello"
    )
    expect(page.locator(".sc-log img")).to_have_count(0)


def test_rate_limited_visitor_is_told_how_long_to_wait(
    page: Page, settings: Settings, engine: Engine
) -> None:
    with LiveServer(make_app(settings, RATE_LIMIT="2/minute")) as strict:
        open_widget(page, strict.url)
        ask(page, "hello")
        expect(page.locator(".sc-msg[data-role=bot][data-id]")).to_have_count(1)
        ask(page, "are you open today")
        expect(page.locator(".sc-msg[data-role=bot][data-id]")).to_have_count(2)
        ask(page, "one more question")
        alert = page.get_by_role("alert")
        expect(alert).to_have_text(re.compile(r"Too many messages, please wait \d+ seconds"))
        # What the visitor typed is kept for when the wait is over.
        expect(page.locator(".sc-input")).to_have_value("one more question")


def test_escape_closes_the_panel_and_returns_focus(page: Page, live_server: LiveServer) -> None:
    open_widget(page, live_server.url)
    expect(page.locator(".sc-input")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator(".sc-panel")).to_be_hidden()
    expect(page.locator(".sc-launcher")).to_be_focused()
    expect(page.locator(".sc-launcher")).to_have_attribute("aria-expanded", "false")


def test_a_card_number_typed_in_chat_is_masked_and_the_visitor_warned(
    page: Page, live_server: LiveServer
) -> None:
    open_widget(page, live_server.url)
    ask(page, "my card 4111 1111 1111 1111 was charged twice")
    mine = page.locator(".sc-msg[data-role=visitor][data-id] .sc-msg-text").last
    expect(mine).to_have_text("my card [card number removed] was charged twice")
    answer = page.locator(".sc-msg[data-role=bot][data-id] .sc-msg-text").last
    expect(answer).to_contain_text("Please don't share sensitive information in chat.")
    expect(page.locator(".sc-log")).not_to_contain_text("4111")


def test_messages_typed_offline_are_delivered_once_and_in_order(
    page: Page, live_server: LiveServer
) -> None:
    open_widget(page, live_server.url)
    ask(page, "til what time are you open on saturday")
    expect(page.locator(".sc-msg[data-role=bot][data-id]")).to_have_count(1)

    batches: list[int] = []
    page.on(
        "response",
        lambda r: batches.append(r.status) if r.url.endswith("/messages/batch") else None,
    )
    typed = ["first question typed offline", "second question typed offline"]
    page.context.set_offline(True)
    for text in typed:
        ask(page, text)
    visitor_rows = page.locator(".sc-msg[data-role=visitor]")
    expect(visitor_rows).to_have_count(3)
    failed = page.locator(".sc-msg[data-role=visitor].sc-failed")
    expect(failed).to_have_count(2)
    expect(failed.locator(".sc-msg-text")).to_have_text(typed)
    expect(page.get_by_role("button", name="Retry").first).to_be_visible()

    page.context.set_offline(False)
    confirmed = page.locator(".sc-msg[data-role=visitor][data-id]")
    expect(confirmed).to_have_count(3)
    expect(page.locator(".sc-failed")).to_have_count(0)
    expect(visitor_rows.locator(".sc-msg-text")).to_have_text(
        ["til what time are you open on saturday", *typed]
    )
    expect(page.locator(".sc-msg[data-role=bot][data-id]")).to_have_count(3)
    shown_ids = [int(confirmed.nth(i).get_attribute("data-id") or 0) for i in range(3)]

    session = page.evaluate("JSON.parse(localStorage.getItem('sc-conversation'))")
    response = httpx.get(
        f"{live_server.url}/api/conversations/{session['conversation_id']}/messages",
        headers={"Authorization": f"Bearer {session['visitor_token']}"},
    )
    assert response.status_code == 200, response.text
    messages = response.json()["messages"]
    visitors = [m for m in messages if m["role"] == "visitor"]
    assert [m["text"] for m in visitors] == ["til what time are you open on saturday", *typed]
    assert [m["id"] for m in visitors] == shown_ids
    assert len({m["client_id"] for m in visitors}) == 3
    # Sent together in one batch request, each message is still followed by its own answer.
    rest = messages[messages.index(visitors[1]) :]
    assert [m["role"] for m in rest] == ["visitor", "bot", "visitor", "bot"]
    assert len(messages) == 6
    assert batches == [201]
