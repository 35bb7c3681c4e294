"""Signed visitor tokens: a visitor can read only its own conversations.

A token names the visitor and when that visitor's first token was issued. Starting another
conversation with a valid token renews it with the same start, so one visitor identity (what
joins a person's visits together) lasts at most max_age from its first token, however often it
is renewed; after that the browser gets a new visitor."""

from __future__ import annotations

import time

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from starlette.requests import Request

from chat_server.errors import ApiError

SALT = "customeragent.visitor"


class VisitorTokens:
    def __init__(self, secret: str, max_age_seconds: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt=SALT)
        self._max_age = max_age_seconds

    def issue(self, visitor_public_id: str, since: int | None = None) -> str:
        """A token for the visitor; `since` is when its first token was issued (now if new)."""
        return self._serializer.dumps(
            [visitor_public_id, int(time.time()) if since is None else since]
        )

    def read(self, token: str) -> str:
        """The visitor's public id, or 401."""
        return self.identity(token)[0]

    def identity(self, token: str) -> tuple[str, int]:
        """The visitor's public id and when its first token was issued, or 401."""
        expired = ApiError(401, "Visitor token has expired; start a new conversation")
        try:
            value, signed = self._serializer.loads(
                token, max_age=self._max_age, return_timestamp=True
            )
        except SignatureExpired:
            raise expired from None
        except BadSignature:
            raise ApiError(401, "Visitor token is not valid") from None
        if isinstance(value, str):  # issued before tokens carried their start
            value = [value, int(signed.timestamp())]
        if not (
            isinstance(value, list)
            and len(value) == 2
            and isinstance(value[0], str)
            and type(value[1]) is int
        ):
            raise ApiError(401, "Visitor token is not valid")
        if value[1] + self._max_age < time.time():
            raise expired
        return value[0], value[1]


def bearer_token(request: Request, *, allow_query: bool = False) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    if allow_query:
        return request.query_params.get("token") or None
    return None
