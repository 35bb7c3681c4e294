"""The page registry: what the sidebar lists, what each page is called and who may open it."""

from __future__ import annotations

import pytest

from app import pages as _pages  # noqa: F401  (importing the package registers every page)
from app import registry
from app.session_state import AuthState
from core.models.users import UserRole


def signed_in_pages() -> list[registry.Page]:
    return [page for page in registry.pages() if page.signed_in]


def test_every_signed_in_page_has_a_title_a_nav_entry_and_a_role() -> None:
    listed = [page for _, entries in registry.navigation() for page in entries]
    assert sorted(p.route for p in listed) == sorted(p.route for p in signed_in_pages())
    for page in signed_in_pages():
        assert page.title and page.tab_title == f"{page.title} · CustomerAgent", page.route
        assert page.icon and page.nav_group in registry.NAV_GROUPS, page.route
        assert page.role in (UserRole.AGENT, UserRole.OWNER), page.route


def test_the_sidebar_lists_the_pages_in_the_order_people_know() -> None:
    assert [(group, [p.title for p in entries]) for group, entries in registry.navigation()] == [
        ("Support", ["Overview", "Inbox", "Knowledge base", "Contact requests"]),
        (
            "Analytics",
            [
                "Conversation flows",
                "Funnels",
                "Widget heatmap",
                "Response quality",
                "ROI and benchmark",
            ],
        ),
        (
            "Administration",
            [
                "Settings",
                "Users",
                "Outbox",
                "Privacy",
                "Audit log",
                "Weekly report",
                "Integrations",
            ],
        ),
    ]


def test_only_the_administration_pages_are_for_owners_and_checked_so_on_load() -> None:
    owners = {page.title for page in registry.pages() if page.owners_only}
    assert owners == {
        "Settings",
        "Users",
        "Privacy",
        "Outbox",
        "Audit log",
        "Weekly report",
        "Integrations",
    }
    for page in signed_in_pages():
        check = AuthState.check_owner if page.owners_only else AuthState.check_session
        # The role check runs before the page loads anything.
        assert page.load_events()[0].fn is check.fn, page.route


def test_sign_in_is_open_to_anyone_and_not_in_the_sidebar() -> None:
    (login,) = [page for page in registry.pages() if not page.signed_in]
    assert (login.route, login.tab_title) == ("/login", "Sign in · CustomerAgent")
    assert login.nav_group is None
    assert AuthState.check_session.fn not in [e.fn for e in login.load_events()]


def test_a_page_that_would_be_missing_from_the_sidebar_or_clash_is_refused() -> None:
    with pytest.raises(ValueError, match="nav_group"):
        registry.admin_page(route="/nowhere", title="Nowhere", icon="x")
    with pytest.raises(ValueError, match="two pages claim the route '/inbox'"):
        registry.admin_page(route="/inbox", title="Other inbox", nav_group="Support", icon="x")
