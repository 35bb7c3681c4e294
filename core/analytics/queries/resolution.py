"""Each conversation's resolution counted over a period: how many the bot resolved (confirmed
by a 👍 or assumed from the conversation ending on its answer), and how many a person handled,
by the definitions in `core.analytics.quality` (read by the Quality and ROI dashboards)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from core.analytics import quality as q
from core.analytics.queries._sql import RESOLUTION_CTES, query, utc

RESOLVED = f"""
WITH {RESOLUTION_CTES}
SELECT COUNT(*), COALESCE(SUM(confirmed), 0), COALESCE(SUM(assumed), 0),
  COALESCE(SUM(agent_handled), 0), COALESCE(SUM(handed_off), 0)
FROM resolution
"""


@dataclass(frozen=True)
class Resolution:
    conversations: int
    confirmed: int
    assumed: int
    agent_handled: int = 0  # an agent joined or wrote, or it is with an agent
    handed_off: int = 0  # the above, or the visitor asked for a person

    @property
    def resolved(self) -> int:
        return self.confirmed + self.assumed

    @property
    def rate(self) -> float | None:
        return q.share(self.resolved, self.conversations)


def resolution(*, session: Session, start: datetime, end: datetime) -> Resolution:
    """Conversations started in [start, end) and how many the bot resolved, confirmed or assumed."""
    row = (
        session.connection()
        .execute(
            query(RESOLVED, "res_start", "res_end"), {"res_start": utc(start), "res_end": utc(end)}
        )
        .one()
    )
    return Resolution(*(int(value) for value in row))
