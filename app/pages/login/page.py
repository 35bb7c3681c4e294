"""Sign-in page: e-mail and password; wrong ones and too many attempts get a clear message.

Open to anyone, so it has no sidebar and no navigation entry.
"""

from __future__ import annotations

import reflex as rx

from app import routes
from app.components import labelled
from app.pages.login.state import LoginState
from app.registry import admin_page


def _field(label: str, name: str, **props: str) -> rx.Component:
    control = rx.input(id=name, name=name, required=True, width="100%", **props)
    # The form's own spacing between label and box, as between the fields.
    return labelled(label, control, html_for=name, spacing="3")


@admin_page(route=routes.LOGIN, title="Sign in", role=None, on_load=LoginState.open_page)
def login_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.el.main(
                rx.vstack(
                    rx.heading("CustomerAgent", as_="h1", size="6"),
                    rx.text("Sign in to the support inbox.", color_scheme="gray"),
                    rx.form.root(
                        rx.vstack(
                            _field("E-mail", "email", type="email", auto_complete="username"),
                            _field(
                                "Password",
                                "password",
                                type="password",
                                auto_complete="current-password",
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
