"""Validation throughput of kling_fal (cross-field rules on) vs jsonschema and fastjsonschema."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import fastjsonschema
import jsonschema

from bench.timing import ROOT, call_time

BUNDLE = ROOT / "generated" / "openapi.json"
SEED = "fal-ai/kling-video/v2.6/pro/image-to-video"  # one full request, as in fal's seed page
Row = tuple[str, float, str, float | None]


def _corpus() -> list[tuple[str, Any]]:
    import kling_fal
    from kling_fal import fixtures

    return [
        (e, f.payload) for e in kling_fal.ENDPOINTS for f in fixtures.load(e) if f.kind != "output"
    ]


def _schema(bundle: dict[str, Any], model: str) -> dict[str, Any]:
    return {"components": bundle["components"], "$ref": f"#/components/schemas/{model}"}


def _plain_models(bundle: dict[str, Any]) -> dict[str, Any]:
    """Model classes by name, made by datamodel-code-generator alone from the bundle (no rules)."""
    import types

    from datamodel_code_generator import DataModelType, InputFileType, generate

    code = generate(
        json.dumps(bundle),
        input_file_type=InputFileType.OpenAPI,
        output_model_type=DataModelType.PydanticV2BaseModel,
        formatters=[],
    )
    module = types.ModuleType("plain_models")
    sys.modules[module.__name__] = module  # pydantic resolves forward references through it
    exec(compile(str(code), module.__name__, "exec"), module.__dict__)
    return vars(module)


class _Validators:
    """Each validator under test, per endpoint, as ``(endpoint, payload) -> None``."""

    def __init__(self) -> None:
        import kling_fal

        bundle = json.loads(BUNDLE.read_text(encoding="utf-8"))
        self.models = {e: info.input for e, info in kling_fal.ENDPOINTS.items()}
        plain = _plain_models(bundle)
        self.plain = {e: plain[info.input_model] for e, info in kling_fal.ENDPOINTS.items()}
        schemas = {e: _schema(bundle, i.input_model) for e, i in kling_fal.ENDPOINTS.items()}
        self.draft = {e: jsonschema.Draft202012Validator(s) for e, s in schemas.items()}
        self.fast = {
            e: fastjsonschema.compile({**s, "$schema": "http://json-schema.org/draft-07/schema#"})
            for e, s in schemas.items()
        }

    def ours(self, endpoint: str, payload: Any) -> None:
        from kling_fal import KlingValidationError

        try:
            self.models[endpoint].model_validate(payload)
        except KlingValidationError:
            pass

    def ours_json(self, endpoint: str, data: bytes) -> None:
        from kling_fal import KlingValidationError

        try:
            self.models[endpoint].model_validate_json(data)
        except KlingValidationError:
            pass

    def ours_every_issue(self, endpoint: str, payload: Any) -> None:
        from kling_fal import KlingValidationError

        try:
            self.models[endpoint].model_validate(payload)
        except KlingValidationError as exc:
            str(exc)  # every issue, with its path, rule and hint

    def plain_pydantic(self, endpoint: str, payload: Any) -> None:
        from pydantic import ValidationError

        try:
            self.plain[endpoint].model_validate(payload)
        except ValidationError:
            pass

    def jsonschema(self, endpoint: str, payload: Any) -> None:
        self.draft[endpoint].is_valid(payload)

    def jsonschema_every_error(self, endpoint: str, payload: Any) -> None:
        [error.message for error in self.draft[endpoint].iter_errors(payload)]

    def fastjsonschema(self, endpoint: str, payload: Any) -> None:
        try:
            self.fast[endpoint](payload)
        except fastjsonschema.JsonSchemaException:
            pass

    def fastjsonschema_json(self, endpoint: str, data: bytes) -> None:
        self.fastjsonschema(endpoint, json.loads(data))


def _rate(
    check: Callable[[str, Any], None], corpus: list[tuple[str, Any]], repeat: int, rounds: int = 1
) -> float:
    def run() -> None:
        for _ in range(rounds):
            for endpoint, payload in corpus:
                check(endpoint, payload)

    return len(corpus) * rounds / call_time(run, repeat)


def measure(repeat: int) -> list[Row]:
    """Rows (name, payloads per second, peer, ratio of speeds)."""
    from kling_fal import fixtures

    v = _Validators()
    corpus = _corpus()
    encoded = [(e, json.dumps(p).encode()) for e, p in corpus]
    seed = [(SEED, next(f.payload for f in fixtures.load(SEED) if f.name == "full"))]
    n = len(corpus)
    dicts = f"validate dicts ({n} payloads, 70% invalid), rules on"
    rows: list[Row] = []
    ours = _rate(v.ours, corpus, repeat)
    rows.append((dicts, ours, "fastjsonschema", ours / _rate(v.fastjsonschema, corpus, repeat)))
    rows.append((dicts, ours, "jsonschema", ours / _rate(v.jsonschema, corpus, repeat)))
    plain = _rate(v.plain_pydantic, corpus, repeat)
    fast = _rate(v.fastjsonschema, corpus, repeat)
    rows.append(
        (
            f"plain datamodel-codegen models, no rules ({n} payloads)",
            plain,
            "fastjsonschema",
            plain / fast,
        )
    )
    ours = _rate(v.ours_json, encoded, repeat)
    peer = _rate(v.fastjsonschema_json, encoded, repeat)
    rows.append(
        (f"validate JSON bytes ({n} payloads)", ours, "json.loads + fastjsonschema", ours / peer)
    )
    ours = _rate(v.ours_every_issue, corpus, repeat)
    peer = _rate(v.jsonschema_every_error, corpus, repeat)
    rows.append(
        (
            f"validate dicts ({n} payloads), every problem read",
            ours,
            "jsonschema iter_errors",
            ours / peer,
        )
    )
    label = "validate one full v2.6 pro image-to-video request (payloads)"
    ours = _rate(v.ours, seed, repeat, rounds=20_000)
    rows.append(
        (label, ours, "fastjsonschema", ours / _rate(v.fastjsonschema, seed, repeat, 20_000))
    )
    rows.append((label, ours, "jsonschema", ours / _rate(v.jsonschema, seed, repeat, 2_000)))
    return rows
