"""A visitor's export: found by e-mail, phone or any of their ids, it holds every item seeded for
them (decrypted) and nothing of anyone else's, its transcript is readable and escaped, and a
value that names no one gets a clear answer."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.crud import conversations as conv_crud
from core.crud import messages as msg_crud
from core.crud import telemetry
from core.db import session_scope
from core.models import MessageCreate
from core.models._types import utcnow
from core.privacy.export import DATA_FILE, FORMAT, TRANSCRIPT_FILE, export_zip
from core.privacy.registry import Subject, entries
from core.privacy.subjects import BadLookup, Lookup, SubjectNotFound, find_subject
from tests.factories import PERSON_ROWS, Person, make_person

DOCS = Path(__file__).resolve().parents[3] / "docs" / "privacy.md"


@pytest.fixture
def people(engine: Engine) -> tuple[Person, Person]:
    with session_scope(engine) as session:
        return make_person(session), make_person(session)


def unzip(archive: bytes) -> tuple[dict[str, Any], str]:
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        assert sorted(opened.namelist()) == [DATA_FILE, TRANSCRIPT_FILE]
        return json.loads(opened.read(DATA_FILE)), opened.read(TRANSCRIPT_FILE).decode()


def exported(engine: Engine, lookup: Lookup, value: str) -> tuple[dict[str, Any], str]:
    with Session(engine) as session:
        found = find_subject(session=session, lookup=lookup, value=value)
        return unzip(export_zip(session=session, found=found))


def test_the_export_holds_everything_seeded_for_the_subject_and_nothing_else(
    engine: Engine, people: tuple[Person, Person]
) -> None:
    jo, other = people
    data, transcript = exported(engine, Lookup.EMAIL, f"  {jo.email.upper()} ")
    assert data["format"] == FORMAT
    assert data["found_by"] == {"kind": "email", "value": jo.email}
    assert {table: len(rows) for table, rows in data["tables"].items()} == data["counts"]
    assert {t: n for t, n in data["counts"].items() if t in PERSON_ROWS} == PERSON_ROWS
    text = json.dumps(data, ensure_ascii=False)
    assert [value for value in jo.identifying if value not in text] == []
    assert [value for value in other.identifying if value in text] == []
    (visitor,) = data["tables"]["visitor"]
    assert (visitor["public_id"], visitor["visitor_key"], visitor["language"]) == (
        jo.public_id,
        jo.visitor_key,
        "en",
    )
    said, told = data["tables"]["message"]
    assert said["entities"] == [{"type": "email", "value": jo.email}]  # decrypted, as stored
    assert told["reply_to_id"] == said["id"] and told["role"] == "bot"
    assert {r["message"] for r in data["tables"]["contactrequest"]} == set(jo.texts[3:5])
    purchase = next(e for e in data["tables"]["analyticsevent"] if e["name"] == "tracked")
    assert purchase["private_properties"] == {"product": jo.texts[6]}
    assert (purchase["value"], purchase["currency"]) == (20.0, "GBP")
    # What the registry omits (links, pseudonymous keys of the aggregates) is not in the rows.
    assert all("visitor_key" not in e for e in data["tables"]["analyticsevent"])
    assert all("conversation_id" not in c for c in data["tables"]["widgetclick"])
    assert data["columns"]["visitor"]["email"] == "e-mail address given in a contact form"
    # The transcript tells the conversation as it happened, and nothing of anyone else's.
    for value in (jo.texts[0], jo.texts[1], jo.texts[2], jo.texts[3], jo.name):
        assert value in transcript
    assert other.email not in transcript and other.texts[0] not in transcript


@pytest.mark.parametrize("how", ["phone", "visitor", "visitor_key", "conversation"])
def test_every_way_of_naming_the_visitor_finds_the_same_rows(
    engine: Engine, people: tuple[Person, Person], how: str
) -> None:
    jo, _ = people
    lookup, value = {
        "phone": (Lookup.PHONE, jo.phone.replace(" ", "")),  # the digits are compared
        "visitor": (Lookup.VISITOR, jo.public_id),
        "visitor_key": (Lookup.VISITOR, jo.visitor_key.upper()),
        "conversation": (Lookup.VISITOR, jo.conversation_id),
    }[how]
    with Session(engine) as session:
        by_email = find_subject(session=session, lookup=Lookup.EMAIL, value=jo.email)
        found = find_subject(session=session, lookup=lookup, value=value)
    assert found.rows == by_email.rows
    assert {t: n for t, n in found.counts().items() if t in PERSON_ROWS} == PERSON_ROWS
    assert found.visitor_ids == (jo.visitor_id,)


def test_a_visitor_who_never_chatted_is_found_by_their_browser_key(engine: Engine) -> None:
    key = uuid.uuid4().hex
    with session_scope(engine) as session:
        telemetry.record_tracked(session=session, visitor_key=key, name="signup", at=utcnow())
    data, transcript = exported(engine, Lookup.VISITOR, key)
    assert data["tables"]["visitor"] == [] and data["tables"]["conversation"] == []
    assert [e["label"] for e in data["tables"]["analyticsevent"]] == ["signup"]
    assert "No conversations are stored about you." in transcript


class _Page(HTMLParser):
    """What a reader of the transcript meets: the page's language, headings and list items."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.tags: list[str] = []
        self.headings: list[str] = []
        self._in_heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "html":
            self.lang = dict(attrs).get("lang") or ""
        self._in_heading = tag in ("h1", "h2")
        if self._in_heading:
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2"):
            self._in_heading = False

    def handle_data(self, data: str) -> None:
        if self._in_heading:
            self.headings[-1] += data


def test_the_transcript_is_escaped_and_has_a_language_and_headings(engine: Engine) -> None:
    hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    with session_scope(engine) as session:
        visitor = conv_crud.create_visitor(session=session, language="fr")
        conversation = conv_crud.create_conversation(
            session=session, visitor=visitor, language="fr"
        )
        msg_crud.create_message(
            session=session,
            conversation=conversation,
            message_in=MessageCreate(role="visitor", text=hostile, language="fr"),
        )
        public_id = visitor.public_id
    _, transcript = exported(engine, Lookup.VISITOR, public_id)
    page = _Page()
    page.feed(transcript)
    assert "script" not in page.tags and "img" not in page.tags
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img" in transcript
    assert page.lang == "en"  # the business's language; the French chat carries its own
    assert '<section aria-labelledby="conversation-1" lang="fr">' in transcript
    assert page.headings[0].startswith("Your conversations with ")
    assert page.headings[1].startswith("Conversation 1, started ")


@pytest.mark.parametrize(
    ("lookup", "value", "said"),
    [
        (Lookup.EMAIL, "jo at example.org", "is not an e-mail address"),
        (Lookup.EMAIL, "   ", "Enter the e-mail address"),
        (Lookup.PHONE, "12-34", "is not a phone number"),
        (Lookup.PHONE, "call me maybe", "is not a phone number"),
        (Lookup.VISITOR, "visitor-42", "is not a visitor id"),
    ],
)
def test_a_value_that_cannot_name_anyone_is_refused(
    session: Session, lookup: Lookup, value: str, said: str
) -> None:
    with pytest.raises(BadLookup, match=said):
        find_subject(session=session, lookup=lookup, value=value)


def test_nobody_stored_under_the_value_is_said_plainly(session: Session) -> None:
    with pytest.raises(SubjectNotFound, match="Nothing is stored about the e-mail address"):
        find_subject(session=session, lookup=Lookup.EMAIL, value="nobody.here@example.org")
    with pytest.raises(SubjectNotFound, match="the id 0123"):
        find_subject(session=session, lookup=Lookup.VISITOR, value="0123" * 8)


def test_the_documented_shape_is_the_exported_one(
    engine: Engine, people: tuple[Person, Person]
) -> None:
    doc = DOCS.read_text()
    data, _ = exported(engine, Lookup.EMAIL, people[0].email)
    assert [key for key in data if f"`{key}`" not in doc] == []
    assert list(data["tables"]) == [item.table for item in entries(Subject.VISITOR)]
