"""The signed-in user, checked on the server for every page and every data handler.

The browser holds only a random session token (a cookie); who it belongs to, its role and
whether it has expired are looked up in the database by `core.accounts.sessions` on every event, so a
handler called without a valid session (or by an agent where an owner is needed) does nothing.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import reflex as rx

from app import routes
from core.accounts import sessions
from core.crud import audit
from core.db import session_scope
from core.models.users import UserPublic, UserRole
from core.settings import get_settings

F = TypeVar("F", bound=Callable[..., Any])

NOT_ALLOWED = "Only an owner can do that."
GUARD_MARKER = "_admin_guard_role"


class AuthState(rx.State):
    """Parent of every admin page state: page states read the user through it."""

    session_token: str = rx.Cookie(
        "",
        name="ca_admin_session",
        same_site="strict",
        max_age=int(get_settings().ADMIN_SESSION_HOURS * 3600),
    )
    user_name: str = ""
    user_email: str = ""
    user_role: str = ""

    @rx.var
    def signed_in(self) -> bool:
        return self.user_role != ""

    @rx.var
    def is_owner(self) -> bool:
        return self.user_role == UserRole.OWNER

    def _user(self) -> UserPublic | None:
        """The user behind this browser's token, or None (and the UI forgets who it showed)."""
        token = self.session_token or None
        with session_scope() as session:
            user = sessions.current_user(session=session, token=token, settings=get_settings())
        shown = ("", "", "") if user is None else (user.name, user.email, str(user.role))
        if shown != (self.user_name, self.user_email, self.user_role):
            # Only a change is sent: every event would otherwise re-send who is signed in.
            self.user_name, self.user_email, self.user_role = shown
        return user

    def _actor(self) -> audit.Actor:
        """Who acts, for the audit log: the signed-in user and their browser's address. Call it
        before opening the session the action runs in (it reads the user in one of its own)."""
        user = self._user()
        if user is None:
            raise sessions.AuthError(sessions.SIGN_IN_REQUIRED)
        return audit.Actor(
            name=user.email, user_id=user.id, address=self.router.session.client_ip or None
        )

    def _refusal(self, role: UserRole | None) -> Any:
        """None when the user may go on; otherwise the events that send them away."""
        user = self._user()
        if user is None:
            # Production builds serve pages with a trailing slash: come back to the plain route.
            return rx.redirect(routes.login_url(self.router.url.path.rstrip("/") or "/"))
        if role is not None and user.role != role:
            return rx.toast.error(NOT_ALLOWED)
        return None

    @rx.event
    def check_session(self) -> Any:
        """on_load of every protected page: no session, no page."""
        return self._refusal(None)

    @rx.event
    def check_owner(self) -> Any:
        """on_load of owner-only pages: agents go back to the overview (the page's own guarded
        load handler then says why)."""
        refusal = self._refusal(None)
        if refusal is not None:
            return refusal
        if self.user_role != UserRole.OWNER:
            return rx.redirect(routes.OVERVIEW)
        return None

    @rx.event
    def sign_out(self) -> Any:
        with session_scope() as session:
            sessions.sign_out(
                session=session,
                token=self.session_token,
                client_ip=self.router.session.client_ip,
            )
        self.session_token = ""
        self.user_name = self.user_email = self.user_role = ""
        return rx.redirect(routes.LOGIN)


def guarded(role: UserRole | None = None) -> Callable[[F], F]:
    """Run the handler only for a signed-in user (with `role`, when given).

    Put it under `@rx.event`. Tests check that every handler of every page state carries it.
    """

    def decorate(fn: F) -> F:
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def run_async(self: AuthState, *args: Any, **kwargs: Any) -> Any:
                refusal = self._refusal(role)
                if refusal is not None:
                    return refusal
                return await fn(self, *args, **kwargs)

            wrapper: Any = run_async
        else:

            @functools.wraps(fn)
            def run(self: AuthState, *args: Any, **kwargs: Any) -> Any:
                refusal = self._refusal(role)
                if refusal is not None:
                    return refusal
                return fn(self, *args, **kwargs)

            wrapper = run
        setattr(wrapper, GUARD_MARKER, role or "signed-in")
        return wrapper  # type: ignore[no-any-return]

    return decorate
