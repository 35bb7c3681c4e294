"""The knowledge base's state: FAQ search, the entry being edited, deletion, CSV import and export."""

from __future__ import annotations

import json
from typing import Any

import reflex as rx
from pydantic import ValidationError

from app.session_state import AuthState, guarded
from core.crud import faq_csv
from core.crud import faqs as faq_crud
from core.db import session_scope
from core.models import FaqEntry, FaqEntryCreate, FaqEntryUpdate

EMPTY_FORM = {
    "question": "",
    "phrasings": "",
    "answer": "",
    "short_answer": "",
    "category": "",
    "language": "en",
    "published": "yes",
    "media": "",
    "translation_of": "",
}
MAX_CSV_BYTES = 2_000_000


def _errors(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(map(str, e['loc'])) or 'entry'}: {e['msg'].removeprefix('Value error, ')}"
        for e in error.errors()
    )


def _media_text(media: list[dict[str, Any]]) -> str:
    return json.dumps(media, indent=2, ensure_ascii=False) if media else ""


def _media_of(text: str) -> Any:
    """The media field as JSON (empty means none); ValueError names where it stops parsing."""
    if not text.strip():
        return []
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"media: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None


def _row(faq: FaqEntry) -> dict[str, str]:
    return {
        "id": str(faq.id),
        "question": faq.question,
        "answer": faq.answer,
        "category": faq.category or "",
        "language": faq.language,
        "published": "yes" if faq.published else "no",
        "phrasings": str(len(faq.phrasings)),
        "media": str(len(faq.media)),
    }


class KnowledgeState(AuthState):
    faqs: list[dict[str, str]] = []
    categories: list[str] = []
    sources: list[dict[str, str]] = []  # entries another may translate (not translations)
    search: str = ""
    category: str = "all"
    editing: str = ""  # "" closed, "new", or the id being edited
    form: dict[str, str] = EMPTY_FORM
    form_error: str = ""
    deleting: str = ""
    deleting_question: str = ""
    notice: str = ""
    import_errors: list[str] = []

    def _reload(self) -> None:
        with session_scope() as session:
            found = faq_crud.search_faqs(
                session=session,
                query=self.search,
                category=None if self.category == "all" else self.category,
            )
            self.faqs = [_row(f) for f in found]
            self.categories = faq_crud.list_categories(session=session)
            self.sources = [
                {"id": str(f.id), "label": f"#{f.id} {f.question} ({f.language})"}
                for f in faq_crud.list_faqs(session=session)
                if f.translation_of is None
            ]

    @rx.event
    @guarded()
    def load(self) -> None:
        self.notice, self.import_errors = "", []
        self._reload()
        # /knowledge?edit=ID (the quality page's "Edit FAQ") opens that entry's editor.
        wanted = self.router.url.query_parameters.get("edit", "")
        if wanted.isdigit():
            self._edit(wanted)

    @rx.event
    @guarded()
    def set_search(self, value: str) -> None:
        self.search = value[:200]
        self._reload()

    @rx.event
    @guarded()
    def set_category(self, value: str) -> None:
        self.category = value
        self._reload()

    @rx.event
    @guarded()
    def start_new(self) -> None:
        self.editing, self.form, self.form_error = "new", dict(EMPTY_FORM), ""

    @rx.event
    @guarded()
    def start_edit(self, faq_id: str) -> None:
        self._edit(faq_id)

    def _edit(self, faq_id: str) -> None:
        with session_scope() as session:
            faq = session.get(FaqEntry, int(faq_id))
        if faq is None:
            self.notice = "That entry was deleted meanwhile."
            self._reload()
            return
        self.form = {
            "question": faq.question,
            "phrasings": "\n".join(faq.phrasings),
            "answer": faq.answer,
            "short_answer": faq.short_answer or "",
            "category": faq.category or "",
            "language": faq.language,
            "published": "yes" if faq.published else "no",
            "media": _media_text(faq.media),
            "translation_of": str(faq.translation_of or ""),
        }
        self.editing, self.form_error = faq_id, ""

    @rx.event
    @guarded()
    def cancel_edit(self) -> None:
        self.editing, self.form_error = "", ""

    @rx.event
    @guarded()
    def set_field(self, name: str, value: str) -> None:
        if name in EMPTY_FORM:
            self.form = {**self.form, name: value}

    @rx.event
    @guarded()
    def save(self, _form: dict[str, Any]) -> None:
        f = self.form
        try:
            media = _media_of(f.get("media", ""))
        except ValueError as error:
            self.form_error = str(error)  # the form keeps what was typed
            return
        values: dict[str, Any] = {
            "question": f["question"].strip(),
            "answer": f["answer"].strip(),
            "short_answer": f["short_answer"].strip() or None,
            "category": f["category"].strip() or None,
            "language": f["language"].strip() or "en",
            "published": f["published"] == "yes",
            "phrasings": [p.strip() for p in f["phrasings"].splitlines() if p.strip()],
            "media": media,
            "translation_of": int(f["translation_of"]) if f["translation_of"].isdigit() else None,
        }
        try:
            checked = FaqEntryCreate.model_validate(values)
            with session_scope() as session:
                if self.editing == "new":
                    faq_crud.create_faq(session=session, faq_in=checked)
                    self.notice = f"Added “{checked.question}”."
                else:
                    faq = session.get(FaqEntry, int(self.editing))
                    if faq is None:
                        raise LookupError("That entry was deleted meanwhile.")
                    faq_crud.update_faq(
                        session=session, faq=faq, faq_in=FaqEntryUpdate.model_validate(values)
                    )
                    self.notice = f"Saved “{checked.question}”. The bot uses it within seconds."
        except ValidationError as error:
            self.form_error = _errors(error)
            return
        except (LookupError, ValueError) as error:  # ValueError: core's translation check
            self.form_error = str(error)
            return
        self.editing, self.form_error = "", ""
        self._reload()

    @rx.event
    @guarded()
    def ask_delete(self, faq_id: str, question: str) -> None:
        self.deleting, self.deleting_question = faq_id, question

    @rx.event
    @guarded()
    def cancel_delete(self) -> None:
        self.deleting = ""

    @rx.event
    @guarded()
    def confirm_delete(self) -> None:
        with session_scope() as session:
            faq = session.get(FaqEntry, int(self.deleting))
            if faq is not None:
                faq_crud.delete_faq(session=session, faq=faq)
        self.notice = f"Deleted “{self.deleting_question}”."
        self.deleting = ""
        self._reload()

    @rx.event
    @guarded()
    def export_csv(self) -> Any:
        with session_scope() as session:
            data = faq_csv.export_faqs(session=session)
        return rx.download(data=data, filename="faqs.csv", mime_type="text/csv")

    @rx.event
    @guarded()
    async def import_csv(self, files: list[rx.UploadFile]) -> None:
        self.import_errors, self.notice = [], ""
        if not files:
            self.import_errors = ["Choose a CSV file first."]
            return
        raw = await files[0].read()
        if len(raw) > MAX_CSV_BYTES:
            self.import_errors = ["The file is larger than 2 MB; split it into smaller files."]
            return
        with session_scope() as session:
            result = faq_csv.import_faqs(session=session, data=raw)
        if result.errors:
            self.import_errors = [*result.errors, "Nothing was imported."]
            return
        self.notice = (
            f"Imported: {result.created} added, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
        self._reload()
