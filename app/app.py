"""The admin app: pages, their on_load checks, theme."""

from __future__ import annotations

import reflex as rx

from app import routes
from app.pages.inbox import InboxState, inbox_page
from app.pages.knowledge import KnowledgeState, knowledge_page
from app.pages.login import LoginState, login_page
from app.pages.overview import OverviewState, overview_page
from app.pages.settings import SettingsState, settings_page
from app.pages.users import UsersState, users_page
from app.session_state import AuthState

STYLE = {
    ".visually-hidden": {
        "position": "absolute",
        "width": "1px",
        "height": "1px",
        "overflow": "hidden",
        "clip": "rect(0 0 0 0)",
        "white-space": "nowrap",
    },
    ".skip-link": {"position": "absolute", "left": "-999px", "top": "0.5em"},
    ".skip-link:focus": {
        "left": "0.5em",
        "z-index": "10",
        "background": "var(--color-panel)",
        "padding": "0.5em 1em",
    },
    ".native-select": {
        "font": "inherit",
        "padding": "0.35em 0.5em",
        "border-radius": "var(--radius-2)",
        "border": "1px solid var(--gray-a7)",
        "background": "var(--color-surface)",
        "color": "var(--gray-12)",
    },
    ".inbox-row": {
        "all": "unset",
        "box-sizing": "border-box",
        "display": "block",
        "width": "100%",
        "padding": "0.6em 0.75em",
        "border-radius": "var(--radius-3)",
        "cursor": "pointer",
        "border-bottom": "1px solid var(--gray-a4)",
    },
    ".settings-row": {
        "display": "flex",
        "flex-direction": "column",
        "align-items": "flex-start",
        "gap": "0.6em",
        "width": "100%",
        "margin": "0.6em 0",
        "padding": "0.8em",
        "border": "1px solid var(--gray-a6)",
        "border-radius": "var(--radius-3)",
    },
    ".media-json": {"font-family": "var(--code-font-family, monospace)", "font-size": "0.85em"},
    ".clamp-2": {
        "display": "-webkit-box",
        "-webkit-line-clamp": "2",
        "-webkit-box-orient": "vertical",
        "overflow": "hidden",
    },
    ".upload-button": {
        "display": "inline-block",
        "padding": "0.4em 0.9em",
        "cursor": "pointer",
        "border-radius": "var(--radius-2)",
        "background": "var(--accent-a3)",
        "color": "var(--accent-11)",
        "font-weight": "500",
    },
    ":focus-visible": {"outline": "2px solid var(--accent-9)", "outline-offset": "2px"},
}

app = rx.App(
    style=STYLE,
    head_components=[rx.el.meta(name="color-scheme", content="light dark")],
)
app.add_page(
    login_page, route=routes.LOGIN, title="Sign in · CustomerAgent", on_load=LoginState.open_page
)
# Page, route, title, who may open it (checked on load), what it loads.
SIGNED_IN_PAGES = (
    (overview_page, routes.OVERVIEW, "Overview", AuthState.check_session, OverviewState.load),
    (inbox_page, routes.INBOX, "Inbox", AuthState.check_session, InboxState.load),
    (
        knowledge_page,
        routes.KNOWLEDGE,
        "Knowledge base",
        AuthState.check_session,
        KnowledgeState.load,
    ),
    (settings_page, routes.SETTINGS, "Settings", AuthState.check_owner, SettingsState.load),
    (users_page, routes.USERS, "Users", AuthState.check_owner, UsersState.load),
)
for page, route, title, check, load in SIGNED_IN_PAGES:
    app.add_page(page, route=route, title=f"{title} · CustomerAgent", on_load=[check, load])
