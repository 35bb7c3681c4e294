"""GET /preview: the real widget (loader.js, app.js, widget.css) in one panel state with a
canned conversation, for the admin's heatmap to frame and lay click density over.

The widget runs in preview mode (`data-preview` on the loader, widget/preview.js): the canned
messages are shown locally and nothing is stored, streamed or sent. The page's Content Security
Policy holds the browser to that as well: it may fetch only /api/config and the widget's own
files, and only the admin's origin may frame it.
"""

from __future__ import annotations

import html
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse

from chat_server.context import context
from chat_server.errors import ApiError
from core.analytics.heatmap import LAUNCHER_ZOOM, preview_size
from core.models import PanelState, WidthClass

PATH = "/preview"
THEMES = ("light", "dark")

# The panel (or, closed, the launcher) pinned to the page's top-left corner at the size the
# admin's frame has: what the heatmap's grid covers. The launcher is hidden while the panel is
# open (it sits outside the panel, where no grid is drawn).
# (!important: the widget's own rules load later, some with more specific selectors.)
_OPEN = """
html, body { margin: 0; height: 100%; overflow: hidden; }
.sc-root .sc-panel { inset: 0 auto auto 0 !important; width: WIDTHpx !important;
  height: HEIGHTpx !important; max-width: none !important; max-height: none !important;
  animation: none !important; }
.sc-root .sc-launcher { display: none !important; }
"""
_CLOSED = f"""
html {{ zoom: {LAUNCHER_ZOOM}; }}
html, body {{ margin: 0; height: 100%; overflow: hidden; }}
.sc-root .sc-launcher {{ inset: 0 auto auto 0 !important; box-shadow: none !important; }}
"""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>Chat widget preview</title>
<style>{style}</style>
</head>
<body data-panel="{panel}" data-width="{width}">
<script src="/widget/loader.js" data-server="{origin}" data-preview="{panel}" data-theme="{theme}"></script>
</body>
</html>
"""


def _choice(request: Request, name: str, allowed: tuple[str, ...], default: str) -> str:
    value = request.query_params.get(name, default)
    if value not in allowed:
        raise ApiError(400, f"{name} must be one of {', '.join(allowed)} (got {value!r})")
    return value


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def policy(origin: str, admin_origin: str) -> str:
    """Scripts and styles from here, requests to /api/config and the widget's files only (no
    conversation, message, stream, rating or telemetry can leave), framed by the admin only."""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",  # the loader's launcher style, the page's layout
            "img-src 'self' data:",
            f"connect-src {origin}/api/config {origin}/widget/",
            f"frame-ancestors {admin_origin}",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


async def preview(request: Request) -> HTMLResponse:
    panel = _choice(request, "panel", tuple(PanelState), PanelState.CHAT)
    width = _choice(request, "width", tuple(WidthClass), WidthClass.MEDIUM)
    theme = _choice(request, "theme", THEMES, "light")
    origin = _origin(str(request.base_url))
    frame_width, frame_height = preview_size(panel, width)
    style = (
        _CLOSED
        if panel == PanelState.CLOSED
        else _OPEN.replace("WIDTH", str(frame_width)).replace("HEIGHT", str(frame_height))
    )
    page = PAGE.format(
        style=style,
        panel=panel,
        width=width,
        theme=theme,
        origin=html.escape(origin, quote=True),
    )
    admin = _origin(context(request).settings.ADMIN_PUBLIC_URL)
    headers = {
        "Content-Security-Policy": policy(origin, admin),
        "X-Robots-Tag": "noindex, nofollow",
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
    }
    return HTMLResponse(page, headers=headers)
