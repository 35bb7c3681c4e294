"""The widget heatmap's figures from aggregated click counts: where in the panel visitors click
(a grid of cells over the panel, or over the launcher when the panel is closed), which elements
they click, and how many of those clicks were rage or dead clicks.

`core.analytics.queries.heatmap` counts in SQL; these functions only shape the small tables it
returns, so they are tested on hand-built rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

# The grid laid over the panel: 12 columns by 20 rows is about 30 px square on a 370 x 560 panel,
# finer than a button and coarse enough that a few hundred clicks draw a shape.
COLUMNS = 12
ROWS = 20

# The widget preview's size in CSS pixels (width, height) for each width class when the panel is
# open: the floating panel's own size from 480 px up, a phone's screen below. The chat server lays
# the preview out at this size and the admin's frame has it, so the grid lines up with the panel.
PANEL_SIZE = {"narrow": (360, 640), "medium": (370, 560), "wide": (370, 560)}
# Closed, only the 56 px launcher shows: drawn four times as large to be seen.
LAUNCHER_SIZE = 56
LAUNCHER_ZOOM = 4


def preview_size(panel: str, width_class: str) -> tuple[int, int]:
    """The preview's (width, height) in CSS pixels for a panel state and width class."""
    if panel == "closed":
        return (LAUNCHER_SIZE * LAUNCHER_ZOOM,) * 2
    return PANEL_SIZE.get(width_class, PANEL_SIZE["medium"])


# (panel, width_class, element, clicks, rage, dead) and (panel, width_class, column, row, clicks)
ElementRow = tuple[str, str, str, int, int, int]
CellRow = tuple[str, str, int, int, int]


@dataclass(frozen=True)
class ElementCount:
    element: str  # the data-track key, or "none" for clicks on nothing interactive
    clicks: int
    share: float  # of the view's clicks
    rage_clicks: int
    dead_clicks: int


@dataclass(frozen=True)
class Cell:
    column: int  # 0 at the panel's left edge
    row: int  # 0 at its top
    clicks: int


@dataclass(frozen=True)
class View:
    """The clicks of one panel state at one width class."""

    panel: str
    width_class: str
    clicks: int = 0
    rage_clicks: int = 0
    dead_clicks: int = 0
    elements: list[ElementCount] = field(default_factory=list)  # most clicked first
    cells: list[Cell] = field(default_factory=list)  # only cells with clicks, top-left first

    @property
    def hottest(self) -> int:
        return max((cell.clicks for cell in self.cells), default=0)


def element_counts(rows: Iterable[tuple[str, int, int, int]]) -> list[ElementCount]:
    """(element, clicks, rage, dead) rows as counts with each element's share, most clicked
    first (ties by name, so the order never changes between loads)."""
    found = [(str(e), int(c), int(r), int(d)) for e, c, r, d in rows if c]
    total = sum(clicks for _, clicks, _, _ in found)
    ordered = sorted(found, key=lambda row: (-row[1], row[0]))
    return [ElementCount(e, c, c / total, r, d) for e, c, r, d in ordered]


def views(element_rows: Iterable[ElementRow], cell_rows: Iterable[CellRow]) -> list[View]:
    """One View per (panel, width class) that has clicks, sorted by panel, then width class."""
    elements: dict[tuple[str, str], list[tuple[str, int, int, int]]] = {}
    for panel, width, element, clicks, rage, dead in element_rows:
        elements.setdefault((panel, width), []).append((element, clicks, rage, dead))
    cells: dict[tuple[str, str], list[Cell]] = {}
    for panel, width, column, row, clicks in cell_rows:
        cells.setdefault((panel, width), []).append(Cell(int(column), int(row), int(clicks)))
    found = []
    for key in sorted(elements):
        counts = element_counts(elements[key])
        found.append(
            View(
                panel=key[0],
                width_class=key[1],
                clicks=sum(e.clicks for e in counts),
                rage_clicks=sum(e.rage_clicks for e in counts),
                dead_clicks=sum(e.dead_clicks for e in counts),
                elements=counts,
                cells=sorted(cells.get(key, []), key=lambda c: (c.row, c.column)),
            )
        )
    return found


def view_of(
    panel: str, width_class: str, element_rows: Iterable[ElementRow], cell_rows: Iterable[CellRow]
) -> View:
    """The one view asked for, empty when it has no clicks."""
    for view in views(element_rows, cell_rows):
        if (view.panel, view.width_class) == (panel, width_class):
            return view
    return View(panel=panel, width_class=width_class)
