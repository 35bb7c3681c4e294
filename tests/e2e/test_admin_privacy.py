"""The privacy page in Chromium: an owner finds a visitor, downloads their export and erases them
after confirming, from the keyboard where it matters; an agent cannot open it; axe finds nothing
wrong with the page or the exported transcript in the light or the dark theme."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.db import session_scope
from core.privacy.export import export_zip
from core.privacy.subjects import Lookup, SubjectNotFound, find_subject
from tests.e2e.conftest import AdminServer, axe_violations, sign_in
from tests.factories import Person, make_person, stored_rows

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def two_people(engine: Engine) -> tuple[Person, Person]:
    with session_scope(engine) as session:
        return make_person(session), make_person(session)


def find(page: Page, how: str, value: str) -> None:
    page.get_by_label("Find by").select_option(label=how)
    page.get_by_label("E-mail, phone or id").fill(value)
    page.get_by_role("button", name="Find").click()


def test_an_owner_exports_then_erases_a_visitor(
    page: Page, admin: AdminServer, engine: Engine
) -> None:
    jo, other = two_people(engine)
    total = stored_rows(engine, jo)
    sign_in(page, admin, admin.OWNER, "/privacy")
    expect(page.get_by_role("heading", name="Privacy", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Privacy")).to_have_attribute("aria-current", "page")

    find(page, "E-mail address", jo.email.upper())
    stored = page.get_by_role("region", name="What is stored")
    expect(stored).to_contain_text(f"About the e-mail address {jo.email}: {total} rows.")
    messages = stored.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Messages"))
    expect(messages).to_contain_text("2")
    expect(messages).to_contain_text("deleted")

    with page.expect_download() as download:
        stored.get_by_role("button", name="Download export (ZIP)").click()
    archive = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes()))
    data = json.loads(archive.read("data.json"))
    transcript = archive.read("transcript.html").decode()
    assert data["tables"]["visitor"][0]["public_id"] == jo.public_id
    assert jo.texts[0] in transcript and other.texts[0] not in json.dumps(data)
    expect(page.get_by_role("status")).to_contain_text(f"Exported {total} rows")

    # Keeping it changes nothing; the dialog takes the focus and gives it back.
    stored.get_by_role("button", name="Erase…").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text(f"Erase everything about the e-mail address {jo.email}?")
    expect(dialog.get_by_role("button", name="Keep it")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(stored.get_by_role("button", name="Erase…")).to_be_focused()
    expect(stored).to_contain_text(f"{total} rows")

    stored.get_by_role("button", name="Erase…").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Erase").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Erased the e-mail address {jo.email}. Deleted: Visitor 1, Conversations 1, Messages 2,"
    )
    expect(page.get_by_role("region", name="What is stored")).to_have_count(0)
    log = page.get_by_role("region", name="Recent exports and erasures")
    expect(log.get_by_role("row").nth(1)).to_contain_text("Erasure")
    expect(log.get_by_role("row").nth(1)).to_contain_text(admin.OWNER[0])
    expect(log.get_by_role("row").nth(2)).to_contain_text("Export")
    expect(log).not_to_contain_text(jo.email)
    expect(page.get_by_label("E-mail, phone or id")).to_be_focused()
    with Session(engine) as session:
        with pytest.raises(SubjectNotFound):
            find_subject(session=session, lookup=Lookup.VISITOR, value=jo.visitor_key)
        assert find_subject(session=session, lookup=Lookup.EMAIL, value=other.email).total == total

    # A second erasure has nothing to find, and says so.
    find(page, "Visitor, browser or conversation id", jo.public_id)
    expect(page.get_by_role("alert")).to_have_text(
        f"Nothing is stored about the id {jo.public_id}."
    )
    find(page, "Phone number", "call me")
    expect(page.get_by_role("alert")).to_have_text("“call me” is not a phone number.")


def test_an_agent_cannot_open_the_privacy_page(page: Page, admin: AdminServer) -> None:
    sign_in(page, admin, admin.AGENT)
    expect(page.get_by_role("link", name="Inbox")).to_be_visible()
    expect(page.get_by_role("link", name="Privacy")).to_have_count(0)
    page.goto(f"{admin.url}/privacy")
    page.wait_for_url(re.compile(rf"^{admin.url}/$"))
    expect(page.get_by_text("Only an owner can do that.")).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_privacy_page_passes_axe(
    page: Page, admin: AdminServer, engine: Engine, scheme: str
) -> None:
    jo, _ = two_people(engine)
    total = stored_rows(engine, jo)
    page.emulate_media(color_scheme=scheme)  # the admin follows the system theme
    sign_in(page, admin, admin.OWNER, "/privacy")
    expect(page.get_by_role("heading", name="Privacy", exact=True)).to_be_visible()

    def checked() -> list[str]:
        # Colours as the page rests: the button just clicked would be checked in its hover
        # colour, which is the theme's for every admin page.
        page.mouse.move(0, 0)
        return axe_violations(page)

    found = {"empty": checked()}
    find(page, "Phone number", jo.phone)
    expect(page.get_by_role("region", name="What is stored")).to_contain_text(f"{total} rows")
    found["found"] = checked()
    page.get_by_role("button", name="Erase…").click()
    expect(page.get_by_role("alertdialog")).to_be_visible()
    found["confirming"] = checked()
    page.get_by_role("button", name="Keep it").click()
    find(page, "E-mail address", "not an address")
    expect(page.get_by_role("alert")).to_be_visible()
    found["error"] = checked()
    assert {state: v for state, v in found.items() if v} == {}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_exported_transcript_passes_axe(page: Page, engine: Engine, scheme: str) -> None:
    jo, _ = two_people(engine)
    with Session(engine) as session:
        subject = find_subject(session=session, lookup=Lookup.EMAIL, value=jo.email)
        archive = zipfile.ZipFile(io.BytesIO(export_zip(session=session, found=subject)))
    page.emulate_media(color_scheme=scheme)
    page.set_content(archive.read("transcript.html").decode())
    expect(page.get_by_role("heading", level=2, name="Conversation 1")).to_be_visible()
    expect(page.get_by_role("list", name="Messages of conversation 1")).to_contain_text(jo.texts[0])
    assert axe_violations(page) == []
