"""Routes other code sends people to, and the sign-in URL builders.

Each page declares its own route in `@admin_page` (app/registry.py); the sign-in page and the
overview are here because the session checks redirect to them.
"""

from __future__ import annotations

from urllib.parse import quote

LOGIN = "/login"
OVERVIEW = "/"


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
