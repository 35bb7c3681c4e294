"""The Flows page's tables and CSV hold the numbers the JSON command prints."""

from __future__ import annotations

import io

import pandas as pd

from app.charts.flows import sankey
from app.pages.flows.state import LINK_COLUMNS, PATH_COLUMNS, link_rows, path_rows
from core.analytics import flows
from core.analytics.csv_export import to_csv

TABLE = pd.DataFrame(
    [
        ["hours", "resolved", None, False, "resolved", 5],
        ["hours", "clarify", "dropped", False, "dropped", 2],
    ],
    columns=[*flows.step_columns(3), "more", "ending", "conversations"],
)


def test_the_tables_and_their_csv_agree_with_the_json() -> None:
    found = flows.flows(TABLE, max_steps=3)
    printed = flows.as_json(found)
    assert [
        {"path": " → ".join(p["path"]), "conversations": p["conversations"], "share": p["share"]}
        for p in printed["paths"]
    ] == path_rows(found)
    assert printed["links"] == link_rows(found)
    csv = pd.read_csv(io.StringIO(to_csv(path_rows(found), PATH_COLUMNS)))
    assert csv.to_dict("records") == [
        {"path": "hours → resolved", "conversations": 5, "share": round(5 / 7, 4)},
        {"path": "hours → clarify → dropped", "conversations": 2, "share": round(2 / 7, 4)},
    ]
    links = pd.read_csv(io.StringIO(to_csv(link_rows(found), LINK_COLUMNS)))
    assert links["conversations"].tolist() == [5, 2, 2]


def test_the_sankey_draws_every_link_between_the_right_nodes() -> None:
    found = flows.flows(TABLE, max_steps=3)
    (trace,) = sankey(found.nodes, found.links).data
    labels = list(trace.node.label)
    drawn = [
        (labels[s], labels[t], v)
        for s, t, v in zip(trace.link.source, trace.link.target, trace.link.value, strict=True)
    ]
    assert drawn == [("hours", "resolved", 5), ("hours", "clarify", 2), ("clarify", "dropped", 2)]
