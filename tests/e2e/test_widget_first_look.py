"""What a visitor notices at a first look: rating answers, where focus and Escape go, the
header and the greeting in their language, and requests the widget makes before anyone types."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Request, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.crud import business as business_crud
from core.models import Feedback
from tests.conftest import LiveServer
from tests.e2e.conftest import (
    FIRST_ANSWER_MS,
    ask,
    axe_violations,
    open_panel,
    visitor,
    with_config,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

HOURS = "What are your opening hours?"
UNCLEAR = "do you take trade ins"  # close to the trade-in FAQ: the bot offers suggestions
TUNE_UP = "How much does a tune-up cost?"  # an answer with a carousel of three cards
PASSWORD = "how do I reset my password?"  # an FAQ with no translation
CLOSED = {
    "open_now": False,
    "hours": {"mon": "09:00-18:00"},
    "next_opening": "2026-12-07T09:00:00-04:00",
}
DEFAULT_GREETING = "Hi! How can I help you today?"  # core/crud/business.py


def requests_to(page: Page, path: str, method: str = "GET") -> list[Request]:
    """Every request the page makes to `path` (query strings ignored), as it happens."""
    seen: list[Request] = []
    page.on(
        "request",
        lambda r: (
            seen.append(r) if r.method == method and r.url.split("?")[0].endswith(path) else None
        ),
    )
    return seen


def answer_row(page: Page):  # noqa: ANN201 - a Playwright Locator
    row = page.locator(".sc-msg[data-role=bot][data-id]").last
    expect(row).to_be_visible(timeout=FIRST_ANSWER_MS)
    return row


# ----- 1. rating an answer ----------------------------------------------------------------------


def test_a_visitor_rates_an_answer_and_the_rating_survives_a_reload(
    browser: Browser, live_server: LiveServer, engine: Engine
) -> None:
    with visitor(browser) as page:
        posts = requests_to(page, "/feedback", "POST")
        open_panel(page, live_server.url)
        greeting = page.locator(".sc-msg[data-greeting]")
        expect(greeting).to_be_visible()
        ask(page, HOURS)
        row = answer_row(page)
        expect(row).to_have_attribute("data-kind", "answer")
        helpful = row.get_by_role("button", name="Helpful", exact=True)
        unhelpful = row.get_by_role("button", name="Not helpful", exact=True)
        expect(helpful).to_have_attribute("aria-pressed", "false")
        expect(unhelpful).to_have_attribute("aria-pressed", "false")
        # Only answers are rated: not the greeting, not the visitor's own message.
        expect(greeting.get_by_role("button", name="Helpful")).to_have_count(0)
        expect(page.locator(".sc-msg[data-role=visitor] button")).to_have_count(0)
        message_id = int(row.get_attribute("data-id") or 0)

        # 👎 opens an optional comment box; Escape closes it (not the panel).
        with page.expect_response(lambda r: r.url.endswith("/feedback")):
            unhelpful.click()
        expect(unhelpful).to_have_attribute("aria-pressed", "true")
        expect(helpful).to_have_attribute("aria-pressed", "false")
        expect(row.get_by_role("status")).to_have_text("Thanks for your feedback.")
        comment = row.get_by_role("textbox", name="What could we do better? (optional)")
        expect(comment).to_be_focused()
        assert axe_violations(page) == []
        page.keyboard.press("Escape")
        expect(comment).to_have_count(0)
        expect(page.locator(".sc-panel")).to_be_visible()
        expect(unhelpful).to_be_focused()

        # Changing one's mind, then a comment sent with Enter.
        with page.expect_response(lambda r: r.url.endswith("/feedback")):
            helpful.click()
        expect(helpful).to_have_attribute("aria-pressed", "true")
        expect(unhelpful).to_have_attribute("aria-pressed", "false")
        with page.expect_response(lambda r: r.url.endswith("/feedback")):
            unhelpful.click()
        comment.fill("Tell me about Sundays too")
        with page.expect_response(lambda r: r.url.endswith("/feedback")):
            comment.press("Enter")
        expect(comment).to_have_count(0)
        expect(row.get_by_role("status")).to_have_text("Thanks, we'll use your comment.")
        expect(unhelpful).to_be_focused()
        bodies = [json.loads(r.post_data or "{}") for r in posts]
        assert [b["rating"] for b in bodies] == [-1, 1, -1, -1]
        assert all(b["message_id"] == message_id for b in bodies)
        assert bodies[-1]["comment"] == "Tell me about Sundays too"

        # One rating per answer: the latest, with its comment; shown pressed after a reload.
        with Session(engine) as session:
            rows = session.exec(select(Feedback).where(Feedback.message_id == message_id)).all()
        assert [(f.rating, f.comment) for f in rows] == [(-1, "Tell me about Sundays too")]
        page.reload()
        page.locator(".sc-launcher").click()
        row = answer_row(page)
        expect(row.get_by_role("button", name="Not helpful", exact=True)).to_have_attribute(
            "aria-pressed", "true"
        )
        expect(row.get_by_role("button", name="Helpful", exact=True)).to_have_attribute(
            "aria-pressed", "false"
        )


def test_the_rating_buttons_speak_the_visitors_language(
    browser: Browser, live_server: LiveServer
) -> None:
    with visitor(browser, locale="es-ES") as page:
        open_panel(page, live_server.url)
        ask(page, "¿A qué hora abren los sábados?")
        row = answer_row(page)
        expect(page.locator(".sc-panel")).to_have_attribute("lang", "es")
        expect(row.get_by_role("group", name="Valora esta respuesta")).to_be_visible()
        expect(row.get_by_role("button", name="Útil", exact=True)).to_be_visible()
        expect(row.get_by_role("button", name="No es útil", exact=True)).to_be_visible()


# ----- 2. focus after a quick reply, 3. Escape in the contact form ------------------------------


def test_after_a_quick_reply_the_focus_stays_in_the_message_box(
    browser: Browser, live_server: LiveServer
) -> None:
    with visitor(browser) as page:
        open_panel(page, live_server.url)
        ask(page, UNCLEAR)
        replies = page.locator(".sc-quick-reply")
        expect(replies).to_have_count(3, timeout=FIRST_ANSWER_MS)
        replies.first.focus()
        page.keyboard.press("Enter")
        expect(replies).to_have_count(0)
        expect(page.locator(".sc-input")).to_be_focused()


def test_escape_in_the_contact_form_goes_back_to_the_chat(
    browser: Browser, live_server: LiveServer
) -> None:
    callback = [{"label": "Request a callback", "action": "contact_form"}]
    with visitor(browser) as page:
        with_config(page, **CLOSED, quick_actions={"after_hours": callback})
        open_panel(page, live_server.url)
        page.get_by_role("button", name="Request a callback").click()
        form = page.locator(".sc-contact-form")
        expect(form.locator("[name=name]")).to_be_focused()
        page.keyboard.press("Escape")
        expect(page.locator(".sc-panel")).to_be_visible()
        expect(form).to_be_hidden()
        expect(page.locator(".sc-input")).to_be_focused()
        page.keyboard.press("Escape")  # from the chat, Escape still closes the panel
        expect(page.locator(".sc-panel")).to_be_hidden()


# ----- 4. /chat offline, 5. one /api/config, 6. no conversation before the first message ---------


def test_the_chat_page_names_the_business_offline(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/chat")
    expect(page.locator(".sc-title")).to_have_text("Harbourside Bikes")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20_000)
    page.context.set_offline(True)
    page.reload()
    expect(page.locator(".sc-panel")).to_be_visible()
    expect(page.locator(".sc-title")).to_have_text("Harbourside Bikes")
    expect(page.locator(".sc-panel")).to_have_accessible_name("Chat with Harbourside Bikes")


def test_the_settings_are_fetched_once_and_nothing_is_stored_before_the_first_message(
    browser: Browser, live_server: LiveServer
) -> None:
    with visitor(browser) as page:
        configs = requests_to(page, "/api/config")
        starts = requests_to(page, "/api/conversations", "POST")
        streams = requests_to(page, "/events")
        open_panel(page, live_server.url)
        expect(page.locator(".sc-msg[data-greeting]")).to_be_visible()
        expect(page.locator(".sc-title")).to_have_text("Harbourside Bikes")
        page.wait_for_load_state("networkidle")
        assert len(configs) == 1, [r.url for r in configs]
        assert starts == [] and streams == []
        assert page.evaluate("localStorage.getItem('sc-conversation')") is None

        ask(page, HOURS)
        expect(answer_row(page).locator(".sc-msg-text")).to_contain_text("open")
        assert len(starts) == 1
        assert json.loads(starts[0].post_data or "{}")["browser_language"] == "en-US"

        # A returning visitor's history loads on open.
        page.reload()
        page.locator(".sc-launcher").click()
        expect(page.locator(".sc-msg[data-id]")).to_have_count(2)
        assert len(starts) == 1


def test_the_chat_page_stores_nothing_until_the_visitor_writes(
    page: Page, live_server: LiveServer
) -> None:
    starts = requests_to(page, "/api/conversations", "POST")
    streams = requests_to(page, "/events")
    page.goto(f"{live_server.url}/chat")
    expect(page.locator(".sc-msg[data-greeting]")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert starts == [] and streams == []


def test_a_first_message_typed_offline_starts_the_conversation_once_back_online(
    browser: Browser, live_server: LiveServer
) -> None:
    with visitor(browser) as page:
        open_panel(page, live_server.url)
        expect(page.locator(".sc-msg[data-greeting]")).to_be_visible()
        page.context.set_offline(True)
        ask(page, HOURS)
        expect(page.locator(".sc-msg[data-role=visitor].sc-failed")).to_have_count(1)
        page.context.set_offline(False)
        expect(page.locator(".sc-msg[data-role=visitor][data-id]")).to_have_count(1)
        expect(answer_row(page)).to_contain_text("open")
        expect(page.locator(".sc-failed")).to_have_count(0)


# ----- 7. right to left and narrow panels, 8. fonts -------------------------------------------


def test_the_carousel_counter_reads_one_of_three_in_urdu(
    browser: Browser, live_server: LiveServer
) -> None:
    with visitor(browser) as page:
        open_panel(page, live_server.url)
        page.get_by_role("combobox", name="Language").select_option("ur")
        expect(page.locator(".sc-panel")).to_have_attribute("dir", "rtl")
        ask(page, TUNE_UP)
        count = page.locator(".sc-carousel-count")
        expect(count).to_have_text("1 / 3", timeout=FIRST_ANSWER_MS)
        # On screen, the "1" stands left of the "3", as numbers are read.
        first_x, last_x = count.evaluate(
            """n => {
                const text = n.firstChild, at = (i) => {
                  const r = document.createRange(); r.setStart(text, i); r.setEnd(text, i + 1);
                  return r.getBoundingClientRect().x;
                };
                return [at(0), at(text.length - 1)];
            }"""
        )
        assert first_x < last_x, (first_x, last_x)


def fits(page: Page, selector: str) -> bool:
    return bool(page.locator(selector).evaluate("n => n.scrollWidth <= n.clientWidth"))


def lines(page: Page, selector: str) -> int:
    return int(
        page.locator(selector).evaluate(
            "n => Math.round(n.getBoundingClientRect().height / parseFloat(getComputedStyle(n).lineHeight))"
        )
    )


@pytest.mark.parametrize("lang", ["en", "ur", "ar"])
def test_the_header_shows_the_whole_name_and_a_short_status(
    browser: Browser, live_server: LiveServer, lang: str
) -> None:
    for width in (1280, 320):
        with visitor(browser, viewport={"width": width, "height": 700}) as page:
            with_config(page, **CLOSED)
            open_panel(page, live_server.url)
            page.get_by_role("combobox", name=re.compile(".")).first.select_option(lang)
            expect(page.locator(".sc-panel")).to_have_attribute("lang", lang)
            status = page.locator(".sc-status")
            expect(status).to_be_visible()
            expect(page.locator(".sc-title")).to_have_text("Harbourside Bikes")
            assert fits(page, ".sc-title"), f"the name is cut at {width} px in {lang}"
            assert lines(page, ".sc-status") <= 2, f"the status wraps at {width} px in {lang}"


def test_the_contact_heading_stays_in_view_after_validation_in_urdu(
    browser: Browser, live_server: LiveServer
) -> None:
    callback = [{"label": "Request a callback", "action": "contact_form"}]
    with visitor(browser) as page:
        with_config(page, **CLOSED, quick_actions={"after_hours": callback})
        open_panel(page, live_server.url)
        page.get_by_role("combobox", name="Language").select_option("ur")
        expect(page.locator(".sc-panel")).to_have_attribute("dir", "rtl")
        page.locator(".sc-msg[data-greeting] .sc-action").click()
        page.locator(".sc-contact-submit").click()
        expect(page.locator(".sc-field-error").first).to_be_visible()
        expect(page.locator(".sc-contact-form [name=name]")).to_be_focused()
        header = page.locator(".sc-header").bounding_box()
        heading = page.locator(".sc-contact-title").bounding_box()
        assert header and heading
        assert heading["y"] >= header["y"] + header["height"], (header, heading)


@pytest.mark.parametrize(
    ("lang", "font"), [("ur", "Noto Nastaliq Urdu"), ("ar", "Noto Naskh Arabic")]
)
def test_urdu_and_arabic_get_a_font_that_covers_them(
    browser: Browser, live_server: LiveServer, lang: str, font: str
) -> None:
    with visitor(browser) as page:
        open_panel(page, live_server.url)
        page.get_by_role("combobox", name="Language").select_option(lang)
        panel = page.locator(".sc-panel")
        expect(panel).to_have_attribute("lang", lang)
        # Font names match whatever their case (the minifier writes quoted ones in lower case).
        family = panel.evaluate("n => getComputedStyle(n).fontFamily").lower()
        assert all(name.lower() in family for name in (font, "Tahoma", "system-ui")), family
        english = page.locator(".sc-language option[value=en]")
        assert "Noto" not in english.evaluate("n => getComputedStyle(n).fontFamily")


# ----- 9. the greeting in the interface's language ----------------------------------------------


@pytest.fixture
def default_greeting(engine: Engine) -> Iterator[None]:
    """The business keeps the greeting it was created with (no text of the owner's own)."""
    with Session(engine) as session:
        business = business_crud.get_business(session=session)
        own = business.greeting
        business.greeting = DEFAULT_GREETING
        session.add(business)
        session.commit()
    try:
        yield
    finally:
        with Session(engine) as session:
            business = business_crud.get_business(session=session)
            business.greeting = own
            session.add(business)
            session.commit()


def test_the_default_greeting_follows_the_interface_language(
    browser: Browser, live_server: LiveServer, default_greeting: None
) -> None:
    with visitor(browser, locale="es-ES") as page:
        page.goto(f"{live_server.url}/chat")
        expect(page.locator(".sc-panel")).to_have_attribute("lang", "es")
        greeting = page.locator(".sc-msg[data-greeting] .sc-msg-text")
        expect(greeting).to_have_text("¡Hola! ¿En qué puedo ayudarte hoy?")
        expect(greeting).to_have_attribute("lang", "es")
        page.get_by_role("combobox", name="Idioma").select_option("ur")
        expect(greeting).to_have_text("السلام علیکم! میں آج آپ کی کیا مدد کر سکتا ہوں؟")
        expect(greeting).to_have_attribute("lang", "ur")


def test_the_owners_own_greeting_is_not_translated(
    browser: Browser, live_server: LiveServer
) -> None:
    with visitor(browser, locale="es-ES") as page:
        page.goto(f"{live_server.url}/chat")
        expect(page.locator(".sc-panel")).to_have_attribute("lang", "es")
        greeting = page.locator(".sc-msg[data-greeting] .sc-msg-text")
        expect(greeting).to_contain_text("welcome to Harbourside Bikes")
        expect(greeting).to_have_attribute("lang", "en")


# ----- 10. an untranslated answer and its note ---------------------------------------------------


def test_an_untranslated_answers_note_is_marked_in_its_own_language(
    browser: Browser, live_server: LiveServer
) -> None:
    with visitor(browser) as page:
        open_panel(page, live_server.url)
        page.get_by_role("combobox", name="Language").select_option("ur")
        ask(page, PASSWORD)
        row = answer_row(page)
        text = row.locator(".sc-msg-text")
        note = row.locator(".sc-msg-note")
        expect(note).to_have_text("(معذرت، یہ جواب ابھی آپ کی زبان میں دستیاب نہیں ہے۔)")
        expect(note).to_have_attribute("lang", "ur")
        expect(note).to_have_attribute("dir", "rtl")
        expect(text).to_have_attribute("lang", "en")
        expect(text).not_to_contain_text("معذرت")
        expect(text).to_contain_text("password")
        # The same after a reload, from the history.
        page.reload()
        page.locator(".sc-launcher").click()
        row = answer_row(page)
        expect(row.locator(".sc-msg-note")).to_have_attribute("lang", "ur")
        expect(row.locator(".sc-msg-text")).not_to_contain_text("معذرت")
