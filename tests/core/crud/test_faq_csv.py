"""The knowledge base through a spreadsheet: export, edit, import."""

from __future__ import annotations

import csv
import io
import json
import uuid

from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.crud import faqs as faq_crud
from core.crud.faq_csv import COLUMNS, export_faqs, import_faqs
from core.db import session_scope
from core.models import FaqEntry, FaqEntryCreate


def snapshot(session: Session) -> list[tuple[object, ...]]:
    return [
        (
            f.id,
            f.question,
            f.phrasings,
            f.answer,
            f.short_answer,
            f.category,
            f.language,
            f.published,
            f.media,
        )
        for f in faq_crud.list_faqs(session=session)
    ]


def make_faq(session: Session, **overrides: object) -> FaqEntry:
    fields: dict[str, object] = {
        "question": f"Test question {uuid.uuid4().hex[:8]}?",
        "answer": "Test answer.",
        "phrasings": ["test phrasing"],
        "category": "testing",
        **overrides,
    }
    return faq_crud.create_faq(session=session, faq_in=FaqEntryCreate(**fields))  # type: ignore[arg-type]


def test_export_then_import_leaves_the_knowledge_base_unchanged(engine: Engine) -> None:
    with session_scope(engine) as session:
        # Values a spreadsheet must quote: commas, quotes, line breaks, a pipe-free phrasing list.
        make_faq(
            session,
            answer='Yes, we do: "same day",\nif booked before noon.',
            short_answer=None,
            phrasings=["same day, really?", "urgent repair"],
            language="fr",
            published=False,
            media=[
                {"type": "image", "url": "/widget/icons/icon-192.png", "alt": 'A "chat", bubble'},
                {"type": "buttons", "buttons": [{"label": "Book, now", "action": "human"}]},
            ],
        )
    with session_scope(engine) as session:
        before = snapshot(session)
        version = faq_crud.faq_version(session=session)
        exported = export_faqs(session=session)
    assert exported.startswith("\ufeffid,question,phrasings,answer,")
    with session_scope(engine) as session:
        result = import_faqs(session=session, data=exported.encode("utf-8"))
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, len(before))
    with session_scope(engine) as session:
        assert snapshot(session) == before
        assert faq_crud.faq_version(session=session) == version  # the bot reloads nothing


def test_one_bad_row_imports_nothing_and_names_the_row(engine: Engine) -> None:
    with session_scope(engine) as session:
        faq = make_faq(session)
        before = snapshot(session)
    rows = [
        list(COLUMNS),
        [str(faq.id), faq.question, "", "A changed answer.", "", "testing", "en", "true"],
        ["", "A brand new question?", "", "New answer.", "", "", "en", "true"],
        ["", "Another new question?", "", "", "", "", "en", "yes"],  # row 4: no answer
        ["", "Third new question?", "", "Fine.", "", "", "en", "maybe"],  # row 5
    ]
    with session_scope(engine) as session:
        result = import_faqs(session=session, data=_csv(rows))
    assert not result.ok and (result.created, result.updated) == (0, 0)
    assert result.errors == [
        "row 4: answer is empty",
        "row 5: published is 'maybe'; write true or false",
    ]
    with session_scope(engine) as session:
        assert snapshot(session) == before


def test_excel_file_with_bom_crlf_and_quoted_commas(engine: Engine) -> None:
    with session_scope(engine) as session:
        faq = make_faq(session, short_answer="Short.")
    question = f"Do you fix wheels, spokes and hubs {uuid.uuid4().hex[:6]}?"
    data = (
        "\ufeffID,Question,Phrasings,Answer\r\n"  # only some columns, header in any case
        f'{faq.id},{faq.question},"wheel, spoke | hub","Yes, all of them.\r\nSame day."\r\n'
        f'"","{question}",,"Yes, we do."\r\n'
        ",,,\r\n"  # the blank row a spreadsheet leaves at the end
    ).encode()
    with session_scope(engine) as session:
        result = import_faqs(session=session, data=data)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    with session_scope(engine) as session:
        updated = session.get(FaqEntry, faq.id)
        assert updated is not None
        assert updated.phrasings == ["wheel, spoke", "hub"]
        assert updated.answer == "Yes, all of them.\nSame day."
        # Columns the file leaves out keep their values.
        assert (updated.short_answer, updated.category) == ("Short.", "testing")
        [created] = faq_crud.search_faqs(session=session, query=question)
        assert created.answer == "Yes, we do." and created.published


def test_rows_match_by_question_when_there_is_no_id(engine: Engine) -> None:
    with session_scope(engine) as session:
        faq = make_faq(session)
    rows = [["question", "answer"], [faq.question, "Answer by question."]]
    with session_scope(engine) as session:
        result = import_faqs(session=session, data=_csv(rows))
    assert (result.created, result.updated) == (0, 1)
    with session_scope(engine) as session:
        assert session.get(FaqEntry, faq.id).answer == "Answer by question."  # type: ignore[union-attr]


def test_files_that_cannot_be_read_are_refused_clearly(engine: Engine) -> None:
    with session_scope(engine) as session:
        faq = make_faq(session)
        latin1 = "question,answer\r\nCafé?,Oui.\r\n".encode("latin-1")
        assert "UTF-8" in import_faqs(session=session, data=latin1).errors[0]
        missing = import_faqs(session=session, data="question,reply\nHi?,Hello.\n").errors
        assert missing == [
            "row 1: unknown column 'reply' (columns: id, question, phrasings, answer, "
            "short_answer, category, language, published, media, translation_of)",
            "row 1: missing column 'answer'",
        ]
        twice = [["question", "answer"], [faq.question, "One."], [faq.question, "Two."]]
        assert import_faqs(session=session, data=_csv(twice)).errors == [
            "row 3: the same question as row 2"
        ]
        by_id_and_question = [["id", "question", "answer"], ["", faq.question, "One."]]
        by_id_and_question.append([str(faq.id), "Renamed?", "Two."])
        assert import_faqs(session=session, data=_csv(by_id_and_question)).errors == [
            f"row 3: changes the same entry (id {faq.id}) as row 2"
        ]
        unquoted = "question,answer\nHi?,Yes, we are.\n"
        assert (
            "row 2: 3 cells but 2 columns" in import_faqs(session=session, data=unquoted).errors[0]
        )


def test_search_and_categories(engine: Engine) -> None:
    tag = uuid.uuid4().hex[:8]
    with session_scope(engine) as session:
        shown = make_faq(session, phrasings=[f"Ünïcode {tag} phrasing"], category=f"cat-{tag}")
        make_faq(session, answer=f"Hidden {tag}.", published=False)
    with session_scope(engine) as session:
        assert [f.id for f in faq_crud.search_faqs(session=session, query=f"ÜNÏCODE {tag}")] == [
            shown.id
        ]
        assert len(faq_crud.search_faqs(session=session, query=tag)) == 2
        assert len(faq_crud.search_faqs(session=session, query=tag, published=True)) == 1
        assert faq_crud.search_faqs(session=session, query=f"{tag} missingword") == []
        in_category = faq_crud.search_faqs(session=session, category=f"cat-{tag}")
        assert [f.id for f in in_category] == [shown.id]
        categories = faq_crud.list_categories(session=session)
        assert f"cat-{tag}" in categories and "hours" in categories
        assert categories == sorted(categories, key=str.casefold) and None not in categories


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def test_media_travels_as_a_json_column_and_bad_media_imports_nothing(engine: Engine) -> None:
    media = [{"type": "video", "url": "https://example.com/fit.mp4", "title": "Bike fit – 2 min"}]
    with session_scope(engine) as session:
        faq = make_faq(session, media=media)
        plain = make_faq(session)
        exported = export_faqs(session=session, bom=False)
    records = {r["id"]: r for r in csv.DictReader(io.StringIO(exported))}
    assert json.loads(records[str(faq.id)]["media"]) == media
    assert records[str(plain.id)]["media"] == ""

    new_media = [{"type": "image", "url": "/img/fit.png", "alt": "A rider on a fitting jig"}]
    header = ["id", "question", "answer", "media"]
    good = [header, [str(faq.id), faq.question, faq.answer, json.dumps(new_media)]]
    with session_scope(engine) as session:
        result = import_faqs(session=session, data=_csv(good))
    assert (result.ok, result.updated) == (True, 1), result.errors
    with session_scope(engine) as session:
        stored = session.get(FaqEntry, faq.id)
        assert stored is not None and stored.media == new_media
        before = snapshot(session)

    bad = [
        header,
        [str(faq.id), faq.question, faq.answer, ""],  # fine: clears the media
        [str(plain.id), plain.question, plain.answer, '[{"type": "image", "url": "/x.png"}'],
        ["", "New question with media?", "Yes.", '[{"type": "image", "url": "javascript:x"}]'],
    ]
    with session_scope(engine) as session:
        result = import_faqs(session=session, data=_csv(bad))
    assert not result.ok
    assert result.errors[0].startswith("row 3: media is not valid JSON")
    assert result.errors[1].startswith("row 4: media: block 1 (image) url: must be an http(s) URL")
    assert "; block 1 (image) alt: Field required" in result.errors[1]
    with session_scope(engine) as session:
        assert snapshot(session) == before


def test_translations_travel_by_id_and_a_bad_one_imports_nothing(engine: Engine) -> None:
    header = ["id", "question", "answer", "language", "translation_of"]
    with session_scope(engine) as session:
        source = make_faq(session)
        before = snapshot(session)
    marker = uuid.uuid4().hex[:6]
    good = [header, ["", f"¿Pregunta {marker}?", "Respuesta.", "es", str(source.id)]]
    with session_scope(engine) as session:
        result = import_faqs(session=session, data=_csv(good))
    assert result.ok and result.created == 1
    with session_scope(engine) as session:
        (spanish,) = faq_crud.translations(session=session, faq_id=source.id)
        assert spanish.language == "es" and f"{spanish.id}" in export_faqs(session=session)
        before = snapshot(session)
    # Row 2 is fine on its own; row 3 then makes the source a translation of the Spanish entry,
    # which already translates it: refused as the rows are written, and row 2 is undone too.
    bad = [
        header,
        ["", f"Neue Frage {marker}?", "Antwort.", "de", str(source.id)],
        [str(source.id), source.question, source.answer, "fr", str(spanish.id)],
    ]
    with session_scope(engine) as session:
        result = import_faqs(session=session, data=_csv(bad))
    assert not result.ok and result.created == 0
    assert result.errors and result.errors[0].startswith("row 3: translation_of")
    with session_scope(engine) as session:
        assert snapshot(session) == before
