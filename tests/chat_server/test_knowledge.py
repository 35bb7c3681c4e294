"""Edits to the knowledge base reach the bot without a restart."""

from __future__ import annotations

import time

import httpx
import pytest
from sqlalchemy.engine import Engine

from core.crud import faqs as faq_crud
from core.db import session_scope
from core.models import FaqEntry, FaqEntryCreate, FaqEntryUpdate
from tests.conftest import LiveServer

pytestmark = pytest.mark.slow


def ask(server: LiveServer, text: str) -> dict[str, object]:
    data = httpx.post(f"{server.url}/api/conversations", json={}).json()
    headers = {"Authorization": f"Bearer {data['visitor_token']}"}
    url = f"{server.url}/api/conversations/{data['conversation_id']}/messages"
    return httpx.post(url, json={"text": text}, headers=headers).json()["reply"]  # type: ignore[no-any-return]


def wait_for(predicate, seconds: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    """Until the bot uses the edit. The bound only stops a broken refresh from hanging the run:
    how soon an edit is used (FAQ_REFRESH_SECONDS) is measured by benchmarks/faq_refresh.py."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"the bot did not use the edit within {seconds} s")


def test_new_edited_and_unpublished_faqs_are_used_without_a_restart(
    live_server: LiveServer, engine: Engine
) -> None:
    question = "Can I bring my dog into the shop?"
    assert ask(live_server, "are dogs allowed in your store")["faq_id"] is None

    with session_scope(engine) as session:
        faq = faq_crud.create_faq(
            session=session,
            faq_in=FaqEntryCreate(
                question=question,
                phrasings=["are pets allowed inside", "is the shop dog friendly"],
                answer="Yes, well-behaved dogs on a lead are welcome in the shop.",
                category="store",
            ),
        )
        faq_id = faq.id
    wait_for(lambda: ask(live_server, "are dogs allowed in your store")["faq_id"] == faq_id)

    with session_scope(engine) as session:
        row = session.get(FaqEntry, faq_id)
        assert row is not None
        faq_crud.update_faq(
            session=session,
            faq=row,
            faq_in=FaqEntryUpdate(answer="Dogs are welcome, water bowl included."),
        )
    wait_for(
        lambda: "water bowl" in str(ask(live_server, "are dogs allowed in your store")["text"])
    )

    with session_scope(engine) as session:
        row = session.get(FaqEntry, faq_id)
        assert row is not None
        faq_crud.update_faq(session=session, faq=row, faq_in=FaqEntryUpdate(published=False))
    wait_for(lambda: ask(live_server, "are dogs allowed in your store")["faq_id"] != faq_id)

    with session_scope(engine) as session:
        row = session.get(FaqEntry, faq_id)
        assert row is not None
        faq_crud.delete_faq(session=session, faq=row)
