"""Owners and agents in the Reflex admin, with a visitor in the widget, in Chromium."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.crud import business as business_crud
from core.db import session_scope
from core.models.business import BusinessUpdate
from tests.conftest import ROOT, LiveServer
from tests.e2e.conftest import AdminServer, sign_in
from tests.e2e.test_widget import ask, open_widget

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

AXE = ROOT / "tools" / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = """
async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => `${v.id}: ${v.help} at ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`)
"""


@pytest.fixture
def visitor(browser: Browser) -> Iterator[Page]:
    """A second browser context: the visitor on the demo site."""
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    yield context.new_page()
    context.close()


def conversation_id(page: Page) -> str:
    stored = page.evaluate("localStorage.getItem('sc-conversation')")
    return str(json.loads(stored)["conversation_id"])


def wait_until_the_bot_answers(server: LiveServer, question: str, expected: str) -> None:
    """The chat server reloads FAQs and retrains its intent head a moment after an edit: ask (in
    a fresh conversation each time, so no clarification is pending) until the answer is there."""
    deadline = time.monotonic() + 30
    text = ""
    while time.monotonic() < deadline:
        start = httpx.post(f"{server.url}/api/conversations", json={}).json()
        turn = httpx.post(
            f"{server.url}/api/conversations/{start['conversation_id']}/messages",
            json={"text": question},
            headers={"Authorization": f"Bearer {start['visitor_token']}"},
            timeout=30,
        ).json()
        text = (turn.get("reply") or {}).get("text", "")
        if expected in text:
            return
        time.sleep(0.5)
    raise AssertionError(f"the bot still answers {text!r} to {question!r}")


def serious_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return list(page.evaluate(SERIOUS))


def test_a_page_opened_without_a_session_goes_to_sign_in(page: Page, admin: AdminServer) -> None:
    page.goto(f"{admin.url}/knowledge")
    page.wait_for_url(re.compile(r"/login/?\?next=/knowledge$"))
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)


def test_wrong_password_is_refused_and_the_right_one_signs_in_and_out(
    page: Page, admin: AdminServer
) -> None:
    page.goto(f"{admin.url}/login")
    page.get_by_label("E-mail").fill(admin.OWNER[0])
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    # The run's first sign-in also warms the admin's backend: allow for a slow first answer.
    expect(page.get_by_role("alert")).to_have_text("Wrong e-mail or password.", timeout=20_000)
    assert re.search(r"/login/?$", page.url)

    sign_in(page, admin, admin.OWNER)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.get_by_role("link", name="Users")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login/?$"))
    page.goto(f"{admin.url}/inbox")
    page.wait_for_url(re.compile(r"/login/?\?next=/inbox$"))


def test_an_agent_cannot_open_the_user_list(page: Page, admin: AdminServer) -> None:
    sign_in(page, admin, admin.AGENT)
    expect(page.get_by_role("link", name="Inbox")).to_be_visible()
    expect(page.get_by_role("link", name="Users")).to_have_count(0)
    page.goto(f"{admin.url}/users")
    page.wait_for_url(re.compile(rf"^{admin.url}/$"))
    expect(page.get_by_text("Only an owner can do that.")).to_be_visible()
    expect(page.get_by_text(admin.OWNER[0])).to_have_count(0)


def test_agent_takes_over_replies_and_hands_back(
    page: Page, visitor: Page, admin: AdminServer, live_server: LiveServer
) -> None:
    sign_in(page, admin, admin.AGENT, "/inbox")
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()

    open_widget(visitor, live_server.url)
    ask(visitor, "how much is a basic tune-up?")
    expect(visitor.locator(".sc-msg[data-role=bot][data-id]").last).to_contain_text("$79")
    cid = conversation_id(visitor)

    # Appears in the open inbox without a reload.
    row = page.locator(f"[data-conversation='{cid}']")
    expect(row).to_be_visible(timeout=5_000)
    expect(row).to_contain_text("Bot: ")
    row.click()
    transcript = page.get_by_role("log", name="Transcript")
    expect(transcript).to_contain_text("how much is a basic tune-up?")
    expect(transcript.locator("[data-role=bot]")).to_contain_text("confidence")
    expect(transcript.locator("[data-role=bot]")).to_contain_text("Matched FAQ:")

    page.get_by_role("button", name="Take over").click()
    expect(visitor.locator(".sc-msg[data-role=system]").last).to_contain_text(
        "An agent has joined the conversation.", timeout=5_000
    )
    page.get_by_label("Reply to the visitor").fill("Hi, I'm Sam from the workshop. Want a slot?")
    page.get_by_role("button", name="Send reply").click()
    agent_line = visitor.locator(".sc-msg[data-role=agent]").last
    expect(agent_line).to_contain_text("Hi, I'm Sam from the workshop", timeout=5_000)
    assert visitor.locator(".sc-log").get_attribute("aria-live") in ("polite", "assertive")

    ask(visitor, "what are your opening hours?")
    expect(transcript).to_contain_text("what are your opening hours?", timeout=5_000)
    visitor.wait_for_timeout(2_000)
    assert "We're open Monday to Friday" not in visitor.locator(".sc-log").inner_text()

    page.get_by_role("button", name="Hand back to bot").click()
    expect(visitor.locator(".sc-msg[data-role=system]").last).to_contain_text(
        "chatting with the assistant again", timeout=5_000
    )
    ask(visitor, "where are you located?")
    expect(visitor.locator(".sc-msg[data-role=bot][data-id]").last).to_contain_text(
        "Wharf Street", timeout=10_000
    )
    expect(transcript).to_contain_text("Wharf Street", timeout=5_000)


def test_a_faq_edited_in_the_admin_changes_the_bots_next_answer(
    page: Page, visitor: Page, admin: AdminServer, live_server: LiveServer
) -> None:
    marker = uuid.uuid4().hex[:6]
    question = f"Do you rent tandem kayaks for the {marker} regatta?"
    sign_in(page, admin, admin.OWNER, "/knowledge")
    page.get_by_role("button", name="New entry").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Question").fill(question)
    dialog.get_by_label("Answer", exact=True).fill(f"Kayaks for the {marker} regatta: no, sorry.")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_role("rowheader", name=question)).to_be_visible()
    wait_until_the_bot_answers(live_server, question, "no, sorry")

    open_widget(visitor, live_server.url)
    ask(visitor, question)
    answer = visitor.locator(".sc-msg[data-role=bot][data-id] .sc-msg-text").last
    expect(answer).to_contain_text("no, sorry", timeout=10_000)

    page.get_by_role("button", name=f"Edit: {question}").click()
    dialog.get_by_label("Answer", exact=True).fill(f"Yes! Tandem kayaks for the {marker} regatta.")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The bot uses it within seconds")).to_be_visible()
    visitor.wait_for_timeout(5_000)  # the chat server reloads the knowledge base within 5 s
    ask(visitor, question)
    expect(answer).to_contain_text(f"Yes! Tandem kayaks for the {marker} regatta.")

    page.get_by_role("button", name=f"Delete: {question}").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Delete").click()
    expect(page.get_by_role("rowheader", name=question)).to_have_count(0)


def test_a_translation_added_in_the_admin_answers_visitors_in_its_language(
    page: Page, admin: AdminServer, live_server: LiveServer
) -> None:
    marker = uuid.uuid4().hex[:6]
    question = f"Wie setze ich mein Passwort zurück ({marker})?"
    answer = f"Klicken Sie beim Anmelden auf „Passwort vergessen“ ({marker})."
    sign_in(page, admin, admin.OWNER, "/knowledge")
    page.get_by_role("button", name="New entry").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Question").fill(question)
    dialog.get_by_label("Answer", exact=True).fill(answer)
    dialog.get_by_label("Language (ISO code)").fill("de")
    source = dialog.get_by_label("Translation of")
    option = source.locator("option", has_text="How do I reset my password?")
    source.select_option(option.get_attribute("value"))
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_role("rowheader", name=question)).to_be_visible()
    try:
        # A visitor who chose German asks in English and gets the German version.
        deadline, text = time.monotonic() + 30, ""
        while answer not in text and time.monotonic() < deadline:
            start = httpx.post(f"{live_server.url}/api/conversations", json={}).json()
            auth = {"Authorization": f"Bearer {start['visitor_token']}"}
            url = f"{live_server.url}/api/conversations/{start['conversation_id']}"
            assert httpx.patch(url, json={"language": "de"}, headers=auth).status_code == 200
            turn = httpx.post(
                f"{url}/messages",
                json={"text": "how do I reset my password?"},
                headers=auth,
                timeout=30,
            ).json()
            text = (turn.get("reply") or {}).get("text", "")
            time.sleep(0.5)
        assert answer in text, text
    finally:
        page.get_by_role("button", name=f"Delete: {question}").click()
        page.get_by_role("alertdialog").get_by_role("button", name="Delete").click()
        expect(page.get_by_role("rowheader", name=question)).to_have_count(0)


def test_settings_reach_the_widget_configuration(
    page: Page, admin: AdminServer, live_server: LiveServer
) -> None:
    before = httpx.get(f"{live_server.url}/api/config").json()
    sign_in(page, admin, admin.OWNER, "/settings")
    greeting = page.get_by_label("Greeting")
    expect(greeting).to_have_value(before["greeting"])
    page.get_by_label("Colour").fill("blue")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("alert")).to_contain_text("use a colour like #0b6e4f")
    try:
        page.get_by_label("Colour").fill("#1d4ed8")
        greeting.fill("Ahoy! Ask us anything about bikes.")
        page.get_by_role("button", name="Save settings").click()
        expect(page.get_by_role("status").filter(has_text="Saved")).to_be_visible()
        after = httpx.get(f"{live_server.url}/api/config").json()
        assert (after["greeting"], after["color"]) == (
            "Ahoy! Ask us anything about bikes.",
            "#1d4ed8",
        )
    finally:
        greeting.fill(before["greeting"])
        page.get_by_label("Colour").fill(before["color"])
        page.get_by_role("button", name="Save settings").click()
        expect(page.get_by_role("status").filter(has_text="Saved")).to_be_visible()


def test_proactive_messages_and_quick_actions_edited_in_settings_reach_the_widget_config(
    page: Page, admin: AdminServer, live_server: LiveServer, engine: Engine
) -> None:
    with Session(engine) as session:
        original = BusinessUpdate.model_validate(
            business_crud.get_business(session=session), from_attributes=True
        )
    before = httpx.get(f"{live_server.url}/api/config").json()
    count = len(before["triggers"])
    assert count >= 3, "the demo triggers were not seeded"
    marker = uuid.uuid4().hex[:6]
    sign_in(page, admin, admin.OWNER, "/settings")
    try:
        first = page.get_by_role("group", name="Trigger 1", exact=True)
        expect(first.get_by_label("Name", exact=True)).to_have_value("pricing-help")
        expect(page.get_by_test_id("trigger-row")).to_have_count(count)

        # A wrong value is named, and what the owner typed stays in the form.
        first.get_by_label("Seconds on the page").fill("0")
        page.get_by_role("button", name="Add a proactive message").click()
        added = page.get_by_role("group", name=f"Trigger {count + 1}", exact=True)
        added.get_by_label("Name", exact=True).fill(f"blog-{marker}")
        added.get_by_label("When").select_option("scroll_bottom")
        expect(added.get_by_label("Seconds on the page")).to_be_disabled()
        added.get_by_label("Pages").fill("/blog*")
        added.get_by_label("Message").fill("Enjoying the blog? Ask me anything.")
        page.get_by_role("button", name="Save settings").click()
        expect(page.get_by_role("alert")).to_contain_text(
            "trigger 1 (pricing-help), seconds: Input should be greater than or equal to 1"
        )
        expect(first.get_by_label("Seconds on the page")).to_have_value("0")
        expect(added.get_by_label("Message")).to_have_value("Enjoying the blog? Ask me anything.")

        first.get_by_label("Seconds on the page").fill("45")
        product = page.get_by_test_id("quick-actions-product")
        rows = len(before["quick_actions"]["product"])
        product.get_by_role("button", name="Add a button").click()
        button = product.get_by_role("group", name=f"Button {rows + 1}", exact=True)
        button.get_by_label("Label").fill(f"Gift cards {marker}")
        button.get_by_label("Action").select_option("link")
        button.get_by_label("Message or link").fill("/gift-cards")
        page.get_by_role("button", name="Save settings").click()
        expect(page.get_by_role("status").filter(has_text="Saved")).to_be_visible()

        config = httpx.get(f"{live_server.url}/api/config").json()
        assert config["triggers"][0]["seconds"] == 45
        assert config["triggers"][-1] == {
            "name": f"blog-{marker}",
            "kind": "scroll_bottom",
            "message": "Enjoying the blog? Ask me anything.",
            "url_pattern": "/blog*",
        }
        assert config["quick_actions"]["product"][-1] == {
            "label": f"Gift cards {marker}",
            "action": "link",
            "value": "/gift-cards",
        }
        assert config["quick_actions"]["after_hours"] == before["quick_actions"]["after_hours"]

        # Removing them in the form removes them from the widget's configuration.
        page.get_by_role("button", name=f"Remove trigger {count + 1}").click()
        product.get_by_role("button", name=f"Remove button {rows + 1}").click()
        page.get_by_role("button", name="Save settings").click()
        expect(page.get_by_role("status").filter(has_text="Saved")).to_be_visible()
        config = httpx.get(f"{live_server.url}/api/config").json()
        assert [t["name"] for t in config["triggers"]] == [t["name"] for t in before["triggers"]]
        assert config["quick_actions"]["product"] == before["quick_actions"]["product"]
    finally:
        with session_scope(engine) as session:
            business_crud.update_business(session=session, business_in=original)


def test_media_attached_to_an_faq_comes_with_the_bots_answer(
    page: Page, visitor: Page, admin: AdminServer, live_server: LiveServer
) -> None:
    marker = uuid.uuid4().hex[:6]
    question = f"Do you sell {marker} saddle bags?"
    media = [
        {"type": "image", "url": "/widget/icons/icon-192.png", "alt": f"A {marker} saddle bag"},
        {"type": "buttons", "buttons": [{"label": "Talk to a person", "action": "human"}]},
    ]
    sign_in(page, admin, admin.OWNER, "/knowledge")

    # A demo entry shows its stored media as JSON.
    page.get_by_role("button", name="Edit: How much does a tune-up cost?").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Media (rich blocks)")).to_have_value(re.compile("Tune-up plans"))
    assert serious_violations(page) == []
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)

    page.get_by_role("button", name="New entry").click()
    dialog.get_by_label("Question").fill(question)
    dialog.get_by_label("Other ways to ask it").fill(
        f"Can I buy a {marker} saddle bag?\nDo you stock {marker} bike bags?\n"
        f"{marker} saddle bag price\nWhere can I get a {marker} saddle bag?"
    )
    dialog.get_by_label("Answer", exact=True).fill(f"Yes, {marker} saddle bags are $39.")
    field = dialog.get_by_label("Media (rich blocks)")
    field.fill('[{"type": "image", "url": "/widget/icons/icon-192.png"')
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert")).to_contain_text("media: not valid JSON")
    field.fill(json.dumps([{**media[0], "alt": ""}]))
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert")).to_contain_text(
        "media: block 1 (image) alt: String should have at least 1 character"
    )
    expect(dialog.get_by_label("Question")).to_have_value(question)  # nothing typed is lost
    field.fill(json.dumps(media))
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_role("rowheader", name=question)).to_be_visible()

    try:
        wait_until_the_bot_answers(live_server, question, f"{marker} saddle bags are $39")
        open_widget(visitor, live_server.url)
        with visitor.expect_response(
            lambda r: r.url.endswith("/messages") and r.request.method == "POST", timeout=15_000
        ) as answered:
            ask(visitor, question)
        turn = answered.value.json()
        assert turn["reply"]["text"].startswith(f"Yes, {marker} saddle bags")
        assert turn["reply"]["rich"] == media
        history = httpx.get(
            f"{live_server.url}/api/conversations/{conversation_id(visitor)}/messages",
            headers={
                "Authorization": "Bearer "
                + json.loads(visitor.evaluate("localStorage.getItem('sc-conversation')"))[
                    "visitor_token"
                ]
            },
        ).json()
        assert history["messages"][-1]["rich"] == media  # stored with the answer
    finally:
        page.get_by_role("button", name=f"Delete: {question}").click()
        page.get_by_role("alertdialog").get_by_role("button", name="Delete").click()
        expect(page.get_by_role("rowheader", name=question)).to_have_count(0)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_passes_axe_without_serious_violations(
    page: Page, admin: AdminServer, scheme: str
) -> None:
    page.emulate_media(color_scheme=scheme)  # the admin follows the system theme
    page.goto(f"{admin.url}/login")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    found = {"/login": serious_violations(page)}
    sign_in(page, admin, admin.OWNER)
    for path, heading in (
        ("/", "Overview"),
        ("/inbox", "Inbox"),
        ("/knowledge", "Knowledge base"),
        ("/contacts", "Contact requests"),
        ("/settings", "Settings"),
        ("/users", "Users"),
        ("/outbox", "Outbox"),
        ("/integrations", "Integrations"),
    ):
        page.goto(f"{admin.url}{path}")
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        page.wait_for_timeout(500)
        if path == "/inbox" and page.locator(".inbox-row").count():
            page.locator(".inbox-row").first.click()
            expect(page.get_by_role("log", name="Transcript")).to_be_visible()
        found[path] = serious_violations(page)
    assert {path: v for path, v in found.items() if v} == {}


def test_sign_in_and_move_around_with_the_keyboard_alone(page: Page, admin: AdminServer) -> None:
    page.goto(f"{admin.url}/login?next=/knowledge")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "email"
    page.keyboard.type(admin.AGENT[0])
    page.keyboard.press("Tab")
    page.keyboard.type(admin.AGENT[1])
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Knowledge base")).to_be_visible()

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # hidden until focused, then shown
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Inbox":
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    expect(page.get_by_role("link", name="Inbox")).to_have_attribute("aria-current", "page")


def test_faqs_export_to_csv_and_a_bad_file_imports_nothing(
    page: Page, admin: AdminServer, tmp_path: Path
) -> None:
    sign_in(page, admin, admin.OWNER, "/knowledge")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert exported.startswith("id,question,phrasings,answer")
    assert "What are your opening hours?" in exported

    marker = uuid.uuid4().hex[:6]
    question = f"Do you sell {marker} bells?"
    bad = tmp_path / "bad.csv"
    bad.write_text(f"question,answer\n{question},Yes.\nIs the second row fine?,\n")
    page.locator("input[type=file]").set_input_files(bad)
    page.get_by_role("button", name="Import").click()
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("row 3")
    expect(errors).to_contain_text("Nothing was imported.")
    expect(page.get_by_role("rowheader", name=question)).to_have_count(0)

    good = tmp_path / "good.csv"
    good.write_text(f"question,answer\n{question},Yes: brass bells from $12.\n")
    page.locator("input[type=file]").set_input_files(good)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Imported: 1 added, 0 updated, 0 unchanged.")).to_be_visible()
    expect(page.get_by_role("rowheader", name=question)).to_be_visible()
    page.get_by_role("button", name=f"Delete: {question}").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Delete").click()
    expect(page.get_by_role("rowheader", name=question)).to_have_count(0)
