"""The Flows page's state: the top paths of the chosen range and filters, their Sankey, and
the conversations behind a clicked node or link."""

from __future__ import annotations

from typing import Any

import reflex as rx

from app import charts
from app.charts.flows import sankey
from app.date_range import RangeState, csv_download
from app.session_state import guarded
from core.analytics import flows
from core.analytics.queries import flows as queries
from core.db import session_scope

INBOX = "/inbox"
PATH_COLUMNS = ("path", "conversations", "share")
LINK_COLUMNS = ("position", "source", "target", "conversations")
NODE_COLUMNS = ("position", "step", "conversations", "ended_here")


def path_rows(found: flows.Flows) -> list[dict[str, Any]]:
    """The paths table (and its CSV): the same numbers the JSON command prints."""
    return [
        {"path": p.text, "conversations": p.conversations, "share": round(p.share, 4)}
        for p in found.paths
    ]


def link_rows(found: flows.Flows) -> list[dict[str, Any]]:
    """The Sankey's links (and their CSV), the chart's data as a table."""
    return [
        {
            "position": link.position,
            "source": link.source,
            "target": link.target,
            "conversations": link.conversations,
        }
        for link in found.links
    ]


def node_rows(found: flows.Flows) -> list[dict[str, Any]]:
    return [
        {
            "position": node.position,
            "step": node.label,
            "conversations": node.conversations,
            "ended_here": node.ended,
        }
        for node in found.nodes
    ]


def _shown(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{key: str(value) for key, value in row.items()} for row in rows]


class FlowsState(RangeState):
    language: str = ""
    channel: str = ""
    page: str = ""
    languages: list[str] = []
    channels: list[str] = []
    totals: list[str] = []  # conversations, resolved, dropped
    paths: list[dict[str, str]] = []
    links: list[dict[str, str]] = []
    nodes: list[dict[str, str]] = []
    chosen: str = ""  # what the listed conversations went through
    listed: list[dict[str, str]] = []
    loaded: bool = False
    _found: flows.Flows = flows.Flows(0, 0, 0)

    @rx.var
    def chart(self) -> charts.Figure:
        return sankey(self._found.nodes, self._found.links)

    def _filters(self) -> queries.FlowFilters:
        return queries.FlowFilters(self.language, self.channel, self.page.strip())

    @rx.event
    @guarded()
    def set_language(self, value: str) -> None:
        self.language = value

    @rx.event
    @guarded()
    def set_channel(self, value: str) -> None:
        self.channel = value

    @rx.event
    @guarded()
    def set_page(self, value: str) -> None:
        self.page = value

    @rx.event
    @guarded()
    def load(self) -> None:
        period = self._checked_period()
        if period is None:
            return
        with session_scope() as session:
            choices = queries.filter_choices(session=session, period=period)
            found = queries.figures(session=session, period=period, filters=self._filters())
        self.languages, self.channels = choices["language"], choices["channel"]
        self._found = found
        self.totals = [str(found.conversations), str(found.resolved), str(found.dropped)]
        self.paths = [
            row | {"share": f"{float(row['share']):.0%}"} for row in _shown(path_rows(found))
        ]
        self.links = _shown(link_rows(found))
        self.nodes = _shown(node_rows(found))
        self.chosen, self.listed = "", []
        self.loaded = True

    def _list(self, position: int, label: str, target: str | None = None) -> None:
        period = self._checked_period()
        if period is None:
            return
        with session_scope() as session:
            found = queries.conversations_on(
                session=session,
                period=period,
                position=position,
                label=label,
                target=target,
                filters=self._filters(),
            )
        self.chosen = f"step {position}: {label}" + (f" → {target}" if target else "")
        self.listed = [
            {
                "id": c.public_id,
                "when": c.created_at.strftime("%Y-%m-%d %H:%M UTC"),
                "language": c.language,
                "path": " → ".join(c.path),
                "inbox_url": f"{INBOX}?c={c.public_id}",
            }
            for c in found
        ]

    @rx.event
    @guarded()
    def show_node(self, index: int) -> None:
        node = self._found.nodes[int(index)]
        self._list(node.position, node.label)

    @rx.event
    @guarded()
    def show_link(self, index: int) -> None:
        link = self._found.links[int(index)]
        self._list(link.position, link.source, link.target)

    @rx.event
    @guarded()
    def chart_clicked(self, points: list[str]) -> None:
        """A click on the Sankey: "node:3" or "link:0" (indexes into nodes and links)."""
        for point in points[:1]:
            kind, _, number = point.partition(":")
            if not number.isdigit():
                return
            index = int(number)
            if kind == "node" and index < len(self._found.nodes):
                node = self._found.nodes[index]
                self._list(node.position, node.label)
            elif kind == "link" and index < len(self._found.links):
                link = self._found.links[index]
                self._list(link.position, link.source, link.target)

    @rx.event
    @guarded()
    def download_paths(self) -> Any:
        return csv_download("flow-paths", path_rows(self._found), PATH_COLUMNS, self._period())

    @rx.event
    @guarded()
    def download_links(self) -> Any:
        return csv_download("flow-links", link_rows(self._found), LINK_COLUMNS, self._period())

    @rx.event
    @guarded()
    def download_nodes(self) -> Any:
        return csv_download("flow-steps", node_rows(self._found), NODE_COLUMNS, self._period())
