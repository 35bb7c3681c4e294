"""Server-side permission checks of the admin: every data handler refuses a missing session, and
owner-only handlers refuse agents (called directly, as a crafted websocket event would)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from reflex.state import State
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.app import app  # noqa: F401  (registers every page state)
from app.pages.audit.state import AuditState
from app.pages.integrations.state import IntegrationsState
from app.pages.knowledge.state import KnowledgeState
from app.pages.login.state import LoginState
from app.pages.outbox.state import OutboxState
from app.pages.privacy.state import PrivacyState
from app.pages.report.state import ReportState
from app.pages.settings.state import SettingsState
from app.pages.users.state import UsersState
from app.session_state import GUARD_MARKER, AuthState
from core.accounts import sessions
from core.crud import users as users_crud
from core.models import FaqEntry
from core.models.users import User, UserRole
from core.settings import Settings

# Handlers that must work without a session (they establish or end one), and Reflex's own.
OPEN = {
    (AuthState, "check_session"),
    (AuthState, "check_owner"),
    (AuthState, "sign_out"),
    (LoginState, "open_page"),
    (LoginState, "sign_in"),
}
OWNER_PAGES = (
    SettingsState,
    UsersState,
    PrivacyState,
    OutboxState,
    AuditState,
    ReportState,
    IntegrationsState,
)


def page_states() -> list[type[AuthState]]:
    found: list[type[AuthState]] = []
    todo: list[type[AuthState]] = [AuthState]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def state_of(cls: type[AuthState], token: str = "") -> Any:
    root = State(_reflex_internal_init=True)
    state = root.get_substate(cls.get_full_name().split(".")[1:])
    state.session_token = token
    return state


def call(state: Any, name: str, *args: Any) -> Any:
    return type(state).event_handlers[name].fn(state, *args)


@pytest.fixture
def people(engine: Engine, settings: Settings) -> Iterator[dict[str, str]]:
    tokens: dict[str, str] = {}
    with Session(engine, expire_on_commit=False) as session:
        for role in (UserRole.OWNER, UserRole.AGENT):
            email = f"{role}-{uuid.uuid4().hex[:8]}@example.com"
            users_crud.create_user(
                session=session,
                email=email,
                name=role.title(),
                password="long enough password",
                role=role,
            )
            session.commit()
            tokens[role], _ = sessions.sign_in(
                session=session,
                email=email,
                password="long enough password",
                client_ip="203.0.113.9",
                settings=settings,
            )
            session.commit()
    yield tokens


def user_count(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(User)).all())


def test_every_handler_that_touches_data_checks_the_session() -> None:
    unguarded = [
        f"{cls.__name__}.{name}"
        for cls in page_states()
        for name, handler in cls.event_handlers.items()
        if name != "setvar"  # Reflex's own: sets a state var, never touches the database
        and (cls, name) not in OPEN
        and not hasattr(handler.fn, GUARD_MARKER)
    ]
    assert unguarded == []


def test_handlers_of_owner_pages_require_an_owner() -> None:
    for cls in OWNER_PAGES:
        roles = {
            n: getattr(h.fn, GUARD_MARKER, None)
            for n, h in cls.event_handlers.items()
            if n != "setvar"
        }
        assert set(roles.values()) == {UserRole.OWNER}, cls.__name__


def test_an_unsigned_call_to_a_data_changing_handler_changes_nothing(engine: Engine) -> None:
    with Session(engine) as session:
        faq = session.exec(select(FaqEntry)).first()
        assert faq is not None
    knowledge = state_of(KnowledgeState)
    knowledge.deleting = str(faq.id)
    refusal = call(knowledge, "confirm_delete")
    assert "/login" in str(refusal)
    with Session(engine) as session:
        assert session.get(FaqEntry, faq.id) is not None

    before = user_count(engine)
    call(
        state_of(UsersState, token="forged-token"),
        "add_user",
        {"email": "intruder@example.com", "password": "long enough password", "role": "owner"},
    )
    assert user_count(engine) == before
    assert knowledge.faqs == []  # nothing was read either


def test_an_agent_cannot_manage_users(engine: Engine, people: dict[str, str]) -> None:
    agent_view = state_of(UsersState, token=people[UserRole.AGENT])
    before = user_count(engine)
    refusal = call(
        agent_view,
        "add_user",
        {
            "email": f"new-{uuid.uuid4().hex[:6]}@example.com",
            "password": "long enough password",
            "role": "owner",
        },
    )
    assert "Only an owner can do that." in str(refusal)
    assert user_count(engine) == before
    call(agent_view, "load")
    assert agent_view.users == []  # the user list is not even read


def test_an_owner_can_add_an_agent(engine: Engine, people: dict[str, str]) -> None:
    owner_view = state_of(UsersState, token=people[UserRole.OWNER])
    email = f"agent-{uuid.uuid4().hex[:6]}@example.com"
    call(owner_view, "add_user", {"email": email, "name": "Sam", "password": "", "role": "agent"})
    assert owner_view.error == ""
    assert any(u["email"] == email and u["role"] == "agent" for u in owner_view.users)
    assert email in owner_view.shown_password  # the generated password, shown once


def test_who_is_signed_in_is_sent_once_not_with_every_event(people: dict[str, str]) -> None:
    owner_view = state_of(UsersState, token=people[UserRole.OWNER])
    auth = owner_view.parent_state
    call(owner_view, "load")
    assert auth.user_role == "owner"
    auth.dirty_vars.clear()
    call(owner_view, "load")
    assert not {"user_name", "user_email", "user_role"} & auth.dirty_vars
