from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.models import FaqEntry, FaqEntryCreate, FaqEntryUpdate
from core.models._types import utcnow


def check_translation(
    *, session: Session, faq_id: int | None, translation_of: int | None, language: str
) -> None:
    """A translation points at its source: an existing entry in another language that is not
    itself a translation. ValueError says what is wrong."""
    if translation_of is None:
        if (
            faq_id is not None
            and session.exec(
                select(FaqEntry.id).where(
                    FaqEntry.translation_of == faq_id, FaqEntry.language == language
                )
            ).first()
        ):
            raise ValueError(f"language: a translation of this entry is already in {language!r}")
        return
    if translation_of == faq_id:
        raise ValueError("translation_of: an entry cannot be a translation of itself")
    source = session.get(FaqEntry, translation_of)
    if source is None:
        raise ValueError(f"translation_of: there is no FAQ entry {translation_of}")
    if source.translation_of is not None:
        raise ValueError(
            f"translation_of: entry {translation_of} is itself a translation; "
            f"choose its source, entry {source.translation_of}"
        )
    if source.language == language:
        raise ValueError(f"translation_of: entry {translation_of} is already in {language!r}")
    if (
        faq_id is not None
        and session.exec(
            select(FaqEntry.id).where(FaqEntry.translation_of == faq_id).limit(1)
        ).first()
    ):
        raise ValueError("translation_of: this entry has translations of its own")


def translations(*, session: Session, faq_id: int) -> Sequence[FaqEntry]:
    return session.exec(
        select(FaqEntry).where(FaqEntry.translation_of == faq_id).order_by(col(FaqEntry.id))
    ).all()


def create_faq(*, session: Session, faq_in: FaqEntryCreate) -> FaqEntry:
    check_translation(
        session=session, faq_id=None, translation_of=faq_in.translation_of, language=faq_in.language
    )
    faq = FaqEntry.model_validate(faq_in)
    session.add(faq)
    session.flush()
    return faq


def update_faq(*, session: Session, faq: FaqEntry, faq_in: FaqEntryUpdate) -> FaqEntry:
    values = faq_in.model_dump(exclude_unset=True)
    if "media" in values and values["media"] is None:
        del values["media"]  # None means "leave as it is", like an absent field
    check_translation(
        session=session,
        faq_id=faq.id,
        translation_of=values.get("translation_of", faq.translation_of),
        language=values.get("language") or faq.language,
    )
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
