"""benchmarks/stream_soak.py, short: 100 event streams for 30 s against two chat-server
processes sharing one database, every message written on one process and streamed from the
other; nothing is lost, duplicated or refused. On the SQLite pass the processes hear each
other through Redis, on the PostgreSQL pass through LISTEN/NOTIFY."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def test_a_hundred_streams_across_two_processes_lose_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    if engine.dialect.name == "postgresql":
        url = engine.url.set(database=f"{engine.url.database}_soak", drivername="postgresql")
        database, redis = url.render_as_string(hide_password=False), ""
    else:
        database, redis = f"sqlite:///{tmp_path}/soak.db", "redis://127.0.0.1:6379/0"
    done = subprocess.run(
        [sys.executable, "benchmarks/stream_soak.py", "--streams", "100", "--seconds", "30"]
        + ["--database-url", database, "--redis-url", redis],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["messages_stored"] > 100  # visitors wrote, the bot and an agent answered
    assert (found["errors"], found["lost"], found["duplicated"]) == (0, 0, 0), found
