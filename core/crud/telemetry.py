"""What the widget and the business's page report: clicks in the widget (its heatmap) and the
page's own steps (SupportChat.track). The caller validates and owns the transaction; nothing
here stores text or an IP address."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from core.models import AnalyticsEvent, EventName, PanelState, WidgetClick, WidthClass


def record_click(
    *,
    session: Session,
    visitor_key: str,
    element: str,
    panel: PanelState,
    width_class: WidthClass,
    x: float,
    y: float,
    panel_x: float,
    panel_y: float,
    rage: bool,
    dead: bool,
    at: datetime,
    conversation_id: int | None = None,
) -> WidgetClick:
    """One click in the widget, at `at` (the server's clock)."""
    click = WidgetClick(
        visitor_key=visitor_key,
        conversation_id=conversation_id,
        element=element,
        panel=PanelState(panel),
        width_class=WidthClass(width_class),
        x=x,
        y=y,
        panel_x=panel_x,
        panel_y=panel_y,
        rage=rage,
        dead=dead,
        created_at=at,
    )
    session.add(click)
    return click


def record_tracked(
    *,
    session: Session,
    visitor_key: str,
    name: str,
    at: datetime,
    value: float | None = None,
    currency: str | None = None,
    properties: dict[str, Any] | None = None,
    conversation_id: int | None = None,
) -> AnalyticsEvent:
    """A step of the business's own (`name`: product_viewed, purchase, ...) as a `tracked` event
    whose label is that name; a purchase's value and currency go in their typed columns, the
    page's properties in `private_properties` (encrypted)."""
    event = AnalyticsEvent(
        name=EventName.TRACKED,
        label=name,
        value=value,
        currency=currency,
        visitor_key=visitor_key,
        conversation_id=conversation_id,
        private_properties=dict(properties) if properties else None,
        created_at=at,
    )
    session.add(event)
    return event
