"""FAQs: the version the bot polls, media checked on save, translations tied to a source."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy.engine import Engine

from core.crud import faqs as faq_crud
from core.db import session_scope
from core.models import FaqEntryCreate, FaqEntryUpdate


def test_faq_version_changes_on_every_edit(engine: Engine) -> None:
    with session_scope(engine) as session:
        before = faq_crud.faq_version(session=session)
        faq = faq_crud.create_faq(
            session=session, faq_in=FaqEntryCreate(question="Test?", answer="Yes.", phrasings=["t"])
        )
    with session_scope(engine) as session:
        created = faq_crud.faq_version(session=session)
        assert created != before
        faq_crud.update_faq(session=session, faq=faq, faq_in=FaqEntryUpdate(answer="No."))
    with session_scope(engine) as session:
        edited = faq_crud.faq_version(session=session)
        assert edited != created
        faq_crud.delete_faq(session=session, faq=session.merge(faq))
    with session_scope(engine) as session:
        assert faq_crud.faq_version(session=session) not in (created, edited)


def test_faq_media_is_checked_and_saved_and_a_bad_block_saves_nothing(engine: Engine) -> None:
    card = {"type": "card", "title": "Full Tune-Up", "price": "$149", "text": None}
    with session_scope(engine) as session:
        faq = faq_crud.create_faq(
            session=session,
            faq_in=FaqEntryCreate(question="Media test?", answer="Yes.", media=[card]),
        )
        assert faq.media == [{"type": "card", "title": "Full Tune-Up", "price": "$149"}]
    with pytest.raises(ValidationError) as caught:
        FaqEntryUpdate(media=[card, {"type": "image", "url": "/a.png", "alt": ""}])
    assert "block 2 (image) alt: String should have at least 1 character" in str(caught.value)
    with pytest.raises(ValidationError, match="block 1: Input tag 'gif'"):
        FaqEntryCreate(question="Q?", answer="A.", media=[{"type": "gif", "url": "/a.gif"}])
    with session_scope(engine) as session:
        faq = session.merge(faq)
        # Leaving media out, or None, keeps it; a list replaces it.
        faq_crud.update_faq(session=session, faq=faq, faq_in=FaqEntryUpdate(answer="No."))
        faq_crud.update_faq(session=session, faq=faq, faq_in=FaqEntryUpdate(media=None))
        assert faq.media[0]["title"] == "Full Tune-Up"
        faq_crud.update_faq(session=session, faq=faq, faq_in=FaqEntryUpdate(media=[]))
        assert faq.media == []
        faq_crud.delete_faq(session=session, faq=faq)


def test_a_translation_must_point_at_a_source_in_another_language(engine: Engine) -> None:
    with session_scope(engine) as session:
        source = faq_crud.create_faq(
            session=session, faq_in=FaqEntryCreate(question="Gift wrap?", answer="Yes, free.")
        )
        urdu = faq_crud.create_faq(
            session=session,
            faq_in=FaqEntryCreate(
                question="تحفے کی پیکنگ؟",
                answer="جی ہاں، مفت۔",
                language="ur",
                translation_of=source.id,
            ),
        )
        assert [t.id for t in faq_crud.translations(session=session, faq_id=source.id)] == [urdu.id]
        refused = {
            "same language": FaqEntryCreate(
                question="Wrapping?", answer="Yes.", translation_of=source.id
            ),
            "a translation of a translation": FaqEntryCreate(
                question="¿Envoltorio?", answer="Sí.", language="es", translation_of=urdu.id
            ),
            "no such entry": FaqEntryCreate(
                question="¿Envoltorio?", answer="Sí.", language="es", translation_of=999_999
            ),
        }
        for _why, faq_in in refused.items():
            with pytest.raises(ValueError, match="translation_of"):
                faq_crud.create_faq(session=session, faq_in=faq_in)
        # A source with translations cannot become a translation itself.
        other = faq_crud.create_faq(
            session=session,
            faq_in=FaqEntryCreate(question="Emballage ?", answer="Oui.", language="fr"),
        )
        with pytest.raises(ValueError, match="has translations of its own"):
            faq_crud.update_faq(
                session=session, faq=source, faq_in=FaqEntryUpdate(translation_of=other.id)
            )
        for faq in (urdu, source, other):
            faq_crud.delete_faq(session=session, faq=faq)


def test_a_source_cannot_move_into_a_language_its_translation_has(engine: Engine) -> None:
    with session_scope(engine) as session:
        source = faq_crud.create_faq(
            session=session, faq_in=FaqEntryCreate(question="Parking?", answer="Behind the shop.")
        )
        spanish = faq_crud.create_faq(
            session=session,
            faq_in=FaqEntryCreate(
                question="¿Aparcamiento?", answer="Detrás.", language="es", translation_of=source.id
            ),
        )
        with pytest.raises(ValueError, match="already in 'es'"):
            faq_crud.update_faq(session=session, faq=source, faq_in=FaqEntryUpdate(language="es"))
        faq_crud.delete_faq(session=session, faq=spanish)
        faq_crud.delete_faq(session=session, faq=source)
