"""The widget heatmap page in Chromium: clicks stored for the chat panel show over the real
widget, where the clicked element is, and the page passes axe in both themes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, FloatRect, Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete

from core.models import WidgetClick
from tests.conftest import LiveServer
from tests.e2e.conftest import AdminServer, axe_violations, sign_in, visitor

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

VISITOR = "cd" * 16
# A month no other test writes clicks to.
FIRST, LAST = "2034-05-01", "2034-05-31"
PANEL = (370, 560)  # the chat panel at the medium width class, as the preview shows it


def centre(box: FloatRect | None) -> tuple[float, float]:
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def inside(point: tuple[float, float], box: FloatRect | None) -> bool:
    assert box is not None
    x, y = point
    return box["x"] <= x <= box["x"] + box["width"] and box["y"] <= y <= box["y"] + box["height"]


@pytest.fixture
def send_clicks(browser: Browser, live_server: LiveServer, engine: Engine) -> Iterator[None]:
    """Clicks where a visitor of the medium-width chat panel finds the Send button: 6 there (one
    a rage click), 2 on the first quick reply and a dead click on the header."""
    with visitor(browser, viewport={"width": PANEL[0], "height": PANEL[1]}) as page:
        page.goto(f"{live_server.url}/preview?panel=chat&width=medium")
        expect(page.locator(".sc-quick-reply").first).to_be_visible()
        send = centre(page.locator(".sc-send").bounding_box())
        reply = centre(page.locator(".sc-quick-reply").first.bounding_box())

    def click(element: str, at: tuple[float, float], **flags: bool) -> WidgetClick:
        return WidgetClick(
            visitor_key=VISITOR,
            element=element,
            panel="chat",
            width_class="medium",
            x=0.5,
            y=0.5,
            panel_x=at[0] / PANEL[0],
            panel_y=at[1] / PANEL[1],
            created_at=datetime(2034, 5, 12, 12, tzinfo=UTC),
            **flags,
        )

    with Session(engine) as session:
        session.add_all(
            [click("send", send) for _ in range(5)]
            + [click("send", send, rage=True)]
            + [click("quick_reply", reply), click("quick_reply", reply)]
            + [click("none", (30, 30), dead=True)]
        )
        session.commit()
    yield
    with Session(engine) as session:
        session.exec(delete(WidgetClick).where(col(WidgetClick.visitor_key) == VISITOR))
        session.commit()


def open_heatmap(page: Page, admin: AdminServer) -> None:
    sign_in(page, admin, admin.OWNER, "/heatmap")
    expect(page.get_by_role("heading", name="Widget heatmap", exact=True)).to_be_visible()
    page.locator("#range-from").fill(FIRST)
    page.locator("#range-to").fill(LAST)
    page.get_by_role("button", name="Apply").click()
    # Off the button: hovered, the shared picker's Apply is lighter (checked as the page rests).
    page.mouse.move(0, 0)


def test_clicks_on_the_chat_panel_show_over_the_element_clicked(
    page: Page, admin: AdminServer, send_clicks: None
) -> None:
    open_heatmap(page, admin)
    expect(page.get_by_label("Panel state")).to_have_value("chat")
    expect(page.get_by_label("Width class")).to_have_value("medium")
    hottest = page.locator(".heatmap-cell[data-hottest=true]")
    expect(hottest).to_have_attribute("data-clicks", "6", timeout=20_000)
    expect(page.locator(".heatmap-cell")).to_have_count(3)

    # The hottest square lies over the Send button of the real widget in the frame.
    frame = page.frame_locator("#heatmap-preview")
    send = frame.locator(".sc-send")
    expect(send).to_be_visible(timeout=20_000)
    assert inside(centre(send.bounding_box()), hottest.bounding_box())
    reply = frame.locator(".sc-quick-reply").first
    cooler = page.locator(".heatmap-cell[data-clicks='2']")
    assert inside(centre(reply.bounding_box()), cooler.bounding_box())

    # The text alternative: the same clicks by element, and the totals.
    row = page.locator("tr[data-element=send]")
    expect(row).to_contain_text("6")
    expect(row).to_contain_text("67%")
    expect(page.locator("[data-metric=clicks]")).to_have_text("9")
    expect(page.locator("[data-metric=rage]")).to_have_text("1")
    expect(page.locator("[data-metric=dead]")).to_have_text("1")

    # Another panel state has no clicks: the overlay empties and the table says so.
    page.get_by_label("Panel state").select_option("contact")
    expect(page.locator(".heatmap-cell")).to_have_count(0)
    expect(page.get_by_text("No clicks in this view and date range.")).to_be_visible()
    expect(frame.locator(".sc-contact-form")).to_be_visible(timeout=20_000)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_heatmap_page_passes_axe(
    page: Page, admin: AdminServer, send_clicks: None, scheme: str
) -> None:
    page.emulate_media(color_scheme=scheme)
    open_heatmap(page, admin)
    expect(page.locator(".heatmap-cell[data-hottest=true]")).to_have_count(1, timeout=20_000)
    frame = page.frame_locator("#heatmap-preview")
    expect(frame.locator(".sc-root")).to_have_attribute("data-theme", scheme, timeout=20_000)
    assert axe_violations(page) == []
