"""Widget configuration, suggestions, health and the OpenAPI document."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from chat_server.context import client_ip, context
from chat_server.schemas import ConfigOut, EstimatedWaitOut, SuggestionOut, SuggestionsOut
from core import business_hours
from core.bot.texts import greetings_for
from core.crud import business as business_crud
from core.integrations import config as integrations_config
from core.models.business import Telemetry
from core.response_times import EstimatedWait, estimated_wait

WAIT_TTL_SECONDS = 30.0


class WaitCache:
    """The estimated waits, recomputed at most every WAIT_TTL_SECONDS: they move slowly, and
    /api/config is on every widget load. One request recomputes while the others wait for it."""

    def __init__(self, ttl: float = WAIT_TTL_SECONDS) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._value: EstimatedWait | None = None
        self._at = 0.0

    def get(self, session: Session) -> EstimatedWait:
        with self._lock:
            now = time.monotonic()
            if self._value is None or now - self._at >= self.ttl:
                self._value, self._at = estimated_wait(session=session), now
            return self._value


def _wait_cache(request: Request) -> WaitCache:
    cache = getattr(request.app.state, "wait_cache", None)
    if cache is None:
        cache = request.app.state.wait_cache = WaitCache()
    return cache  # type: ignore[no-any-return]


def _config(engine: Engine, waits: WaitCache, email_links: bool, whatsapp: bool) -> ConfigOut:
    # The settings are read on every request: a change in the admin shows on the next load.
    with Session(engine) as session:
        business = business_crud.get_business(session=session)
        wait = waits.get(session)
    now = datetime.now(UTC)
    opening = business_hours.next_opening(business.hours, business.timezone, now)
    return ConfigOut(
        business_name=business.name,
        greeting=business.greeting,
        greetings=greetings_for(business.greeting),
        default_language=business.default_language,
        color=business.color,
        position=business.position,
        timezone=business.timezone,
        hours=business.hours,
        open_now=business_hours.open_now(business.hours, business.timezone, now),
        next_opening=opening.isoformat() if opening else None,
        triggers=list(business.triggers or []),
        quick_actions=dict(business.quick_actions or {}),
        estimated_wait=EstimatedWaitOut(
            bot_seconds=wait.bot_seconds, agent_seconds=wait.agent_seconds
        ),
        telemetry=Telemetry(business.telemetry),
        click_sample_rate=business.click_sample_rate,
        email_links=email_links,
        whatsapp=whatsapp,
    )


async def config(request: Request) -> JSONResponse:
    """
    summary: What the widget shows before the first message (business name, greeting and its translations when it is the default one, colours, opening hours, triggers, quick actions, estimated waits, whether telemetry is on)
    responses:
      200: {description: Configuration, content: {application/json: {schema: {$ref: '#/components/schemas/ConfigOut'}}}}
    """
    chat = context(request)
    cache = _wait_cache(request)

    def read() -> ConfigOut:
        # The channels as set up now: the Integrations page may have changed them.
        settings = integrations_config.current(engine=chat.engine, settings=chat.settings)
        return _config(chat.engine, cache, settings.email_configured, settings.whatsapp_configured)

    out = await run_in_threadpool(read)
    return JSONResponse(out.model_dump(), headers={"Cache-Control": "no-cache"})


async def suggestions(request: Request) -> JSONResponse:
    """
    summary: Published FAQ questions matching what the visitor is typing (autocomplete)
    parameters:
      - {name: q, in: query, required: false, schema: {type: string}, description: the text typed so far (none for fewer than 2 characters, or without q)}
    responses:
      200: {description: Up to 5 questions, best first, content: {application/json: {schema: {$ref: '#/components/schemas/SuggestionsOut'}}}}
      429: {$ref: '#/components/responses/TooMany'}
    """
    chat = context(request)
    await chat.reads.check("reads", client_ip(request))
    found = chat.bot.knowledge.suggestions.suggest(request.query_params.get("q", ""))
    out = SuggestionsOut(
        suggestions=[SuggestionOut(faq_id=s.faq_id, question=s.question) for s in found]
    )
    return JSONResponse(out.model_dump())


async def health(request: Request) -> JSONResponse:
    """
    summary: Liveness and the size of the FAQ index
    responses:
      200: {description: Running}
    """
    chat = context(request)
    return JSONResponse(
        {
            "status": "ok",
            "faqs_indexed": len(chat.bot.knowledge.index),
            "open_streams": chat.hub.open_streams,
            "encoder_batches": chat.analyzer.batches,
            "encoder_items": chat.analyzer.items,
            "encoder_busy_seconds": round(chat.analyzer.busy_seconds, 3),
            "writer_batches": chat.turns.writer.batches,
            "writer_items": chat.turns.writer.items,
            "writer_busy_seconds": round(chat.turns.writer.busy_seconds, 3),
        }
    )


async def home(_request: Request) -> Response:
    return RedirectResponse("/demo", status_code=307)


async def openapi(request: Request) -> JSONResponse:
    return JSONResponse(request.app.state.openapi)
