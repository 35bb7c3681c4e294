"""Reflex configuration of the admin app (built and served offline; see docs/reflex-offline.md)."""

import os

import reflex as rx

PORT = int(os.environ.get("ADMIN_PORT", "3000"))

config = rx.Config(
    app_name="app",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    frontend_port=PORT,
    backend_port=PORT,
    # The websocket URL baked into the build; set ADMIN_PUBLIC_URL behind a proxy.
    api_url=os.environ.get("ADMIN_PUBLIC_URL", f"http://localhost:{PORT}"),
    # The theme (indigo accent, light/dark following the system) lives here since Reflex 0.9.
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(appearance="inherit", accent_color="indigo", radius="medium")
        )
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
