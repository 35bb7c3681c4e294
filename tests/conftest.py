"""Test set-up: one database per run (SQLite by default, PostgreSQL when DATABASE_URL says so),
migrated and seeded once; the sentence encoder is loaded once per run and shared."""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

_RUN_DIR = Path(tempfile.mkdtemp(prefix="customeragent-test-"))
os.environ["ENVIRONMENT"] = "test"
os.environ["DATA_DIR"] = str(_RUN_DIR)
os.environ.setdefault("RATE_LIMIT", "100000/minute")
os.environ.setdefault("READ_RATE_LIMIT", "100000/minute")
# Browser tests sign in many times from 127.0.0.1; tests of the limit pass their own rule.
os.environ["LOGIN_RATE_LIMIT"] = "1000/minute"
os.environ["FAQ_REFRESH_SECONDS"] = "0.5"
# Never the database of .env or the shell: a temporary SQLite file, or TEST_DATABASE_URL.
os.environ["DATABASE_URL"] = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{_RUN_DIR}/test.db"
os.environ.pop("ENCRYPTION_KEYS", None)
os.environ.pop("SECRET_KEY", None)
os.environ.pop("REDIS_URL", None)
# The browser tests' admin listens here (tests/e2e/conftest.py), chosen before the settings are
# read: the chat server lets only the admin's origin frame its widget preview.
with socket.socket() as _sock:
    _sock.bind(("127.0.0.1", 0))
    os.environ["ADMIN_PORT"] = str(_sock.getsockname()[1])
os.environ["ADMIN_PUBLIC_URL"] = f"http://localhost:{os.environ['ADMIN_PORT']}"

import uvicorn  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from core.db import get_engine  # noqa: E402
from core.settings import Settings, get_settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _reset_postgres(engine: Engine) -> None:
    name = engine.url.database or ""
    if "test" not in name:
        raise RuntimeError(f"refusing to wipe database {name!r}: its name must contain 'test'")
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def settings() -> Settings:
    return get_settings()


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Engine:
    from core.db import session_scope
    from core.manage import migrate
    from core.seed import seed_demo

    engine = get_engine()
    if engine.dialect.name == "postgresql":
        _reset_postgres(engine)
    migrate()
    with session_scope(engine) as session:
        seed_demo(session=session, demo_dir=settings.DEMO_DIR)
    return engine


@pytest.fixture
def session(engine: Engine) -> Iterator[object]:
    from sqlmodel import Session

    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture(scope="session")
def encoder(settings: Settings) -> object:
    from core.nlp.loading import load_encoder

    return load_encoder(settings.encoder_path)


def make_app(settings: Settings, **overrides: object) -> Starlette:
    from chat_server.factory import create_app

    return create_app(settings.model_copy(update=overrides))


@pytest.fixture(scope="session")
def client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    """The chat API in-process, with the real encoder and the seeded demo business."""
    with TestClient(make_app(settings), base_url="http://127.0.0.1:8080") as client:
        yield client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """A chat server on a free loopback port, with the HTTP protocol `make run` uses."""

    def __init__(self, app: Starlette, http: type | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        from chat_server.request_timeouts import TimedHttpToolsProtocol

        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            http=http or TimedHttpToolsProtocol,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("live chat server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture(scope="session")
def live_server(engine: Engine, settings: Settings) -> Iterator[LiveServer]:
    """A real uvicorn chat server on a free loopback port (for streams and the browser)."""
    with LiveServer(make_app(settings)) as server:
        yield server


class Visit:
    """A visitor's conversation as the widget holds it."""

    def __init__(self, client: TestClient, body: dict[str, object] | None = None) -> None:
        response = client.post("/api/conversations", json=body or {})
        assert response.status_code == 201, response.text
        data = response.json()
        self.client = client
        self.cid: str = data["conversation_id"]
        self.token: str = data["visitor_token"]
        self.greeting: str = data["greeting"]
        self.headers = {"Authorization": f"Bearer {self.token}"}

    def say(self, text: str, **extra: object) -> dict[str, object]:
        response = self.client.post(
            f"/api/conversations/{self.cid}/messages",
            json={"text": text, **extra},
            headers=self.headers,
        )
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    def history(self) -> list[dict[str, object]]:
        response = self.client.get(f"/api/conversations/{self.cid}/messages", headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()["messages"]  # type: ignore[no-any-return]


@pytest.fixture
def visit(client: TestClient) -> Visit:
    return Visit(client)
