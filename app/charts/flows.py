"""The Flows page's Sankey: the top paths left to right, one column per step."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
from reflex_base.components.component import field
from reflex_base.event import EventHandler
from reflex_base.vars.base import Var
from reflex_components_plotly.plotly import Plotly

from app.charts import BAR_COLOUR, laid_out
from core.analytics.flows import DROPPED, MORE, RESOLVED, Link, Node

NODE_COLOURS = {RESOLVED: "#1a7f37", DROPPED: "#cf222e", MORE: "#8c959f"}
LINK_COLOUR = "rgba(11,110,79,0.25)"
DROP_LINK_COLOUR = "rgba(207,34,46,0.3)"


def sankey(nodes: Sequence[Node], links: Sequence[Link]) -> go.Figure:
    """Nodes in `nodes` order (a click reports its index there), links in `links` order."""
    index = {node.key: i for i, node in enumerate(nodes)}
    figure = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={
                "label": [node.label for node in nodes],
                "color": [NODE_COLOURS.get(node.label, BAR_COLOUR) for node in nodes],
                "customdata": [
                    f"step {node.position}: {node.conversations} conversations, "
                    f"{node.ended} ended here"
                    for node in nodes
                ],
                "hovertemplate": "%{label}<br>%{customdata}<extra></extra>",
                "pad": 14,
            },
            link={
                "source": [index[f"{link.position}:{link.source}"] for link in links],
                "target": [index[f"{link.position + 1}:{link.target}"] for link in links],
                "value": [link.conversations for link in links],
                "color": [
                    DROP_LINK_COLOUR if link.target == DROPPED else LINK_COLOUR for link in links
                ],
                "hovertemplate": "%{source.label} → %{target.label}: %{value} conversations"
                "<extra></extra>",
            },
        )
    )
    return laid_out(figure, title="Top conversation paths", height=460)


def _clicked(e0: Var) -> tuple[Var[list[str]]]:
    # Plotly's click on a Sankey hands over the d3 node (it has sourceLinks) or link: say which.
    return (
        Var(
            _js_expr=f"({e0}?.points ?? []).map(p => "
            "(p.sourceLinks !== undefined ? 'node:' : 'link:') + p.pointNumber)"
        ),
    )


class SankeyPlot(Plotly):
    """rx.plotly whose on_click names the clicked node or link ("node:3", "link:0")."""

    on_click: EventHandler[_clicked] = field(doc="A node or link was clicked.")  # type: ignore[assignment]


sankey_plot = SankeyPlot.create
