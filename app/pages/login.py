"""Sign-in page: e-mail and password; wrong ones and too many attempts get a clear message."""

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
        try:
            with session_scope() as session:
                token, user = sessions.sign_in(
                    session=session,
                    email=email,
                    password=password,
                    client_ip=self.router.session.client_ip,
                    settings=get_settings(),
                )
        except sessions.AuthError as error:
            self.error = str(error)
            return None
        self.error = ""
        self.session_token = token
        self.user_name, self.user_email, self.user_role = user.name, user.email, user.role
        return rx.redirect(routes.safe_next(self.router.url.query_parameters.get("next")))


def login_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.el.main(
                rx.vstack(
                    rx.heading("CustomerAgent", as_="h1", size="6"),
                    rx.text("Sign in to the support inbox.", color_scheme="gray"),
                    rx.form.root(
                        rx.vstack(
                            rx.el.label("E-mail", html_for="email", font_weight="500"),
                            rx.input(
                                id="email",
                                name="email",
                                type="email",
                                auto_complete="username",
                                required=True,
                                width="100%",
                            ),
                            rx.el.label("Password", html_for="password", font_weight="500"),
                            rx.input(
                                id="password",
                                name="password",
                                type="password",
                                auto_complete="current-password",
                                required=True,
                                width="100%",
                            ),
                            rx.cond(
                                LoginState.error != "",
                                rx.callout(
                                    LoginState.error,
                                    icon="triangle_alert",
                                    color_scheme="red",
                                    role="alert",
                                    width="100%",
                                ),
                            ),
                            rx.button("Sign in", type="submit", width="100%", size="3"),
                            spacing="3",
                            width="100%",
                        ),
                        on_submit=LoginState.sign_in,
                        reset_on_submit=False,
                    ),
                    spacing="4",
                    width="100%",
                ),
            ),
            width="min(380px, 92vw)",
            padding="6",
        ),
        min_height="100vh",
    )
