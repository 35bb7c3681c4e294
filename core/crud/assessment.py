"""The quality review queue's "mark reviewed", and the owner's ROI assumptions and industry
baselines (read with the shipped defaults, saved when the owner edits them)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from core.models import AnalyticsAssumptions, AnswerReview, Message
from core.models._types import utcnow

BASELINES_FILE = Path(__file__).resolve().parents[2] / "data" / "analytics" / "baselines.json"
ASSUMPTION_FIELDS = (
    "currency",
    "human_conversation_cost",
    "monthly_running_cost",
    "attribution_days",
)


def mark_reviewed(*, session: Session, message_id: int, user_id: int | None) -> bool:
    """Take a bot answer off the review queue; False when there is no such message. Marking it
    again changes nothing."""
    if session.get(Message, message_id) is None:
        return False
    if session.get(AnswerReview, message_id) is None:
        session.add(AnswerReview(message_id=message_id, reviewed_by=user_id))
        session.flush()
    return True


@lru_cache
def shipped_baselines() -> tuple[dict[str, Any], ...]:
    """The industry baselines shipped in data/analytics/baselines.json, with source and year."""
    data = json.loads(BASELINES_FILE.read_text(encoding="utf-8"))
    return tuple(data["baselines"])


def get_assumptions(*, session: Session) -> AnalyticsAssumptions:
    """The owner's assumptions, or the defaults (not stored) before the first edit."""
    found = session.exec(select(AnalyticsAssumptions).limit(1)).first()
    return found or AnalyticsAssumptions()


def baselines(assumptions: AnalyticsAssumptions) -> list[dict[str, Any]]:
    """The owner's list once edited, else the shipped one."""
    return [dict(b) for b in (assumptions.baselines or shipped_baselines())]


def save_assumptions(
    *, session: Session, values: dict[str, Any], baselines: list[dict[str, Any]] | None = None
) -> AnalyticsAssumptions:
    """Store the owner's figures (already checked by core.analytics.roi.check_assumptions) and,
    when given, their list of baselines."""
    row = session.exec(select(AnalyticsAssumptions).limit(1)).first() or AnalyticsAssumptions()
    for name in ASSUMPTION_FIELDS:
        if name in values:
            setattr(row, name, values[name])
    if baselines is not None:
        row.baselines = [dict(b) for b in baselines]
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return row
