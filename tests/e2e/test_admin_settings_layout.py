"""Settings controls stay inside their cards at the admin's usual widths."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import AdminServer, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.mark.parametrize("width", [1280, 1024])
def test_a_proactive_messages_when_select_fits_its_card(
    page: Page, admin: AdminServer, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, admin, admin.OWNER, "/settings")
    card = page.get_by_test_id("trigger-row").first
    select_box = card.get_by_label("When", exact=True)
    expect(select_box).to_be_visible()
    inner, outer = select_box.bounding_box(), card.bounding_box()
    assert inner is not None and outer is not None
    assert inner["x"] >= outer["x"]
    assert inner["x"] + inner["width"] <= outer["x"] + outer["width"], (width, inner, outer)
    # Still usable: the longest choice can be picked.
    select_box.select_option("scroll_bottom")
    expect(select_box).to_have_value("scroll_bottom")
