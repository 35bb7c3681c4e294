"""The heatmap page's table and overlay, and that they agree with the JSON command."""

from __future__ import annotations

from sqlmodel import Session

from app.pages.heatmap.state import element_rows, overlay_cells
from core.analytics.dashboards import all_figures
from core.analytics.heatmap import Cell, ElementCount, View
from core.analytics.queries.heatmap import heatmap
from tests.core.analytics.queries.test_heatmap import MARCH, clicks  # noqa: F401 (a fixture)

VIEW = View(
    "chat",
    "medium",
    clicks=4,
    elements=[ElementCount("send", 3, 0.75, 1, 0), ElementCount("none", 1, 0.25, 0, 1)],
    cells=[Cell(0, 0, 1), Cell(11, 19, 3)],
)


def test_the_table_shows_each_element_with_its_share() -> None:
    assert element_rows(VIEW) == [
        {"element": "send", "clicks": "3", "share": "75%", "rage_clicks": "1", "dead_clicks": "0"},
        {"element": "none", "clicks": "1", "share": "25%", "rage_clicks": "0", "dead_clicks": "1"},
    ]


def test_each_cell_sits_on_its_square_and_the_hottest_is_the_strongest() -> None:
    first, hottest = overlay_cells(VIEW)
    assert (first["left"], first["top"]) == ("0.0000%", "0.0000%")
    assert (hottest["left"], hottest["top"]) == ("91.6667%", "95.0000%")  # 11/12 and 19/20
    assert (hottest["width"], hottest["height"]) == ("8.3333%", "5.0000%")
    assert hottest["hottest"] == "true" and first["hottest"] == "false"
    assert hottest["background"].endswith(", 0.750)") and first["background"].endswith(", 0.383)")


def test_the_page_shows_what_the_json_command_prints(clicks: Session) -> None:  # noqa: F811
    page = heatmap(session=clicks, period=MARCH, panel="chat", width_class="medium")
    printed = all_figures(session=clicks, period=MARCH)["heatmap"]["panels"]["chat"]["medium"]
    assert (page.clicks, page.rage_clicks, page.dead_clicks) == (
        printed["clicks"],
        printed["rage_clicks"],
        printed["dead_clicks"],
    )
    assert element_rows(page) == element_rows(
        View("chat", "medium", elements=[ElementCount(**e) for e in printed["elements"]])
    )
    assert overlay_cells(page) == overlay_cells(
        View("chat", "medium", cells=[Cell(**c) for c in printed["cells"]])
    )
