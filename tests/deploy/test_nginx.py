"""deploy/nginx.conf in front of a real chat server (TLS left out): event streams come through
as they happen (the configuration turns buffering off, and the server's answers say
X-Accel-Buffering: no), and a visitor cannot pick the address that rate limits count by sending
their own X-Forwarded-For (the proxy replaces it; the server believes it from TRUSTED_PROXIES
only)."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine

from core.settings import Settings
from tests.chat_server.test_events import sse_events
from tests.conftest import ROOT, LiveServer, free_port, make_app

pytestmark = pytest.mark.slow

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
HOST = {"Host": "chat.example.com"}


def _config(tmp: Path, listen: int, upstream: int) -> Path:
    """The shipped configuration, listening on a free port without TLS, sending to `upstream`."""
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{listen};")
    site = re.sub(r"server 127\.0\.0\.1:808\d;\n", "", site)
    site = site.replace("keepalive 32;", f"server 127.0.0.1:{upstream};\n    keepalive 32;")
    site = site.replace("server 127.0.0.1:3000;", f"server 127.0.0.1:{free_port()};")
    main = f"""
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
{site}
}}
"""
    path = tmp / "nginx.conf"
    path.write_text(main)
    return path


@pytest.fixture
def proxied(tmp_path: Path, engine: Engine, settings: Settings) -> Iterator[str]:
    if not Path(NGINX).exists():
        pytest.fail("nginx is expected here (make install-test installs Debian's nginx-light)")
    app = make_app(settings, RATE_LIMIT="3/minute", TRUSTED_PROXIES=["127.0.0.1"])
    with LiveServer(app) as server:
        port = free_port()
        conf = _config(tmp_path, port, server.port)
        check = subprocess.run(
            [NGINX, "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True
        )
        assert check.returncode == 0, check.stderr.decode()
        proc = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(tmp_path), "-g", "daemon off;"])
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    httpx.get(f"http://127.0.0.1:{port}/api/health", headers=HOST, timeout=2)
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "nginx did not start"
                    time.sleep(0.1)
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def test_the_proxy_streams_events_unbuffered_and_replaces_forwarded_addresses(
    proxied: str,
) -> None:
    started = httpx.post(f"{proxied}/api/conversations", json={}, headers=HOST).json()
    cid = started["conversation_id"]
    headers = {**HOST, "Authorization": f"Bearer {started['visitor_token']}"}

    def ask() -> None:
        time.sleep(0.5)
        httpx.post(
            f"{proxied}/api/conversations/{cid}/messages",
            json={"text": "what are your opening hours?"},
            headers={**headers, "X-Forwarded-For": "198.51.100.1"},
        )

    threading.Thread(target=ask, daemon=True).start()
    with httpx.stream(
        "GET", f"{proxied}/api/conversations/{cid}/events", headers=headers, timeout=20
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        roles = []
        for event in sse_events(response):
            if event["event"] == "message":
                roles.append(event["data"]["role"])  # type: ignore[index]
                if roles[-1] == "bot":
                    break
    assert roles == ["visitor", "bot"]

    # Two more messages reach the limit of 3 a minute, whatever address the visitor claims.
    codes = [
        httpx.post(
            f"{proxied}/api/conversations/{cid}/messages",
            json={"text": f"question {n}"},
            headers={**headers, "X-Forwarded-For": f"198.51.100.{n + 2}"},
        ).status_code
        for n in range(3)
    ]
    assert codes == [201, 201, 429]
