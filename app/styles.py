"""The admin's look beyond the Radix theme (set in rxconfig.py): global CSS classes and head tags.

Class names here are used by the page views (`class_name=...`); the e2e tests find inbox rows by
theirs.
"""

from __future__ import annotations

import reflex as rx

STYLE: dict[str, dict[str, str]] = {
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
        # A long choice is cut short inside the control, never drawn past its container.
        "max-width": "100%",
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
    # On a wide screen a long word in a table (an address, an error naming a URL) breaks rather
    # than widening the table past the page; on a phone the table scrolls (see TABLE_SCROLLING).
    "@media (min-width: 1024px)": {
        ".rt-TableCell, .rt-TableRowHeaderCell": {"overflow-wrap": "anywhere"},
    },
    # Keyboard users always see where they are, in either colour scheme.
    ":focus-visible": {"outline": "2px solid var(--accent-9)", "outline-offset": "2px"},
}

# Radix draws a table wider than the screen inside a scroll area whose viewport the keyboard
# cannot reach (axe: scrollable-region-focusable); each table's viewport becomes a focusable
# group named by the table's caption, so arrow keys scroll it.
TABLE_SCROLLING = """
new MutationObserver(() => {
  for (const view of document.querySelectorAll(
    ".rt-TableRoot .rt-ScrollAreaViewport:not([tabindex])"
  )) {
    view.tabIndex = 0;
    view.setAttribute("role", "group");
    view.setAttribute("aria-label", view.querySelector("caption")?.textContent || "Table");
  }
}).observe(document.documentElement, {childList: true, subtree: true});
"""

# Native form controls (selects, scrollbars) follow the light or dark theme.
HEAD_COMPONENTS = [
    rx.el.meta(name="color-scheme", content="light dark"),
    rx.script(TABLE_SCROLLING),
]
