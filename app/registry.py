"""Every admin page in one place: its route, title, navigation entry and who may open it.

A page registers itself where it is defined, with `@admin_page(...)` on its page function.
`app/app.py` adds every registered page and the sidebar (`app/template.py`) lists them, so a new
page is a new module under `app/pages/` and nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import reflex as rx

from app.session_state import AuthState
from core.models.users import UserRole

SITE_NAME = "CustomerAgent"
# The sidebar's groups, top to bottom; a page names one of them.
NAV_GROUPS = ("Support", "Analytics", "Administration")

PageBody = Callable[[], rx.Component]


@dataclass(frozen=True)
class Page:
    route: str
    title: str  # the heading, the sidebar label and the start of the browser tab's title
    body: PageBody
    role: UserRole | None  # None: open to anyone (signing in); AGENT: any signed-in user
    nav_group: str | None
    icon: str
    order: int  # place within its navigation group
    on_load: tuple[rx.event.EventHandler, ...]

    @property
    def signed_in(self) -> bool:
        return self.role is not None

    @property
    def owners_only(self) -> bool:
        return self.role == UserRole.OWNER

    @property
    def tab_title(self) -> str:
        return f"{self.title} · {SITE_NAME}"

    def load_events(self) -> list[rx.event.EventHandler]:
        """The role check first: a page's own loading never runs for someone it would refuse."""
        if self.role is None:
            return list(self.on_load)
        check = AuthState.check_owner if self.owners_only else AuthState.check_session
        return [check, *self.on_load]


_PAGES: dict[str, Page] = {}


def admin_page(
    *,
    route: str,
    title: str,
    nav_group: str | None = None,
    icon: str = "",
    role: UserRole | None = UserRole.AGENT,
    order: int = 0,
    on_load: rx.event.EventHandler | Sequence[rx.event.EventHandler] = (),
) -> Callable[[PageBody], PageBody]:
    """Register the decorated function as the page at `route`.

    Signed-in pages (role AGENT or OWNER) get the sidebar layout and a navigation entry, so they
    need a `nav_group` from NAV_GROUPS and an `icon` (a Lucide name); a page anyone may open
    (role None, the sign-in page) has neither.
    """
    if route in _PAGES:
        raise ValueError(f"two pages claim the route {route!r}")
    if role is not None and (nav_group not in NAV_GROUPS or not icon):
        raise ValueError(
            f"{route}: a signed-in page needs a nav_group from {NAV_GROUPS} and an icon"
        )
    if role is None and nav_group is not None:
        raise ValueError(f"{route}: the sidebar is only shown to signed-in users")
    loads = (on_load,) if isinstance(on_load, rx.event.EventHandler) else tuple(on_load)

    def register(body: PageBody) -> PageBody:
        _PAGES[route] = Page(route, title, body, role, nav_group, icon, order, loads)
        return body

    return register


def pages() -> list[Page]:
    """Every registered page, once `app.pages` has been imported (which imports them all)."""
    return list(_PAGES.values())


def navigation() -> list[tuple[str, list[Page]]]:
    """The sidebar's groups in NAV_GROUPS order, each with its pages in order; empty ones left out."""
    grouped = [
        (group, sorted((p for p in _PAGES.values() if p.nav_group == group), key=lambda p: p.order))
        for group in NAV_GROUPS
    ]
    return [(group, entries) for group, entries in grouped if entries]
