"""`python -m core.manage export | erase`: a private ZIP never written over a file, an erasure
that asks for --yes first, and a plain answer for a subject that is not (or no longer) there."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.crud.audit import recent_actions
from core.db import session_scope
from core.manage import main
from core.privacy.subjects import Lookup, SubjectNotFound, find_subject
from tests.factories import Person, make_person, stored_rows


@pytest.fixture
def jo(engine: Engine) -> Person:
    with session_scope(engine) as session:
        return make_person(session)


def test_export_writes_a_private_zip_and_never_over_a_file(
    engine: Engine, jo: Person, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "jo.zip"
    total = stored_rows(engine, jo)
    assert main(["export", "--phone", jo.phone, "--out", str(out)]) == 0
    assert f"Exported {total} rows about the phone number {jo.phone.replace(' ', '')[1:]}" in (
        capsys.readouterr().out
    )
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with Session(engine) as session:
        logged = recent_actions(session=session, limit=1)[0]
    assert (logged.action, logged.details["rows"]["message"]) == ("export", 2)
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as archive:
        data = json.loads(archive.read("data.json"))
    assert data["tables"]["visitor"][0]["public_id"] == jo.public_id
    assert main(["export", "--email", jo.email, "--out", str(out)]) == 2
    assert "exists: choose another --out" in capsys.readouterr().err
    missing = tmp_path / "nobody.zip"
    assert main(["export", "--email", "nobody@example.org", "--out", str(missing)]) == 2
    assert "Nothing is stored about the e-mail address nobody@example.org" in (
        capsys.readouterr().err
    )
    assert not missing.exists()


def test_erase_says_what_it_would_do_and_does_it_only_when_confirmed(
    engine: Engine, jo: Person, capsys: pytest.CaptureFixture[str]
) -> None:
    total = stored_rows(engine, jo)
    assert main(["erase", "--visitor", jo.conversation_id]) == 1
    out = capsys.readouterr().out
    assert f"Would erase {total} rows about the id {jo.conversation_id}" in out
    assert "Nothing was changed: add --yes to erase." in out
    with Session(engine) as session:
        assert find_subject(session=session, lookup=Lookup.EMAIL, value=jo.email).total == total

    assert main(["erase", "--visitor", jo.conversation_id, "--yes"]) == 0
    assert (
        f"Erased the id {jo.conversation_id}: deleted visitor 1, conversation 1,"
        in capsys.readouterr().out
    )
    with Session(engine) as session:
        logged = recent_actions(session=session, limit=1)[0]
    assert logged.action == "erasure" and logged.actor.startswith("command line (")
    assert logged.address is None and logged.details["found_by"] == "visitor"
    with Session(engine) as session, pytest.raises(SubjectNotFound):
        find_subject(session=session, lookup=Lookup.EMAIL, value=jo.email)

    assert main(["erase", "--email", jo.email, "--yes"]) == 2
    assert f"Nothing is stored about the e-mail address {jo.email}" in capsys.readouterr().err
    assert main(["erase", "--phone", "12", "--yes"]) == 2
    assert "“12” is not a phone number." in capsys.readouterr().err


def test_one_way_of_naming_the_visitor_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["erase", "--email", "a@example.org", "--phone", "+44 7700 900123"])
    assert "not allowed with argument" in capsys.readouterr().err


def test_retention_says_when_no_limit_is_set_and_counts_on_a_dry_run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.settings import get_settings

    assert main(["retention"]) == 0
    assert "No retention limit is set" in capsys.readouterr().out
    # A limit of 100 years: nothing stored is that old, and a dry run changes nothing anyway.
    monkeypatch.setattr(get_settings(), "RETENTION_CONVERSATION_DAYS", 36500)
    assert main(["retention", "--dry-run"]) == 0
    assert capsys.readouterr().out.startswith(
        "Would erase: Nothing is older than the retention limits."
    )
