"""create_app(settings): the chat server's one route table, middleware and lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import Mount, Route
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from chat_server import fanout
from chat_server.batcher import MicroBatcher
from chat_server.context import ChatContext
from chat_server.endpoints import (
    contact,
    conversations,
    demo_site,
    events,
    feedback,
    preview,
    privacy,
    pwa,
    site,
    slack_events,
    telemetry,
    whatsapp,
)
from chat_server.errors import ApiError, api_error, database_unavailable, http_error
from chat_server.openapi import build_openapi
from chat_server.ratelimit import RateLimiter
from chat_server.request_timeouts import BodyTimeout
from chat_server.stream_caps import StreamCaps
from chat_server.streams import Hub
from chat_server.turns import Turns
from chat_server.visitor_tokens import VisitorTokens
from chat_server.widget_files import WidgetFiles
from core.bot.bot import Bot
from core.bot.knowledge import Knowledge
from core.bot.policy import Policy
from core.crypto import load_secret
from core.db import make_engine
from core.nlp import entities
from core.nlp.encoder_process import EncoderProcess
from core.nlp.language import detect_languages
from core.privacy import links
from core.privacy.shredding import check_key_store
from core.settings import ROOT, Settings

log = logging.getLogger(__name__)
Lifespan = Callable[[Starlette], AbstractAsyncContextManager[None]]
VERSION = "0.1.0"

API_ROUTES = [
    Route("/api/config", site.config, methods=["GET"]),
    Route("/api/health", site.health, methods=["GET"]),
    Route("/api/suggestions", site.suggestions, methods=["GET"]),
    Route("/api/conversations", conversations.start_conversation, methods=["POST"]),
    Route("/api/conversations/{cid}", conversations.patch_conversation, methods=["PATCH"]),
    Route("/api/conversations/{cid}/messages", conversations.history, methods=["GET"]),
    Route("/api/conversations/{cid}/messages", conversations.post_message, methods=["POST"]),
    Route("/api/conversations/{cid}/messages/batch", conversations.post_batch, methods=["POST"]),
    Route("/api/conversations/{cid}/events", events.stream, methods=["GET"]),
    Route("/api/conversations/{cid}/feedback", feedback.post_feedback, methods=["POST"]),
    Route("/api/contact", contact.submit_contact, methods=["POST"]),
    Route("/api/visitor/data", privacy.export_own, methods=["GET"]),
    Route("/api/visitor/data", privacy.erase_own, methods=["DELETE"]),
    Route("/api/visitor/data/link", privacy.request_link, methods=["POST"]),
    Route(links.PATH, privacy.export_by_link, methods=["GET"]),
    Route("/api/events", telemetry.post_events, methods=["POST"]),
    Route("/api/slack/events", slack_events.receive, methods=["POST"]),
    Route("/api/conversations/{cid}/whatsapp", whatsapp.continue_on_whatsapp, methods=["POST"]),
    Route(whatsapp.INBOUND_PATH, whatsapp.inbound, methods=["POST"]),
]


async def keep_fresh(knowledge: Knowledge, every_seconds: float) -> None:
    """Owners' edits to the FAQs and settings reach the bot within `every_seconds`."""
    while True:
        await asyncio.sleep(every_seconds)
        try:
            await asyncio.to_thread(knowledge.refresh)
        except Exception:  # a database hiccup must not stop future refreshes
            log.exception("knowledge refresh failed; keeping the previous one")


async def _bot(settings: Settings, engine: Engine, encoder: EncoderProcess) -> Bot:
    """The bot on the current knowledge, with every slow first-use load done now rather than
    in the first visitor's reply."""
    policy = Policy.of(settings)
    knowledge = Knowledge(
        encoder=encoder,
        engine=engine,
        intent_threshold=policy.intent_threshold,
        link_blocklist=tuple(settings.LINK_BLOCKLIST),
    )
    await asyncio.to_thread(knowledge.refresh)
    # The language detector's models (~4 s) and the name and place lists with dateparser's
    # data (about a second).
    await asyncio.to_thread(detect_languages, ["Warming up the language detector."])
    await asyncio.to_thread(entities.warm_up)
    return Bot(knowledge, policy)


def _lifespan(settings: Settings, engine: Engine) -> Lifespan:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            with Session(engine) as session:
                check_key_store(session=session)
        except (InterfaceError, OperationalError):
            log.warning("the database is unreachable at start-up: the key store is not checked")
        encoder = await asyncio.to_thread(
            functools.partial(
                EncoderProcess,
                settings.encoder_path,
                settings.ENCODER_THREADS,
                settings.EMOTION_MODEL_PATH,
                quantized=settings.ENCODER_INT8,
            )
        )
        bot = await _bot(settings, engine, encoder)
        hub = Hub()
        analyzer = MicroBatcher(bot.knowledge.analyze_batch, max_size=settings.BATCH_MAX_SIZE)
        turns = Turns(
            engine=engine, bot=bot, analyzer=analyzer, hub=hub, max_chars=settings.MAX_MESSAGE_CHARS
        )
        analyzer.start()
        turns.writer.start()
        limiter = RateLimiter(settings.RATE_LIMIT, settings.REDIS_URL)
        reads = RateLimiter(settings.READ_RATE_LIMIT, settings.REDIS_URL, counts="requests")
        stream_caps = StreamCaps(settings.REDIS_URL)
        background = [
            asyncio.create_task(keep_fresh(bot.knowledge, settings.FAQ_REFRESH_SECONDS)),
            asyncio.create_task(stream_caps.keep_fresh()),
        ]
        heard = fanout.source(settings.DATABASE_URL, settings.REDIS_URL)
        if heard is not None:
            background.append(asyncio.create_task(fanout.listen(hub, heard)))
            background.append(asyncio.create_task(fanout.resync(hub, engine)))
        secret = load_secret(settings)
        app.state.chat = ChatContext(
            settings=settings,
            engine=engine,
            bot=bot,
            analyzer=analyzer,
            hub=hub,
            limiter=limiter,
            reads=reads,
            stream_caps=stream_caps,
            tokens=VisitorTokens(secret, settings.VISITOR_TOKEN_MAX_AGE_DAYS * 86400),
            turns=turns,
        )
        log.info("chat server ready: %d FAQs indexed", len(bot.knowledge.index))
        try:
            yield
        finally:
            for task in background:
                task.cancel()
            await analyzer.stop()
            await turns.writer.stop()
            await limiter.close()
            await reads.close()
            await stream_caps.close_all()
            await asyncio.to_thread(encoder.close)
            engine.dispose()

    return lifespan


def create_app(settings: Settings) -> Starlette:
    engine = make_engine(settings.DATABASE_URL)
    routes = [
        *API_ROUTES,
        Route("/api/openapi.json", site.openapi, methods=["GET"], include_in_schema=False),
        Route("/demo", demo_site.home, methods=["GET"], include_in_schema=False),
        Route("/pricing", demo_site.pricing, methods=["GET"], include_in_schema=False),
        Route("/help", demo_site.help_centre, methods=["GET"], include_in_schema=False),
        Route("/favicon.ico", demo_site.favicon, methods=["GET"], include_in_schema=False),
        Route("/", site.home, methods=["GET"], include_in_schema=False),
        Route(preview.PATH, preview.preview, methods=["GET"], include_in_schema=False),
        Route(pwa.PAGE, pwa.chat_page, methods=["GET"], include_in_schema=False),
        Route(pwa.MANIFEST, pwa.manifest, methods=["GET"], include_in_schema=False),
        Route(pwa.WORKER, pwa.service_worker, methods=["GET"], include_in_schema=False),
        Mount("/widget", WidgetFiles(directory=ROOT / "widget"), name="widget"),
    ]
    # Behind a reverse proxy the visitor's address is in X-Forwarded-For, believed only from
    # TRUSTED_PROXIES (uvicorn runs with --no-proxy-headers: by default it believes loopback).
    proxies = [Middleware(ProxyHeadersMiddleware, trusted_hosts=settings.TRUSTED_PROXIES)]
    middleware = [
        Middleware(BodyTimeout, seconds=settings.REQUEST_TIMEOUT_SECONDS),
        *(proxies if settings.TRUSTED_PROXIES else []),
        Middleware(
            CORSMiddleware,
            allow_origins=settings.CORS_ORIGINS,
            allow_methods=["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "Last-Event-ID"],
            expose_headers=["Retry-After", "Content-Disposition"],
            max_age=600,
        ),
        Middleware(GZipMiddleware, minimum_size=1024),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=_lifespan(settings, engine),
        exception_handlers={
            ApiError: api_error,
            HTTPException: http_error,
            OperationalError: database_unavailable,
            InterfaceError: database_unavailable,
        },
    )
    app.state.openapi = build_openapi(API_ROUTES, VERSION, settings)
    return app
