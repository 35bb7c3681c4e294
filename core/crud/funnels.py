"""Owners' funnels: create, list, change and delete."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from core.models import Funnel, FunnelCreate
from core.models._types import utcnow


class FunnelError(ValueError):
    """A funnel that cannot be saved; the message says what to change."""


def list_funnels(*, session: Session) -> Sequence[Funnel]:
    return session.exec(select(Funnel).order_by(col(Funnel.name))).all()


def get_funnel(*, session: Session, funnel_id: int) -> Funnel | None:
    return session.get(Funnel, funnel_id)


def _check_name(session: Session, name: str, funnel_id: int | None) -> None:
    same = session.exec(select(Funnel).where(Funnel.name == name)).first()
    if same is not None and same.id != funnel_id:
        raise FunnelError(f"a funnel named {name!r} exists already: choose another name")


def create_funnel(*, session: Session, funnel_in: FunnelCreate) -> Funnel:
    _check_name(session, funnel_in.name, None)
    funnel = Funnel.model_validate(funnel_in)
    session.add(funnel)
    session.flush()
    return funnel


def update_funnel(*, session: Session, funnel: Funnel, funnel_in: FunnelCreate) -> Funnel:
    _check_name(session, funnel_in.name, funnel.id)
    funnel.name, funnel.steps = funnel_in.name, list(funnel_in.steps)
    funnel.window_days = funnel_in.window_days
    funnel.updated_at = utcnow()
    session.add(funnel)
    session.flush()
    return funnel


def delete_funnel(*, session: Session, funnel: Funnel) -> None:
    session.delete(funnel)
    session.flush()
