"""Rich replies in the widget: the demo FAQs' real media (a tune-up carousel, buttons, an image)
and blocks added to a real answer, operated with the keyboard alone, read by a screen reader
(accessible names), checked by axe-core in both themes and mirrored right to left."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import ROOT, LiveServer
from tests.e2e.conftest import (
    FIRST_ANSWER_MS,
    ask,
    axe_violations,
    open_panel,
    patch_json,
    press_until_focused,
    visitor,
    with_config,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# data/demo/faqs.json: this answer carries a carousel of three tune-up plans and two buttons.
TUNE_UP = "How much does a tune-up cost?"
PERSON = "How can I talk to a real person?"
SHOTS = ROOT / "test-results"


def carousel_answer(page: Page) -> None:
    ask(page, TUNE_UP)
    expect(page.get_by_role("region", name="Tune-up plans")).to_be_visible(timeout=FIRST_ANSWER_MS)


def test_the_tune_up_carousel_works_with_the_keyboard_alone(
    browser: Browser, live_server: LiveServer
) -> None:
    with visitor(browser) as page:
        open_panel(page, live_server.url)
        carousel_answer(page)
        carousel = page.get_by_role("region", name="Tune-up plans")
        expect(carousel).to_have_attribute("aria-roledescription", "carousel")
        slides = carousel.get_by_role("group")
        expect(slides).to_have_count(1)  # only the current slide is shown (and tabbable)
        expect(slides).to_have_accessible_name("1 of 3")
        expect(slides).to_have_attribute("aria-roledescription", "slide")
        expect(slides).to_contain_text("Basic Tune-Up")

        # From the message box back to the carousel's Next button, then on with Enter.
        next_button = carousel.get_by_role("button", name="Next slide")
        press_until_focused(page, next_button, "Shift+Tab")
        expect(carousel.get_by_role("button", name="Previous slide")).to_be_visible()
        page.keyboard.press("Enter")
        expect(carousel.get_by_role("group", name="2 of 3")).to_contain_text("Full Tune-Up")
        expect(carousel.get_by_text("Basic Tune-Up")).to_be_hidden()
        page.keyboard.press("ArrowRight")
        third = carousel.get_by_role("group", name="3 of 3")
        expect(third).to_contain_text("E-Bike Service")
        expect(third).to_contain_text("$179")

        # Tab reaches the shown card's link; Enter opens it in a new tab.
        link = third.get_by_role("link", name=re.compile(r"^See pricing"))
        expect(link).to_have_accessible_name("See pricing (opens in a new tab)")
        expect(link).to_have_attribute("rel", re.compile("noopener"))
        press_until_focused(page, link, "Tab")
        with page.context.expect_page() as opened:
            page.keyboard.press("Enter")
        assert opened.value.url == f"{live_server.url}/pricing"
        opened.value.close()

        # Past the last card comes the first again.
        page.keyboard.press("ArrowRight")
        expect(carousel.get_by_role("group", name="1 of 3")).to_be_focused()


def test_every_kind_of_button_does_what_it_says(browser: Browser, live_server: LiveServer) -> None:
    with visitor(browser) as page:
        open_panel(page, live_server.url)
        ask(page, PERSON)
        image = page.locator(".sc-msg[data-role=bot] img")
        expect(image).to_have_attribute("alt", re.compile("speech bubble"), timeout=FIRST_ANSWER_MS)
        actions = page.get_by_role("group", name="Quick actions").last
        expect(actions.get_by_role("button")).to_have_text(
            ["Talk to a person", "Request a callback"]
        )

        # "human" sends the request for a person in the visitor's words (the widget's language).
        actions.get_by_role("button", name="Talk to a person").click()
        visitor_texts = page.locator(".sc-msg[data-role=visitor] .sc-msg-text")
        expect(visitor_texts.last).to_have_text("I'd like to talk to a person.")

        # "contact_form" opens the contact form.
        actions.get_by_role("button", name="Request a callback").click()
        expect(page.locator(".sc-contact-form")).to_be_visible()
        page.locator(".sc-contact-back").first.click()

        # "message" sends its text; "link" is a new-tab link.
        ask(page, TUNE_UP)
        tune_up = page.get_by_role("group", name="Quick actions").last
        expect(tune_up.get_by_role("button", name="Book a tune-up")).to_be_visible(
            timeout=FIRST_ANSWER_MS
        )
        prices = tune_up.get_by_role("link", name=re.compile("^All prices"))
        expect(prices).to_have_attribute("href", f"{live_server.url}/pricing")
        expect(prices).to_have_attribute("target", "_blank")
        tune_up.get_by_role("button", name="Book a tune-up").click()
        expect(visitor_texts.last).to_have_text("How do I book a service appointment?")


def test_blocks_added_to_a_real_answer_show_safely(
    browser: Browser, live_server: LiveServer
) -> None:
    blocks = [
        {"type": "image", "url": "/widget/icons/icon-192.png", "alt": "Our shop's logo"},
        {"type": "image", "url": "/widget/icons/icon-192.png", "alt": ""},  # no alt: left out
        {
            "type": "video",
            "url": "/videos/fit.mp4",
            "title": "How we fit a bike",
            "poster": "/p.png",
        },
        {
            "type": "card",
            "title": "<b>Gravel</b> bike",
            "text": "Wide tyres.",
            "price": "$1,290",
            "link": {"label": "Sneaky", "url": "javascript:alert(1)"},
        },
        {
            "type": "buttons",
            "buttons": [
                {"label": "Elsewhere", "action": "link", "value": "/\\evil.example"},
                {"label": "Fine", "action": "link", "value": "https://example.com/x"},
            ],
        },
    ]

    def add_blocks(body: dict) -> None:
        if body.get("reply"):
            body["reply"]["rich"] = blocks

    with visitor(browser) as page:
        # Without the event stream the answer comes from the POST response, with its blocks.
        page.route("**/events?*", lambda route: route.abort())
        patch_json(page, "**/api/conversations/*/messages", add_blocks, method="POST")
        open_panel(page, live_server.url)
        ask(page, "What are your opening hours?")
        answer = page.locator(".sc-msg[data-role=bot][data-id]").last
        expect(answer.locator(".sc-rich img")).to_have_count(1, timeout=FIRST_ANSWER_MS)
        expect(answer.get_by_role("img", name="Our shop's logo")).to_be_visible()
        video = answer.locator("video")
        expect(video).to_have_accessible_name("How we fit a bike")
        expect(video).to_have_attribute("controls", "")
        expect(video).to_have_attribute("preload", "none")
        expect(video).to_have_attribute("poster", f"{live_server.url}/p.png")
        # Server text is text: no markup is parsed, and unsafe links are never made.
        expect(answer.locator(".sc-card-title")).to_have_text("<b>Gravel</b> bike")
        expect(answer.locator(".sc-card b")).to_have_count(0)
        expect(answer.locator(".sc-card-price")).to_have_text("$1,290")
        expect(answer.get_by_role("link", name=re.compile("Sneaky"))).to_have_count(0)
        expect(answer.get_by_role("link", name=re.compile("Elsewhere"))).to_have_count(0)
        expect(answer.get_by_role("link", name=re.compile("^Fine"))).to_have_attribute(
            "href", "https://example.com/x"
        )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_with_a_carousel_open(
    browser: Browser, live_server: LiveServer, scheme: str
) -> None:
    with visitor(browser, color_scheme=scheme) as page:
        open_panel(page, live_server.url)
        expect(page.locator(".sc-root")).to_have_attribute("data-theme", scheme)
        carousel_answer(page)
        page.get_by_role("button", name="Next slide").click()
        page.locator(".sc-log").evaluate("n => { n.scrollTop = n.scrollHeight; }")
        assert axe_violations(page) == []
        SHOTS.mkdir(exist_ok=True)
        page.locator(".sc-panel").screenshot(path=str(SHOTS / f"widget-carousel-{scheme}.png"))


def test_the_carousel_mirrors_in_urdu(browser: Browser, live_server: LiveServer) -> None:
    with visitor(browser) as page:
        open_panel(page, live_server.url)
        page.get_by_role("combobox", name="Language").select_option("ur")
        expect(page.locator(".sc-panel")).to_have_attribute("dir", "rtl")
        ask(page, TUNE_UP)
        carousel = page.locator(".sc-carousel")
        expect(carousel).to_be_visible(timeout=FIRST_ANSWER_MS)
        expect(carousel).to_have_attribute("aria-roledescription", "کیروسل")
        expect(carousel.get_by_role("group")).to_have_accessible_name("3 میں سے 1")
        next_button = carousel.get_by_role("button", name="اگلی سلائیڈ")
        # The arrows point the way Urdu reads: "next" to the left.
        transform = next_button.locator("svg").evaluate("n => getComputedStyle(n).transform")
        assert transform.startswith("matrix(-1"), transform
        next_button.focus()
        page.keyboard.press("ArrowLeft")  # forward, right to left
        expect(carousel.get_by_role("group")).to_have_accessible_name("3 میں سے 2")


def test_after_hours_quick_actions_show_only_while_closed(
    browser: Browser, live_server: LiveServer
) -> None:
    after_hours = [
        {"label": "Request a callback", "action": "contact_form"},
        {"label": "Browse FAQs", "action": "message", "value": "What are your opening hours?"},
        {"label": "Our opening hours", "action": "link", "value": "/hours"},
    ]
    quick = {"after_hours": after_hours, "product": []}
    with visitor(browser) as page:
        with_config(page, open_now=True, quick_actions=quick)
        open_panel(page, live_server.url)
        expect(page.locator(".sc-msg[data-greeting]")).to_be_visible()
        page.wait_for_timeout(500)  # rich.js would have had time to load
        expect(page.get_by_role("group", name="Quick actions")).to_have_count(0)

    with visitor(browser) as page:
        with_config(page, open_now=False, quick_actions=quick)
        open_panel(page, live_server.url)
        greeting = page.locator(".sc-msg[data-greeting]")
        actions = greeting.get_by_role("group", name="Quick actions")
        expect(actions.get_by_role("button")).to_have_text(["Request a callback", "Browse FAQs"])
        expect(actions.get_by_role("link", name=re.compile("^Our opening hours"))).to_be_visible()
        actions.get_by_role("button", name="Browse FAQs").click()
        expect(page.locator(".sc-msg[data-role=visitor] .sc-msg-text")).to_have_text(
            "What are your opening hours?"
        )

    def older_server_closed(body: dict) -> None:
        body["open_now"] = False
        body.pop("quick_actions", None)

    with visitor(browser) as page:  # an older server: no quick_actions at all
        patch_json(page, "**/api/config", older_server_closed)
        open_panel(page, live_server.url)
        expect(page.locator(".sc-msg[data-greeting]")).to_be_visible()
        page.wait_for_timeout(500)
        expect(page.locator(".sc-actions")).to_have_count(0)
