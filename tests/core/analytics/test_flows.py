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


CATEGORIES = {1: "hours", 2: "returns", 3: ""}


def steps(*tokens: str, disliked: bool = False) -> list[str]:
    return flows.path_of(tokens, CATEGORIES, disliked)


def test_a_conversations_step_events_read_as_topics_with_their_ending() -> None:
    answer_hours, answer_returns = flows.token("a", 1, "1"), flows.token("a", 2, "2")
    assert steps(answer_hours, answer_hours) == ["hours", "resolved"]  # repeats count once
    assert steps(answer_hours, disliked=True) == ["hours"]  # a thumbs-down: not resolved
    # "Are you asking about:" follows the likeliest topic; a fallback after it: dropped.
    assert steps(flows.token("c", None, "2"), flows.token("f")) == [
        "returns",
        "clarify",
        "fallback",
        "dropped",
    ]
    assert steps(answer_returns, flows.token("h"), flows.token("h")) == ["returns", "handover"]
    assert steps(flows.token("k")) == ["contact"]
    # An FAQ without a category (or deleted since) is "other"; a label names no topic.
    assert steps(flows.token("a", 3, "_human")) == ["other", "resolved"]
    assert steps(flows.token("a", 99, "")) == ["other", "resolved"]
    assert steps() == []


def test_paths_show_the_categories_faqs_have_now() -> None:
    """Tokens name FAQs, not topics: an owner who renames a category sees past paths under
    the new name."""
    path = [flows.token("a", 1, "1")]
    assert flows.path_of(path, {1: "opening times"}, False) == ["opening times", "resolved"]


def test_a_long_path_is_cut_with_its_ending_kept() -> None:
    long = ["hours", "returns", "hours", "returns", "hours", "returns", "resolved"]
    row = flows.path_row(long, 5)
    assert [row[c] for c in flows.step_columns(5)] == long[:5]
    assert (row["more"], row["ending"]) == (1, "resolved")
    assert flows.path_row(["hours", "handover"], 5)["ending"] is None
