"""Admin users. Who may call these (owners only) is decided in core.auth, not here."""

from __future__ import annotations

from collections.abc import Sequence

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from core.accounts.passwords import hash_password
from core.models import AdminSession, User, UserRole


class UserError(ValueError):
    """A refused change, with a message fit to show in the admin app."""


def normalize_email(email: str) -> str:
    """The stored form: validated syntax, lower-case, so look-ups ignore case."""
    try:
        # No DNS look-up: sign-in must work offline and on internal mail domains.
        valid = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise UserError(f"That e-mail address is not valid: {exc}") from exc
    return valid.normalized.lower()


def count_users(*, session: Session) -> int:
    return session.exec(select(func.count()).select_from(User)).one()


def get_user(*, session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def get_user_by_email(*, session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def list_users(*, session: Session) -> Sequence[User]:
    return session.exec(select(User).order_by(col(User.email))).all()


def create_user(
    *, session: Session, email: str, name: str, password: str, role: UserRole = UserRole.AGENT
) -> User:
    email = normalize_email(email)
    name = name.strip()
    if not name:
        raise UserError("Please give the user a name.")
    if get_user_by_email(session=session, email=email) is not None:
        raise UserError(f"A user with the e-mail {email} already exists.")
    try:
        password_hash = hash_password(password)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    user = User(email=email, name=name, role=UserRole(role), password_hash=password_hash)
    session.add(user)
    session.flush()
    return user


def set_role(*, session: Session, user_id: int, role: UserRole) -> User:
    user = _get(session, user_id)
    if UserRole(role) != UserRole.OWNER:
        _keep_an_owner(session, user, "take the owner role from")
    user.role = UserRole(role)
    session.add(user)
    session.flush()
    return user


def set_active(*, session: Session, user_id: int, active: bool) -> User:
    """Deactivating also signs the user out everywhere."""
    user = _get(session, user_id)
    if not active:
        _keep_an_owner(session, user, "deactivate")
        delete_sessions(session=session, user_id=user_id)
    user.active = active
    session.add(user)
    session.flush()
    return user


def reset_password(*, session: Session, user_id: int, password: str) -> User:
    """Sets a new password and signs the user out everywhere (the old one may have leaked)."""
    user = _get(session, user_id)
    try:
        user.password_hash = hash_password(password)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    delete_sessions(session=session, user_id=user_id)
    session.add(user)
    session.flush()
    return user


def delete_user(*, session: Session, user_id: int) -> None:
    user = _get(session, user_id)
    _keep_an_owner(session, user, "delete")
    delete_sessions(session=session, user_id=user_id)
    session.delete(user)
    session.flush()


def delete_sessions(*, session: Session, user_id: int) -> int:
    """Ends every sign-in of one user; returns how many there were."""
    result = session.exec(delete(AdminSession).where(col(AdminSession.user_id) == user_id))
    return int(result.rowcount or 0)


def _get(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise UserError("That user no longer exists.")
    return user


def _keep_an_owner(session: Session, user: User, action: str) -> None:
    """Refuse a change that would leave nobody able to manage users."""
    if user.role != UserRole.OWNER or not user.active:
        return
    # FOR UPDATE (PostgreSQL; SQLite serialises writers anyway) so that two owners demoting
    # each other at the same moment cannot both succeed.
    owners = session.exec(
        select(User.id)
        .where(col(User.role) == UserRole.OWNER, col(User.active).is_(True))
        .with_for_update()
    ).all()
    if not [owner for owner in owners if owner != user.id]:
        raise UserError(f"You cannot {action} the last active owner; make another owner first.")
