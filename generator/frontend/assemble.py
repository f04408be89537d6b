"""Merge the loaded spec files into one namespace: root, schemas, endpoints, internal operations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from generator.diagnostics import Diagnostic, SpecError, did_you_mean, message
from generator.frontend.load import SpecFile, pointer

ROOT_FILE = "openapi.yaml"
_SCHEMA_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")
ENDPOINT_PREFIX = "fal-ai/kling-video/"
_SEGMENT = re.compile(r"[a-z0-9.\-]+")
_TOP_KEYS = {
    "root": {"openapi", "info", "servers", "security", "components", "x-kling-naming-drift"},
    "endpoint": {"x-kling-endpoint", "components"},
    "other": {"components", "x-kling-internal"},
}
_COMPONENT_KEYS = {
    "root": {"schemas", "securitySchemes"},
    "endpoint": {"schemas"},
    "other": {"schemas"},
}


@dataclass(frozen=True, slots=True)
class Located:
    """A piece of spec data with the file and pointer it was read from."""

    file: SpecFile
    pointer: str
    data: Any


@dataclass(frozen=True, slots=True)
class Spec:
    """Every spec file merged: one schema namespace, endpoint and internal declarations."""

    root: SpecFile
    files: tuple[SpecFile, ...]
    schemas: dict[str, Located]
    endpoints: tuple[Located, ...]
    internal: tuple[Located, ...]

    def schema_ptr(self, name: str) -> str:
        """Pointer of a schema inside its own file."""
        return pointer("components", "schemas", name)


def endpoint_id_problem(endpoint_id: str) -> str | None:
    """Why `endpoint_id` is not a fal id `fal-ai/kling-video/<path>` safe as a file path, or None:
    every segment of [a-z0-9.-], none empty, `.` or `..`."""
    if not endpoint_id.startswith(ENDPOINT_PREFIX):
        return f"it does not start with {ENDPOINT_PREFIX}"
    for segment in endpoint_id.removeprefix(ENDPOINT_PREFIX).split("/"):
        if segment in ("", ".", ".."):
            return f"the path has an {'empty' if not segment else repr(segment)} segment"
        if not _SEGMENT.fullmatch(segment):
            return f"segment {segment!r} has characters outside [a-z0-9.-]"
    return None


def _kind(spec_file: SpecFile) -> str:
    relative = spec_file.path.split("/", 1)[-1]
    if relative == ROOT_FILE:
        return "root"
    return "endpoint" if relative.startswith("endpoints/") else "other"


def _expected_id(spec_file: SpecFile) -> str:
    relative = spec_file.path.split("/", 1)[-1]
    return ENDPOINT_PREFIX + relative.removeprefix("endpoints/").removesuffix(".yaml")


def _unknown_keys(spec_file: SpecFile, kind: str) -> list[Diagnostic]:
    """Top-level and `components` keys the generator does not read."""
    allowed = _TOP_KEYS[kind]
    found = [
        spec_file.diag(
            "yaml-unknown-top-key",
            pointer(key),
            key=key,
            allowed=", ".join(sorted(allowed)),
            suggestion=did_you_mean(str(key), allowed),
        )
        for key in spec_file.data
        if key not in allowed
    ]
    components = spec_file.data.get("components")
    known = _COMPONENT_KEYS[kind]
    for key in components if isinstance(components, dict) else ():
        if key not in known:
            close = did_you_mean(str(key), known)
            found.append(
                spec_file.diag(
                    "unknown-keyword",
                    pointer("components", key),
                    key=key,
                    where="components",
                    suggestion=close,
                )
            )
    return found


def assemble(files: tuple[SpecFile, ...]) -> Spec:
    """Merge files; raise SpecError on duplicates, unknown top-level keys or misplaced endpoints."""
    problems: list[Diagnostic] = []
    schemas: dict[str, Located] = {}
    endpoints: list[Located] = []
    internal: list[Located] = []
    seen_ids: dict[str, SpecFile] = {}
    root = next((f for f in files if _kind(f) == "root"), None)
    for spec_file in files:
        kind = _kind(spec_file)
        problems += _unknown_keys(spec_file, kind)
        components = spec_file.data.get("components")
        found = components.get("schemas", {}) if isinstance(components, dict) else {}
        for name, body in (found if isinstance(found, dict) else {}).items():
            at = pointer("components", "schemas", name)
            if not _SCHEMA_NAME.fullmatch(str(name)):
                problems.append(spec_file.diag("schema-name", at, key=name))
            if name in schemas:
                other = schemas[name].file
                problems.append(
                    spec_file.diag(
                        "schema-duplicate", at, key=name, other=f"{other.path}:{other.line(at)}"
                    )
                )
                continue
            schemas[name] = Located(spec_file, at, body)
        meta = spec_file.data.get("x-kling-endpoint")
        if kind == "endpoint" and isinstance(meta, dict):
            endpoint_id = str(meta.get("id", ""))
            at = pointer("x-kling-endpoint", "id")
            if endpoint_id in seen_ids:
                other = seen_ids[endpoint_id]
                problems.append(
                    spec_file.diag(
                        "endpoint-duplicate",
                        at,
                        key=endpoint_id,
                        other=f"{other.path}:{other.line(at)}",
                    )
                )
            elif problem := endpoint_id_problem(endpoint_id):
                problems.append(
                    spec_file.diag("endpoint-bad-id", at, key=endpoint_id, detail=problem)
                )
            elif endpoint_id != _expected_id(spec_file):
                problems.append(
                    spec_file.diag(
                        "endpoint-path-mismatch",
                        at,
                        key=endpoint_id,
                        expected=_expected_id(spec_file),
                    )
                )
            seen_ids[endpoint_id] = spec_file
            endpoints.append(Located(spec_file, pointer("x-kling-endpoint"), meta))
        for index, op in enumerate(spec_file.data.get("x-kling-internal") or []):
            internal.append(Located(spec_file, pointer("x-kling-internal", index), op))
    if root is None or not endpoints:
        where = files[0].path.split("/", 1)[0] if files else "spec"
        problems.append(
            Diagnostic(
                code="spec-empty",
                file=f"{where}/{ROOT_FILE}",
                line=1,
                pointer="",
                message=message("spec-empty", key=ROOT_FILE),
            )
        )
    if problems:
        raise SpecError(problems)
    assert root is not None
    return Spec(root, files, schemas, tuple(endpoints), tuple(internal))
