"""The Funnels page's state: the chosen funnel's figures over the range, and the editor in
which owners add, remove and reorder steps."""

from __future__ import annotations

from typing import Any

import reflex as rx
from pydantic import ValidationError

from app import charts
from app.charts import funnels as funnel_charts
from app.date_range import RangeState, csv_download
from app.session_state import guarded
from core.analytics.funnels import FunnelFigures
from core.analytics.period import Period
from core.analytics.queries import funnels as queries
from core.crud import funnels as funnel_crud
from core.db import session_scope
from core.models import FunnelCreate
from core.models.funnels import DEFAULT_WINDOW_DAYS
from core.models.users import UserRole

DASH = "–"
STEP_COLUMNS = ("number", "step", "visitors", "conversion", "from_previous", "dropped")
GROUP_COLUMNS = ("group", "entered", "converted", "conversion")
HISTOGRAM_COLUMNS = ("bin", "visitors")


def step_rows(found: FunnelFigures | None) -> list[dict[str, Any]]:
    """The steps table and its CSV: the numbers the JSON command prints for this funnel."""
    if found is None:
        return []
    return [{c: getattr(s, c) for c in STEP_COLUMNS} for s in found.steps]


def group_rows(found: FunnelFigures | None) -> list[dict[str, Any]]:
    if found is None:
        return []
    return [{c: getattr(g, c) for c in GROUP_COLUMNS} for g in found.groups]


def histogram_rows(found: FunnelFigures | None) -> list[dict[str, Any]]:
    if found is None:
        return []
    return [{"bin": label, "visitors": count} for label, count in found.histogram]


def _share(value: Any) -> str:
    return DASH if value is None else f"{value:.0%}"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return DASH
    for size, unit in ((86400, "days"), (3600, "h"), (60, "min")):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.0f} s"


def _shown(rows: list[dict[str, Any]], shares: tuple[str, ...]) -> list[dict[str, str]]:
    return [{k: _share(v) if k in shares else str(v) for k, v in row.items()} for row in rows]


class FunnelsState(RangeState):
    funnels: list[dict[str, str]] = []  # id, name
    selected: str = ""
    steps: list[dict[str, str]] = []
    groups: list[dict[str, str]] = []
    histogram: list[dict[str, str]] = []
    summary: list[str] = []  # converted, median time, attributed
    loaded: bool = False
    # The editor
    editing: bool = False
    edit_id: str = ""  # "" = a new funnel
    edit_name: str = ""
    edit_window: str = str(DEFAULT_WINDOW_DAYS)
    edit_steps: list[str] = []
    step_choice: str = ""
    known: list[str] = []
    edit_error: str = ""
    _found: FunnelFigures | None = None

    @rx.var
    def steps_chart(self) -> charts.Figure:
        if self._found is None:
            return funnel_charts.empty("Visitors per step")
        return funnel_charts.steps(self._found)

    @rx.var
    def time_chart(self) -> charts.Figure:
        if self._found is None:
            return funnel_charts.empty("Time to convert")
        return funnel_charts.time_to_convert(self._found)

    def _compute(self, period: Period) -> None:
        with session_scope() as session:
            saved = funnel_crud.list_funnels(session=session)
            self.funnels = [{"id": str(f.id), "name": f.name} for f in saved]
            if self.selected not in {f["id"] for f in self.funnels}:
                self.selected = self.funnels[0]["id"] if self.funnels else ""
            chosen = next((f for f in saved if str(f.id) == self.selected), None)
            self.known = queries.known_steps(session=session, period=period)
            found = (
                None
                if chosen is None
                else queries.funnel_figures(session=session, funnel=chosen, period=period)
            )
        self._found = found
        self.steps = _shown(step_rows(found), ("conversion", "from_previous"))
        self.groups = _shown(group_rows(found), ("conversion",))
        self.histogram = _shown(histogram_rows(found), ())
        self.summary = (
            []
            if found is None
            else [
                str(found.converted),
                duration(found.median_seconds),
                f"{found.attributed} ({_share(found.attributed_share)})",
            ]
        )
        self.loaded = True

    @rx.event
    @guarded()
    def load(self) -> None:
        period = self._checked_period()
        if period is not None:
            self._compute(period)

    @rx.event
    @guarded()
    def choose(self, funnel_id: str) -> None:
        self.selected = funnel_id
        period = self._checked_period()
        if period is not None:
            self._compute(period)

    @rx.event
    @guarded()
    def download_steps(self) -> Any:
        return csv_download("funnel-steps", step_rows(self._found), STEP_COLUMNS, self._period())

    @rx.event
    @guarded()
    def download_groups(self) -> Any:
        return csv_download(
            "funnel-chatters", group_rows(self._found), GROUP_COLUMNS, self._period()
        )

    @rx.event
    @guarded()
    def download_histogram(self) -> Any:
        return csv_download(
            "funnel-time-to-convert", histogram_rows(self._found), HISTOGRAM_COLUMNS, self._period()
        )

    # ----- the editor (owners) -----------------------------------------------------------

    @rx.event
    @guarded(UserRole.OWNER)
    def new_funnel(self) -> None:
        self.editing, self.edit_id, self.edit_name = True, "", ""
        self.edit_window, self.edit_steps, self.edit_error = str(DEFAULT_WINDOW_DAYS), [], ""

    @rx.event
    @guarded(UserRole.OWNER)
    def edit_funnel(self) -> None:
        with session_scope() as session:
            funnel = funnel_crud.get_funnel(session=session, funnel_id=int(self.selected or 0))
            if funnel is None:
                return
            self.edit_id, self.edit_name = str(funnel.id), funnel.name
            self.edit_window, self.edit_steps = str(funnel.window_days), list(funnel.steps)
        self.editing, self.edit_error = True, ""

    @rx.event
    @guarded(UserRole.OWNER)
    def cancel_edit(self) -> None:
        self.editing, self.edit_error = False, ""

    @rx.event
    @guarded(UserRole.OWNER)
    def set_edit_name(self, value: str) -> None:
        self.edit_name = value

    @rx.event
    @guarded(UserRole.OWNER)
    def set_edit_window(self, value: str) -> None:
        self.edit_window = value

    @rx.event
    @guarded(UserRole.OWNER)
    def set_step_choice(self, value: str) -> None:
        self.step_choice = value

    @rx.event
    @guarded(UserRole.OWNER)
    def add_step(self) -> None:
        if self.step_choice:
            self.edit_steps = [*self.edit_steps, self.step_choice]

    @rx.event
    @guarded(UserRole.OWNER)
    def remove_step(self, index: int) -> None:
        self.edit_steps = [s for i, s in enumerate(self.edit_steps) if i != int(index)]

    @rx.event
    @guarded(UserRole.OWNER)
    def move_step(self, index: int, by: int) -> None:
        steps, i = list(self.edit_steps), int(index)
        j = i + int(by)
        if 0 <= i < len(steps) and 0 <= j < len(steps):
            steps[i], steps[j] = steps[j], steps[i]
            self.edit_steps = steps

    @rx.event
    @guarded(UserRole.OWNER)
    def save(self) -> Any:
        problem = funnel_problem(self.edit_name, self.edit_steps, self.edit_window)
        if isinstance(problem, str):
            self.edit_error = problem
            return None
        with session_scope() as session:
            try:
                if self.edit_id:
                    funnel = funnel_crud.get_funnel(session=session, funnel_id=int(self.edit_id))
                    if funnel is None:
                        self.edit_error = "This funnel was deleted meanwhile."
                        return None
                    funnel_crud.update_funnel(session=session, funnel=funnel, funnel_in=problem)
                else:
                    funnel = funnel_crud.create_funnel(session=session, funnel_in=problem)
            except funnel_crud.FunnelError as error:
                self.edit_error = f"Not saved: {error}."
                return None
            self.selected = str(funnel.id)
        self.editing, self.edit_error = False, ""
        period = self._checked_period()
        if period is not None:
            self._compute(period)
        return rx.toast.success("Funnel saved.")

    @rx.event
    @guarded(UserRole.OWNER)
    def delete(self) -> Any:
        with session_scope() as session:
            funnel = funnel_crud.get_funnel(session=session, funnel_id=int(self.edit_id or 0))
            if funnel is not None:
                funnel_crud.delete_funnel(session=session, funnel=funnel)
        self.editing, self.selected = False, ""
        period = self._checked_period()
        if period is not None:
            self._compute(period)
        return rx.toast.success("Funnel deleted.")


def funnel_problem(name: str, steps: list[str], window: str) -> FunnelCreate | str:
    """The funnel the editor describes, or what is wrong with it in a sentence."""
    try:
        return FunnelCreate(name=name, steps=steps, window_days=window)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        message = str(first["msg"]).removeprefix("Value error, ")
        where = {"name": "Name", "steps": "Steps", "window_days": "Conversion window (days)"}
        return f"Not saved: {where.get(field, field)}: {message}."
