"""The integrations page's state: each channel set up or not (and what to set), what it is
sent, and the owner's test of one, which talks to the service now and shows its answer."""

from __future__ import annotations

import reflex as rx

from app.session_state import AuthState, guarded
from core.integrations import checks
from core.models.users import UserRole
from core.settings import get_settings


class IntegrationsState(AuthState):
    channels: list[dict[str, str]] = []
    # The last test's answer, by channel key: "ok" or "failed", and what the service said.
    results: dict[str, str] = {}
    outcomes: dict[str, str] = {}
    events_url: str = ""
    replies_on: bool = False

    @rx.event
    @guarded(UserRole.OWNER)
    def load(self) -> None:
        settings = get_settings()
        self.channels = [
            {
                "key": channel.key,
                "name": channel.name,
                "sends": channel.sends,
                "status": (
                    "Set up"
                    if not checks.missing(channel, settings)
                    else "Not set up: set " + ", ".join(checks.missing(channel, settings))
                ),
            }
            for channel in checks.CHANNELS
        ]
        self.events_url = f"{settings.CHAT_PUBLIC_URL}/api/slack/events"
        self.replies_on = bool(settings.SLACK_SIGNING_SECRET)

    @rx.event
    @guarded(UserRole.OWNER)
    def test(self, key: str) -> None:
        result = checks.run(key, get_settings())
        self.results = {**self.results, key: result.said}
        self.outcomes = {**self.outcomes, key: "ok" if result.ok else "failed"}
