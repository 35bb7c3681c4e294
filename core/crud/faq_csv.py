"""The knowledge base as a CSV file, to edit in a spreadsheet and load back.

An import checks the whole file before it writes anything: with one bad row nothing changes, and
every problem is named by its row as a spreadsheet numbers it (the header is row 1). Entries that
are not in the file stay as they are, and a column left out of the file keeps its stored values.
`media` holds the entry's rich blocks as one JSON array (core/content/rich.py), empty for none."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from core.crud import faqs as faq_crud
from core.models import FaqEntry, FaqEntryCreate, FaqEntryUpdate
from core.models.faqs import check_media

COLUMNS = (
    "id",
    "question",
    "phrasings",
    "answer",
    "short_answer",
    "category",
    "language",
    "published",
    "media",
    "translation_of",
)
REQUIRED = ("question", "answer")
PHRASING_SEPARATOR = " | "  # a phrasing holding "|" itself would come back split in two
MAX_ROWS = 5000
MAX_ERRORS = 20  # a file that is wrong throughout needs the first few, not thousands
_LIMITS = {"question": 500, "answer": 5000, "short_answer": 500, "category": 64, "language": 16}
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


@dataclass(frozen=True)
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)  # non-empty: nothing was imported

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class _Row:
    number: int  # as the spreadsheet shows it
    faq_id: int | None
    values: dict[str, Any]  # FaqEntry fields of the columns the file has


def export_faqs(*, session: Session, bom: bool = True) -> str:
    """Every entry in id order. The byte order mark makes Excel read the file as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)  # CRLF line ends and quoting where needed, as spreadsheets expect
    writer.writerow(COLUMNS)
    for faq in faq_crud.list_faqs(session=session):
        writer.writerow(
            [
                faq.id,
                faq.question,
                PHRASING_SEPARATOR.join(faq.phrasings),
                faq.answer,
                faq.short_answer or "",
                faq.category or "",
                faq.language,
                "true" if faq.published else "false",
                json.dumps(faq.media, ensure_ascii=False, separators=(",", ":"))
                if faq.media
                else "",
                faq.translation_of or "",
            ]
        )
    return ("\ufeff" if bom else "") + out.getvalue()


def _decode(data: str | bytes) -> str:
    if isinstance(data, bytes):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError(
                'The file is not UTF-8 text: in Excel, save it as "CSV UTF-8 (Comma delimited)".'
            ) from None
    return data.removeprefix("\ufeff")


def _parse(number: int, raw: dict[str, str]) -> tuple[_Row | None, list[str]]:
    problems = []
    faq_id = None
    if raw.get("id"):
        if raw["id"].isdigit():
            faq_id = int(raw["id"])
        else:
            problems.append(f"id {raw['id']!r} is not a whole number")
    problems += [f"{name} is empty" for name in REQUIRED if not raw.get(name)]
    problems += [
        f"{name} is longer than {limit} characters"
        for name, limit in _LIMITS.items()
        if len(raw.get(name, "")) > limit
    ]
    translation_of = None
    if raw.get("translation_of"):
        if raw["translation_of"].isdigit():
            translation_of = int(raw["translation_of"])
        else:
            problems.append(f"translation_of {raw['translation_of']!r} is not an entry id")
    published = raw.get("published", "").lower()
    if published and published not in _TRUE | _FALSE:
        problems.append(f"published is {raw['published']!r}; write true or false")
    media: list[dict[str, Any]] = []
    if raw.get("media"):
        try:
            media = check_media(json.loads(raw["media"]))
        except json.JSONDecodeError as exc:
            problems.append(f"media is not valid JSON ({exc.msg} at character {exc.pos + 1})")
        except ValueError as exc:
            problems.append(f"media: {exc}")
    if problems:
        return None, [f"row {number}: {p}" for p in problems]
    values: dict[str, Any] = {
        "question": raw["question"],
        "answer": raw["answer"],
        "short_answer": raw.get("short_answer") or None,
        "category": raw.get("category") or None,
        "language": raw.get("language") or "en",
        "published": published not in _FALSE,
        "phrasings": [p.strip() for p in raw.get("phrasings", "").split("|") if p.strip()],
        "media": media,
        "translation_of": translation_of,
    }
    return _Row(number, faq_id, {k: v for k, v in values.items() if k in raw}), []


def _read(text: str) -> tuple[list[_Row], list[str]]:
    # Excel saves with ";" where the decimal separator is a comma: go by the header line.
    delimiter = max(",;\t", key=text.partition("\n")[0].count)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        return [], [f"The file is not valid CSV: {exc}."]
    if not records or not any(cell.strip() for cell in records[0]):
        return [], ["The file is empty: the first row must name the columns."]
    header = [cell.strip().lower() for cell in records[0]]
    errors = [
        f"unknown column {name!r} (columns: {', '.join(COLUMNS)})"
        for name in header
        if name not in COLUMNS
    ]
    errors += [f"column {name!r} appears twice" for name in COLUMNS if header.count(name) > 1]
    errors += [f"missing column {name!r}" for name in REQUIRED if name not in header]
    if len(records) - 1 > MAX_ROWS:
        errors.append(f"the file has {len(records) - 1} rows; at most {MAX_ROWS} at a time")
    if errors:
        return [], ["row 1: " + e for e in errors]
    rows = []
    for number, cells in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # spreadsheets leave blank rows at the end
        if len(cells) > len(header):
            errors.append(
                f"row {number}: {len(cells)} cells but {len(header)} columns "
                "(a comma in a value that is not in quotes?)"
            )
            continue
        # Short rows: spreadsheets drop trailing empty cells. Cell line ends become "\n".
        raw = {
            name: cell.replace("\r\n", "\n").strip()
            for name, cell in zip(header, cells, strict=False)
        }
        row, problems = _parse(number, raw)
        errors += problems
        if row is not None:
            rows.append(row)
    return rows, errors


def _plan(
    session: Session, rows: list[_Row]
) -> tuple[list[tuple[_Row, FaqEntry | None]], list[str]]:
    """Each row's entry: by id when that entry exists, else by exact question, else a new one."""
    existing = faq_crud.list_faqs(session=session)
    by_id = {faq.id: faq for faq in existing}
    by_question = {faq.question: faq for faq in existing}
    claimed: dict[int | None, int] = {}
    questions: dict[str, int] = {}  # rows without a known id, which match by question
    plan, errors = [], []
    for row in rows:
        target = by_id.get(row.faq_id) if row.faq_id is not None else None
        if target is None:
            question = row.values["question"]
            if question in questions:
                errors.append(f"row {row.number}: the same question as row {questions[question]}")
                continue
            questions[question] = row.number
            target = by_question.get(question)
        if target is not None:
            if target.id in claimed:
                errors.append(
                    f"row {row.number}: changes the same entry (id {target.id}) "
                    f"as row {claimed[target.id]}"
                )
            claimed.setdefault(target.id, row.number)
        source_id = row.values.get("translation_of")
        if source_id is not None:
            source = by_id.get(source_id)
            language = row.values.get("language") or (target.language if target else "en")
            if source is None:
                errors.append(f"row {row.number}: translation_of {source_id} is no entry's id")
                continue
            if source.translation_of is not None or source.language == language:
                errors.append(
                    f"row {row.number}: translation_of {source_id} must be a source entry "
                    "in another language"
                )
                continue
        plan.append((row, target))
    return plan, errors


def import_faqs(*, session: Session, data: str | bytes) -> ImportResult:
    """Creates and updates entries from a CSV file (as export_faqs writes it; UTF-8, with or
    without a byte order mark, CRLF or LF). Only `question` and `answer` columns are required.
    Any error: nothing is written and `errors` says what to fix. Flushes; the caller commits."""
    try:
        text = _decode(data)
    except ValueError as exc:
        return ImportResult(errors=[str(exc)])
    rows, errors = _read(text)
    plan, conflicts = _plan(session, rows) if not errors else ([], [])
    errors += conflicts
    if errors:
        more = len(errors) - MAX_ERRORS
        return ImportResult(
            errors=errors[:MAX_ERRORS] + ([f"… and {more} more"] if more > 0 else [])
        )
    created = updated = unchanged = 0
    # Rows are checked again as they are written (a translation's source may change earlier in
    # the same file); the first refusal undoes every row, so nothing is half imported.
    savepoint = session.begin_nested()
    for row, target in plan:
        try:
            if target is None:
                faq_crud.create_faq(session=session, faq_in=FaqEntryCreate(**row.values))
                created += 1
                continue
            changes = {k: v for k, v in row.values.items() if getattr(target, k) != v}
            if changes:
                faq_crud.update_faq(session=session, faq=target, faq_in=FaqEntryUpdate(**changes))
                updated += 1
            else:
                unchanged += 1
        except ValueError as exc:
            savepoint.rollback()
            return ImportResult(errors=[f"row {row.number}: {exc}"])
    savepoint.commit()
    return ImportResult(created=created, updated=updated, unchanged=unchanged)
