"""The audit log in Chromium: an owner's refused and accepted sign-ins are listed with the
address they came from, the "What" filter narrows the list, and the page passes axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import AdminServer, axe_violations, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_an_owner_reads_and_filters_the_audit_log(page: Page, admin: AdminServer) -> None:
    email, _password = admin.OWNER
    page.goto(f"{admin.url}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill("not the owner's password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong e-mail or password.")

    sign_in(page, admin, admin.OWNER, "/audit")
    expect(page.get_by_role("heading", name="Audit log", exact=True)).to_be_visible()
    log = page.get_by_role("table")
    signed_in = log.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Signed in"))
    expect(signed_in.first).to_contain_text(email)
    expect(signed_in.first).to_contain_text("127.0.0.1")
    refused = log.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Sign-in refused")
    )
    expect(refused.first).to_contain_text("Wrong e-mail or password.")
    assert axe_violations(page) == []

    page.get_by_label("What").select_option(label="Sign-in refused")
    expect(log.get_by_role("rowheader", name="Signed in")).to_have_count(0)
    expect(refused.first).to_be_visible()
