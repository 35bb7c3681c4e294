"""The installable chat page: /chat, its web app manifest and its service worker.

/chat is the widget's panel opened full-page (widget/chat.html + chat.js) for visitors who open
it from a link or install it. Only that page registers the service worker; the loader on
customer sites never does.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from chat_server.context import context
from core.crud import business as business_crud
from core.models import Business
from core.settings import ROOT

WIDGET = ROOT / "widget"
PAGE_TEMPLATE = WIDGET / "chat.html"
WORKER_TEMPLATE = WIDGET / "sw.js"
PAGE = "/chat"
MANIFEST = "/chat/manifest.webmanifest"
WORKER = "/chat/sw.js"
ICON_SIZES = (192, 512)
# What the service worker precaches: the widget's code, styles, strings and icons. Not the
# host-page loader (this page does not use it), not the worker itself and not the admin's
# preview mode (preview.js).
SHELL_SUFFIXES = frozenset({".js", ".css", ".json", ".png", ".svg"})
NOT_SHELL = frozenset({"loader.js", "sw.js", "preview.js"})
DEFAULT_COLOR = "#1f5fbf"  # the loader's, for a colour that is not #rrggbb
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_NO_CACHE = {"Cache-Control": "no-cache"}


def on_color(color: str) -> str:
    """Black or white text on `color` (#rrggbb), whichever gives at least 4.5:1, as loader.js does."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return "#fff" if 0.2126 * r + 0.7152 * g + 0.0722 * b <= 0.1833 else "#000"


def _business(engine: Engine) -> Business:
    with Session(engine) as session:
        return business_crud.get_business(session=session)


def _color(business: Business) -> str:
    return business.color if _HEX.match(business.color) else DEFAULT_COLOR


def shell_files() -> list[Path]:
    return sorted(
        path
        for path in WIDGET.rglob("*")
        if path.is_file()
        and path.suffix in SHELL_SUFFIXES
        and path.name not in NOT_SHELL
        and not any(part.startswith(".") for part in path.relative_to(WIDGET).parts)
    )


def shell_urls() -> list[str]:
    files = [f"/widget/{path.relative_to(WIDGET).as_posix()}" for path in shell_files()]
    return [PAGE, MANIFEST, *files]


def shell_version() -> str:
    """Changes whenever a file of the shell (or the page, or the worker) changes."""
    digest = hashlib.sha256()
    for path in [PAGE_TEMPLATE, WORKER_TEMPLATE, *shell_files()]:
        digest.update(path.relative_to(WIDGET).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def render_worker() -> str:
    source = WORKER_TEMPLATE.read_text(encoding="utf-8")
    filled = {
        "VERSION": json.dumps(shell_version()),
        "SHELL": json.dumps(shell_urls()),
    }
    for name, value in filled.items():
        source, count = re.subn(
            rf"^const {name} = .*;$", f"const {name} = {value};", source, count=1, flags=re.M
        )
        if count != 1:
            raise RuntimeError(f"widget/sw.js has no 'const {name} = ...;' line to fill in")
    return source


def render_page(business: Business) -> str:
    color = _color(business)
    fields = {
        "NAME": html.escape(business.name, quote=True),
        "LANG": html.escape(business.default_language or "en", quote=True),
        "COLOR": color,
        "ON_COLOR": on_color(color),
    }
    text = PAGE_TEMPLATE.read_text(encoding="utf-8")
    for name, value in fields.items():
        text = text.replace("{{" + name + "}}", value)
    return text


def build_manifest(business: Business) -> dict[str, object]:
    name = business.name
    short = name if len(name) <= 12 else name.split()[0][:12]
    return {
        "id": PAGE,
        "name": name,
        "short_name": short,
        "description": f"Chat with {name}",
        "lang": business.default_language or "en",
        "start_url": PAGE,
        "scope": PAGE,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": _color(business),
        "icons": [
            {
                "src": f"/widget/icons/icon-{size}.png",
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": purpose,
            }
            for size in ICON_SIZES
            for purpose in ("any", "maskable")
        ],
    }


async def chat_page(request: Request) -> HTMLResponse:
    business = await run_in_threadpool(_business, context(request).engine)
    text = await run_in_threadpool(render_page, business)
    return HTMLResponse(text, headers=_NO_CACHE)


async def manifest(request: Request) -> JSONResponse:
    business = await run_in_threadpool(_business, context(request).engine)
    return JSONResponse(
        build_manifest(business), media_type="application/manifest+json", headers=_NO_CACHE
    )


async def service_worker(_request: Request) -> Response:
    source = await run_in_threadpool(render_worker)
    # The page is /chat, outside the default scope of /chat/sw.js (/chat/).
    headers = {**_NO_CACHE, "Service-Worker-Allowed": PAGE}
    return Response(source, media_type="text/javascript", headers=headers)
