"""One error shape for the API: {"error": "..."}; reading JSON bodies with clear failures."""

from __future__ import annotations

import json
import logging
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

M = TypeVar("M", bound=BaseModel)
RETRY_AFTER_SECONDS = 5  # when the database is away (restarting, failing over)

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(
        self, status: int, error: str, *, headers: dict[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.headers = headers
        self.extra = extra


JSON_TYPES = ("application/json",)


async def read_json(
    request: Request,
    model: type[M],
    *,
    max_bytes: int,
    allow_empty: bool = False,
    content_types: tuple[str, ...] = JSON_TYPES,
) -> M:
    """The body as `model`. Only JSON content types: a page on another site can post text/plain
    (or a form) without asking CORS first, never application/json."""
    body = await read_body(request, max_bytes=max_bytes, content_types=content_types)
    return parse_json(body, model, allow_empty=allow_empty)


async def read_body(
    request: Request, *, max_bytes: int, content_types: tuple[str, ...] = JSON_TYPES
) -> bytes:
    """The raw body (for a signature over its bytes), of a JSON content type, at most
    `max_bytes` long."""
    kind = request.headers.get("content-type", JSON_TYPES[0]).split(";")[0].strip().lower()
    if kind not in content_types:
        raise ApiError(415, f"Send the body as JSON (Content-Type: {' or '.join(content_types)})")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise ApiError(413, f"Request body is larger than {max_bytes} bytes")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise ApiError(413, f"Request body is larger than {max_bytes} bytes")
    return body


def parse_json(body: bytes, model: type[M], *, allow_empty: bool = False) -> M:
    """`body` read as `model`: 400 for what is not JSON, 422 naming the first wrong field."""
    if not body.strip() and allow_empty:
        return model()
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ApiError(400, "Request body is not valid JSON") from None
    except RecursionError:
        raise ApiError(400, "Request body is nested too deeply") from None
    except ValueError:  # Python refuses to read integers of more than 4,300 digits
        raise ApiError(400, "Request body has a number with too many digits") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        details = [
            {"field": ".".join(str(p) for p in err["loc"]) or "body", "problem": err["msg"]}
            for err in exc.errors(include_url=False, include_input=False)
        ]
        first = details[0]
        raise ApiError(
            422, f"Invalid {first['field']}: {first['problem']}", details=details
        ) from None


async def api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    body: dict[str, Any] = {"error": exc.error, **exc.extra}
    return JSONResponse(body, status_code=exc.status, headers=exc.headers)


async def http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)


async def database_unavailable(_request: Request, exc: Exception) -> JSONResponse:
    """The database cannot be reached (restarting, failing over) or is busy: nothing was
    stored, so the client retries (the widget resends with the same client_id)."""
    log.warning("database unavailable: %s", str(exc).splitlines()[0] if str(exc) else exc)
    return JSONResponse(
        {"error": "The service is briefly unavailable, please try again in a few seconds"},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )
