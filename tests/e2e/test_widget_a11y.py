"""The widget meets WCAG 2.1 AA: axe-core finds nothing (closed and open, light and dark, English
and Urdu), the keyboard alone carries a whole conversation, the dark theme follows the system and
the visitor's choice, motion stops when the visitor asks for less, and 200% zoom loses nothing.
Screenshots of both themes go to test-results/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import Engine

from core.crud import handover
from core.db import session_scope
from tests.conftest import ROOT, LiveServer
from tests.e2e.conftest import FIRST_ANSWER_MS, ask, open_panel, visitor
from tests.e2e.conftest import axe_violations as violations

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SHOTS = ROOT / "test-results"
# WCAG contrast ratio of two computed CSS colours (opaque rgb()/rgba() strings).
CONTRAST = """
([a, b]) => {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\\d.]+/g).slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
"""
FOCUSED = """
() => {
  const a = document.activeElement;
  const s = getComputedStyle(a);
  return {inside: Boolean(a.closest('.sc-panel')), cls: a.className, tag: a.tagName,
          outline: s.outlineStyle, width: parseFloat(s.outlineWidth)};
}
"""


def color(page: Page, selector: str, prop: str) -> str:
    return str(page.locator(selector).first.evaluate(f"n => getComputedStyle(n)['{prop}']"))


def contrast(page: Page, one: str, two: str) -> float:
    return float(page.evaluate(CONTRAST, [one, two]))


def conversation_id(page: Page) -> str:
    return str(page.evaluate("JSON.parse(localStorage.getItem('sc-conversation')).conversation_id"))


@pytest.mark.parametrize("language", ["en", "ur"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_closed_open_and_in_every_view(
    browser: Browser, live_server: LiveServer, engine: Engine, scheme: str, language: str
) -> None:
    with visitor(browser, color_scheme=scheme) as page:
        page.goto(f"{live_server.url}/demo")
        expect(page.locator(".sc-launcher")).to_be_visible()
        found = {"closed": violations(page)}

        page.locator(".sc-launcher").click()
        expect(page.locator(".sc-input")).to_be_focused()
        if language != "en":
            page.get_by_role("combobox", name="Language").select_option(language)
        expect(page.locator(".sc-panel")).to_have_attribute("lang", language)
        expect(page.locator(".sc-root")).to_have_attribute("data-theme", scheme)
        found["open"] = violations(page)

        # An unclear question: suggested questions and the contact button under the answer.
        ask(page, "do you take trade ins")  # unclear: three suggestions
        expect(page.locator(".sc-quick-reply")).to_have_count(3, timeout=FIRST_ANSWER_MS)
        ask(page, "question about my bike")  # still unclear: a person or the contact form
        expect(page.locator(".sc-contact-open")).to_be_visible()
        page.locator(".sc-input").press_sequentially("do you rent", delay=30)
        expect(page.get_by_role("listbox")).to_be_visible()
        found["answer and autocomplete"] = violations(page)
        page.locator(".sc-input").fill("")

        # An agent takes over and writes: the notice and the agent's message.
        cid = conversation_id(page)
        with session_scope(engine) as session:
            handover.take_over(session=session, public_id=cid, agent_name="Sam")
            handover.agent_reply(
                session=session,
                public_id=cid,
                agent_name="Sam",
                text="Hi, Sam here. How can I help?",
            )
        expect(page.locator(".sc-msg[data-role=agent]")).to_have_count(1, timeout=10_000)
        expect(page.locator(".sc-msg[data-role=system]")).to_have_count(1)
        found["agent"] = violations(page)

        page.locator(".sc-contact-open").click()
        expect(page.locator(".sc-contact-form")).to_be_visible()
        page.locator(".sc-contact-submit").click()  # empty: every required field says what is wrong
        expect(page.locator(".sc-field-error:visible")).to_have_count(3)
        found["contact form"] = violations(page)

        page.keyboard.press("Escape")  # back to the chat
        expect(page.locator(".sc-contact-form")).to_be_hidden()
        expect(page.locator(".sc-input")).to_be_focused()
        page.keyboard.press("Escape")
        expect(page.locator(".sc-panel")).to_be_hidden()
        found["closed again"] = violations(page)
    assert {view: v for view, v in found.items() if v} == {}


def test_a_whole_conversation_with_the_keyboard_alone(
    browser: Browser, live_server: LiveServer
) -> None:
    with visitor(browser) as page:
        page.goto(f"{live_server.url}/demo")
        launcher = page.locator(".sc-launcher")
        for _ in range(200):  # Tab through the demo page until the launcher has focus
            page.keyboard.press("Tab")
            if launcher.evaluate("n => n === document.activeElement"):
                break
        else:
            pytest.fail("Tab never reached the launcher")
        assert launcher.evaluate("n => getComputedStyle(n).outlineStyle") != "none"

        page.keyboard.press("Enter")
        panel = page.get_by_role("dialog", name="Chat with Harbourside Bikes")
        expect(panel).to_be_visible()
        expect(panel).to_have_attribute("aria-modal", "true")
        box = page.get_by_role("combobox", name="Type your message")
        expect(box).to_be_focused()
        page.keyboard.type("til what time are you open on saturday")
        page.keyboard.press("Enter")
        answer = page.locator(".sc-msg[data-role=bot][data-id] .sc-msg-text")
        expect(answer).to_contain_text("Saturdays we're open", timeout=FIRST_ANSWER_MS)
        expect(box).to_be_focused()
        expect(box).to_have_value("")
        # The answer's rating buttons come with feedback.js: tab once they are there.
        expect(page.locator(".sc-rate-button").first).to_be_visible()

        # Tab goes round the panel's controls and never leaves it; each shows where focus is.
        stops = []
        for _ in range(32):  # twice round, with after-hours quick actions under the greeting
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            assert focused["inside"], f"focus left the panel: {focused}"
            assert focused["outline"] != "none" and focused["width"] >= 2, focused
            stops.append(focused["cls"])
        cycle = stops[: stops.index(stops[0], 1)]
        assert stops[len(cycle) : 2 * len(cycle)] == cycle, stops
        controls = {"sc-language", "sc-icon sc-theme", "sc-icon sc-close", "sc-log", "sc-input"}
        assert controls | {"sc-link sc-privacy-open"} <= set(cycle), cycle
        assert any("sc-send" in c for c in cycle), cycle
        # Shift+Tab from the first control goes to the last ("Your data", under the chat box).
        page.locator(".sc-language").focus()
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(FOCUSED)["cls"] == "sc-link sc-privacy-open"

        # The theme button works from the keyboard too.
        theme = page.get_by_role("button", name="Dark mode")
        theme.focus()
        page.keyboard.press("Enter")
        expect(theme).to_have_attribute("aria-pressed", "true")
        page.keyboard.press("Space")
        expect(theme).to_have_attribute("aria-pressed", "false")

        page.keyboard.press("Escape")
        expect(panel).to_be_hidden()
        expect(launcher).to_be_focused()
        expect(launcher).to_have_attribute("aria-expanded", "false")
        page.keyboard.press("Space")  # Space opens as well as Enter
        expect(panel).to_be_visible()
        expect(box).to_be_focused()
        expect(page.locator(".sc-msg[data-role=bot][data-id]")).to_have_count(1)
        page.keyboard.press("Escape")
        expect(launcher).to_be_focused()


def test_messages_are_labelled_and_announced_politely(
    page: Page, live_server: LiveServer, engine: Engine
) -> None:
    open_panel(page, live_server.url)
    log = page.get_by_role("log", name="Messages")
    expect(log).to_have_attribute("aria-live", "polite")
    ask(page, "do you rent bikes")
    expect(page.locator(".sc-msg[data-role=bot][data-id]")).to_have_count(
        1, timeout=FIRST_ANSWER_MS
    )
    # The row's own label (an answer also has its rating's status line, visually hidden too).
    expect(page.locator(".sc-msg[data-role=visitor] > .sc-sr-only")).to_have_text("Your message: ")
    expect(page.locator(".sc-msg[data-role=bot][data-id] > .sc-sr-only")).to_have_text(
        "Assistant: "
    )
    cid = conversation_id(page)
    with session_scope(engine) as session:
        handover.take_over(session=session, public_id=cid, agent_name="Sam")
        handover.agent_reply(session=session, public_id=cid, agent_name="Sam", text="Sam here.")
    agent = page.locator(".sc-msg[data-role=agent]")
    expect(agent).to_have_count(1, timeout=10_000)
    expect(agent.locator(".sc-msg-author")).to_have_text("Agent")
    expect(page.locator(".sc-msg[data-role=system] .sc-msg-text")).to_have_text(
        "An agent has joined the conversation."
    )
    # Every message, the agent's included, is inside the live region, and nothing in it is hidden
    # from screen readers.
    assert log.locator(".sc-msg").count() == 5
    assert log.locator("[aria-hidden=true]:not(.sc-typing-dots)").count() == 0


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_controls_and_focus_rings_have_3_to_1_contrast(
    browser: Browser, live_server: LiveServer, scheme: str
) -> None:
    with visitor(browser, color_scheme=scheme) as page:
        open_panel(page, live_server.url)
        background = color(page, ".sc-panel", "backgroundColor")
        header = color(page, ".sc-header", "backgroundColor")
        assert contrast(page, color(page, ".sc-input", "borderTopColor"), background) >= 3
        assert contrast(page, color(page, ".sc-language", "borderTopColor"), header) >= 3
        assert contrast(page, color(page, ".sc-input", "outlineColor"), background) >= 3
        page.locator(".sc-close").focus()
        assert contrast(page, color(page, ".sc-close", "outlineColor"), header) >= 3
        assert contrast(page, color(page, ".sc-panel", "color"), background) >= 4.5


def test_dark_mode_follows_the_system_and_the_toggle_is_remembered(
    browser: Browser, live_server: LiveServer
) -> None:
    SHOTS.mkdir(exist_ok=True)
    with visitor(browser, color_scheme="light") as page:
        open_panel(page, live_server.url)
        toggle = page.get_by_role("button", name="Dark mode")
        expect(toggle).to_have_attribute("aria-pressed", "false")
        light = color(page, ".sc-panel", "backgroundColor")
        page.screenshot(path=str(SHOTS / "widget-light.png"))

        toggle.click()
        expect(toggle).to_have_attribute("aria-pressed", "true")
        expect(page.locator(".sc-root")).to_have_attribute("data-theme", "dark")
        dark = color(page, ".sc-panel", "backgroundColor")
        assert dark != light
        page.screenshot(path=str(SHOTS / "widget-dark.png"))
        assert page.evaluate("localStorage.getItem('sc-theme')") == '"dark"'

        page.reload()  # the system is still light: the choice wins
        page.locator(".sc-launcher").click()
        expect(toggle).to_have_attribute("aria-pressed", "true")
        assert color(page, ".sc-panel", "backgroundColor") == dark

        page.get_by_role("combobox", name="Language").select_option("ur")
        expect(page.locator(".sc-panel")).to_have_attribute("dir", "rtl")
        page.screenshot(path=str(SHOTS / "widget-dark-urdu.png"))

    with visitor(browser, color_scheme="dark") as page:
        open_panel(page, live_server.url)
        expect(page.get_by_role("button", name="Dark mode")).to_have_attribute(
            "aria-pressed", "true"
        )
        assert color(page, ".sc-panel", "backgroundColor") == dark
        page.emulate_media(color_scheme="light")  # the system changes while the panel is open
        expect(page.locator(".sc-root")).to_have_attribute("data-theme", "light")
        assert color(page, ".sc-panel", "backgroundColor") == light


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_motion_stops_when_the_visitor_asks_for_less(
    browser: Browser, live_server: LiveServer, motion: str
) -> None:
    with visitor(browser, reduced_motion=motion) as page:
        open_panel(page, live_server.url)
        panel = color(page, ".sc-panel", "animationName")
        dots = color(page, ".sc-dot", "animationName")
        if motion == "reduce":
            assert (panel, dots) == ("none", "none")
        else:
            assert (panel, dots) == ("sc-panel-in", "sc-dot")


@pytest.mark.parametrize("language", ["en", "ur"])
def test_at_200_percent_zoom_nothing_is_lost(
    browser: Browser, live_server: LiveServer, language: str
) -> None:
    # 200% zoom of a 1280 x 800 window: a 640 x 400 CSS-pixel viewport at twice the pixel density.
    with visitor(browser, viewport={"width": 640, "height": 400}, device_scale_factor=2) as page:
        open_panel(page, live_server.url)
        if language != "en":
            page.get_by_role("combobox", name="Language").select_option(language)
        expect(page.locator(".sc-panel")).to_have_attribute("lang", language)
        ask(page, "do you take trade ins")
        expect(page.locator(".sc-quick-reply")).to_have_count(3, timeout=FIRST_ANSWER_MS)
        # Measure the settled layout, not a frame of the panel's opening transition.
        page.locator(".sc-panel").evaluate(
            "p => Promise.all(p.getAnimations({subtree: true}).map(a => a.finished))"
        )

        width = page.evaluate("innerWidth")
        height = page.evaluate("innerHeight")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width
        overflow = page.locator(".sc-panel").evaluate(
            "p => [p, ...p.querySelectorAll(':not(.sc-sr-only)')].filter(n => n.scrollWidth >"
            " n.clientWidth + 1 && getComputedStyle(n).overflowX !== 'visible').map(n => n.className)"
        )
        assert overflow == [], f"horizontal scrolling inside the panel: {overflow}"
        for selector in (
            ".sc-panel",
            ".sc-input",
            ".sc-send",
            ".sc-close",
            ".sc-theme",
            ".sc-language",
        ):
            target = page.locator(selector)
            expect(target).to_be_visible()
            box = target.bounding_box()
            assert box is not None
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (selector, box)
            assert box["y"] >= 0 and box["y"] + box["height"] <= height + 0.5, (selector, box)
        page.screenshot(path=str(SHOTS / f"widget-zoom-200-{language}.png"))
