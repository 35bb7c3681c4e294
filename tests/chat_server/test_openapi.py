"""The OpenAPI document describes every endpoint of the chat API."""

from __future__ import annotations

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from chat_server.factory import API_ROUTES

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
