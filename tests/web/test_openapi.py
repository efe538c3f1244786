"""The OpenAPI document describes exactly the routes the app serves, and is well-formed."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from jsonschema import Draft202012Validator, ValidationError

from tests.web.support import AUTH, validate
from web.openapi import document
from web.openapi_schemas import SCHEMAS

UNDOCUMENTED = {"/", "/favicon.ico", "/static/<path:filename>", "/ws/live"}


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_every_route_is_documented_and_every_documented_path_exists(app: Flask) -> None:
    doc = document()
    served: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule not in UNDOCUMENTED:
            served.setdefault(rule.rule, set()).update(
                m.lower() for m in rule.methods or () if m not in ("HEAD", "OPTIONS"))
    documented = {path: set(ops) for path, ops in doc["paths"].items()}
    assert served == documented


def test_every_schema_is_valid_and_every_ref_resolves() -> None:
    doc = document()
    assert doc["openapi"].startswith("3.1")
    for schema in SCHEMAS.values():
        Draft202012Validator.check_schema(schema)
    refs = _refs(doc)
    assert len(refs) > 20
    for ref in refs:
        name = ref.removeprefix("#/components/schemas/")
        assert name in doc["components"]["schemas"], ref


def test_protected_operations_document_401_and_healthz_is_public() -> None:
    doc = document()
    assert doc["security"] == [{"bearer": []}]
    assert doc["paths"]["/healthz"]["get"]["security"] == []
    for path, ops in doc["paths"].items():
        for op in ops.values():
            if path != "/healthz":
                assert "401" in op["responses"], path


def test_the_served_document_is_the_document_and_validates_itself(app: Flask) -> None:
    body = app.test_client().get("/api/v1/openapi.json", headers=AUTH).get_json()
    assert body == document()
    validate("/api/v1/openapi.json", "get", 200, body)


def test_a_wrong_shape_fails_validation() -> None:
    with pytest.raises(ValidationError):
        validate("/api/v1/trades", "get", 200, {"trades": [], "limit": 1, "offset": 0})
    with pytest.raises(ValidationError):
        validate("/api/v1/thoughts", "get", 200, {"thoughts": [{"ts": 1}], "extra": 1})
