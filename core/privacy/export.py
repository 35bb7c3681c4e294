"""The export of one visitor's data: a ZIP with `data.json` (every row the registry leads to
from them, decrypted; the shape is documented in docs/privacy.md) and `transcript.html` (their
conversations as they read them).

The tables and columns come from the registry: a table added to it is exported without a change
here. Columns the registry marks *omit* (hashes, internal links) are left out; every other column
of a row is exported, personal or not, as the person sees what we keep about them.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from core.crud import audit
from core.crud import business as business_crud
from core.db import session_scope
from core.models._types import as_utc
from core.models.audit import AuditAction
from core.privacy.registry import Export, Subject, entries
from core.privacy.subjects import Found, Lookup, chunks, find_subject
from core.privacy.transcript import render_transcript

FORMAT = "customeragent-export/1"
DATA_FILE = "data.json"
TRANSCRIPT_FILE = "transcript.html"


def export_data(*, session: Session, found: Found, now: datetime | None = None) -> dict[str, Any]:
    """Everything stored about the subject, as the JSON of `data.json`."""
    business = business_crud.get_business(session=session)
    tables = SQLModel.metadata.tables
    data: dict[str, Any] = {
        "format": FORMAT,
        "exported_at": _plain(now or datetime.now(UTC)),
        "business": {"name": business.name, "language": business.default_language},
        "found_by": {"kind": found.lookup.value, "value": found.value},
        "counts": found.counts(),
        "tables": {},
        "columns": {},
    }
    for item in entries(Subject.VISITOR):
        table = tables[item.table]
        shown = [
            column
            for column in table.columns
            if column.name not in item.personal
            or item.personal[column.name].export == Export.INCLUDE
        ]
        data["tables"][item.table] = _rows(session, table, shown, found.rows[item.table])
        data["columns"][item.table] = {
            name: personal.holds
            for name, personal in item.personal.items()
            if personal.export == Export.INCLUDE
        }
    return data


def export_zip(*, session: Session, found: Found, now: datetime | None = None) -> bytes:
    """The ZIP the person receives: data.json and transcript.html."""
    data = export_data(session=session, found=found, now=now)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DATA_FILE, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        archive.writestr(TRANSCRIPT_FILE, render_transcript(data))
    return buffer.getvalue()


def export_for(
    *,
    lookup: Lookup,
    value: str,
    actor: audit.Actor,
    engine: Engine | None = None,
    widen: bool = True,
) -> tuple[Found, bytes]:
    """Find the subject and export them, with an entry in the audit log (BadLookup and
    SubjectNotFound log nothing)."""
    with session_scope(engine) as session:
        found = find_subject(session=session, lookup=lookup, value=value, widen=widen)
        archive = export_zip(session=session, found=found)
        audit.record_action(
            session=session, action=AuditAction.EXPORT, actor=actor, details=found.details()
        )
    return found, archive


def filename(now: datetime | None = None) -> str:
    """A name for the ZIP that says what it is without naming the person."""
    day = (now or datetime.now(UTC)).strftime("%Y-%m-%d")
    return f"personal-data-export-{day}.zip"


def _rows(session: Session, table: Table, columns: list[Any], keys: tuple[Any, ...]) -> list[Any]:
    (pk,) = table.primary_key.columns
    rows: list[dict[str, Any]] = []
    for part in chunks(keys):
        query = select(*columns).where(pk.in_(part)).order_by(pk)
        rows += [
            {k: _plain(v) for k, v in row.items()} for row in session.execute(query).mappings()
        ]
    return rows


def _plain(value: Any) -> Any:
    """A stored value as JSON holds it: times in UTC, ISO 8601."""
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value
