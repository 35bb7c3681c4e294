"""Sign-in policy for the admin app: every page and every state event handler that reads or
changes data calls `require` first, on the server; the browser only ever holds a random token."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import delete
from sqlmodel import Session, col, select

from core.accounts.passwords import hash_password, verify_password
from core.accounts.sign_in_limits import get_login_limiter
from core.crud import audit, users
from core.models import AdminSession, User, UserPublic, UserRole
from core.models._types import as_utc, utcnow
from core.models.audit import AuditAction
from core.settings import Settings

DEFAULT_OWNER_EMAIL = "owner@example.com"
WRONG_CREDENTIALS = "Wrong e-mail or password."
SIGN_IN_REQUIRED = "Please sign in."
OWNER_REQUIRED = "Only an owner can do that."
# Handlers call `current_user` on every click; writing last_seen_at each time would turn reads
# into writes (SQLite has one writer). Once a minute is fine for "last active".
TOUCH_INTERVAL = timedelta(minutes=1)
_RANK = {UserRole.AGENT: 0, UserRole.OWNER: 1}  # an owner may do whatever an agent may


class AuthError(Exception):
    """Refused; `message` is fit to show on the sign-in page or as a toast."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RateLimited(AuthError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many sign-in attempts. Please wait {retry_after} seconds.")
        self.retry_after = retry_after


def hash_token(token: str) -> str:
    # No salt needed: the token is 256 random bits, so the hash cannot be guessed backwards.
    return hashlib.sha256(token.encode()).hexdigest()


@lru_cache
def _dummy_hash() -> str:
    """Hashed with the current argon2 parameters, so a miss costs what a real check costs."""
    return hash_password(secrets.token_urlsafe(16))


def sign_in(
    *, session: Session, email: str, password: str, client_ip: str, settings: Settings
) -> tuple[str, UserPublic]:
    """Returns a new session token for the browser to keep, and the signed-in user (recorded in
    the audit log in the caller's transaction). A refusal raises AuthError; the caller records
    it with `record_refusal` in a transaction of its own, since the caller's is rolled back."""
    key = email.strip().lower()
    limiter = get_login_limiter(settings.LOGIN_RATE_LIMIT, settings.REDIS_URL)
    wait = limiter.hit(email=key, client_ip=client_ip)
    if wait is not None:
        raise RateLimited(wait)
    user = users.get_user_by_email(session=session, email=key)
    # Unknown addresses cost one argon2 check too: the answer time must not reveal accounts.
    ok, new_hash = verify_password(password, user.password_hash if user else _dummy_hash())
    if user is None or not ok:
        raise AuthError(WRONG_CREDENTIALS)
    if not user.active:
        raise AuthError("This account is deactivated. Ask an owner to turn it back on.")
    assert user.id is not None
    limiter.forgive_email(key)
    now = utcnow()
    if new_hash is not None:
        user.password_hash = new_hash
    user.last_login_at = now
    session.add(user)
    audit.record_action(
        session=session,
        action=AuditAction.SIGN_IN,
        actor=audit.Actor(name=user.email, user_id=user.id, address=client_ip or None),
        details={},
    )
    token = secrets.token_urlsafe(32)
    session.add(
        AdminSession(
            token_hash=hash_token(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(hours=settings.ADMIN_SESSION_HOURS),
            last_seen_at=now,
        )
    )
    session.flush()
    return token, UserPublic.of(user)


def current_user(*, session: Session, token: str | None, settings: Settings) -> UserPublic | None:
    """The signed-in user, or None when the token is missing, unknown, expired or the user is
    deactivated. Call inside a committing session: it records activity and drops dead rows."""
    if not token:
        return None
    row = session.exec(
        select(AdminSession).where(AdminSession.token_hash == hash_token(token))
    ).first()
    if row is None:
        return None
    now = utcnow()
    if now >= _expires(row, settings):
        session.delete(row)
        session.flush()
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    if now - as_utc(row.last_seen_at) >= TOUCH_INTERVAL:
        row.last_seen_at = now
        session.add(row)
        session.flush()
    return UserPublic.of(user)


def require(
    *, session: Session, token: str | None, settings: Settings, role: UserRole | None = None
) -> UserPublic:
    """The signed-in user, or AuthError; with role=OWNER, agents are refused."""
    user = current_user(session=session, token=token, settings=settings)
    if user is None:
        raise AuthError(SIGN_IN_REQUIRED)
    if role is not None and _RANK[user.role] < _RANK[UserRole(role)]:
        raise AuthError(OWNER_REQUIRED)
    return user


def record_refusal(*, session: Session, email: str, client_ip: str, error: AuthError) -> None:
    """Note a refused sign-in in the audit log: the address typed (tied to its user when there
    is one) and why; refusals for too many attempts are not noted (they would flood the log)."""
    if isinstance(error, RateLimited):
        return
    key = email.strip().lower()
    user = users.get_user_by_email(session=session, email=key)
    audit.record_action(
        session=session,
        action=AuditAction.SIGN_IN_REFUSED,
        actor=audit.Actor(name=key, user_id=user.id if user else None, address=client_ip or None),
        details={"reason": error.message},
    )


def sign_out(*, session: Session, token: str | None, client_ip: str = "") -> None:
    """End this browser's session (noted in the audit log when it was a live one)."""
    if not token:
        return
    row = session.exec(
        select(AdminSession).where(AdminSession.token_hash == hash_token(token))
    ).first()
    if row is None:
        return
    user = session.get(User, row.user_id)
    session.delete(row)
    if user is not None:
        audit.record_action(
            session=session,
            action=AuditAction.SIGN_OUT,
            actor=audit.Actor(name=user.email, user_id=user.id, address=client_ip or None),
            details={},
        )
    session.flush()


def sign_out_everywhere(*, session: Session, user_id: int) -> int:
    """Ends every session of one user (after a password reset or deactivation)."""
    return users.delete_sessions(session=session, user_id=user_id)


def purge_expired_sessions(*, session: Session, now: datetime | None = None) -> int:
    """Deletes sessions past their expires_at: abandoned browsers never come back to do it."""
    moment = now or utcnow()
    result = session.exec(delete(AdminSession).where(col(AdminSession.expires_at) <= moment))
    return int(result.rowcount or 0)


def ensure_first_owner(*, session: Session, settings: Settings) -> str | None:
    """With no user at all, creates an owner from ADMIN_EMAIL / ADMIN_PASSWORD. Returns the
    generated password when ADMIN_PASSWORD is unset (the caller prints it once; only its hash
    is kept), else None."""
    if users.count_users(session=session) > 0:
        return None
    generated = None if settings.ADMIN_PASSWORD else secrets.token_urlsafe(12)
    password = settings.ADMIN_PASSWORD or generated
    assert password is not None
    try:
        users.create_user(
            session=session,
            email=settings.ADMIN_EMAIL or DEFAULT_OWNER_EMAIL,
            name="Owner",
            password=password,
            role=UserRole.OWNER,
        )
    except users.UserError as exc:
        raise users.UserError(
            f"Cannot create the first owner (ADMIN_EMAIL/PASSWORD): {exc}"
        ) from exc
    return generated


def _expires(row: AdminSession, settings: Settings) -> datetime:
    # The earlier of the stored expiry and created_at + the current setting: shortening
    # ADMIN_SESSION_HOURS also shortens sessions already handed out.
    configured = as_utc(row.created_at) + timedelta(hours=settings.ADMIN_SESSION_HOURS)
    return min(as_utc(row.expires_at), configured)
