"""The heatmap page's state: the chosen panel state and width class, and what visitors clicked
there in the shared date range, as overlay cells and table rows."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import reflex as rx

from app.date_range import RangeState, csv_download
from app.session_state import guarded
from core.analytics.heatmap import COLUMNS, ROWS, View, preview_size
from core.analytics.queries import heatmap as queries
from core.db import session_scope
from core.settings import get_settings

PANELS = [("chat", "Chat"), ("contact", "Contact form"), ("closed", "Closed (the launcher)")]
WIDTHS = [
    ("narrow", "Narrow (under 480 px)"),
    ("medium", "Medium (480 to 1023 px)"),
    ("wide", "Wide (1024 px and more)"),
]
ELEMENT_COLUMNS = ("element", "clicks", "share", "rage_clicks", "dead_clicks")
CELL_COLUMNS = ("column", "row", "clicks")
# The overlay's faintest and strongest cell: a single click still shows, the widget still reads
# under the hottest.
FAINTEST, STRONGEST = 0.2, 0.75


def element_rows(view: View) -> list[dict[str, str]]:
    """The table of clicks per element, as the page shows it."""
    return [
        {
            "element": e.element,
            "clicks": str(e.clicks),
            "share": f"{e.share:.0%}",
            "rage_clicks": str(e.rage_clicks),
            "dead_clicks": str(e.dead_clicks),
        }
        for e in view.elements
    ]


def overlay_cells(view: View) -> list[dict[str, str]]:
    """Each clicked grid cell placed over the preview (in % of its size), more opaque the more
    it was clicked."""
    hottest = view.hottest
    return [
        {
            "left": f"{100 * c.column / COLUMNS:.4f}%",
            "top": f"{100 * c.row / ROWS:.4f}%",
            "width": f"{100 / COLUMNS:.4f}%",
            "height": f"{100 / ROWS:.4f}%",
            "background": (
                f"rgba(220, 38, 38, {FAINTEST + (STRONGEST - FAINTEST) * c.clicks / hottest:.3f})"
            ),
            "clicks": str(c.clicks),
            "hottest": "true" if c.clicks == hottest else "false",
        }
        for c in view.cells
    ]


class HeatmapState(RangeState):
    panel: str = "chat"
    width_class: str = "medium"
    frame_width: int = 370
    frame_height: int = 560
    chat_url: str = ""
    cells: list[dict[str, str]] = []
    elements: list[dict[str, str]] = []
    clicks: int = 0
    rage_clicks: int = 0
    dead_clicks: int = 0
    loaded: bool = False
    _view: View | None = None

    def _preview(self, theme: str) -> str:
        query = urlencode({"panel": self.panel, "width": self.width_class, "theme": theme})
        return f"{self.chat_url}/preview?{query}"

    @rx.var
    def preview_light(self) -> str:
        return self._preview("light")

    @rx.var
    def preview_dark(self) -> str:
        return self._preview("dark")

    @rx.var
    def frame_label(self) -> str:
        panel = dict(PANELS).get(self.panel, self.panel)
        width = dict(WIDTHS).get(self.width_class, self.width_class)
        return f"Preview of the chat widget: {panel.lower()}, {width.lower()}"

    @rx.event
    @guarded()
    def load(self) -> None:
        self._refresh()

    def _refresh(self) -> None:
        period = self._checked_period()
        if period is None:
            return
        self.chat_url = get_settings().CHAT_PUBLIC_URL
        self.frame_width, self.frame_height = preview_size(self.panel, self.width_class)
        with session_scope() as session:
            view = queries.heatmap(
                session=session, period=period, panel=self.panel, width_class=self.width_class
            )
        self._view = view
        self.cells = overlay_cells(view)
        self.elements = element_rows(view)
        self.clicks, self.rage_clicks, self.dead_clicks = (
            view.clicks,
            view.rage_clicks,
            view.dead_clicks,
        )
        self.loaded = True

    @rx.event
    @guarded()
    def choose_panel(self, value: str) -> None:
        if value in dict(PANELS):
            self.panel = value
            self._refresh()

    @rx.event
    @guarded()
    def choose_width(self, value: str) -> None:
        if value in dict(WIDTHS):
            self.width_class = value
            self._refresh()

    @rx.event
    @guarded()
    def download_elements(self) -> Any:
        period = self._checked_period()
        view = self._view or View(self.panel, self.width_class)
        rows = [
            {"element": e.element, "clicks": e.clicks, "share": round(e.share, 4)}
            | {"rage_clicks": e.rage_clicks, "dead_clicks": e.dead_clicks}
            for e in view.elements
        ]
        return csv_download(
            f"heatmap-{self.panel}-{self.width_class}-elements", rows, ELEMENT_COLUMNS, period
        )

    @rx.event
    @guarded()
    def download_cells(self) -> Any:
        period = self._checked_period()
        view = self._view or View(self.panel, self.width_class)
        rows = [{"column": c.column, "row": c.row, "clicks": c.clicks} for c in view.cells]
        return csv_download(
            f"heatmap-{self.panel}-{self.width_class}-cells", rows, CELL_COLUMNS, period
        )
