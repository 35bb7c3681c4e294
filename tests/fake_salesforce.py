"""A local server that speaks the part of Salesforce the integration uses, over TLS with a
certificate from a local test CA (trustme), as simple-salesforce insists on https: the OAuth 2.0
client-credentials token request, SOQL queries of the form `SELECT Id FROM X WHERE F = '...'`,
and creating and updating records (Lead requires LastName and Company, as Salesforce does). It
checks the bearer token and can answer 500 to the first requests (an outage)."""

from __future__ import annotations

import json
import re
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import trustme

CLIENT_ID = "3MVG9test-consumer-key"
CLIENT_SECRET = "test-consumer-secret"
TOKEN = "00Dtest!access-token"
REST = re.compile(r"^/services/data/v[\d.]+/(?P<rest>.*)$")
QUERY = re.compile(
    r"^SELECT Id FROM (?P<kind>\w+)(?: WHERE (?P<field>\w+) = '(?P<value>(?:[^'\\]|\\.)*)')?"
)
REQUIRED = {"Lead": ("LastName", "Company"), "Contact": ("LastName",), "Task": ()}


@dataclass
class FakeSalesforce:
    ca_file: Path
    fail_first: int = 0
    records: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=lambda: {"Lead": {}, "Contact": {}, "Task": {}}
    )  # by type, then id, in creation order
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> FakeSalesforce:
        fake = self
        ca = trustme.CA()
        ca.cert_pem.write_to_path(str(self.ca_file))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(context)

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, body: Any = None) -> None:
                raw = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                if body is not None:
                    self.send_header("Content-Type", "application/json;charset=UTF-8")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if self.path == "/services/oauth2/token" and method == "POST":
                    form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                    return self._answer(*fake.token(form))
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self._answer(
                        401,
                        [
                            {
                                "message": "Session expired or invalid",
                                "errorCode": "INVALID_SESSION_ID",
                            }
                        ],
                    )
                with fake._lock:
                    if fake.fail_first > 0:
                        fake.fail_first -= 1
                        return self._answer(
                            500,
                            [
                                {
                                    "message": "An unexpected error occurred",
                                    "errorCode": "UNKNOWN_EXCEPTION",
                                }
                            ],
                        )
                    self._answer(*fake.handle(method, self.path, json.loads(raw or b"null")))

            def do_GET(self) -> None:  # noqa: N802 (http.server's names)
                self._serve("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._serve("POST")

            def do_PATCH(self) -> None:  # noqa: N802
                self._serve("PATCH")

            def do_DELETE(self) -> None:  # noqa: N802
                self._serve("DELETE")

            def log_message(self, *_args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def token(self, form: dict[str, str]) -> tuple[int, Any]:
        if form.get("grant_type") != "client_credentials":
            return 400, {
                "error": "unsupported_grant_type",
                "error_description": "grant type not supported",
            }
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return 400, {
                "error": "invalid_client",
                "error_description": "invalid client credentials",
            }
        return 200, {
            "access_token": TOKEN,
            "instance_url": self.url,
            "id": f"{self.url}/id/00Dxx0000000001/005xx0000000001",
            "token_type": "Bearer",
            "issued_at": "1764900000000",
            "signature": "test",
        }

    def handle(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        parts = urlsplit(path)
        match = REST.match(parts.path)
        if match is None:
            return 404, [{"message": f"no route {path}", "errorCode": "NOT_FOUND"}]
        rest = match["rest"].rstrip("/")
        if rest == "query" and method == "GET":
            return self.query(unquote(parse_qs(parts.query)["q"][0]))
        kind, _, record_id = rest.removeprefix("sobjects/").partition("/")
        if kind not in self.records:
            return 404, [
                {"message": f"sObject type '{kind}' is not supported.", "errorCode": "NOT_FOUND"}
            ]
        if method == "POST" and not record_id:
            missing = [name for name in REQUIRED[kind] if not body.get(name)]
            if missing:
                return 400, [
                    {
                        "message": f"Required fields are missing: {missing}",
                        "errorCode": "REQUIRED_FIELD_MISSING",
                        "fields": missing,
                    }
                ]
            new_id = f"{kind[:3]}{len(self.records[kind]) + 1:015d}"
            self.records[kind][new_id] = dict(body)
            return 201, {"id": new_id, "success": True, "errors": []}
        if method == "DELETE" and record_id in self.records[kind]:
            del self.records[kind][record_id]
            if kind in ("Lead", "Contact"):  # its Tasks go with it
                tasks = self.records["Task"]
                for task_id in [i for i, t in tasks.items() if t.get("WhoId") == record_id]:
                    del tasks[task_id]
            return 204, None
        if method == "PATCH" and record_id in self.records[kind]:
            self.records[kind][record_id].update(body)
            return 204, None
        return 404, [{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}]

    def query(self, soql: str) -> tuple[int, Any]:
        match = QUERY.match(soql)
        if match is None:
            return 400, [{"message": f"unexpected query {soql}", "errorCode": "MALFORMED_QUERY"}]
        value = re.sub(r"\\(.)", r"\1", match["value"] or "")
        # Salesforce compares e-mail addresses and text fields without regard to case.
        found = [
            {"attributes": {"type": match["kind"]}, "Id": record_id}
            for record_id, record in self.records.get(match["kind"], {}).items()
            if match["field"] is None
            or str(record.get(match["field"], "")).lower() == value.lower()
        ][:1]
        return 200, {"totalSize": len(found), "done": True, "records": found}

    def settings(self) -> dict[str, Any]:
        return {
            "SALESFORCE_LOGIN_URL": self.url,
            "SALESFORCE_CLIENT_ID": CLIENT_ID,
            "SALESFORCE_CLIENT_SECRET": CLIENT_SECRET,
            "SALESFORCE_CA_FILE": self.ca_file,
        }
