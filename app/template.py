"""The signed-in layout: a skip link, the sidebar, a header with the user, and the page.

The sidebar is built from the page registry (`app/registry.py`), group by group.
"""

from __future__ import annotations

import reflex as rx

from app import registry
from app.session_state import AuthState


def _nav_link(label: str, route: str, icon: str) -> rx.Component:
    active = AuthState.router.url.path.rstrip("/") == route.rstrip("/")
    return rx.link(
        rx.hstack(rx.icon(icon, size=18, aria_hidden="true"), rx.text(label), spacing="2"),
        href=route,
        aria_current=rx.cond(active, "page", "false"),
        weight=rx.cond(active, "bold", "regular"),
        underline="none",
        padding="0.45em 0.7em",
        border_radius="var(--radius-2)",
        background=rx.cond(active, "var(--accent-a4)", "transparent"),
        color="var(--gray-12)",
        width=rx.breakpoints(initial="auto", md="100%"),
    )


def _nav_group(name: str, entries: list[registry.Page]) -> rx.Component:
    """One group of links; owner-only pages (as the server would refuse them) hidden from agents."""
    owners_only = all(entry.owners_only for entry in entries)
    links = []
    for entry in entries:
        link = _nav_link(entry.title, entry.route, entry.icon)
        links.append(
            rx.cond(AuthState.is_owner, link) if entry.owners_only and not owners_only else link
        )
    # Named for screen readers only: with a handful of links, visible group headings add noise.
    group = rx.flex(
        *links,
        role="group",
        aria_label=name,
        direction=rx.breakpoints(initial="row", md="column"),
        wrap="wrap",
        gap="1",
        width=rx.breakpoints(initial="auto", md="100%"),
    )
    return rx.cond(AuthState.is_owner, group) if owners_only else group


def _sidebar() -> rx.Component:
    """The navigation: a column beside the page on a wide screen, a band of wrapping links above
    it on a phone (a column there left the page a third of the screen)."""
    groups = [_nav_group(name, entries) for name, entries in registry.navigation()]
    return rx.el.nav(
        rx.flex(
            rx.heading("CustomerAgent", as_="p", size="4", padding="0.5em 0.7em"),
            *groups,
            direction=rx.breakpoints(initial="row", md="column"),
            wrap=rx.breakpoints(initial="wrap", md="nowrap"),
            gap="1",
            width="100%",
        ),
        aria_label="Main",
        width=rx.breakpoints(initial="100%", md="14em"),
        min_width=rx.breakpoints(initial="0", md="14em"),
        padding="1em 0.6em",
        border_right=rx.breakpoints(initial="none", md="1px solid var(--gray-a5)"),
        border_bottom=rx.breakpoints(initial="1px solid var(--gray-a5)", md="none"),
        min_height=rx.breakpoints(initial="0", md="100vh"),
    )


def _header(title: str) -> rx.Component:
    return rx.hstack(
        rx.heading(title, as_="h1", size="6"),
        rx.spacer(),
        rx.text(
            AuthState.user_name,
            " (",
            AuthState.user_role,
            ")",
            color_scheme="gray",
            size="2",
        ),
        rx.color_mode.button(aria_label="Switch between light and dark theme", variant="soft"),
        rx.button("Sign out", on_click=AuthState.sign_out, variant="soft", color_scheme="gray"),
        align="center",
        width="100%",
        padding_bottom="1em",
    )


def layout(entry: registry.Page) -> registry.PageBody:
    """The page as the browser gets it: a signed-in page inside the admin layout, where nothing
    shows until the session is confirmed; the sign-in page as it is."""
    if not entry.signed_in:
        return entry.body

    def render() -> rx.Component:
        return rx.cond(
            AuthState.signed_in,
            rx.flex(
                rx.el.a("Skip to content", href="#main", class_name="skip-link"),
                _sidebar(),
                rx.el.main(
                    _header(entry.title),
                    entry.body(),
                    id="main",
                    tab_index=-1,
                    padding=rx.breakpoints(initial="1em", md="1.5em 2em"),
                    width="100%",
                    min_width="0",
                ),
                direction=rx.breakpoints(initial="column", md="row"),
                align="start",
                width="100%",
            ),
            rx.center(
                rx.spinner(size="3"),
                rx.el.span("Checking your session…", class_name="visually-hidden"),
                role="status",
                min_height="100vh",
            ),
        )

    render.__name__ = entry.body.__name__  # build errors then name the page, not "render"
    return render
