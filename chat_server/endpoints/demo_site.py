"""The demo business's website (home, prices) and a help centre of the published FAQs, each
page carrying the widget's script tag, rendered from the Jinja templates in DEMO_DIR/site."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, TemplateNotFound, select_autoescape
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse

from chat_server.context import context
from chat_server.errors import ApiError
from core.crud import faqs as faq_crud
from core.settings import ROOT

FAVICON = ROOT / "widget" / "icons" / "favicon.ico"


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    faqs: list[dict[str, str]]


@lru_cache(maxsize=4)
def _templates(folder: Path) -> Environment:
    return Environment(
        loader=FileSystemLoader(folder), autoescape=select_autoescape(["html"]), auto_reload=True
    )


def help_topics(engine: Engine) -> list[Topic]:
    """Published FAQs in the business's own versions (not translations), by category."""
    with Session(engine) as session:
        entries = faq_crud.list_faqs(session=session, published_only=True)
        by_category: dict[str, list[dict[str, str]]] = {}
        for entry in entries:
            if entry.translation_of is None:
                category = (entry.category or "general").strip() or "general"
                by_category.setdefault(category, []).append(
                    {"question": entry.question, "answer": entry.answer}
                )
    return [
        Topic(re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "general", name.title(), faqs)
        for name, faqs in sorted(by_category.items())
    ]


async def _page(request: Request, template: str, **values: object) -> HTMLResponse:
    chat = context(request)
    try:
        page = _templates(chat.settings.DEMO_DIR / "site").get_template(template)
    except TemplateNotFound:
        raise ApiError(404, "No demo site in DEMO_DIR") from None
    server_url = str(request.base_url).rstrip("/")
    text = await run_in_threadpool(page.render, server_url=server_url, **values)
    return HTMLResponse(text)


async def home(request: Request) -> HTMLResponse:
    return await _page(request, "home.html")


async def pricing(request: Request) -> HTMLResponse:
    return await _page(request, "pricing.html")


async def help_centre(request: Request) -> HTMLResponse:
    topics = await run_in_threadpool(help_topics, context(request).engine)
    return await _page(request, "help.html", topics=topics)


async def favicon(_request: Request) -> FileResponse:
    return FileResponse(FAVICON, media_type="image/x-icon")
