from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.models import FaqEntry, FaqEntryCreate, FaqEntryUpdate
from core.models._types import utcnow


def create_faq(*, session: Session, faq_in: FaqEntryCreate) -> FaqEntry:
    faq = FaqEntry.model_validate(faq_in)
    session.add(faq)
    session.flush()
    return faq


def update_faq(*, session: Session, faq: FaqEntry, faq_in: FaqEntryUpdate) -> FaqEntry:
    faq.sqlmodel_update(faq_in.model_dump(exclude_unset=True))
    faq.updated_at = utcnow()
    session.add(faq)
    session.flush()
    return faq


def delete_faq(*, session: Session, faq: FaqEntry) -> None:
    session.delete(faq)
    session.flush()


def list_faqs(*, session: Session, published_only: bool = False) -> Sequence[FaqEntry]:
    query = select(FaqEntry).order_by(col(FaqEntry.id))
    if published_only:
        query = query.where(col(FaqEntry.published).is_(True))
    return session.exec(query).all()


def faq_version(*, session: Session) -> tuple[int, str]:
    """Changes whenever an entry is added, edited or deleted: cheap to poll."""
    count, newest, id_sum = session.exec(
        select(func.count(), func.max(FaqEntry.updated_at), func.sum(FaqEntry.id))
    ).one()
    return count, f"{newest}|{id_sum}"
