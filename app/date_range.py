"""The date range every analytics dashboard shows, shared across their pages, and their CSV
downloads.

Dashboard states subclass `RangeState`: Reflex keeps one `RangeState` per browser tab, so a
range chosen on one dashboard is the range of the next one opened. A page is
`dashboard(ItsState.load, ...)`, the picker at its top; `load` reads `self._checked_period()`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import reflex as rx

from app.components import alert, labelled
from app.session_state import AuthState, guarded
from core.analytics.csv_export import to_csv
from core.analytics.period import DEFAULT_DAYS, Period, PeriodError
from core.crud import business as business_crud
from core.db import session_scope

# (days, label) of the quick choices beside the two dates.
PRESETS: list[tuple[str, str]] = [
    ("7", "Last 7 days"),
    ("30", "Last 30 days"),
    ("90", "Last 90 days"),
    ("365", "Last 12 months"),
]


def _time_zone() -> ZoneInfo:
    with session_scope() as session:
        return ZoneInfo(business_crud.get_business(session=session).timezone)


class RangeState(AuthState):
    range_from: str = ""  # YYYY-MM-DD, as the date inputs give it; empty: the default range
    range_to: str = ""
    range_error: str = ""

    def _period(self) -> Period:
        """The chosen range, or the last DEFAULT_DAYS days; raises PeriodError (shown in the
        picker by `_checked_period`) for a range no one can have meant."""
        tz = _time_zone()
        if not self.range_from and not self.range_to:
            chosen = Period.last_days(DEFAULT_DAYS, now=datetime.now(UTC), tz=tz)
            self.range_from, self.range_to = chosen.first.isoformat(), chosen.last.isoformat()
            return chosen
        return Period.parse(self.range_from, self.range_to, tz=tz)

    def _checked_period(self) -> Period | None:
        """The period, or None with `range_error` saying what to change."""
        try:
            period = self._period()
        except PeriodError as error:
            self.range_error = str(error)
            return None
        self.range_error = ""
        return period

    @rx.event
    @guarded()
    def set_range_from(self, value: str) -> None:
        self.range_from = value

    @rx.event
    @guarded()
    def set_range_to(self, value: str) -> None:
        self.range_to = value

    @rx.event
    @guarded()
    def choose_preset(self, days: str) -> None:
        chosen = Period.last_days(int(days), now=datetime.now(UTC), tz=_time_zone())
        self.range_from, self.range_to = chosen.first.isoformat(), chosen.last.isoformat()


def date_range_picker(on_apply: Any) -> rx.Component:
    """From and To dates, quick choices, and Apply (which runs the page's `on_apply`)."""
    return rx.vstack(
        rx.hstack(
            labelled(
                "From",
                rx.input(
                    type="date",
                    id="range-from",
                    value=RangeState.range_from,
                    on_change=RangeState.set_range_from,
                ),
                html_for="range-from",
                width="auto",
            ),
            labelled(
                "To",
                rx.input(
                    type="date",
                    id="range-to",
                    value=RangeState.range_to,
                    on_change=RangeState.set_range_to,
                ),
                html_for="range-to",
                width="auto",
            ),
            labelled(
                "Quick range",
                rx.el.select(
                    rx.el.option("Choose…", value="", disabled=True),
                    *[rx.el.option(label, value=days) for days, label in PRESETS],
                    id="range-preset",
                    class_name="native-select",
                    default_value="",
                    on_change=RangeState.choose_preset,
                ),
                html_for="range-preset",
                width="auto",
            ),
            rx.button("Apply", on_click=on_apply, id="range-apply"),
            align="end",
            wrap="wrap",
            spacing="3",
        ),
        alert(RangeState.range_error),
        width="100%",
        padding_bottom="1em",
    )


def dashboard(on_apply: Any, *children: rx.Component) -> rx.Component:
    """An analytics page: the date range picker (Apply runs `on_apply`) above `children`."""
    return rx.vstack(
        date_range_picker(on_apply), *children, width="100%", align="stretch", spacing="4"
    )


def csv_download(
    name: str,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    period: Period | None = None,
) -> Any:
    """Return from an event handler: the browser saves `rows` as name[-from-to].csv."""
    suffix = "" if period is None else f"-{period.first.isoformat()}-{period.last.isoformat()}"
    return rx.download(
        data=to_csv(rows, columns), filename=f"{name}{suffix}.csv", mime_type="text/csv"
    )


def csv_button(label: str, on_click: Any, **props: Any) -> rx.Component:
    """A "Download CSV" button named for what it downloads (screen readers hear the label)."""
    return rx.button(
        rx.icon("download", aria_hidden="true"),
        "CSV",
        on_click=on_click,
        variant="soft",
        aria_label=f"Download {label} as CSV",
        **props,
    )
