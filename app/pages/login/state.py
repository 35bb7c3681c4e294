"""The sign-in page's state: checks the e-mail and password and starts the session."""

from __future__ import annotations

from typing import Any

import reflex as rx

from app import routes
from app.session_state import AuthState
from core.accounts import sessions
from core.db import session_scope
from core.settings import get_settings


class LoginState(AuthState):
    error: str = ""
    busy: bool = False

    @rx.event
    def open_page(self) -> Any:
        """Already signed in: straight to where they were going."""
        self.error = ""
        if self._user() is not None:
            return rx.redirect(routes.safe_next(self.router.url.query_parameters.get("next")))
        return None

    @rx.event
    def sign_in(self, form: dict[str, Any]) -> Any:
        email = str(form.get("email", "")).strip()
        password = str(form.get("password", ""))
        if not email or not password:
            self.error = "Enter your e-mail and password."
            return None
        client_ip = self.router.session.client_ip
        try:
            with session_scope() as session:
                token, user = sessions.sign_in(
                    session=session,
                    email=email,
                    password=password,
                    client_ip=client_ip,
                    settings=get_settings(),
                )
        except sessions.AuthError as error:
            with session_scope() as session:
                sessions.record_refusal(
                    session=session, email=email, client_ip=client_ip, error=error
                )
            self.error = str(error)
            return None
        self.error = ""
        self.session_token = token
        self.user_name, self.user_email, self.user_role = user.name, user.email, user.role
        return rx.redirect(routes.safe_next(self.router.url.query_parameters.get("next")))
