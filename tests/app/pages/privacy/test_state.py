"""The privacy page's state as an owner uses it: find a visitor, download their export, erase
them after confirming; bad or unknown values are named, and an agent can do none of it."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.pages.privacy.state import PrivacyState
from core.db import session_scope
from core.models.users import UserRole
from core.privacy.subjects import Lookup, SubjectNotFound, find_subject
from tests.app.test_session_state import call, people, state_of
from tests.factories import Person, make_person, stored_rows

__all__ = ["people"]  # the fixture, shared with the permission tests


@pytest.fixture
def jo(engine: Engine) -> Person:
    with session_scope(engine) as session:
        return make_person(session)


def downloaded(spec: Any) -> tuple[str, bytes]:
    """The file name and bytes an rx.download event hands the browser."""
    values = {str(name): value._var_value for name, value in spec.args}
    header, _, payload = values["url"].partition(",")
    assert header == "data:application/zip;base64"
    return values["filename"], base64.b64decode(payload)


def test_an_owner_finds_downloads_and_erases_a_visitor(
    engine: Engine, people: dict[str, str], jo: Person
) -> None:
    total = stored_rows(engine, jo)
    page = state_of(PrivacyState, token=people[UserRole.OWNER])
    call(page, "load")
    call(page, "search", {"lookup": "phone", "value": jo.phone})
    assert page.error == ""
    assert page.subject == f"the phone number {jo.phone.replace(' ', '')[1:]}"
    assert page.total == total
    rows = {row["table"]: (row["rows"], row["erasure"]) for row in page.tables}
    assert rows["Messages"] == ("2", "deleted")
    assert rows["Analytics events"][0] == "2"
    assert rows["Analytics events"][1].startswith("kept for the counts")

    name, archive = downloaded(call(page, "download"))
    assert name.startswith("personal-data-export-") and name.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        data = json.loads(opened.read("data.json"))
    assert data["tables"]["visitor"][0]["public_id"] == jo.public_id
    assert page.notice == f"Exported {total} rows about {page.subject}."
    owner = page.parent_state.user_email
    assert {k: page.log[0][k] for k in ("action", "actor", "found_by", "rows")} == {
        "action": "Export",
        "actor": owner,
        "found_by": "phone",
        "rows": str(total),
    }

    call(page, "erase")
    assert page.notice.startswith("Erased the phone number") and page.subject == ""
    assert page.notice.endswith(
        "Kept for the counts, without anything that leads to them: "
        "Analytics events 2, Widget clicks 1."
    )
    assert (page.log[0]["action"], page.log[0]["actor"]) == ("Erasure", owner)
    assert page.log[1]["action"] == "Export"
    assert jo.phone not in str(page.log) and jo.email not in str(page.log)
    with Session(engine) as session, pytest.raises(SubjectNotFound):
        find_subject(session=session, lookup=Lookup.EMAIL, value=jo.email)

    call(page, "search", {"lookup": "email", "value": jo.email})
    assert page.error == f"Nothing is stored about the e-mail address {jo.email}."
    assert page.subject == "" and page.tables == []


@pytest.mark.parametrize(
    ("lookup", "value", "said"),
    [
        ("email", "jo at example", "is not an e-mail address."),
        ("visitor", "42", "is not a visitor id"),
        ("phone", "", "Enter the phone number to look for."),
    ],
)
def test_a_value_that_names_no_one_is_explained(
    people: dict[str, str], lookup: str, value: str, said: str
) -> None:
    page = state_of(PrivacyState, token=people[UserRole.OWNER])
    call(page, "search", {"lookup": lookup, "value": value})
    assert said in page.error and page.subject == ""


def test_an_agent_can_neither_look_nor_erase(
    engine: Engine, people: dict[str, str], jo: Person
) -> None:
    total = stored_rows(engine, jo)
    page = state_of(PrivacyState, token=people[UserRole.AGENT])
    refusal = call(page, "search", {"lookup": "email", "value": jo.email})
    assert "Only an owner can do that." in str(refusal)
    assert page.tables == [] and page.total == 0
    call(page, "load")
    assert page.log == []  # the audit log is not read either
    page.subject, page.subject_value, page.lookup = "forged", jo.email, "email"
    assert "Only an owner can do that." in str(call(page, "erase"))
    with Session(engine) as session:
        assert find_subject(session=session, lookup=Lookup.EMAIL, value=jo.email).total == total
