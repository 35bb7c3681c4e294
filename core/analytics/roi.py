"""Return on investment from measured figures and the owner's assumptions; no I/O here.

- Savings: conversations the bot resolved (confirmed or assumed, core.analytics.quality) x what
  one conversation handled by a person costs the owner.
- Attributed revenue: tracked purchases (`tracked` events labelled "purchase", with value and
  currency) in the period by a visitor (`visitor_key`) who, within the attribution window before
  the purchase, had a conversation the bot resolved or an agent handled. Each purchase counts
  once; only purchases in the owner's currency are added (others are listed, never converted).
- Running cost: the owner's monthly cost, prorated to the period's days (a month = 365.25/12 days).
- ROI % = (savings + attributed revenue - running cost) / running cost x 100.
- Cost per resolution = running cost / resolved conversations; cost per lead = running cost /
  contact forms sent in the period.
A figure is None when there is nothing to divide by.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DAYS_PER_MONTH = 365.25 / 12
MEASURED, ASSUMED, COMPUTED = "measured", "assumed", "computed"


@dataclass(frozen=True)
class Measured:
    conversations: int
    resolved_confirmed: int
    resolved_assumed: int
    agent_handled: int
    leads: int
    purchases: int
    attributed_purchases: int
    attributed_revenue: float  # in the owner's currency
    other_currencies: dict[str, float] = field(default_factory=dict)  # attributed, not converted

    @property
    def resolved(self) -> int:
        return self.resolved_confirmed + self.resolved_assumed


@dataclass(frozen=True)
class Assumptions:
    currency: str
    human_conversation_cost: float
    monthly_running_cost: float
    attribution_days: int


@dataclass(frozen=True)
class Roi:
    savings: float
    attributed_revenue: float
    running_cost: float
    net: float
    roi_percent: float | None
    cost_per_resolution: float | None
    cost_per_lead: float | None
    inputs: list[dict[str, Any]]


def _per(cost: float, count: int) -> float | None:
    return cost / count if count else None


def compute(measured: Measured, assumed: Assumptions, *, days: int) -> Roi:
    running = assumed.monthly_running_cost * days / DAYS_PER_MONTH
    savings = measured.resolved * assumed.human_conversation_cost
    net = savings + measured.attributed_revenue - running
    money = assumed.currency
    inputs = [
        {
            "name": "Conversations the bot resolved",
            "value": measured.resolved,
            "source": MEASURED,
            "where": f"{measured.resolved_confirmed} confirmed (thumbs-up) + "
            f"{measured.resolved_assumed} assumed (nothing asked after an FAQ answer) of "
            f"{measured.conversations} conversations started in the period",
        },
        {
            "name": f"Cost of a conversation handled by a person ({money})",
            "value": assumed.human_conversation_cost,
            "source": ASSUMED,
            "where": "set by the owner on this page",
        },
        {
            "name": f"Purchases attributed to chats ({money})",
            "value": measured.attributed_revenue,
            "source": MEASURED,
            "where": f"{measured.attributed_purchases} of {measured.purchases} tracked purchases "
            f"in the period, within {assumed.attribution_days} days after a conversation the "
            f"bot resolved or an agent handled ({measured.agent_handled} handled by an agent)",
        },
        {
            "name": "Attribution window (days)",
            "value": assumed.attribution_days,
            "source": ASSUMED,
            "where": "set by the owner on this page",
        },
        {
            "name": f"Running cost per month ({money})",
            "value": assumed.monthly_running_cost,
            "source": ASSUMED,
            "where": f"set by the owner on this page; {days} days = {running:.2f} {money}",
        },
        {
            "name": "Leads (contact forms sent)",
            "value": measured.leads,
            "source": MEASURED,
            "where": "contact_requested events in the period",
        },
    ]
    return Roi(
        savings=savings,
        attributed_revenue=measured.attributed_revenue,
        running_cost=running,
        net=net,
        roi_percent=net / running * 100 if running else None,
        cost_per_resolution=_per(running, measured.resolved),
        cost_per_lead=_per(running, measured.leads),
        inputs=inputs,
    )


def check_assumptions(values: dict[str, str]) -> tuple[dict[str, Any], str]:
    """The owner's typed figures as stored values, or an error naming the first wrong field."""
    try:
        cost = float(values.get("human_conversation_cost", ""))
        running = float(values.get("monthly_running_cost", ""))
        days = int(values.get("attribution_days", ""))
    except ValueError:
        return {}, "Write the costs as numbers (like 6.50) and the window as whole days."
    currency = values.get("currency", "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        return {}, "Write the currency as a three-letter code, like USD or EUR."
    if cost < 0 or running < 0:
        return {}, "Costs cannot be negative."
    if not 0 <= days <= 90:
        return {}, "The attribution window is 0 to 90 days."
    return {
        "currency": currency,
        "human_conversation_cost": cost,
        "monthly_running_cost": running,
        "attribution_days": days,
    }, ""
