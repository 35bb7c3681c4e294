"""Signed visitor tokens: a visitor can read only its own conversations."""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from starlette.requests import Request

from chat_server.errors import ApiError

SALT = "customeragent.visitor"


class VisitorTokens:
    def __init__(self, secret: str, max_age_seconds: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt=SALT)
        self._max_age = max_age_seconds

    def issue(self, visitor_public_id: str) -> str:
        return self._serializer.dumps(visitor_public_id)

    def read(self, token: str) -> str:
        try:
            value = self._serializer.loads(token, max_age=self._max_age)
        except SignatureExpired:
            raise ApiError(401, "Visitor token has expired; start a new conversation") from None
        except BadSignature:
            raise ApiError(401, "Visitor token is not valid") from None
        if not isinstance(value, str):
            raise ApiError(401, "Visitor token is not valid")
        return value


def bearer_token(request: Request, *, allow_query: bool = False) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    if allow_query:
        return request.query_params.get("token") or None
    return None
