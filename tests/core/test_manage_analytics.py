"""`python -m core.manage analytics` prints every dashboard's figures as one JSON object."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.engine import Engine

from core import manage
from core.analytics.dashboards import DASHBOARDS


def test_the_command_prints_every_dashboard_for_the_period(
    engine: Engine, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("core.db.get_engine", lambda: engine)
    assert manage.main(["analytics", "--from", "2026-01-01", "--to", "2026-01-31", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["period"]["from"] == "2026-01-01" and figures["period"]["to"] == "2026-01-31"
    assert set(DASHBOARDS) <= set(figures)
    assert figures["overview"]["conversations"] >= 0


def test_a_reversed_range_is_refused_with_a_reason(
    engine: Engine, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("core.db.get_engine", lambda: engine)
    assert manage.main(["analytics", "--from", "2026-02-01", "--to", "2026-01-01"]) == 2
    assert "swap the dates" in capsys.readouterr().err
