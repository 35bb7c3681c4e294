"""Conversation flows: the paths conversations take, from small tables of paths; no I/O here.

Each conversation started in the period becomes its sequence of steps, in the order they
happened, as the owner reads them:

- a topic: the category of the FAQ the bot answered from; when the bot was not sure and asked
  "Are you asking about:", the category of the FAQ it thought likeliest, followed by "clarify";
  an answer from an FAQ without a category is "other";
- clarify: the bot asked which of its likeliest answers the visitor meant;
- fallback: the bot did not know (nothing close, or still unclear after clarifying);
- handover: the visitor asked for a person, or an agent took the conversation over;
- contact: the visitor sent the contact form;
- resolved (always last): the conversation's last step is an answer from an FAQ, no person took
  part (no handover), the visitor did not send the contact form and gave no thumbs-down;
- dropped (always last): the conversation's last step is a clarify or a fallback, and no person
  took it on afterwards: the visitor left without an answer.

A conversation whose last step is a handover, a contact form or an answer the visitor rated
thumbs-down ends there, without "resolved" or "dropped". A step repeated in a row counts once
("hours, hours" is "hours"). Paths are cut after `MAX_STEPS` steps, the rest shown as "…".
Conversations in which the bot never replied (the visitor wrote nothing) have no path.
Conversations still going on are judged on what has happened so far.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

CLARIFY = "clarify"
FALLBACK = "fallback"
HANDOVER = "handover"
CONTACT = "contact"
RESOLVED = "resolved"
DROPPED = "dropped"
MORE = "…"
OTHER_TOPIC = "other"
FIXED_STEPS = (CLARIFY, FALLBACK, HANDOVER, CONTACT, RESOLVED, DROPPED, MORE)

MAX_STEPS = 5
TOP_PATHS = 20


# A conversation's step events as kept with it (conversationfacts.path, written as it happens):
# one token each, in order, naming no topic (an FAQ's category may change later, and the page
# shows the current one): "a:<faq id>:<likeliest FAQ id>" an answer, "c::<likeliest FAQ id>" a
# clarifying question, "f" a fallback, "h" a handover or an agent joining, "k" a contact form.
ANSWERED, CLARIFIED, FELL_BACK, PERSON, CONTACTED = "a", "c", "f", "h", "k"


def token(kind: str, faq_id: int | None = None, likeliest: str | None = None) -> str:
    """One step event's token; `likeliest` is the question's intent: an FAQ id, or a label
    ("_human") that names no topic."""
    if kind not in (ANSWERED, CLARIFIED):
        return kind
    likely = likeliest if likeliest and likeliest.isdigit() else ""
    return f"{kind}:{'' if faq_id is None else faq_id}:{likely}"


class PathReader:
    """Reads conversations' tokens as steps with the FAQs' current categories; each distinct
    token is read once (a year holds tens of thousands of distinct paths of a few tokens)."""

    def __init__(self, categories: Mapping[int, str | None]) -> None:
        self.categories = categories
        self._read: dict[str, tuple[tuple[str, bool], ...]] = {}

    def _topic(self, number: str) -> str | None:
        return (self.categories.get(int(number)) or None) if number else None

    def _steps_of(self, item: str) -> tuple[tuple[str, bool], ...]:
        """(step, is an answer) for one token."""
        kind, _, rest = item.partition(":")
        faq, _, likely = rest.partition(":")
        if kind == ANSWERED:
            return ((self._topic(faq) or self._topic(likely) or OTHER_TOPIC, True),)
        if kind == CLARIFIED:
            # "Are you asking about:" follows the topic the bot thought likeliest.
            topic = self._topic(likely)
            return ((topic, False), (CLARIFY, False)) if topic else ((CLARIFY, False),)
        return (({FELL_BACK: FALLBACK, CONTACTED: CONTACT}.get(kind, HANDOVER), False),)

    def steps(self, tokens: Iterable[str], disliked: bool) -> list[str]:
        """A conversation's steps as the page shows them (module docstring), ending included,
        from its tokens and whether the visitor gave a thumbs-down."""
        raw: list[tuple[str, bool]] = []
        for item in tokens:
            read = self._read.get(item)
            if read is None:
                read = self._read[item] = self._steps_of(item)
            raw.extend(read)
        if not raw:
            return []
        steps = [step for n, (step, _) in enumerate(raw) if n == 0 or raw[n - 1][0] != step]
        last, answered = raw[-1]
        person = any(step in (HANDOVER, CONTACT) for step, _ in raw)
        if answered and not person and not disliked:
            steps.append(RESOLVED)
        elif last in (CLARIFY, FALLBACK):
            steps.append(DROPPED)
        return steps


def path_of(
    tokens: Iterable[str], categories: Mapping[int, str | None], disliked: bool
) -> list[str]:
    """One conversation's steps (see `PathReader.steps`)."""
    return PathReader(categories).steps(tokens, disliked)


def shown(steps: Sequence[str], max_steps: int = MAX_STEPS) -> tuple[str, ...]:
    """The steps the page shows: cut after `max_steps`, the rest as "…"."""
    return tuple(steps[:max_steps]) + ((MORE,) if len(steps) > max_steps else ())


def path_row(steps: Sequence[str], max_steps: int = MAX_STEPS) -> dict[str, object]:
    """A path as one row of the table `paths_of` reads: step_1..step_N, more, ending."""
    row: dict[str, object] = dict.fromkeys(step_columns(max_steps))
    row.update(zip(step_columns(max_steps), steps, strict=False))
    row["more"] = int(len(steps) > max_steps)
    row["ending"] = steps[-1] if steps and steps[-1] in (RESOLVED, DROPPED) else None
    return row


def step_columns(max_steps: int = MAX_STEPS) -> list[str]:
    return [f"step_{n}" for n in range(1, max_steps + 1)]


@dataclass(frozen=True)
class FlowPath:
    steps: tuple[str, ...]
    conversations: int
    share: float  # of all conversations with a path

    @property
    def text(self) -> str:
        return " → ".join(self.steps)


@dataclass(frozen=True)
class Node:
    position: int  # 1 = first step
    label: str
    conversations: int  # conversations passing through it
    ended: int  # conversations whose path ends here (shown as drop-off)

    @property
    def key(self) -> str:
        return f"{self.position}:{self.label}"


@dataclass(frozen=True)
class Link:
    position: int  # the source's position; the target is one further
    source: str
    target: str
    conversations: int


@dataclass(frozen=True)
class Flows:
    conversations: int  # with a path
    resolved: int
    dropped: int
    paths: list[FlowPath] = field(default_factory=list)  # the TOP_PATHS most taken
    nodes: list[Node] = field(default_factory=list)  # of the top paths
    links: list[Link] = field(default_factory=list)  # of the top paths


def paths_of(table: pd.DataFrame, max_steps: int = MAX_STEPS) -> list[tuple[tuple[str, ...], int]]:
    """Every path with its number of conversations, most taken first (ties by path).

    `table` has columns step_1..step_N (None past a path's end), `more` (the path went on past
    step N), `ending` (resolved, dropped or None, also when cut off) and `conversations`, one
    row per distinct path, as the query groups them."""
    counted: dict[tuple[str, ...], int] = {}
    for row in table.itertuples(index=False):
        values = row._asdict()
        steps = [str(values[c]) for c in step_columns(max_steps) if _present(values[c])]
        if bool(values["more"]):
            steps.append(MORE)
        key = tuple(steps)
        counted[key] = counted.get(key, 0) + int(values["conversations"])
    return sorted(counted.items(), key=lambda item: (-item[1], item[0]))


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value))


def graph(paths: Sequence[tuple[tuple[str, ...], int]]) -> tuple[list[Node], list[Link]]:
    """The Sankey's nodes (a label at a position) and links between consecutive positions."""
    through: dict[tuple[int, str], int] = {}
    ended: dict[tuple[int, str], int] = {}
    links: dict[tuple[int, str, str], int] = {}
    for steps, count in paths:
        for position, label in enumerate(steps, start=1):
            through[(position, label)] = through.get((position, label), 0) + count
            if position < len(steps):
                key = (position, label, steps[position])
                links[key] = links.get(key, 0) + count
        last = (len(steps), steps[-1])
        ended[last] = ended.get(last, 0) + count
    nodes = [
        Node(position, label, count, ended.get((position, label), 0))
        for (position, label), count in sorted(through.items(), key=lambda i: (i[0][0], -i[1]))
    ]
    edges = [
        Link(position, source, target, count)
        for (position, source, target), count in sorted(
            links.items(), key=lambda i: (i[0][0], -i[1], i[0][1], i[0][2])
        )
    ]
    return nodes, edges


def flows(table: pd.DataFrame, max_steps: int = MAX_STEPS, top: int = TOP_PATHS) -> Flows:
    """The figures of the Flows page from the grouped paths (see `paths_of`)."""
    every = paths_of(table, max_steps)
    total = sum(count for _, count in every)
    ends = table.groupby("ending", dropna=True)["conversations"].sum() if len(table) else {}
    resolved, dropped = int(ends.get(RESOLVED, 0)), int(ends.get(DROPPED, 0))
    kept = every[:top]
    nodes, links = graph(kept)
    return Flows(
        conversations=total,
        resolved=resolved,
        dropped=dropped,
        paths=[FlowPath(steps, count, count / total) for steps, count in kept],
        nodes=nodes,
        links=links,
    )


def as_json(found: Flows) -> dict[str, object]:
    """The JSON command's "flows" object (documented in docs/analytics.md)."""
    return {
        "conversations": found.conversations,
        "resolved": found.resolved,
        "dropped": found.dropped,
        "paths": [
            {"path": list(p.steps), "conversations": p.conversations, "share": round(p.share, 4)}
            for p in found.paths
        ],
        "links": [
            {
                "position": link.position,
                "source": link.source,
                "target": link.target,
                "conversations": link.conversations,
            }
            for link in found.links
        ],
    }
