"""ROI arithmetic and the owner's assumptions form, without a database."""

from __future__ import annotations

from pytest import approx

from core.analytics.roi import Assumptions, Measured, check_assumptions, compute


def _measured(**overrides: object) -> Measured:
    values: dict = dict(
        conversations=100,
        resolved_confirmed=10,
        resolved_assumed=30,
        agent_handled=20,
        leads=8,
        purchases=12,
        attributed_purchases=5,
        attributed_revenue=250.0,
    )
    return Measured(**(values | overrides))


def test_roi_cost_per_resolution_and_per_lead() -> None:
    assumed = Assumptions(
        "EUR", human_conversation_cost=4.0, monthly_running_cost=365.25 / 12 * 2, attribution_days=7
    )
    found = compute(_measured(), assumed, days=30)  # running: 2 a day -> 60
    assert found.savings == 160.0 and found.running_cost == approx(60.0)
    assert found.net == approx(350.0) and found.roi_percent == approx(350 / 60 * 100)
    assert found.cost_per_resolution == approx(1.5) and found.cost_per_lead == approx(7.5)
    assert [row["source"] for row in found.inputs] == [
        "measured",
        "assumed",
        "measured",
        "assumed",
        "assumed",
        "measured",
    ]


def test_nothing_to_divide_by_gives_none() -> None:
    free = Assumptions("USD", 5.0, 0.0, 7)
    found = compute(_measured(resolved_confirmed=0, resolved_assumed=0, leads=0), free, days=7)
    assert found.roi_percent is None and found.cost_per_resolution is None
    assert found.cost_per_lead is None


def test_the_assumptions_form_is_checked() -> None:
    form = {
        "currency": "eur",
        "human_conversation_cost": "6.5",
        "monthly_running_cost": "40",
        "attribution_days": "14",
    }
    assert check_assumptions(form) == (
        {
            "currency": "EUR",
            "human_conversation_cost": 6.5,
            "monthly_running_cost": 40.0,
            "attribution_days": 14,
        },
        "",
    )
    assert "three-letter" in check_assumptions(form | {"currency": "euro"})[1]
    assert "negative" in check_assumptions(form | {"monthly_running_cost": "-1"})[1]
    assert "0 to 90" in check_assumptions(form | {"attribution_days": "120"})[1]
    assert "numbers" in check_assumptions(form | {"human_conversation_cost": "six"})[1]
