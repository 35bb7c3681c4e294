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
    WhatsAppIn,
    WhatsAppOut,
)
from chat_server.telemetry_schemas import ClickIn, TelemetryIn, TelemetryOut, TrackedIn
from core.models import MessagePublic
from core.settings import Settings

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
    WhatsAppIn,
    WhatsAppOut,
    ErrorOut,
    MessagePublic,
)


def _error(description: str) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/ErrorOut"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _components(settings: Settings) -> dict[str, Any]:
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
            "TooLarge": _error(
                f"Text over MAX_MESSAGE_CHARS ({settings.MAX_MESSAGE_CHARS} characters), more than"
                f" MAX_BATCH_MESSAGES ({settings.MAX_BATCH_MESSAGES}) messages, or a body over"
                f" MAX_BODY_BYTES ({settings.MAX_BODY_BYTES} bytes)"
            ),
            "Invalid": _error("Wrong types or missing fields"),
            "NotJson": _error("Body sent as something other than application/json"),
            "TooMany": {
                **_error("Rate limit reached"),
                "headers": {"Retry-After": {"schema": {"type": "integer"}}},
            },
            "TooSlow": _error("The request body did not arrive in REQUEST_TIMEOUT_SECONDS"),
            "Unavailable": {
                **_error("The database is briefly unreachable: nothing was stored, send again"),
                "headers": {"Retry-After": {"schema": {"type": "integer"}}},
            },
        },
    }


def _configured(schemas: dict[str, Any], settings: Settings) -> None:
    """The limits that come from the settings, as this server has them."""
    schemas["MessageIn"]["properties"]["text"]["maxLength"] = settings.MAX_MESSAGE_CHARS
    schemas["BatchIn"]["properties"]["messages"]["maxItems"] = settings.MAX_BATCH_MESSAGES


def _answers_of_every_operation(paths: dict[str, Any]) -> None:
    """What any operation can answer besides its own: 503 when the database is away; and for
    one with a body, 408 when the body is too slow to arrive and 413 when it is too large."""
    for operation in (op for item in paths.values() for op in item.values()):
        responses = operation["responses"]
        responses.setdefault(503, {"$ref": "#/components/responses/Unavailable"})
        if "requestBody" in operation:
            responses.setdefault(408, {"$ref": "#/components/responses/TooSlow"})
            responses.setdefault(413, {"$ref": "#/components/responses/TooLarge"})


def build_openapi(routes: Sequence[BaseRoute], version: str, settings: Settings) -> dict[str, Any]:
    """The OpenAPI document of `routes`, with the limits `settings` set."""
    components = _components(settings)
    _configured(components["schemas"], settings)
    generator = SchemaGenerator(
        {
            "openapi": "3.1.0",
            "info": {"title": "CustomerAgent chat API", "version": version},
            "components": components,
        }
    )
    doc = generator.get_schema(list(routes))
    _answers_of_every_operation(doc["paths"])
    return doc
