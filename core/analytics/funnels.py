"""Funnels: how many visitors went through an owner's ordered steps; no I/O here.

Definitions, as shown to the owner:

- A visitor is a browser (the pseudonymous key the widget keeps); a visitor who chats without
  one is counted on their own, by their conversations.
- A visitor enters the funnel with their first step 1 in the period. They reach a later step
  when it happens after the step before it and within the conversion window (14 days unless
  the funnel says otherwise) from that first step 1. A step is a chat event
  (conversation_started, bot_answered, ...) or a name the business's page tracks
  (product_viewed, purchase, ...).
- Conversion of a step: visitors who reached it, as a share of those who entered; drop-off:
  those who reached the step before it but not this one.
- Time to convert: from step 1 to the last step, for visitors who reached the last step; the
  median, and a histogram in steps a person reads (under a minute, under an hour, ...).
- Chatters: visitors who started a conversation between their step 1 and the end of the window;
  non-chatters did not. Each group's conversion is shown beside the other's.
- Conversions attributed to a chat: visitors whose last step came within the window after a
  conversation of theirs that the bot resolved (answered from an FAQ, no contact form, no
  thumbs-down) or an agent handled (joined or replied).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import pandas as pd

# (upper bound in seconds, label) of the time-to-convert histogram, shortest first.
TIME_BINS: list[tuple[float, str]] = [
    (60, "under 1 min"),
    (600, "1-10 min"),
    (3600, "10-60 min"),
    (6 * 3600, "1-6 h"),
    (24 * 3600, "6-24 h"),
    (3 * 86400, "1-3 days"),
    (7 * 86400, "3-7 days"),
    (float("inf"), "7 days or more"),
]


@dataclass(frozen=True)
class StepFigure:
    number: int
    step: str
    visitors: int
    conversion: float | None  # of those who entered (step 1)
    from_previous: float | None  # of those who reached the step before
    dropped: int  # reached the step before, not this one


@dataclass(frozen=True)
class GroupFigure:
    group: str  # "chatters" or "non-chatters"
    entered: int
    converted: int
    conversion: float | None


@dataclass(frozen=True)
class FunnelFigures:
    name: str
    window_days: int
    steps: list[StepFigure]
    median_seconds: float | None
    histogram: list[tuple[str, int]]
    groups: list[GroupFigure]
    attributed: int  # conversions attributed to a chat
    attributed_share: float | None  # of all conversions
    converted: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "converted", self.steps[-1].visitors if self.steps else 0)

    def as_json(self) -> dict[str, object]:
        out = asdict(self)
        out["histogram"] = [{"bin": label, "visitors": n} for label, n in self.histogram]
        return out


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def step_figures(steps: Sequence[str], reached: Sequence[int]) -> list[StepFigure]:
    """Per step: visitors who reached it (`reached`, in step order), conversion and drop-off."""
    entered = reached[0] if reached else 0
    out = []
    for number, (step, count) in enumerate(zip(steps, reached, strict=True), start=1):
        before = reached[number - 2] if number > 1 else count
        out.append(
            StepFigure(
                number=number,
                step=step,
                visitors=count,
                conversion=_share(count, entered),
                from_previous=_share(count, before),
                dropped=before - count,
            )
        )
    return out


def histogram(seconds: Sequence[float]) -> list[tuple[str, int]]:
    """Converting visitors per TIME_BINS bin (every bin listed, empty ones with 0)."""
    counts = [0] * len(TIME_BINS)
    for value in seconds:
        counts[next(i for i, (upper, _) in enumerate(TIME_BINS) if value < upper)] += 1
    return [(label, n) for (_, label), n in zip(TIME_BINS, counts, strict=True)]


def group_figures(entered: dict[bool, int], converted: dict[bool, int]) -> list[GroupFigure]:
    """Chatters first, then non-chatters; keys: chatted or not."""
    return [
        GroupFigure(
            group=name,
            entered=entered.get(chatted, 0),
            converted=converted.get(chatted, 0),
            conversion=_share(converted.get(chatted, 0), entered.get(chatted, 0)),
        )
        for chatted, name in ((True, "chatters"), (False, "non-chatters"))
    ]


def funnel_figures(
    *,
    name: str,
    window_days: int,
    steps: Sequence[str],
    reached: Sequence[int],
    seconds: Sequence[float],
    entered_by_group: dict[bool, int],
    converted_by_group: dict[bool, int],
    attributed: int,
) -> FunnelFigures:
    """The Funnels page's figures from what the queries counted."""
    figures = step_figures(steps, reached)
    converted = figures[-1].visitors if figures else 0
    durations = pd.Series(list(seconds), dtype=float)
    return FunnelFigures(
        name=name,
        window_days=window_days,
        steps=figures,
        median_seconds=float(durations.median()) if len(durations) else None,
        histogram=histogram(list(durations)),
        groups=group_figures(entered_by_group, converted_by_group),
        attributed=attributed,
        attributed_share=_share(attributed, converted),
    )
