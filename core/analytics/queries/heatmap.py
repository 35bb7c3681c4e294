"""The widget heatmap's counts, aggregated in SQL over `widgetclick`: clicks per element (with
rage and dead clicks) and clicks per grid cell over the panel, for one panel state and width
class or for all of them at once (the JSON command). Each is one GROUP BY query."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, case, cast, func, literal_column, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from core.analytics.heatmap import COLUMNS, ROWS, CellRow, ElementRow, View, view_of, views
from core.analytics.period import Period
from core.models import WidgetClick


def _bin(position: Any, size: int, dialect: str) -> ColumnElement[int]:
    """The 0-based cell of a 0-1 position across `size` cells (1.0 falls in the last one)."""
    scaled = position * literal_column(str(int(size)))
    # SQLite may lack floor(); its CAST truncates, which is floor for the positions >= 0 kept.
    index = cast(scaled, Integer) if dialect == "sqlite" else cast(func.floor(scaled), Integer)
    return case((scaled >= size, size - 1), (scaled < 0, 0), else_=index)


def _flag(column: Any) -> ColumnElement[int]:
    return func.sum(case((column, 1), else_=0))


def _filtered(statement: Any, period: Period, panel: str | None, width_class: str | None) -> Any:
    statement = statement.where(
        col(WidgetClick.created_at) >= period.start, col(WidgetClick.created_at) < period.end
    )
    if panel is not None:
        statement = statement.where(WidgetClick.panel == panel)
    if width_class is not None:
        statement = statement.where(WidgetClick.width_class == width_class)
    return statement


def element_rows(
    *, session: Session, period: Period, panel: str | None = None, width_class: str | None = None
) -> list[ElementRow]:
    """(panel, width_class, element, clicks, rage, dead) per element clicked in the period."""
    keys = (col(WidgetClick.panel), col(WidgetClick.width_class), col(WidgetClick.element))
    statement = select(
        *keys, func.count(), _flag(WidgetClick.rage), _flag(WidgetClick.dead)
    ).group_by(*keys)
    found = session.execute(_filtered(statement, period, panel, width_class))
    return [(p, w, e, int(n), int(r or 0), int(d or 0)) for p, w, e, n, r, d in found]


def cell_rows(
    *,
    session: Session,
    period: Period,
    panel: str | None = None,
    width_class: str | None = None,
    columns: int = COLUMNS,
    rows: int = ROWS,
) -> list[CellRow]:
    """(panel, width_class, column, row, clicks) per grid cell that was clicked in the period."""
    dialect = session.get_bind().dialect.name
    column = _bin(WidgetClick.panel_x, columns, dialect).label("cell_column")
    row = _bin(WidgetClick.panel_y, rows, dialect).label("cell_row")
    keys = (col(WidgetClick.panel), col(WidgetClick.width_class))
    statement = select(*keys, column, row, func.count()).group_by(
        *keys, literal_column("cell_column"), literal_column("cell_row")
    )
    found = session.execute(_filtered(statement, period, panel, width_class))
    return [(p, w, int(c), int(r), int(n)) for p, w, c, r, n in found]


def heatmap(*, session: Session, period: Period, panel: str, width_class: str) -> View:
    """What the heatmap page shows for one panel state and width class."""
    elements = element_rows(session=session, period=period, panel=panel, width_class=width_class)
    cells = cell_rows(session=session, period=period, panel=panel, width_class=width_class)
    return view_of(panel, width_class, elements, cells)


def all_views(*, session: Session, period: Period) -> list[View]:
    """Every panel state and width class with clicks in the period (two queries in all)."""
    return views(
        element_rows(session=session, period=period), cell_rows(session=session, period=period)
    )
