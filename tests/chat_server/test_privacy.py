"""A visitor downloads and deletes their own data through the chat API."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.testclient import TestClient

from core.crud import audit
from core.integrations import delivery
from core.integrations.channels import DELIVERERS
from core.settings import Settings
from tests.conftest import Visit, make_app
from tests.fake_smtp import FakeSmtp

pytestmark = pytest.mark.slow
DATA = "/api/visitor/data"


def export(client: TestClient, visit: Visit) -> dict[str, Any]:
    response = client.get(DATA, headers=visit.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="personal-data-export-'
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == ["data.json", "transcript.html"]
        return json.loads(archive.read("data.json"))  # type: ignore[no-any-return]


def test_a_visitor_downloads_their_own_data_and_nobody_elses(
    client: TestClient, engine: Engine
) -> None:
    me, other = Visit(client), Visit(client)
    me.say("my frame number is WTU-5512, please email me at mine@example.org")
    other.say("someone else's secret: call me on +44 20 7946 0958")

    text = json.dumps(export(client, me), ensure_ascii=False)
    assert "WTU-5512" in text and "mine@example.org" in text
    assert "7946 0958" not in text and "someone else" not in text
    with Session(engine) as session:
        latest = audit.recent_actions(session=session, limit=1)[0]
    assert (latest.action, latest.actor) == ("export", "the visitor (widget)")


def test_an_address_typed_into_a_form_does_not_reach_its_owners_data(client: TestClient) -> None:
    victim = Visit(client)
    victim.say("my door code is 4711, write to victim@example.org")
    sent = client.post(
        "/api/contact",
        json={"name": "V", "email": "victim@example.org", "message": "hello"},
        headers=victim.headers,
    )
    assert sent.status_code == 201
    intruder = Visit(client)
    sent = client.post(
        "/api/contact",
        json={
            "name": "I",
            "email": "victim@example.org",
            "message": "it's me",
            "conversation_id": intruder.cid,
        },
        headers=intruder.headers,
    )
    assert sent.status_code == 201

    text = json.dumps(export(client, intruder), ensure_ascii=False)
    assert "it's me" in text
    assert "4711" not in text  # the victim's conversation stays out of the intruder's export


def test_a_visitor_deletes_their_data_once_and_others_keep_theirs(client: TestClient) -> None:
    me, other = Visit(client), Visit(client)
    me.say("please email me at leaving@example.org")
    other.say("what are your opening hours")

    response = client.delete(DATA, headers=me.headers)
    assert response.status_code == 200 and response.json() == {"erased": True}

    history = client.get(f"/api/conversations/{me.cid}/messages", headers=me.headers)
    assert history.status_code in (403, 404)
    again = client.delete(DATA, headers=me.headers)
    assert again.status_code == 404
    assert again.json()["error"] == "Nothing is stored about you: your data was already deleted"
    assert client.get(DATA, headers=me.headers).status_code == 404
    assert [m["text"] for m in other.history()][0] == "what are your opening hours"


def test_without_a_token_nothing_is_exported_or_deleted(client: TestClient) -> None:
    assert client.get(DATA).status_code == 401
    assert client.delete(DATA).status_code == 401
    forged = {"Authorization": "Bearer not-a-token"}
    assert client.delete(DATA, headers=forged).status_code == 401


@pytest.fixture
def smtp() -> Iterator[FakeSmtp]:
    server = FakeSmtp().start()
    yield server
    server.stop()


def test_a_link_by_email_downloads_the_data_of_that_address(
    engine: Engine, settings: Settings, smtp: FakeSmtp
) -> None:
    app = make_app(settings, **smtp.settings())
    with TestClient(app, base_url="http://127.0.0.1:8080") as mailing:
        me = Visit(mailing)
        me.say("my saddle squeaks")
        sent = mailing.post(
            "/api/contact",
            json={
                "name": "Jo",
                "email": "squeak@example.org",
                "message": "call me",
                "conversation_id": me.cid,
            },
            headers=me.headers,
        )
        assert sent.status_code == 201
        for address in ("Squeak@Example.org", "unknown@example.org"):  # the same answer
            asked = mailing.post(DATA + "/link", json={"email": address})
            assert (asked.status_code, asked.json()) == (202, {"status": "sent"})
        assert mailing.post(DATA + "/link", json={"email": "nope"}).status_code == 422

        delivery.drain(engine=engine, settings=app.state.chat.settings, deliverers=DELIVERERS)
        mails = [
            m for m in smtp.received if m["To"] in ("squeak@example.org", "unknown@example.org")
        ]
        assert [m["To"] for m in mails] == ["squeak@example.org"]  # none for the unknown one
        link = re.search(r"http://\S+", mails[0].get_content())
        assert link is not None
        url = link.group(0).replace(settings.CHAT_PUBLIC_URL, "")
        response = mailing.get(url)
        assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            assert "my saddle squeaks" in archive.read("data.json").decode()

        tampered = mailing.get(url[:-3] + "abc")
        assert tampered.status_code == 403 and "not valid" in tampered.text
        assert tampered.headers["content-type"].startswith("text/html")


def test_without_email_set_up_a_link_cannot_be_asked_for(client: TestClient) -> None:
    asked = client.post(DATA + "/link", json={"email": "jo@example.org"})
    assert asked.status_code == 503
    assert asked.json()["error"] == "E-mail is not set up here: ask the business for your data"
