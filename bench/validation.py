"""Validation throughput of kling_fal (cross-field rules on) vs jsonschema and fastjsonschema."""

from __future__ import annotations

import json
from typing import Any

import fastjsonschema
import jsonschema

from bench.timing import ROOT, call_time

BUNDLE = ROOT / "generated" / "openapi.json"


def _corpus() -> list[tuple[str, Any]]:
    import kling_fal
    from kling_fal import fixtures

    return [
        (e, f.payload) for e in kling_fal.ENDPOINTS for f in fixtures.load(e) if f.kind != "output"
    ]


def _schema(bundle: dict[str, Any], model: str) -> dict[str, Any]:
    return {"components": bundle["components"], "$ref": f"#/components/schemas/{model}"}


def measure(repeat: int) -> list[tuple[str, float, str, float | None]]:
    """Rows (name, payloads per second, peer, ratio of speeds)."""
    import kling_fal
    from kling_fal import KlingValidationError

    bundle = json.loads(BUNDLE.read_text(encoding="utf-8"))
    corpus = _corpus()
    encoded = [(e, json.dumps(p).encode()) for e, p in corpus]
    models = {e: kling_fal.ENDPOINTS[e].input for e in kling_fal.ENDPOINTS}
    schemas = {e: _schema(bundle, i.input_model) for e, i in kling_fal.ENDPOINTS.items()}
    draft = {e: jsonschema.Draft202012Validator(s) for e, s in schemas.items()}
    fast = {
        e: fastjsonschema.compile({**s, "$schema": "http://json-schema.org/draft-07/schema#"})
        for e, s in schemas.items()
    }

    def ours() -> None:
        for endpoint, payload in corpus:
            try:
                models[endpoint].model_validate(payload)
            except KlingValidationError:
                pass

    def ours_json() -> None:
        for endpoint, data in encoded:
            try:
                models[endpoint].model_validate_json(data)
            except KlingValidationError:
                pass

    def with_jsonschema() -> None:
        for endpoint, payload in corpus:
            draft[endpoint].is_valid(payload)

    def with_fast() -> None:
        for endpoint, payload in corpus:
            try:
                fast[endpoint](payload)
            except fastjsonschema.JsonSchemaException:
                pass

    n = len(corpus)
    rate = {
        name: n / call_time(fn, repeat)
        for name, fn in (
            ("ours", ours),
            ("json", ours_json),
            ("jsonschema", with_jsonschema),
            ("fast", with_fast),
        )
    }
    return [
        (
            f"validate dicts ({n} payloads), rules on",
            rate["ours"],
            "fastjsonschema",
            rate["ours"] / rate["fast"],
        ),
        (
            f"validate dicts ({n} payloads), rules on",
            rate["ours"],
            "jsonschema",
            rate["ours"] / rate["jsonschema"],
        ),
        (
            f"validate JSON bytes ({n} payloads)",
            rate["json"],
            "fastjsonschema",
            rate["json"] / rate["fast"],
        ),
    ]
