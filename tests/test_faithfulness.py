"""The spec against the facts it was built from: the catalog and fal's own published OpenAPI."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate as validate_openapi
from support import GENERATED, REFERENCE

FAL_DOC = REFERENCE / "fal-openapi-v2.6-pro-image-to-video.json"
FIELD_KEYS = ("title", "type", "default", "maxLength", "minimum", "maximum", "x-fal", "enum")


@cache
def bundle() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((GENERATED / "openapi.json").read_text(encoding="utf-8"))
    return loaded


@cache
def catalog() -> dict[str, Any]:
    text = (REFERENCE / "kling-catalog.yaml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return loaded


def schemas() -> dict[str, Any]:
    found: dict[str, Any] = bundle()["components"]["schemas"]
    return found


def deref(node: dict[str, Any]) -> dict[str, Any]:
    """A property with its $ref target's keys merged under its own."""
    if "$ref" in node:
        return {
            **deref(schemas()[node["$ref"].rsplit("/", 1)[1]]),
            **{k: v for k, v in node.items() if k != "$ref"},
        }
    if "allOf" in node and len(node["allOf"]) == 1:
        return {**deref(node["allOf"][0]), **{k: v for k, v in node.items() if k != "allOf"}}
    return node


def operation_schema(endpoint_id: str, part: str) -> dict[str, Any]:
    paths = bundle()["paths"]
    if part == "input":
        op = paths[f"/{endpoint_id}"]["post"]
        ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    else:
        op = paths[f"/{endpoint_id}/requests/{{request_id}}"]["get"]
        ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    return {"name": ref.rsplit("/", 1)[1], **schemas()[ref.rsplit("/", 1)[1]]}


def test_bundle_is_valid_openapi_31() -> None:
    validate_openapi(bundle())
    assert bundle()["openapi"].startswith("3.1")


def test_seed_endpoint_matches_fals_published_openapi() -> None:
    fal = json.loads(FAL_DOC.read_text(encoding="utf-8"))
    fal_schemas = fal["components"]["schemas"]
    endpoint_id = "fal-ai/kling-video/v2.6/pro/image-to-video"
    for part, fal_name in (
        ("input", "KlingVideoV26ProImageToVideoInput"),
        ("output", "KlingVideoV26ProImageToVideoOutput"),
    ):
        ours, theirs = operation_schema(endpoint_id, part), fal_schemas[fal_name]
        assert ours["title"] == theirs["title"]
        assert sorted(ours.get("required", [])) == sorted(theirs.get("required", []))
        assert ours["x-fal-order-properties"] == theirs["x-fal-order-properties"]
        assert ours["properties"].keys() == theirs["properties"].keys()
        for name, prop in theirs["properties"].items():
            mine, fals = deref(ours["properties"][name]), deref(prop)
            for key in FIELD_KEYS:
                if key in fals:
                    assert mine.get(key) == fals[key], (part, name, key)
    assert schemas()["File"]["properties"].keys() == fal_schemas["File"]["properties"].keys()
    assert schemas()["File"]["required"] == fal_schemas["File"]["required"]


def _limit(value: Any) -> float | None:
    if value is None:
        return None
    match = re.match(r"\s*(-?[0-9.]+)", str(value))
    return float(match.group(1)) if match else None


def _catalog_enum(field: dict[str, Any]) -> list[str] | None:
    if "enum" in field:
        return [str(v) for v in field["enum"]]
    if "enum_ref" in field:
        entry = catalog()["enums"][field["enum_ref"]]
        return [str(v) for v in entry.get("values") or entry["values_2026_04_onward"]]
    return None


ENDPOINTS = catalog()["endpoints"]


@pytest.mark.parametrize("entry", ENDPOINTS, ids=[e["endpoint_id"][18:] for e in ENDPOINTS])
def test_endpoint_matches_the_catalog(entry: dict[str, Any]) -> None:
    for part, fields_key in (("input", "fields"), ("output", "output_fields")):
        ours = operation_schema(entry["endpoint_id"], part)
        expected_title = (entry[f"{part}_schema"].get("title") or "").rstrip("?")
        if expected_title and not expected_title.startswith("("):
            assert ours["title"] == expected_title
        fields = [
            f for f in entry[fields_key] if not str(f.get("status", "")).startswith("removed")
        ]
        assert set(ours["properties"]) == {f["name"] for f in fields}
        assert set(ours.get("required", [])) == {f["name"] for f in fields if f["required"]}
        for field in fields:
            mine = deref(ours["properties"][field["name"]])
            assert mine.get("default") == field.get("default"), field["name"]
            expected_enum = _catalog_enum(field)
            if expected_enum is not None:
                assert mine.get("enum") == expected_enum, field["name"]
            assert _limit(mine.get("maxLength")) == _limit(field.get("max_length")), field["name"]
            assert _limit(mine.get("minimum")) == _limit(field.get("minimum")), field["name"]
            assert _limit(mine.get("maximum")) == _limit(field.get("maximum")), field["name"]
