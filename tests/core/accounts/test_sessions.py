"""Admin sign-in: what the admin app relies on before it shows or changes anything."""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.accounts import sessions
from core.accounts.sign_in_limits import LoginLimiter
from core.crud import audit, users
from core.db import make_engine, session_scope
from core.manage import migrate
from core.models import AdminSession, User, UserPublic, UserRole
from core.models._types import as_utc, utcnow
from core.settings import Settings
from tests.factories import PASSWORD, fresh_ip, make_user

ROOT = Path(__file__).resolve().parents[3]


def new_user(engine: Engine, *, role: UserRole = UserRole.AGENT) -> str:
    """A committed user's e-mail address."""
    with session_scope(engine) as session:
        return make_user(session, role=role).email


def sign_in(
    engine: Engine,
    settings: Settings,
    email: str,
    password: str = PASSWORD,
    client_ip: str | None = None,
) -> tuple[str, UserPublic]:
    with session_scope(engine) as session:
        return sessions.sign_in(
            session=session,
            email=email,
            password=password,
            client_ip=client_ip or fresh_ip(),
            settings=settings,
        )


def who(engine: Engine, settings: Settings, token: str | None) -> UserPublic | None:
    with session_scope(engine) as session:
        return sessions.current_user(session=session, token=token, settings=settings)


def session_row(session: Session, token: str) -> AdminSession:
    query = select(AdminSession).where(AdminSession.token_hash == sessions.hash_token(token))
    return session.exec(query).one()


@pytest.fixture
def empty_engine(tmp_path: Path) -> Iterator[Engine]:
    """A database without users, so that the first-owner step has something to do."""
    url = f"sqlite:///{tmp_path / 'first.db'}"
    migrate(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_a_good_password_signs_in_until_sign_out(engine: Engine, settings: Settings) -> None:
    email = new_user(engine)
    token, user = sign_in(engine, settings, email.upper())
    assert user.email == email and user.role == UserRole.AGENT and user.last_login_at
    assert len(token) >= 43
    assert who(engine, settings, token) == user
    other_token, _ = sign_in(engine, settings, email)
    with session_scope(engine) as session:
        sessions.sign_out(session=session, token=token)
    assert who(engine, settings, token) is None
    assert who(engine, settings, other_token) is not None  # another browser stays signed in
    with session_scope(engine) as session:
        assert sessions.sign_out_everywhere(session=session, user_id=user.id) == 1
    assert who(engine, settings, other_token) is None


def test_wrong_password_and_unknown_e_mail_get_the_same_answer_and_work(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    email = new_user(engine)
    checks: list[str] = []
    real_verify = sessions.verify_password

    def counting_verify(password: str, password_hash: str) -> tuple[bool, str | None]:
        checks.append(password_hash)
        return real_verify(password, password_hash)

    monkeypatch.setattr(sessions, "verify_password", counting_verify)
    with pytest.raises(sessions.AuthError) as wrong:
        sign_in(engine, settings, email, "not the password at all")
    with pytest.raises(sessions.AuthError) as unknown:
        sign_in(engine, settings, f"nobody.{uuid.uuid4().hex}@example.com")
    assert wrong.value.message == unknown.value.message == "Wrong e-mail or password."
    # An unknown address costs a full argon2 check as well, so timing does not reveal accounts.
    assert len(checks) == 2 and all(h.startswith("$argon2id$") for h in checks)


def test_sign_in_attempts_are_limited_per_e_mail_and_per_ip(
    engine: Engine, settings: Settings
) -> None:
    strict = settings.model_copy(update={"LOGIN_RATE_LIMIT": "3/minute"})
    email = new_user(engine)
    for _ in range(3):
        with pytest.raises(sessions.AuthError, match="Wrong e-mail or password"):
            sign_in(engine, strict, email, "a wrong password")
    # The fourth attempt is refused even with the right password, from any address.
    with pytest.raises(sessions.RateLimited) as limited:
        sign_in(engine, strict, email)
    assert 1 <= limited.value.retry_after <= 60
    assert "wait" in limited.value.message

    ip = fresh_ip()
    for _ in range(3):
        with pytest.raises(sessions.AuthError, match="Wrong e-mail or password"):
            sign_in(engine, strict, f"guess.{uuid.uuid4().hex}@example.com", client_ip=ip)
    with pytest.raises(sessions.RateLimited):
        sign_in(engine, strict, new_user(engine), client_ip=ip)


def test_sign_ins_refusals_and_sign_outs_are_in_the_audit_log(
    engine: Engine, settings: Settings
) -> None:
    strict = settings.model_copy(update={"LOGIN_RATE_LIMIT": "4/minute"})
    email = new_user(engine)
    ip = fresh_ip()

    def refused(password: str) -> None:
        try:
            sign_in(engine, strict, email, password, client_ip=ip)
        except sessions.AuthError as error:
            with session_scope(engine) as session:
                sessions.record_refusal(session=session, email=email, client_ip=ip, error=error)
        else:
            raise AssertionError("signed in with a wrong password")

    refused("a wrong password")
    token, user = sign_in(engine, strict, email, client_ip=ip)
    with session_scope(engine) as session:
        sessions.sign_out(session=session, token=token, client_ip=ip)
        sessions.sign_out(session=session, token=token, client_ip=ip)  # gone: nothing more
    for _ in range(3):  # the fifth attempt from this address is refused as too many: not logged
        refused("another wrong one")
    with Session(engine) as session:
        logged = audit.recent_actions(session=session, actor_id=user.id, limit=10)
    assert [(e.action, e.actor, e.address) for e in logged] == [
        ("sign-in-refused", email, ip),
        ("sign-in-refused", email, ip),
        ("sign-out", email, ip),
        ("sign-in", email, ip),
        ("sign-in-refused", email, ip),
    ]
    assert logged[0].details == {"reason": "Wrong e-mail or password."}


def test_a_good_sign_in_forgives_earlier_typos(engine: Engine, settings: Settings) -> None:
    strict = settings.model_copy(update={"LOGIN_RATE_LIMIT": "3/minute"})
    email = new_user(engine)
    for _ in range(2):
        with pytest.raises(sessions.AuthError):
            sign_in(engine, strict, email, "a wrong password")
    sign_in(engine, strict, email)
    sign_in(engine, strict, email)  # a fresh address and a forgiven e-mail count


def test_sessions_expire_at_an_absolute_time(engine: Engine, settings: Settings) -> None:
    token, _ = sign_in(engine, settings, new_user(engine))
    with session_scope(engine) as session:
        row = session_row(session, token)
        assert as_utc(row.expires_at) - as_utc(row.created_at) == timedelta(hours=12)
        row.created_at = utcnow() - timedelta(hours=12, seconds=1)
    # Activity does not extend it: created_at alone decides.
    assert who(engine, settings, token) is None
    with (
        pytest.raises(sessions.AuthError, match="Please sign in."),
        session_scope(engine) as session,
    ):
        sessions.require(session=session, token=token, settings=settings)

    # Shortening ADMIN_SESSION_HOURS ends sessions already handed out.
    token, _ = sign_in(engine, settings, new_user(engine))
    with session_scope(engine) as session:
        session_row(session, token).created_at = utcnow() - timedelta(hours=2)
    assert who(engine, settings, token) is not None
    assert who(engine, settings.model_copy(update={"ADMIN_SESSION_HOURS": 1.0}), token) is None


def test_activity_is_recorded_on_the_session(engine: Engine, settings: Settings) -> None:
    token, _ = sign_in(engine, settings, new_user(engine))
    earlier = utcnow() - timedelta(minutes=5)
    with session_scope(engine) as session:
        session_row(session, token).last_seen_at = earlier
    assert who(engine, settings, token) is not None
    with session_scope(engine) as session:
        assert as_utc(session_row(session, token).last_seen_at) > earlier + timedelta(minutes=4)


def test_expired_sessions_are_purged(engine: Engine, settings: Settings) -> None:
    token, _ = sign_in(engine, settings, new_user(engine))
    with session_scope(engine) as session:
        assert (
            sessions.purge_expired_sessions(session=session, now=utcnow() + timedelta(hours=13))
            >= 1
        )
    with session_scope(engine) as session:
        query = select(AdminSession).where(AdminSession.token_hash == sessions.hash_token(token))
        assert session.exec(query).first() is None


def test_deactivated_users_cannot_sign_in_or_stay_signed_in(
    engine: Engine, settings: Settings
) -> None:
    email = new_user(engine)
    token, user = sign_in(engine, settings, email)
    with session_scope(engine) as session:
        session.get(User, user.id).active = False  # type: ignore[union-attr]
    assert who(engine, settings, token) is None
    with pytest.raises(sessions.AuthError, match="deactivated"):
        sign_in(engine, settings, email)
    with pytest.raises(sessions.AuthError, match="Wrong e-mail or password"):
        sign_in(engine, settings, email, "a wrong password")  # says nothing about the account


def test_only_owners_pass_an_owner_check(engine: Engine, settings: Settings) -> None:
    agent_token, _ = sign_in(engine, settings, new_user(engine))
    owner_token, _ = sign_in(engine, settings, new_user(engine, role=UserRole.OWNER))
    with session_scope(engine) as session:
        with pytest.raises(sessions.AuthError) as refused:
            sessions.require(
                session=session, token=agent_token, settings=settings, role=UserRole.OWNER
            )
        assert refused.value.message == "Only an owner can do that."
        assert (
            sessions.require(session=session, token=agent_token, settings=settings).role == "agent"
        )
        for role in (UserRole.OWNER, UserRole.AGENT, None):
            owner = sessions.require(
                session=session, token=owner_token, settings=settings, role=role
            )
            assert owner.role == UserRole.OWNER
        for token in (None, "", "made-up-token"):
            with pytest.raises(sessions.AuthError, match="Please sign in."):
                sessions.require(session=session, token=token, settings=settings)


def test_the_database_holds_only_a_hash_of_the_token(engine: Engine, settings: Settings) -> None:
    token, _ = sign_in(engine, settings, new_user(engine))
    with session_scope(engine) as session:
        row = session_row(session, token)
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert all(token not in str(value) for value in row.model_dump().values())


def test_the_first_owner_gets_a_generated_password_once(
    empty_engine: Engine, settings: Settings
) -> None:
    first = settings.model_copy(update={"ADMIN_EMAIL": None, "ADMIN_PASSWORD": None})
    with session_scope(empty_engine) as session:
        password = sessions.ensure_first_owner(session=session, settings=first)
    assert password is not None and len(password) >= 16
    token, owner = sign_in(empty_engine, settings, "owner@example.com", password)
    assert owner.role == UserRole.OWNER and token
    with session_scope(empty_engine) as session:
        assert sessions.ensure_first_owner(session=session, settings=first) is None
        assert users.count_users(session=session) == 1


def test_the_first_owner_can_come_from_settings(empty_engine: Engine, settings: Settings) -> None:
    configured = settings.model_copy(
        update={"ADMIN_EMAIL": "Boss@Shop.example", "ADMIN_PASSWORD": "configured password"}
    )
    with session_scope(empty_engine) as session:
        assert sessions.ensure_first_owner(session=session, settings=configured) is None
    _, owner = sign_in(empty_engine, settings, "boss@shop.example", "configured password")
    assert owner.role == UserRole.OWNER
    too_short = settings.model_copy(update={"ADMIN_PASSWORD": "short"})
    # Once users exist the setting is no longer read, so a later bad value cannot break start-up.
    with session_scope(empty_engine) as session:
        assert sessions.ensure_first_owner(session=session, settings=too_short) is None


def test_a_short_admin_password_is_refused(empty_engine: Engine, settings: Settings) -> None:
    too_short = settings.model_copy(update={"ADMIN_PASSWORD": "short"})
    with pytest.raises(users.UserError, match="at least 10"), session_scope(empty_engine) as s:
        sessions.ensure_first_owner(session=s, settings=too_short)


def test_manage_create_owner_prints_the_password_only_once(
    empty_engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADMIN_")}
    env |= {"DATABASE_URL": str(empty_engine.url), "PYTHONPATH": str(ROOT)}

    def create_owner() -> str:
        done = subprocess.run(
            [sys.executable, "-m", "core.manage", "create-owner"],
            cwd=tmp_path,  # away from any .env in the checkout
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout.strip()

    first = create_owner()
    assert first.startswith("Admin sign-in: owner@example.com / password: ")
    password = first.rsplit(" ", 1)[-1]
    _, owner = sign_in(empty_engine, settings, "owner@example.com", password)
    assert owner.role == UserRole.OWNER
    second = create_owner()
    assert second == "Admin users exist" and password not in second


def test_login_counts_are_shared_through_redis() -> None:
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail("Redis is expected on 127.0.0.1:6379 on these machines")
    finally:
        client.close()
    email, ip = f"{uuid.uuid4().hex}@example.com", fresh_ip()
    # Two limiter objects stand for two admin backend workers.
    first = LoginLimiter("2/minute", "redis://127.0.0.1:6379/0")
    second = LoginLimiter("2/minute", "redis://127.0.0.1:6379/0")
    try:
        assert first.hit(email=email, client_ip=ip) is None
        assert second.hit(email=email, client_ip=fresh_ip()) is None
        wait = first.hit(email=email, client_ip=fresh_ip())
        assert wait is not None and 1 <= wait <= 60
    finally:
        first.close()
        second.close()


def test_sign_in_limits_still_count_while_redis_is_unreachable() -> None:
    """Redis down must neither lock owners out (an error at every sign-in) nor let guesses
    through uncounted: the process counts on its own meanwhile."""
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        nowhere = f"redis://127.0.0.1:{sock.getsockname()[1]}/0"
    limiter = LoginLimiter("2/minute", nowhere)
    email, ip = f"{uuid.uuid4().hex}@example.com", fresh_ip()
    try:
        assert limiter.hit(email=email, client_ip=ip) is None
        assert limiter.hit(email=email, client_ip=ip) is None
        wait = limiter.hit(email=email, client_ip=ip)
        assert wait is not None and 1 <= wait <= 60
    finally:
        limiter.close()
