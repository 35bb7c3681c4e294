"""The widget speaks the visitor's language: their own choice, else the language they write in,
else the browser's, else the business default; Urdu and Arabic lay the panel out right to left."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import ROOT, LiveServer
from tests.e2e.conftest import FIRST_ANSWER_MS, ask, open_panel, visitor

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

WIDGET = ROOT / "widget"
URDU_QUESTION = "کیا آپ ہفتے کے دن دکان کھولتے ہیں؟"  # "Do you open the shop on Saturdays?"


def english_strings() -> dict[str, str]:
    """The built-in English strings of widget/i18n.js (a flat object literal)."""
    source = (WIDGET / "i18n.js").read_text(encoding="utf-8")
    body = source[source.index("export const EN = {") : source.index("};", source.index("EN = {"))]
    pairs = re.findall(r"^\s*(\w+): (['\"])(.*?)\2,$", body, re.M)
    return {key: text for key, _, text in pairs}


def strings_requested(page: Page) -> list[str]:
    asked: list[str] = []
    page.on(
        "request",
        lambda r: asked.append(r.url.rsplit("/", 1)[-1]) if "/strings/" in r.url else None,
    )
    return asked


def expect_language(page: Page, lang: str, direction: str) -> None:
    panel = page.locator(".sc-panel")
    expect(panel).to_have_attribute("lang", lang)
    expect(panel).to_have_attribute("dir", direction)
    expect(page.locator(".sc-launcher")).to_have_attribute("lang", lang)


def test_the_english_that_other_modules_write_is_recognised() -> None:
    # i18n.js maps alerts and notices written in English (api.js, outbox.js, the server) back to
    # their keys by their text, so its English must be theirs, word for word.
    known = english_strings()
    api = (WIDGET / "api.js").read_text(encoding="utf-8")
    outbox = (WIDGET / "outbox.js").read_text(encoding="utf-8")
    for key in ("oops", "error", "slow", "offline", "garbled"):
        assert f"'{known[key]}'" in api, key
    assert "`Message not sent. ${" in outbox and known["failed"] == "Message not sent."
    assert "`Too many messages, please wait ${" in api
    assert known["tooMany"] == "Too many messages, please wait {n} seconds"
    handover = (ROOT / "core" / "crud" / "handover.py").read_text(encoding="utf-8")
    for key in ("joined", "handedBack", "closed"):
        assert f'"{known[key]}"' in handover, key


def test_every_language_has_every_string_with_the_same_placeholders() -> None:
    english = english_strings()
    assert len(english) > 40
    source = (WIDGET / "i18n.js").read_text(encoding="utf-8")
    menu = re.search(r"export const LANGUAGES = \{(.*?)\};", source)
    assert menu, "LANGUAGES not found in i18n.js"
    codes = set(re.findall(r"(\w+): '", menu.group(1)))
    assert {"en", "ur", "es", "fr", "de", "ar"} <= codes
    files = sorted((WIDGET / "strings").glob("*.json"))
    # English is built in; another language is its first-open strings and the more of the views
    # that load later (the contact form, Your data...), which no first-open string repeats.
    first = {f.stem for f in files if not f.stem.endswith(".more")}
    assert first == codes - {"en"}
    assert {f.stem for f in files} - first == {f"{code}.more" for code in first}
    for code in first:
        strings = json.loads((WIDGET / "strings" / f"{code}.json").read_text(encoding="utf-8"))
        more = json.loads((WIDGET / "strings" / f"{code}.more.json").read_text(encoding="utf-8"))
        assert not strings.keys() & more.keys(), code
        assert strings.keys() | more.keys() == english.keys(), code
        for key, text in (strings | more).items():
            assert text.strip(), f"{code}: {key} is empty"
            assert set(re.findall(r"\{\w+\}", text)) == set(re.findall(r"\{\w+\}", english[key])), (
                f"{code}: {key}"
            )


def test_a_spanish_browser_gets_the_spanish_panel(
    browser: Browser, live_server: LiveServer
) -> None:
    with visitor(browser, locale="es-ES") as page:
        asked = strings_requested(page)
        open_panel(page, live_server.url)
        expect_language(page, "es", "ltr")
        expect(page.get_by_role("dialog", name="Chat con Harbourside Bikes")).to_be_visible()
        expect(page.locator(".sc-launcher")).to_have_accessible_name("Abrir chat")
        expect(page.get_by_role("button", name="Cerrar chat")).to_be_visible()
        expect(page.get_by_role("button", name="Modo oscuro")).to_be_visible()
        expect(page.get_by_role("combobox", name="Idioma")).to_have_value("es")
        box = page.get_by_role("combobox", name="Escribe tu mensaje")
        expect(box).to_be_focused()
        expect(box).to_have_attribute("placeholder", "Escribe tu mensaje…")
        expect(page.locator(".sc-send")).to_have_text("Enviar")
        expect(page.get_by_role("log", name="Mensajes")).to_be_visible()
        expect(page.locator(".sc-status")).to_have_text(
            re.compile(r"^(Estamos en línea|Ahora no estamos disponibles.*)$")
        )
        # The greeting is the business's own text, in the business's language, marked as such.
        greeting = page.locator(".sc-msg[data-greeting] .sc-msg-text")
        expect(greeting).to_contain_text("Harbourside Bikes")
        expect(greeting).to_have_attribute("lang", "en")
        expect(page.locator(".sc-msg[data-greeting] > .sc-sr-only")).to_have_text("Asistente: ")

        ask(page, "¿a qué hora abren el sábado?")
        expect(page.locator(".sc-msg[data-role=bot][data-id]")).to_have_count(
            1, timeout=FIRST_ANSWER_MS
        )
        mine = page.locator(".sc-msg[data-role=visitor] .sc-msg-text")
        expect(mine).to_have_attribute("lang", "es")
        expect(page.locator(".sc-msg[data-role=visitor] .sc-sr-only")).to_have_text("Tu mensaje: ")
        expect_language(page, "es", "ltr")
        # The answer's rating buttons bring the strings of the views that load later.
        expect(page.get_by_role("button", name="Útil", exact=True)).to_be_visible()
        # Only the active language's strings are loaded (English is built in): those of the
        # first open, then those of the views that load later.
        assert asked == ["es.json", "es.more.json"]


def test_writing_in_urdu_switches_the_panel_to_urdu_right_to_left(
    browser: Browser, live_server: LiveServer
) -> None:
    with visitor(browser, locale="en-US") as page:
        asked = strings_requested(page)
        open_panel(page, live_server.url)
        expect_language(page, "en", "ltr")
        expect(page.locator(".sc-send")).to_have_text("Send")

        with page.expect_response(
            lambda r: r.url.endswith("/messages") and r.request.method == "POST"
        ) as response:
            ask(page, URDU_QUESTION)
        assert response.value.json()["language"] == "ur"

        expect_language(page, "ur", "rtl")
        expect(page.get_by_role("dialog", name="Harbourside Bikes سے چیٹ کریں")).to_be_visible()
        expect(page.locator(".sc-send")).to_have_text("بھیجیں")
        expect(page.locator(".sc-launcher")).to_have_accessible_name("چیٹ کھولیں")
        expect(page.locator(".sc-input")).to_have_accessible_name("اپنا پیغام لکھیں")
        mine = page.locator(".sc-msg[data-role=visitor] .sc-msg-text")
        expect(mine).to_have_attribute("lang", "ur")
        expect(page.locator(".sc-msg[data-role=bot][data-id]")).to_have_count(
            1, timeout=FIRST_ANSWER_MS
        )
        # The greeting stays in the business's language, marked as English; the answer comes
        # from the Urdu translation of the opening-hours FAQ, marked as Urdu.
        expect(page.locator(".sc-msg[data-greeting] .sc-msg-text")).to_have_attribute("lang", "en")
        answer = page.locator(".sc-msg[data-role=bot][data-id] .sc-msg-text")
        expect(answer).to_have_attribute("lang", "ur")
        expect(answer).to_contain_text("ہم پیر سے جمعہ صبح 9 بجے سے شام 6 بجے تک کھلے ہیں")

        # Mirrored: the visitor's bubbles on the left, the bot's on the right, the close button
        # at the header's left end.
        visitor_box = page.locator(".sc-msg[data-role=visitor] .sc-bubble").bounding_box()
        bot_box = page.locator(".sc-msg[data-greeting] .sc-bubble").bounding_box()
        close_box = page.locator(".sc-close").bounding_box()
        title_box = page.locator(".sc-title").bounding_box()
        assert visitor_box and bot_box and close_box and title_box
        assert visitor_box["x"] < bot_box["x"]
        assert bot_box["x"] + bot_box["width"] > visitor_box["x"] + visitor_box["width"]
        assert close_box["x"] < title_box["x"]
        assert page.locator(".sc-composer").evaluate("n => getComputedStyle(n).direction") == "rtl"

        # After a reload the conversation's detected language still counts.
        page.reload()
        page.locator(".sc-launcher").click()
        expect_language(page, "ur", "rtl")
        expect(page.locator(".sc-send")).to_have_text("بھیجیں")
        expect(page.get_by_role("button", name="مددگار", exact=True)).to_be_visible()
        assert set(asked) == {"ur.json", "ur.more.json"}


def test_a_language_chosen_in_the_menu_wins_over_detection_and_is_remembered(
    browser: Browser, live_server: LiveServer
) -> None:
    with visitor(browser, locale="en-US") as page:
        open_panel(page, live_server.url)
        menu = page.get_by_role("combobox", name="Language")
        expect(menu).to_have_value("en")
        menu.select_option("fr")
        expect_language(page, "fr", "ltr")
        expect(page.get_by_role("dialog", name="Discuter avec Harbourside Bikes")).to_be_visible()
        expect(page.locator(".sc-send")).to_have_text("Envoyer")
        assert page.evaluate("localStorage.getItem('sc-language')") == '"fr"'

        ask(page, URDU_QUESTION)
        expect(page.locator(".sc-msg[data-role=bot][data-id]")).to_have_count(
            1, timeout=FIRST_ANSWER_MS
        )
        expect(page.locator(".sc-msg[data-role=visitor] .sc-msg-text")).to_have_attribute(
            "lang", "ur"
        )
        page.wait_for_timeout(300)
        expect_language(page, "fr", "ltr")

        page.reload()
        page.locator(".sc-launcher").click()
        expect_language(page, "fr", "ltr")
        expect(page.get_by_role("combobox", name="Langue")).to_have_value("fr")
        expect(page.locator(".sc-input")).to_have_attribute(
            "placeholder", "Saisissez votre message…"
        )

        # Arabic, chosen the same way, turns the panel right to left.
        page.get_by_role("combobox", name="Langue").select_option("ar")
        expect_language(page, "ar", "rtl")
        expect(page.locator(".sc-send")).to_have_text("إرسال")
        expect(page.get_by_role("combobox", name="اللغة")).to_have_value("ar")


def test_the_business_default_applies_when_the_browser_language_is_not_spoken(
    browser: Browser, live_server: LiveServer
) -> None:
    with visitor(browser, locale="ja-JP") as page:
        open_panel(page, live_server.url)
        expect_language(page, "en", "ltr")  # the demo business's default language
        expect(page.locator(".sc-send")).to_have_text("Send")


def test_known_notices_and_errors_are_shown_in_the_visitors_language(
    browser: Browser, live_server: LiveServer
) -> None:
    with visitor(browser, locale="de-DE") as page:
        open_panel(page, live_server.url)
        expect_language(page, "de", "ltr")
        page.context.set_offline(True)
        ask(page, "Haben Sie am Samstag geöffnet?")
        expect(page.get_by_role("alert")).to_have_text(
            "Nachricht nicht gesendet. Der Server ist nicht erreichbar."
        )
        expect(page.locator(".sc-msg-status")).to_contain_text("Nicht gesendet")
        expect(page.get_by_role("button", name="Erneut versuchen")).to_be_visible()
        page.context.set_offline(False)
        expect(page.locator(".sc-msg[data-role=bot][data-id]")).to_have_count(
            1, timeout=FIRST_ANSWER_MS
        )
