"""The heatmap's shares, totals and views from hand-built counts."""

from __future__ import annotations

import pytest

from core.analytics.heatmap import Cell, ElementCount, View, element_counts, view_of, views


def test_elements_come_most_clicked_first_with_their_share_of_the_clicks() -> None:
    counts = element_counts([("send", 1, 0, 0), ("launcher", 6, 3, 0), ("none", 3, 0, 3)])
    assert counts == [
        ElementCount("launcher", 6, 0.6, 3, 0),
        ElementCount("none", 3, 0.3, 0, 3),
        ElementCount("send", 1, pytest.approx(0.1), 0, 0),  # type: ignore[arg-type]
    ]
    assert element_counts([]) == []


def test_each_panel_and_width_is_its_own_view_with_its_totals_and_cells() -> None:
    elements = [
        ("chat", "medium", "send", 4, 1, 0),
        ("chat", "medium", "none", 2, 0, 2),
        ("closed", "narrow", "launcher", 5, 0, 0),
    ]
    cells = [
        ("chat", "medium", 11, 19, 4),
        ("chat", "medium", 0, 3, 2),
        ("closed", "narrow", 6, 6, 5),
    ]
    chat, closed = views(elements, cells)
    assert (chat.panel, chat.width_class, chat.clicks, chat.rage_clicks, chat.dead_clicks) == (
        "chat",
        "medium",
        6,
        1,
        2,
    )
    assert chat.cells == [Cell(0, 3, 2), Cell(11, 19, 4)]  # top row first
    assert chat.hottest == 4
    assert [e.element for e in chat.elements] == ["send", "none"]
    assert (closed.panel, closed.clicks, closed.cells) == ("closed", 5, [Cell(6, 6, 5)])


def test_a_view_without_clicks_is_empty_not_missing() -> None:
    assert view_of("contact", "wide", [], []) == View("contact", "wide")
    assert View("contact", "wide").hottest == 0
