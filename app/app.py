"""The admin app: pages and their on_load checks; the look is in app/styles.py."""

from __future__ import annotations

import reflex as rx

from app import routes, styles
from app.pages.inbox import InboxState, inbox_page
from app.pages.knowledge import KnowledgeState, knowledge_page
from app.pages.login import LoginState, login_page
from app.pages.overview import OverviewState, overview_page
from app.pages.settings import SettingsState, settings_page
from app.pages.users import UsersState, users_page
from app.session_state import AuthState

app = rx.App(style=styles.STYLE, head_components=styles.HEAD_COMPONENTS)
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
