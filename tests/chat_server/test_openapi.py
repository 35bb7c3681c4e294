"""The OpenAPI document describes every endpoint of the chat API."""

from __future__ import annotations

import re

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from chat_server.factory import API_ROUTES
from chat_server.openapi import build_openapi
from core.settings import Settings
from tests.conftest import Visit

pytestmark = pytest.mark.slow


def test_every_api_route_is_documented_with_its_schemas(client: TestClient) -> None:
    doc = client.get("/api/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    for route in API_ROUTES:
        assert isinstance(route, Route)
        for method in route.methods or ():
            if method == "HEAD":
                continue
            operation = doc["paths"][route.path][method.lower()]
            assert operation["summary"], f"{method} {route.path} has no summary"
            assert operation["responses"], f"{method} {route.path} has no responses"
    # Every $ref points at something that exists.
    refs = _refs(doc)
    for ref in refs:
        section, name = ref.split("/")[2:4]
        assert name in doc["components"][section], ref
    assert "#/components/schemas/MessagePublic" in refs


def _refs(node: object) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def ecma(pattern: str) -> str:
    """`pattern` as JSON Schema (ECMA-262) reads it: "$" is the end, also after a newline."""
    return pattern.removesuffix("$") + r"\Z" if pattern.endswith("$") else pattern


def test_the_limits_stated_are_the_configured_ones(settings: Settings) -> None:
    doc = build_openapi(
        API_ROUTES,
        "test",
        settings.model_copy(
            update={"MAX_MESSAGE_CHARS": 50, "MAX_BATCH_MESSAGES": 3, "MAX_BODY_BYTES": 999}
        ),
    )
    schemas = doc["components"]["schemas"]
    assert schemas["MessageIn"]["properties"]["text"]["maxLength"] == 50
    assert schemas["BatchIn"]["properties"]["messages"]["maxItems"] == 3
    assert "(999 bytes)" in doc["components"]["responses"]["TooLarge"]["description"]


def test_every_operation_states_the_answers_any_request_can_get(client: TestClient) -> None:
    """A database away is 503 everywhere; a body too slow to arrive 408, too large 413."""
    doc = client.get("/api/openapi.json").json()
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            assert "503" in operation["responses"], f"{method} {path}"
            if "requestBody" in operation:
                assert {"408", "413"} <= set(operation["responses"]), f"{method} {path}"


@pytest.mark.parametrize(
    "email, valid",
    [
        ("ann.o'neil+shop@mail.example.org", True),
        ("a@b", False),
        ("two@@example.org", False),
        ("ann @example.org", False),
        ("ann@example.org\n", False),
        ("ann@-example.org", False),
        ("ännä@example.org", False),
    ],
)
def test_an_email_is_taken_exactly_when_the_document_says_so(
    client: TestClient, email: str, valid: bool
) -> None:
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]["ContactIn"]
    stated = schema["properties"]["email"]
    assert (re.search(ecma(stated["pattern"]), email) is not None) is valid
    form = {"name": "Ann", "email": email, "message": "please call"}
    response = client.post("/api/contact", json=form)
    assert response.status_code == (201 if valid else 422), response.text


def test_suggestions_without_q_are_none_as_the_document_allows(client: TestClient) -> None:
    doc = client.get("/api/openapi.json").json()
    [q] = doc["paths"]["/api/suggestions"]["get"]["parameters"]
    assert q["name"] == "q" and q["required"] is False
    response = client.get("/api/suggestions")
    assert response.status_code == 200 and response.json() == {"suggestions": []}


@pytest.mark.parametrize(
    "language, valid", [("fr", True), ("FR", True), (" fr", False), ("xx", False)]
)
def test_a_language_is_taken_exactly_when_the_document_says_so(
    client: TestClient, visit: Visit, language: str, valid: bool
) -> None:
    doc = client.get("/api/openapi.json").json()
    pattern = doc["components"]["schemas"]["ConversationPatchIn"]["properties"]["language"][
        "pattern"
    ]
    assert (re.search(ecma(pattern), language) is not None) is valid
    response = client.patch(
        f"/api/conversations/{visit.cid}", json={"language": language}, headers=visit.headers
    )
    assert response.status_code == (200 if valid else 422), response.text
