"""Slow or half-sent requests time out instead of holding a connection for ever.

uvicorn closes idle keep-alive connections but waits without end for a request's headers (a
connection that sends nothing, or one header line a minute: "slowloris") and for a body shorter
than its Content-Length. Here a request's headers must arrive within REQUEST_TIMEOUT_SECONDS of
the connection opening (or of the request's first byte), and its body within as long again;
otherwise the connection is closed, or the request answered 408 once its headers had arrived.
A reverse proxy in front does the same for the internet (`deploy/nginx.conf`); this holds when
the chat server is reached directly."""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from chat_server.errors import ApiError
from core.settings import get_settings


class TimedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol (its default here) with a deadline for each request's
    headers. Run with `uvicorn --http chat_server.request_timeouts:TimedHttpToolsProtocol`."""

    _headers_deadline: asyncio.TimerHandle | None = None

    @property
    def timeout(self) -> float:
        return get_settings().REQUEST_TIMEOUT_SECONDS

    def _arm(self) -> None:
        if self._headers_deadline is None:
            self._headers_deadline = self.loop.call_later(self.timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._headers_deadline is not None:
            self._headers_deadline.cancel()
            self._headers_deadline = None

    def _too_slow(self) -> None:
        self._headers_deadline = None
        if not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


class BodyTimeout:
    """ASGI middleware: a request body that does not arrive in full within `seconds` of the
    app asking for it is answered 408 (what arrived is dropped; nothing is stored)."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        deadline: float | None = None
        body_done = False

        async def timed_receive() -> Message:
            nonlocal deadline, body_done
            if body_done:  # afterwards the app only waits to hear of a disconnect
                return await receive()
            if deadline is None:
                deadline = loop.time() + self.seconds
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
            except TimeoutError:
                raise ApiError(
                    408,
                    f"The request body did not arrive within {self.seconds:g} seconds",
                    headers={"Connection": "close"},
                ) from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        await self.app(scope, timed_receive, send)
