"""Owners manage admin users; the installation never loses its last active owner."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.accounts.passwords import verify_password
from core.accounts.sessions import sign_in
from core.crud import users
from core.db import make_engine, session_scope
from core.manage import migrate
from core.models import AdminSession, UserRole
from core.settings import Settings
from tests.factories import PASSWORD, fresh_ip, make_user, unique_email


@pytest.fixture
def empty_engine(tmp_path: Path) -> Iterator[Engine]:
    """A database of its own: 'the last owner' means nothing in the shared one."""
    url = f"sqlite:///{tmp_path / 'users.db'}"
    migrate(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_e_mails_are_stored_lower_case_and_unique(engine: Engine) -> None:
    email = unique_email()
    with session_scope(engine) as session:
        user = make_user(session, email=f"  {email} ")
        assert user.email == email.lower()
        assert users.get_user_by_email(session=session, email=email.upper()) is user
        assert verify_password(PASSWORD, user.password_hash)[0]
        assert PASSWORD not in user.password_hash
    with pytest.raises(users.UserError, match="already exists"), session_scope(engine) as session:
        make_user(session, email=email.upper())


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-address", "not valid"),
        ("email", "someone@", "not valid"),
        ("name", "   ", "name"),
        ("password", "short", "at least 10 characters"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    session: Session, field: str, value: str, message: str
) -> None:
    values = {"email": unique_email(), "name": "Test User", "password": PASSWORD, field: value}
    with pytest.raises(users.UserError, match=message):
        users.create_user(
            session=session, email=values["email"], name=values["name"], password=values["password"]
        )


def test_listing_shows_every_user_in_e_mail_order(session: Session) -> None:
    created = [make_user(session).email for _ in range(3)]
    listed = [u.email for u in users.list_users(session=session)]
    assert set(created) <= set(listed)
    assert listed == sorted(listed)


def test_the_last_active_owner_cannot_be_demoted_deactivated_or_deleted(
    empty_engine: Engine,
) -> None:
    with session_scope(empty_engine) as session:
        owner = make_user(session, role=UserRole.OWNER)
        agent = make_user(session)
        assert owner.id is not None and agent.id is not None
        owner_id = owner.id
        refused: list[Callable[[], object]] = [
            lambda: users.set_role(session=session, user_id=owner_id, role=UserRole.AGENT),
            lambda: users.set_active(session=session, user_id=owner_id, active=False),
            lambda: users.delete_user(session=session, user_id=owner_id),
        ]
        for change in refused:
            with pytest.raises(users.UserError, match="last active owner"):
                change()
        assert owner.role == UserRole.OWNER and owner.active
        # A deactivated second owner does not count as someone left to manage users.
        other = make_user(session, role=UserRole.OWNER)
        assert other.id is not None
        users.set_active(session=session, user_id=other.id, active=False)
        with pytest.raises(users.UserError, match="last active owner"):
            users.delete_user(session=session, user_id=owner.id)
        # With another active owner the first may step down; agents change freely.
        users.set_active(session=session, user_id=other.id, active=True)
        assert (
            users.set_role(session=session, user_id=owner.id, role=UserRole.AGENT).role == "agent"
        )
        with pytest.raises(users.UserError, match="last active owner"):
            users.set_role(session=session, user_id=other.id, role=UserRole.AGENT)
        users.set_role(session=session, user_id=agent.id, role=UserRole.OWNER)
        users.delete_user(session=session, user_id=agent.id)
        assert users.get_user(session=session, user_id=agent.id) is None
        assert users.count_users(session=session) == 2


def test_reset_deactivate_and_delete_sign_the_user_out(engine: Engine, settings: Settings) -> None:
    with session_scope(engine) as session:
        user = make_user(session)
        assert user.id is not None
        user_id, email = user.id, user.email

    def signed_in_sessions() -> int:
        with session_scope(engine) as session:
            rows = session.exec(select(AdminSession).where(AdminSession.user_id == user_id))
            return len(rows.all())

    def sign_in_twice(password: str) -> None:
        for _ in range(2):
            with session_scope(engine) as session:
                sign_in(
                    session=session,
                    email=email,
                    password=password,
                    client_ip=fresh_ip(),
                    settings=settings,
                )

    sign_in_twice(PASSWORD)
    assert signed_in_sessions() == 2
    with session_scope(engine) as session:
        users.reset_password(session=session, user_id=user_id, password="another long password")
    assert signed_in_sessions() == 0
    sign_in_twice("another long password")
    with session_scope(engine) as session:
        users.set_active(session=session, user_id=user_id, active=False)
    assert signed_in_sessions() == 0
    with session_scope(engine) as session:
        users.set_active(session=session, user_id=user_id, active=True)
    sign_in_twice("another long password")
    with session_scope(engine) as session:
        users.delete_user(session=session, user_id=user_id)
    assert signed_in_sessions() == 0
    with pytest.raises(users.UserError, match="no longer exists"), session_scope(engine) as session:
        users.set_active(session=session, user_id=user_id, active=True)


def test_a_reset_password_must_follow_the_rules(session: Session) -> None:
    user = make_user(session)
    assert user.id is not None
    with pytest.raises(users.UserError, match="at least 10 characters"):
        users.reset_password(session=session, user_id=user.id, password="short")
    assert verify_password(PASSWORD, user.password_hash)[0]
