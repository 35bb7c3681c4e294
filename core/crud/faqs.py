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
    values = faq_in.model_dump(exclude_unset=True)
    if "media" in values and values["media"] is None:
        del values["media"]  # None means "leave as it is", like an absent field
    faq.sqlmodel_update(values)
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


def search_faqs(
    *,
    session: Session,
    query: str = "",
    category: str | None = None,
    published: bool | None = None,
) -> list[FaqEntry]:
    """Entries in id order whose question, phrasings, answers or category hold every word of
    `query`, case-insensitively. Words are matched in Python, not SQL: SQLite's LIKE folds only
    ASCII case, and a knowledge base is small enough to read whole."""
    select_faqs = select(FaqEntry).order_by(col(FaqEntry.id))
    if category:
        select_faqs = select_faqs.where(col(FaqEntry.category) == category)
    if published is not None:
        select_faqs = select_faqs.where(col(FaqEntry.published).is_(published))
    words = query.casefold().split()
    found = []
    for faq in session.exec(select_faqs).all():
        fields = [
            faq.question,
            faq.answer,
            faq.short_answer or "",
            faq.category or "",
            *faq.phrasings,
        ]
        text = "\n".join(fields).casefold()
        if all(word in text for word in words):
            found.append(faq)
    return found


def list_categories(*, session: Session) -> list[str]:
    """Distinct categories in use, sorted; entries without one are left out."""
    rows = session.exec(
        select(FaqEntry.category).where(col(FaqEntry.category).is_not(None)).distinct()
    ).all()
    return sorted({row for row in rows if row}, key=str.casefold)
