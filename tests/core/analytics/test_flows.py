"""Flow paths into the Sankey's nodes and links, on hand-built paths with known counts."""

from __future__ import annotations

import pandas as pd

from core.analytics import flows


def table(*rows: tuple[list[str], bool, str | None, int]) -> pd.DataFrame:
    columns = flows.step_columns(3)
    return pd.DataFrame(
        [
            [*(steps + [None] * (3 - len(steps))), more, ending, count]
            for steps, more, ending, count in rows
        ],
        columns=[*columns, "more", "ending", "conversations"],
    )


PATHS = table(
    (["hours", "resolved"], False, "resolved", 5),
    (["hours", "clarify", "dropped"], False, "dropped", 2),
    (["returns", "handover"], False, None, 3),
    (["hours", "returns", "hours"], True, "resolved", 1),
)


def test_paths_are_counted_most_taken_first_with_cut_paths_ending_in_more() -> None:
    assert flows.paths_of(PATHS, 3) == [
        (("hours", "resolved"), 5),
        (("returns", "handover"), 3),
        (("hours", "clarify", "dropped"), 2),
        (("hours", "returns", "hours", "…"), 1),
    ]


def test_the_sankey_links_and_drop_off_have_known_counts() -> None:
    found = flows.flows(PATHS, max_steps=3, top=3)
    assert (found.conversations, found.resolved, found.dropped) == (11, 6, 2)
    assert [p.text for p in found.paths] == [
        "hours → resolved",
        "returns → handover",
        "hours → clarify → dropped",
    ]
    assert found.paths[0].share == 5 / 11
    links = [(link.position, link.source, link.target, link.conversations) for link in found.links]
    assert links == [
        (1, "hours", "resolved", 5),
        (1, "returns", "handover", 3),
        (1, "hours", "clarify", 2),
        (2, "clarify", "dropped", 2),
    ]
    nodes = {n.key: (n.conversations, n.ended) for n in found.nodes}
    assert nodes == {
        "1:hours": (7, 0),
        "1:returns": (3, 0),
        "2:resolved": (5, 5),
        "2:handover": (3, 3),
        "2:clarify": (2, 0),
        "3:dropped": (2, 2),
    }
    assert flows.as_json(found)["links"][0] == {
        "position": 1,
        "source": "hours",
        "target": "resolved",
        "conversations": 5,
    }
