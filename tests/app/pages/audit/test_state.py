"""The audit log page as an owner reads it: what the team did (users, roles, settings,
takeovers) appears in a sentence with who did it, filters narrow it, and older entries come a
page at a time."""

from __future__ import annotations

import uuid

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.pages.audit.state import PAGE_SIZE, AuditState
from app.pages.inbox.state import InboxState
from app.pages.settings.state import SettingsState
from app.pages.users.state import UsersState
from core.crud import audit
from core.crud import users as users_crud
from core.db import session_scope
from core.models.audit import AuditAction
from core.models.users import UserRole
from tests.app.test_session_state import call, people, state_of
from tests.factories import make_conversation

__all__ = ["people"]  # the fixture, shared with the permission tests


def test_what_an_owner_does_is_logged_and_the_filters_find_it(
    engine: Engine, people: dict[str, str]
) -> None:
    team = state_of(UsersState, token=people[UserRole.OWNER])
    owner = team.parent_state
    call(team, "load")
    email = f"sam-{uuid.uuid4().hex[:6]}@example.com"
    call(team, "add_user", {"email": email, "name": "Sam", "password": "", "role": "agent"})
    with Session(engine) as session:
        sam = users_crud.get_user_by_email(session=session, email=email)
        assert sam is not None and sam.id is not None
    call(team, "set_role", str(sam.id), "owner")
    call(team, "set_role", str(sam.id), "owner")  # no change: nothing to log
    call(team, "toggle_active", str(sam.id), "yes")
    assert team.error == ""

    settings = state_of(SettingsState, token=people[UserRole.OWNER])
    call(settings, "load")
    call(settings, "save", {})  # nothing changed: nothing logged
    call(settings, "set_field", "click_sample_percent", "50")
    call(settings, "save", {})
    call(settings, "set_field", "click_sample_percent", "100")
    call(settings, "save", {})
    assert settings.error == ""

    with session_scope(engine) as session:
        conversation = make_conversation(session, ("visitor", "hello"))
        public_id, conversation_id = conversation.public_id, conversation.id
    inbox = state_of(InboxState, token=people[UserRole.OWNER])
    inbox.selected = public_id
    call(inbox, "take_over")
    call(inbox, "take_over")  # already taken over: nothing new
    call(inbox, "hand_back")

    log = state_of(AuditState, token=people[UserRole.OWNER])
    call(log, "load")
    mine = [e for e in log.entries if e["actor"] == owner.user_email]
    said = [(e["action"], e["details"]) for e in mine]
    sam_named = f"Sam ({email})"
    assert said[:7] == [
        ("Handed a conversation back", f"conversation {conversation_id}"),
        ("Took a conversation over", f"conversation {conversation_id}"),
        ("Settings changed", "click sample rate"),
        ("Settings changed", "click sample rate"),
        ("Access switched", f"{sam_named}: switched off"),
        ("Role changed", f"{sam_named}: agent → owner"),
        ("User added", f"{sam_named} as agent"),
    ]
    assert mine[0]["link"] == f"/inbox?c={public_id}"  # the conversation still exists

    call(log, "set_action", AuditAction.ROLE_CHANGE)
    assert {e["action"] for e in log.entries} == {"Role changed"}
    call(log, "set_action", "")
    with Session(engine) as session:
        owner_user = users_crud.get_user_by_email(session=session, email=owner.user_email)
        assert owner_user is not None
    call(log, "set_actor", str(owner_user.id))
    assert {e["actor"] for e in log.entries} == {owner.user_email}
    assert "Signed in" in {e["action"] for e in log.entries}  # the fixture's sign-in
    call(log, "set_actor", "not a user")  # a crafted value: back to anyone
    assert log.actor == ""


def test_older_entries_come_a_page_at_a_time(engine: Engine, people: dict[str, str]) -> None:
    marker = f"bulk-{uuid.uuid4().hex[:6]}@example.com"
    with session_scope(engine) as session:
        for _ in range(PAGE_SIZE + 5):
            audit.record_action(
                session=session,
                action=AuditAction.SIGN_IN_REFUSED,
                actor=audit.Actor(name=marker),
                details={"reason": "Wrong e-mail or password."},
            )
    log = state_of(AuditState, token=people[UserRole.OWNER])
    call(log, "load")
    call(log, "set_action", AuditAction.SIGN_IN_REFUSED)
    assert len(log.entries) == PAGE_SIZE and log.more
    call(log, "show_older")
    ids = [int(e["id"]) for e in log.entries]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)
    assert sum(e["actor"] == marker for e in log.entries) == PAGE_SIZE + 5


def test_an_agent_reads_nothing_of_the_log(people: dict[str, str]) -> None:
    log = state_of(AuditState, token=people[UserRole.AGENT])
    refusal = call(log, "load")
    assert "Only an owner can do that." in str(refusal)
    assert log.entries == []
