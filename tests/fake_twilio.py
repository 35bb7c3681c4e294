"""A local server that speaks Twilio's Messages API (2010-04-01: send a message, list them), for
twilio's Client with `client.api.base_url` pointed at it. It keeps what it is sent, checks the
account's basic auth, and can refuse a number (400, code 21211) or fail (500)."""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

SID = "AC" + "1" * 32
TOKEN = "twilio-test-token"
FROM = "+15005550006"
OWNER = "+447911123456"


@dataclass
class FakeTwilio:
    fail_first: int = 0  # requests answered 500 before the outage ends
    invalid: set[str] = field(default_factory=set)  # numbers refused with 21211
    sent: list[dict[str, str]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> FakeTwilio:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _authorised(self) -> bool:
                expected = base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
                if self.headers.get("Authorization") == f"Basic {expected}":
                    return True
                self._answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
                return False

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                path = urlsplit(self.path).path
                form = dict(
                    parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode())
                )
                if not self._authorised():
                    return
                if path != f"/2010-04-01/Accounts/{SID}/Messages.json":
                    return self._answer(404, {"code": 20404, "message": "Not found", "status": 404})
                with fake._lock:
                    if fake.fail_first > 0:
                        fake.fail_first -= 1
                        return self._answer(500, {"code": 20500, "message": "Oops", "status": 500})
                    if form.get("To") in fake.invalid:
                        message = "The 'To' number is not a valid phone number."
                        return self._answer(400, {"code": 21211, "message": message, "status": 400})
                    fake.sent.append(form)
                    index = len(fake.sent)
                self._answer(201, fake.resource(form, index))

            def do_GET(self) -> None:  # noqa: N802
                url = urlsplit(self.path)
                if not self._authorised():
                    return
                query = dict(parse_qsl(url.query))
                with fake._lock:
                    found = [
                        fake.resource(form, i + 1)
                        for i, form in enumerate(fake.sent)
                        if form.get("To") == query.get("To")
                    ]
                self._answer(
                    200,
                    {
                        "messages": found,
                        "next_page_uri": None,
                        "page": 0,
                        "page_size": 50,
                        "uri": url.path,
                    },
                )

            def log_message(self, *_args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @staticmethod
    def resource(form: dict[str, str], index: int) -> dict[str, Any]:
        now = format_datetime(datetime.now(UTC), usegmt=True)
        return {
            "sid": f"SM{index:032d}",
            "account_sid": SID,
            "to": form.get("To"),
            "from": form.get("From"),
            "body": form.get("Body"),
            "status": "queued",
            "date_created": now,
            "date_sent": now,
            "num_segments": "1",
        }

    def settings(self) -> dict[str, Any]:
        return {
            "TWILIO_ACCOUNT_SID": SID,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_FROM": FROM,
            "TWILIO_API_URL": self.url,
            "ALERT_SMS_TO": OWNER,
            "SMS_QUIET_HOURS": "",
        }
