"""A local server that speaks Slack's Web API (`chat.postMessage`, `conversations.history`), for
slack-sdk's WebClient pointed at it with `base_url`. It keeps every message it was sent, can
answer 500 to the first requests (an outage) and can hold requests unanswered (a runner killed
mid-delivery)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.models import OutboxEntry

TOKEN = "xoxb-test-token"
CHANNEL = "C0ALERTS"
WAIT = 60.0  # seconds a test waits for something to arrive before failing


@dataclass
class Post:
    method: str
    authorization: str | None
    body: dict[str, Any]
    ts: str = ""

    @property
    def key(self) -> str | None:
        """The idempotency key the sender put in the message's metadata."""
        metadata = self.body.get("metadata") or {}
        return (metadata.get("event_payload") or {}).get("idempotency_key")


@dataclass
class FakeSlack:
    fail_first: int = 0  # requests answered 500 before the outage ends
    hold: threading.Event | None = None  # when given, requests wait for it before an answer
    history: bool = True  # False: conversations.history refused (the bot lacks the scope)
    users_read: bool = True  # False: users.info refused (no users:read scope)
    people: dict[str, str] = field(default_factory=dict)  # Slack user id -> their name
    reactions: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 0
    posts: list[Post] = field(default_factory=list)
    port: int = 0  # 0: any free port
    _changed: threading.Condition = field(default_factory=threading.Condition)

    def start(self) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                url = urlsplit(self.path)
                if "json" in (self.headers.get("Content-Type") or ""):
                    body = json.loads(raw or b"{}")
                else:  # form or query parameters (conversations.history)
                    body = dict(parse_qsl(url.query)) | dict(parse_qsl(raw.decode()))
                status, answer = fake._answer(url.path, self.headers.get("Authorization"), body)
                if fake.hold is not None:
                    fake.hold.wait(WAIT)
                data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the sender is gone (killed mid-delivery)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self.hold is not None:
            self.hold.set()
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        """The Web API's base URL, as SLACK_API_URL."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    def _answer(
        self, path: str, authorization: str | None, body: dict[str, Any]
    ) -> tuple[int, dict[str, Any] | bytes]:
        with self._changed:
            self.requests += 1
            self._changed.notify_all()  # waiters look again once this answer is decided
            if self.requests <= self.fail_first:
                return 500, b"<html>Internal Server Error</html>"
            if authorization != f"Bearer {TOKEN}":
                return 200, {"ok": False, "error": "invalid_auth"}
            method = path.rsplit("/", 1)[-1]
            if method == "conversations.history":
                return 200, self._history(body)
            if method == "users.info":
                return 200, self._user(body)
            if method == "reactions.add":
                self.reactions.append(dict(body))
                return 200, {"ok": True}
            if method != "chat.postMessage":
                return 200, {"ok": False, "error": "unknown_method"}
            if not body.get("channel") or not (body.get("text") or body.get("blocks")):
                return 200, {"ok": False, "error": "no_text"}
            last = float(self.posts[-1].ts) if self.posts else 0.0
            ts = f"{max(time.time(), last + 0.000001):.6f}"
            self.posts.append(Post(method, authorization, body, ts))
            return 200, {"ok": True, "channel": body["channel"], "ts": ts, "message": body}

    def _history(self, query: dict[str, Any]) -> dict[str, Any]:
        """The channel's messages (not thread replies) between `oldest` and `latest` (itself
        included when `inclusive`), newest first, at most `limit`, with their metadata when
        include_all_metadata is set (one page: this server never holds many)."""
        if not self.history:
            return {"ok": False, "error": "missing_scope", "needed": "channels:history"}
        oldest = float(query.get("oldest") or 0)
        latest = float(query.get("latest") or "inf")
        inclusive = query.get("inclusive") in ("1", "true")
        with_metadata = query.get("include_all_metadata") in ("1", "true")
        messages = [
            {"type": "message", "ts": p.ts, "text": p.body.get("text", "")}
            | ({"metadata": p.body["metadata"]} if with_metadata and "metadata" in p.body else {})
            for p in reversed(self.posts)
            if p.body.get("channel") == query.get("channel")
            and not p.body.get("thread_ts")
            and oldest <= float(p.ts)
            and (float(p.ts) < latest or (inclusive and float(p.ts) == latest))
        ]
        return {
            "ok": True,
            "messages": messages[: int(query.get("limit") or 100)],
            "has_more": False,
        }

    def _user(self, query: dict[str, Any]) -> dict[str, Any]:
        if not self.users_read:
            return {"ok": False, "error": "missing_scope", "needed": "users:read"}
        user = query.get("user", "")
        name = self.people.get(user)
        if name is None:
            return {"ok": False, "error": "user_not_found"}
        return {
            "ok": True,
            "user": {
                "id": user,
                "name": name.lower(),
                "real_name": name,
                "profile": {"real_name": name, "display_name": name},
            },
        }

    def wait_for(self, count: int, seconds: float = WAIT) -> list[Post]:
        """The posts, once there are at least `count` (or when `seconds` have passed)."""
        with self._changed:
            self._changed.wait_for(lambda: len(self.posts) >= count, timeout=seconds)
            return list(self.posts)

    def wait_for_requests(self, count: int, seconds: float = WAIT) -> int:
        with self._changed:
            self._changed.wait_for(lambda: self.requests >= count, timeout=seconds)
            return self.requests


def clear_outbox(engine: Engine) -> None:
    with Session(engine) as session:
        session.connection().execute(delete(OutboxEntry))
        session.commit()
