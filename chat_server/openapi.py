"""The OpenAPI document: paths from the endpoints' docstrings, schemas from the pydantic models."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from starlette.routing import BaseRoute
from starlette.schemas import SchemaGenerator

from chat_server.schemas import (
    BatchIn,
    BatchOut,
    ConfigOut,
    ContactIn,
    ContactOut,
    ConversationIn,
    ConversationOut,
    ConversationPatchIn,
    ConversationPatchOut,
    ErrorOut,
    EstimatedWaitOut,
    ExportLinkIn,
    ExportLinkOut,
    FeedbackIn,
    FeedbackOut,
    HistoryOut,
    MessageIn,
    SlackEventIn,
    SlackEventOut,
    SuggestionsOut,
    TurnOut,
)
from chat_server.telemetry_schemas import ClickIn, TelemetryIn, TelemetryOut, TrackedIn
from core.models import MessagePublic

# Every body of the chat API, in the order the document lists them.
SCHEMAS: tuple[type[BaseModel], ...] = (
    ConversationIn,
    ConversationOut,
    ConversationPatchIn,
    ConversationPatchOut,
    MessageIn,
    BatchIn,
    TurnOut,
    BatchOut,
    HistoryOut,
    ContactIn,
    ContactOut,
    ExportLinkIn,
    ExportLinkOut,
    FeedbackIn,
    FeedbackOut,
    EstimatedWaitOut,
    ConfigOut,
    ClickIn,
    TrackedIn,
    TelemetryIn,
    TelemetryOut,
    SuggestionsOut,
    SlackEventIn,
    SlackEventOut,
    ErrorOut,
    MessagePublic,
)


def _error(description: str) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/ErrorOut"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _components() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for model in SCHEMAS:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return {
        "schemas": schemas,
        "securitySchemes": {
            "visitorToken": {"type": "http", "scheme": "bearer"},
            "visitorTokenQuery": {"type": "apiKey", "in": "query", "name": "token"},
        },
        "parameters": {
            "cid": {"name": "cid", "in": "path", "required": True, "schema": {"type": "string"}}
        },
        "responses": {
            "BadRequest": _error("Body is not valid JSON"),
            "Unauthorized": _error("Visitor token missing, forged or expired"),
            "Forbidden": _error("Conversation of another visitor"),
            "NotFound": _error("Unknown conversation or message"),
            "TooLarge": _error("Message or body too large"),
            "Invalid": _error("Wrong types or missing fields"),
            "NotJson": _error("Body sent as something other than application/json"),
            "TooMany": {
                **_error("Rate limit reached"),
                "headers": {"Retry-After": {"schema": {"type": "integer"}}},
            },
        },
    }


def build_openapi(routes: Sequence[BaseRoute], version: str) -> dict[str, Any]:
    generator = SchemaGenerator(
        {
            "openapi": "3.1.0",
            "info": {"title": "CustomerAgent chat API", "version": version},
            "components": _components(),
        }
    )
    return generator.get_schema(list(routes))
