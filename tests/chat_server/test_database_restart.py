"""PostgreSQL restarting under a running chat server (a private cluster on another port, never
the shared one): meanwhile requests get 503 with Retry-After and nothing half-stored; after,
the server recovers by itself and the visitor's retried message is stored once."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.db import make_engine
from core.manage import migrate
from core.seed import seed_demo
from core.settings import Settings
from tests.conftest import LiveServer, free_port, make_app

pytestmark = pytest.mark.slow

BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
BOUND_SECONDS = 60.0


class Cluster:
    """A PostgreSQL cluster of its own, run as the postgres user (it refuses root)."""

    def __init__(self, root: Path) -> None:
        self.bin = BINARIES[-1]
        self.data = root / "data"
        self.port = free_port()
        root.mkdir(parents=True, exist_ok=True)
        shutil.chown(root, "postgres")
        self._as_postgres("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres")
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/restart_test"

    def _as_postgres(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1"
        log = str(self.data.parent / "server.log")  # not our pipes: pg_ctl would never return
        self._as_postgres("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")

    def stop(self) -> None:
        self._as_postgres("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if not BINARIES:
        pytest.fail("PostgreSQL's server binaries are expected under /usr/lib/postgresql")
    # Not under pytest's temporary folder: the postgres user cannot enter it.
    root = Path(tempfile.mkdtemp(prefix="customeragent-pg-"))
    root.chmod(0o755)
    running = Cluster(root / "cluster")
    try:
        running.start()
        with psycopg.connect(running.url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as c:
            c.execute("CREATE DATABASE restart_test")
        yield running
    finally:
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                str(running.bin / "pg_ctl"),
                "-D",
                str(running.data),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def test_a_database_restart_gives_503_meanwhile_and_loses_nothing(
    cluster: Cluster, engine: Engine, settings: Settings
) -> None:
    migrate(cluster.url)
    own: Engine = make_engine(cluster.url)
    with Session(own) as session:
        seed_demo(session=session, demo_dir=settings.DEMO_DIR)
        session.commit()
    own.dispose()
    app = make_app(settings, DATABASE_URL=cluster.url)
    with LiveServer(app) as server:
        started = httpx.post(f"{server.url}/api/conversations", json={}).json()
        headers = {"Authorization": f"Bearer {started['visitor_token']}"}
        url = f"{server.url}/api/conversations/{started['conversation_id']}/messages"
        first = {"text": "what are your opening hours?", "client_id": "m1"}
        assert httpx.post(url, json=first, headers=headers, timeout=30).status_code == 201

        cluster.stop()
        second = {"text": "and on sundays?", "client_id": "m2"}
        refused = httpx.post(url, json=second, headers=headers, timeout=30)
        assert refused.status_code == 503
        assert int(refused.headers["Retry-After"]) > 0
        assert "try again" in refused.json()["error"]

        cluster.start()
        deadline = time.monotonic() + BOUND_SECONDS
        while (
            answer := httpx.post(url, json=second, headers=headers, timeout=30)
        ).status_code != 201:
            assert answer.status_code == 503, answer.text
            assert time.monotonic() < deadline, "the server did not recover"
            time.sleep(0.5)
        # The widget resends with the same client_id: stored once.
        assert httpx.post(url, json=second, headers=headers, timeout=30).status_code in (200, 201)
        history = httpx.get(url, headers=headers, timeout=30).json()["messages"]
        visitor_texts = [m["text"] for m in history if m["role"] == "visitor"]
        assert visitor_texts == [first["text"], second["text"]]
