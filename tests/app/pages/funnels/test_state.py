"""The Funnels page: the editor's errors in words, and tables that match the JSON command."""

from __future__ import annotations

from app.pages.funnels.state import duration, funnel_problem, group_rows, step_rows
from core.analytics import funnels
from core.models import FunnelCreate


def test_the_editor_says_what_is_wrong() -> None:
    assert funnel_problem("Buyers", ["purchase"], "14") == (
        "Not saved: Steps: a funnel has 2 to 8 steps (this one has 1)."
    )
    assert funnel_problem("Buyers", ["signup", "purchase"], "0").startswith(
        "Not saved: Conversion window (days): Input should be greater than or equal to 1"
    )
    assert funnel_problem(" ", ["signup", "purchase"], "14") == (
        "Not saved: Name: give the funnel a name."
    )
    made = funnel_problem("Buyers", ["signup", "purchase"], "7")
    assert isinstance(made, FunnelCreate) and made.window_days == 7


def test_the_tables_hold_the_figures_the_json_command_prints() -> None:
    found = funnels.funnel_figures(
        name="Buyers",
        window_days=14,
        steps=["signup", "purchase"],
        reached=[4, 1],
        seconds=[90.0],
        entered_by_group={True: 1, False: 3},
        converted_by_group={True: 1},
        attributed=1,
    )
    printed = found.as_json()
    assert step_rows(found) == printed["steps"]
    assert group_rows(found) == printed["groups"]
    assert duration(found.median_seconds) == "1.5 min"
    assert duration(None) == "–"
