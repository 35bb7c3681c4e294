"""The JSON command's "heatmap" figures: the same counts the heatmap page shows, per panel
state and width class."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import Session

from core import manage
from core.analytics.dashboards import all_figures
from tests.core.analytics.queries.test_heatmap import MARCH, clicks  # noqa: F401 (a fixture)


def test_the_command_prints_the_heatmap_of_each_panel_and_width(
    clicks: Session,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("core.db.get_engine", lambda: clicks.get_bind())
    assert manage.main(["analytics", "--from", "2033-03-01", "--to", "2033-03-31", "--json"]) == 0
    heatmap = json.loads(capsys.readouterr().out)["heatmap"]
    assert heatmap["grid"] == {"columns": 12, "rows": 20}
    assert (heatmap["clicks"], heatmap["rage_clicks"], heatmap["dead_clicks"]) == (10, 1, 1)
    assert set(heatmap["panels"]) == {"chat", "closed"}
    chat = heatmap["panels"]["chat"]["medium"]
    assert (chat["clicks"], chat["rage_clicks"], chat["dead_clicks"]) == (8, 1, 1)
    assert chat["elements"][0] == {
        "element": "send",
        "clicks": 5,
        "share": 0.625,
        "rage_clicks": 1,
        "dead_clicks": 0,
    }
    assert {"column": 11, "row": 19, "clicks": 5} in chat["cells"]
    assert heatmap["panels"]["closed"]["medium"]["cells"] == [
        {"column": 11, "row": 19, "clicks": 1}
    ]


def test_a_period_without_clicks_has_zero_totals_and_no_panels(clicks: Session) -> None:  # noqa: F811
    figures = all_figures(
        session=clicks, period=replace(MARCH, first=date(2033, 2, 1), last=date(2033, 2, 28))
    )
    assert figures["heatmap"]["clicks"] == 0 and figures["heatmap"]["panels"] == {}
