"""A local server that speaks the part of HubSpot's CRM v3 API the integration uses (contacts
batch upsert by e-mail, notes create and search), for hubspot-api-client pointed at it with
`host=`. It keeps contacts by e-mail and notes with their associations, checks the bearer token,
and can answer 500 to the first requests (an outage)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

TOKEN = "pat-na1-test-token"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class FakeHubSpot:
    fail_first: int = 0
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)  # by e-mail
    notes: list[dict[str, Any]] = field(default_factory=list)
    purged: list[str] = field(default_factory=list)  # GDPR deletes asked for, by e-mail
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> FakeHubSpot:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, body: dict[str, Any] | None) -> None:
                raw = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self._answer(
                        401,
                        {
                            "status": "error",
                            "message": "Authentication credentials not found",
                            "category": "INVALID_AUTHENTICATION",
                        },
                    )
                path, _, query = self.path.partition("?")
                if path.startswith("/crm/v3/objects/contacts/") and "idProperty=email" in query:
                    with fake._lock:
                        contact = fake.contacts.get(unquote(path.rsplit("/", 1)[1]).lower())
                    if contact is None:
                        return self._answer(
                            404,
                            {
                                "status": "error",
                                "message": "Object not found.",
                                "category": "OBJECT_NOT_FOUND",
                            },
                        )
                    return self._answer(
                        200, {**contact, "updatedAt": contact["createdAt"], "archived": False}
                    )
                if path != "/crm/v3/objects/contacts":
                    return self._answer(404, {"status": "error", "message": "no route"})
                with fake._lock:
                    found = [
                        {"id": c["id"], "properties": c["properties"], "archived": False}
                        | {"createdAt": c["createdAt"], "updatedAt": c["createdAt"]}
                        for c in list(fake.contacts.values())[:1]
                    ]
                self._answer(200, {"results": found})

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self._answer(
                        401,
                        {
                            "status": "error",
                            "message": "Authentication credentials not found",
                            "category": "INVALID_AUTHENTICATION",
                        },
                    )
                with fake._lock:
                    if fake.fail_first > 0:
                        fake.fail_first -= 1
                        return self._answer(500, {"status": "error", "message": "internal error"})
                    status, answer = fake.handle(self.path, body)
                self._answer(status, answer)

            def log_message(self, *_args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def handle(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any] | None]:
        if path == "/crm/v3/objects/contacts/batch/upsert":
            results = []
            for item in body["inputs"]:
                assert item["idProperty"] == "email"
                email = item["id"].lower()
                new = email not in self.contacts
                contact = self.contacts.setdefault(
                    email,
                    {"id": str(100 + len(self.contacts)), "properties": {}, "createdAt": _now()},
                )
                contact["properties"].update(item["properties"])
                results.append({**contact, "updatedAt": _now(), "archived": False, "new": new})
            return 200, {
                "status": "COMPLETE",
                "results": results,
                "startedAt": _now(),
                "completedAt": _now(),
            }
        if path == "/crm/v3/objects/contacts/gdpr-delete":
            assert body["idProperty"] == "email"
            email = body["objectId"].lower()
            self.purged.append(email)  # HubSpot would blocklist an address it does not know
            contact = self.contacts.pop(email, None)
            if contact is not None:  # its notes go with it
                self.notes = [
                    n
                    for n in self.notes
                    if all(a["to"]["id"] != contact["id"] for a in n["associations"])
                ]
            return 204, None
        if path == "/crm/v3/objects/notes":
            note = {
                "id": str(900 + len(self.notes)),
                "properties": body["properties"],
                "associations": body.get("associations", []),
                "createdAt": _now(),
                "updatedAt": _now(),
                "archived": False,
            }
            self.notes.append(note)
            return 201, {k: v for k, v in note.items() if k != "associations"}
        if path == "/crm/v3/objects/notes/search":
            [group] = body["filterGroups"]
            [rule] = group["filters"]
            found = [
                {k: v for k, v in n.items() if k != "associations"}
                for n in self.notes
                if rule["value"] in n["properties"].get(rule["propertyName"], "")
            ]
            return 200, {"total": len(found), "results": found}
        return 404, {"status": "error", "message": f"no route {path}"}

    def settings(self) -> dict[str, Any]:
        return {"HUBSPOT_ACCESS_TOKEN": TOKEN, "HUBSPOT_API_URL": self.url}
