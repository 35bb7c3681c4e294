"""The Overview page's numbers, computed from plain tables (pandas DataFrames); no I/O here.

Definitions, as shown to the owner:

- Conversations: conversations started in the period.
- Messages: messages written in the period by visitors, the bot and agents (system notices
  such as "An agent has joined the conversation" are not counted).
- Handed-over share: of the conversations started in the period, the share that a person took
  over: an agent took it over ("agent_joined" event), an agent wrote in it, or it is with an agent
  now.
- Bot-resolved share: of the conversations started in the period, the share the bot resolved
  as the Response quality page counts it (core/analytics/quality.py): answered from the
  knowledge base (an FAQ), not handed over (no agent, no request for a person), no contact
  form, no answer's latest rating "not helpful"; and either confirmed (an FAQ answer rated
  helpful) or assumed (the conversation ends on an FAQ answer, nothing asked after it).
- Median first response: for each conversation started in the period, the seconds from the
  visitor's first message to the first bot or agent message after it; the median over the
  conversations that got one. A bot answer is stored in the same instant as its question, so
  its time is the latency it measured, from receiving the message to the stored answer.
- Feedback score: the share of "helpful" ratings among all ratings given in the period (0 to 1),
  with the number of ratings beside it.

A share or median is None when there is nothing to divide by; the page shows "–".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from core.models.conversations import ConversationStatus
from core.models.events import EventName
from core.models.messages import ReplyKind, Role

CONVERSATION_COLUMNS = ("id", "created_at", "status")
MESSAGE_COLUMNS = ("id", "conversation_id", "role", "created_at", "faq_id", "latency_ms", "kind")
FEEDBACK_COLUMNS = ("id", "conversation_id", "message_id", "rating", "created_at")
EVENT_COLUMNS = ("conversation_id", "name", "created_at")

HUMAN_STATUS = ConversationStatus.HUMAN
AUTHORED_ROLES = (Role.VISITOR, Role.BOT, Role.AGENT)
RESPONDER_ROLES = (Role.BOT, Role.AGENT)


def _frame(rows: Iterable[Sequence[Any]], columns: Sequence[str]) -> pd.DataFrame:
    df = pd.DataFrame(list(rows), columns=list(columns))
    # SQLite returns naive datetimes; every stored time is UTC, so naive means UTC.
    df["created_at"] = pd.to_datetime(df["created_at"], utc=True)
    return df


@dataclass(frozen=True)
class Frames:
    """The rows the overview needs, one DataFrame per table (columns as in *_COLUMNS)."""

    conversations: pd.DataFrame = field(default_factory=lambda: _frame([], CONVERSATION_COLUMNS))
    messages: pd.DataFrame = field(default_factory=lambda: _frame([], MESSAGE_COLUMNS))
    feedback: pd.DataFrame = field(default_factory=lambda: _frame([], FEEDBACK_COLUMNS))
    events: pd.DataFrame = field(default_factory=lambda: _frame([], EVENT_COLUMNS))

    @classmethod
    def from_rows(
        cls,
        *,
        conversations: Iterable[Sequence[Any]] = (),
        messages: Iterable[Sequence[Any]] = (),
        feedback: Iterable[Sequence[Any]] = (),
        events: Iterable[Sequence[Any]] = (),
    ) -> Frames:
        """Tuples in *_COLUMNS order; datetimes naive (taken as UTC) or aware."""
        return cls(
            conversations=_frame(conversations, CONVERSATION_COLUMNS),
            messages=_frame(messages, MESSAGE_COLUMNS),
            feedback=_frame(feedback, FEEDBACK_COLUMNS),
            events=_frame(events, EVENT_COLUMNS),
        )


@dataclass(frozen=True)
class Summary:
    conversations: int
    messages: int
    bot_resolved_share: float | None
    handed_over_share: float | None
    median_first_response_seconds: float | None
    feedback_score: float | None
    feedback_count: int


def _utc(value: datetime) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _within(df: pd.DataFrame, start: datetime, end: datetime) -> pd.DataFrame:
    created = df["created_at"]
    return df[(created >= _utc(start)) & (created < _utc(end))]


def _ids(values: pd.Series) -> set[int]:
    # Nullable id columns arrive as floats (NaN for None); ids are ints.
    return {int(v) for v in values.dropna()}


def handed_over_ids(frames: Frames) -> set[int]:
    """Conversations a person took over: an "agent_joined" event, an agent message or status human."""
    events, messages, conversations = frames.events, frames.messages, frames.conversations
    return (
        _ids(events.loc[events["name"] == EventName.AGENT_JOINED, "conversation_id"])
        | _ids(messages.loc[messages["role"] == Role.AGENT, "conversation_id"])
        | _ids(conversations.loc[conversations["status"] == HUMAN_STATUS, "id"])
    )


def _last_ids(messages: pd.DataFrame, mask: pd.Series) -> pd.Series:
    return messages.loc[mask].groupby("conversation_id")["id"].max()


def bot_resolved_ids(frames: Frames) -> set[int]:
    """Conversations the bot resolved, confirmed or assumed (see the module docstring), the same
    definition core.analytics.queries.quality applies in SQL."""
    messages, events, feedback = frames.messages, frames.events, frames.feedback
    kind = messages["kind"]
    faq_answer = (
        (messages["role"] == Role.BOT)
        & messages["faq_id"].notna()
        & (kind.isna() | (kind == ReplyKind.ANSWER))
    )
    asked_for_person = _ids(messages.loc[kind == ReplyKind.HANDOVER, "conversation_id"])
    contacted = _ids(events.loc[events["name"] == EventName.CONTACT_REQUESTED, "conversation_id"])
    # Each message's latest rating counts (a visitor may change their mind).
    latest = (
        feedback.sort_values(["created_at", "id"])
        .groupby(["conversation_id", "message_id"], dropna=False)
        .last()
        .reset_index()
    )
    disliked = _ids(latest.loc[latest["rating"] < 0, "conversation_id"])
    answer_ids = set(messages.loc[faq_answer, "id"])
    liked = _ids(
        latest.loc[
            (latest["rating"] > 0) & latest["message_id"].isin(answer_ids), "conversation_id"
        ]
    )
    last_answer = _last_ids(messages, faq_answer)
    last_reply = _last_ids(messages, messages["role"].isin(RESPONDER_ROLES)).reindex(
        last_answer.index
    )
    last_visitor = _last_ids(messages, messages["role"] == Role.VISITOR).reindex(last_answer.index)
    ends_on_answer = _ids(
        pd.Series(last_answer.index)[
            ((last_reply == last_answer) & ~(last_visitor > last_answer)).to_numpy()
        ]
    )
    clean = _ids(pd.Series(last_answer.index)) - handed_over_ids(frames) - asked_for_person
    clean = clean - contacted - disliked
    return clean & (liked | ends_on_answer)


def first_response_seconds(messages: pd.DataFrame) -> pd.Series:
    """Seconds from each conversation's first visitor message to the first bot or agent message
    after it, indexed by conversation id; conversations without an answer are left out."""
    # A bot answer has the same timestamp as its question, so "after" means later in
    # (created_at, id) order, not strictly later in time.
    ordered = messages.sort_values(["created_at", "id"]).reset_index(drop=True)
    ordered["order"] = range(len(ordered))
    asked = (
        ordered[ordered["role"] == Role.VISITOR]
        .groupby("conversation_id")[["order", "created_at"]]
        .first()
        .reset_index()
    )
    replies = ordered[ordered["role"].isin(RESPONDER_ROLES)].merge(
        asked, on="conversation_id", suffixes=("", "_asked")
    )
    replies = replies[replies["order"] > replies["order_asked"]]
    first = replies.groupby("conversation_id")[["created_at", "created_at_asked", "latency_ms"]]
    first = first.first()
    waited = (first["created_at"] - first["created_at_asked"]).dt.total_seconds()
    return waited + first["latency_ms"].astype(float).fillna(0.0) / 1000


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def summarize(frames: Frames, *, start: datetime, end: datetime) -> Summary:
    """The numbers for conversations started, messages written and ratings given in
    [start, end); shares and the median are over the conversations started in the period,
    judged on everything in `frames` about them (see the module docstring)."""
    started = _within(frames.conversations, start, end)["id"]
    messages = _within(frames.messages, start, end)
    ratings = _within(frames.feedback, start, end)["rating"]
    total = len(started)
    response = first_response_seconds(frames.messages)
    response = response[response.index.isin(started)]
    return Summary(
        conversations=total,
        messages=int(messages["role"].isin(AUTHORED_ROLES).sum()),
        bot_resolved_share=_share(int(started.isin(bot_resolved_ids(frames)).sum()), total),
        handed_over_share=_share(int(started.isin(handed_over_ids(frames)).sum()), total),
        median_first_response_seconds=float(response.median()) if len(response) else None,
        feedback_score=_share(int((ratings > 0).sum()), len(ratings)),
        feedback_count=len(ratings),
    )


def conversations_per_day(
    frames: Frames, *, days: Sequence[date], tz: ZoneInfo
) -> list[tuple[date, int]]:
    """Conversations started on each of `days`, the days counted in the business's time zone;
    a day without conversations has 0."""
    local_days = frames.conversations["created_at"].dt.tz_convert(tz).dt.date
    counts = local_days.value_counts()
    return [(day, int(counts.get(day, 0))) for day in days]
