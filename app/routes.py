"""Every admin route in one place."""

from __future__ import annotations

from urllib.parse import quote

LOGIN = "/login"
OVERVIEW = "/"
INBOX = "/inbox"
KNOWLEDGE = "/knowledge"
SETTINGS = "/settings"
USERS = "/users"

# (label, route, icon, owners only)
NAV: list[tuple[str, str, str, bool]] = [
    ("Overview", OVERVIEW, "layout-dashboard", False),
    ("Inbox", INBOX, "inbox", False),
    ("Knowledge base", KNOWLEDGE, "book-open", False),
    ("Settings", SETTINGS, "settings", True),
    ("Users", USERS, "users", True),
]


def login_url(next_path: str = "") -> str:
    """The sign-in page, coming back to `next_path` afterwards (only local paths)."""
    if not next_path.startswith("/") or next_path.startswith("//") or next_path == LOGIN:
        return LOGIN
    return f"{LOGIN}?next={quote(next_path, safe='/')}"


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a local path, never another site."""
    if value and value.startswith("/") and not value.startswith("//") and value != LOGIN:
        return value
    return OVERVIEW
