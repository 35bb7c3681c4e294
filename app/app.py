"""The admin app: every page in the registry, in the signed-in layout unless it is open to all."""

from __future__ import annotations

import reflex as rx

from app import (
    pages,  # noqa: F401  (importing the package registers every page)
    registry,
    styles,
    template,
)

app = rx.App(style=styles.STYLE, head_components=styles.HEAD_COMPONENTS)
for entry in registry.pages():
    app.add_page(
        template.layout(entry),
        route=entry.route,
        title=entry.tab_title,
        on_load=entry.load_events(),
    )
