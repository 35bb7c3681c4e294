"""The Flows page's filters as SQL: the conversations started in a period in a language, on a
channel and on pages under a path prefix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import and_, false, or_, select
from sqlmodel import Session, col

from core.analytics.period import Period
from core.models import Conversation


@dataclass(frozen=True)
class FlowFilters:
    language: str = ""  # "" = every language
    channel: str = ""
    page: str = ""  # a prefix of the page's path ("/pricing"); "" = every page


def _on_pages_under(session: Session, period: Period, prefix: str) -> Any:
    """Conversations whose page path starts with `prefix` ("/pricing"). Page URLs are encrypted,
    so the plain `page_section` (the path's first segment) decides in SQL; only the URLs it
    cannot decide are read and decrypted here: those of the prefix's section when the prefix
    goes deeper ("/pricing/plans"), and those whose first segment was kept private."""
    if not prefix.startswith("/"):
        return false()
    head, deeper, _ = prefix[1:].partition("/")
    section = col(Conversation.page_section)
    private = and_(section.is_(None), col(Conversation.page_url).is_not(None))
    to_read = or_(private, section == f"/{head}") if deeper else private
    urls = session.exec(
        select(Conversation.id, Conversation.page_url).where(  # type: ignore[call-overload]
            *in_period(period), to_read
        )
    ).all()
    read = [cid for cid, url in urls if (urlsplit(url).path or "/").startswith(prefix)]
    matched = col(Conversation.id).in_(read)
    return matched if deeper else or_(section.startswith(prefix, autoescape=True), matched)


def in_period(period: Period) -> list[Any]:
    return [Conversation.created_at >= period.start, Conversation.created_at < period.end]


def started_in(session: Session, period: Period, filters: FlowFilters) -> Any:
    """A subquery of the ids (cid) of the conversations started in the period that pass the
    filters."""
    where = in_period(period)
    if filters.language:
        where.append(Conversation.language == filters.language)
    if filters.channel:
        where.append(Conversation.channel == filters.channel)
    if filters.page:
        where.append(_on_pages_under(session, period, filters.page))
    return select(col(Conversation.id).label("cid")).where(*where).subquery("started")
