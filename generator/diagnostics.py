"""One diagnostic type for every spec problem, and the error that carries a batch of them."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

MESSAGES: dict[str, str] = {
    "yaml-syntax": "the file is not valid YAML: {detail}",
    "yaml-tab": "tab character at column {column} (YAML indentation must use spaces)",
    "yaml-duplicate-key": "key {key!r} appears twice in the same mapping",
    "yaml-not-mapping": "the top level of a spec file must be a mapping",
    "yaml-unknown-top-key": "unknown top-level key {key!r} (allowed: {allowed}){suggestion}",
    "unknown-keyword": "unknown keyword {key!r} in {where}{suggestion}",
    "required-unknown": "required names {key!r}, which is not in properties{suggestion}",
    "order-properties-missing": "x-fal-order-properties lacks the property {key!r}",
    "order-properties-unknown": "x-fal-order-properties names {key!r}, which is not in properties{suggestion}",
    "schema-name": "schema name {key!r} must be PascalCase letters and digits (it becomes a class name)",
    "schema-duplicate": "schema {key!r} is already defined in {other}",
    "endpoint-duplicate": "endpoint id {key!r} is already defined in {other}",
    "endpoint-bad-id": "endpoint id {key!r} is not fal-ai/kling-video/<path>: {detail}",
    "endpoint-path-mismatch": "endpoint id {key!r} does not match its file path (expected {expected})",
    "ref-missing": "$ref {key!r} points to nothing{suggestion}",
    "ref-cycle": "$ref cycle: {detail}",
    "openapi-invalid": "not valid OpenAPI 3.1: {detail}",
    "extension-invalid": "invalid {key}: {detail}",
    "extension-misplaced": "{key} goes on a schema of type {expected}, not on {found}",
    "enum-default": "default {value!r} is not one of the enum values {allowed}",
    "enum-value-type": "enum value {value!r} is not a {expected}",
    "enum-inline": "enums must be named components referenced with $ref (found an inline enum)",
    "rule-unknown-field": "rule {rule!r} names field {key!r}, which {where} does not have",
    "rule-duplicate-id": "rule id {key!r} is used twice in this schema",
    "rule-bad-value": "rule {rule!r}: {detail}",
    "pricing-unknown-field": "pricing names field {key!r}, which {where} does not have{suggestion}",
    "pricing-confidence": "confidence {key!r} does not go with price kind {kind!r} (unknown goes with unknown only)",
    "example-invalid": "example {key!r} does not validate: {detail}",
    "queue-status-missing": "the spec defines no {key!r} schema (fal's queue status, used by every submit and status)",
    "codegen-failed": "datamodel-code-generator could not make models from the spec: {detail}",
    "spec-empty": "the spec needs {key} and at least one file under endpoints/",
    "diff-source": "cannot read the spec revision {key!r}: {detail}",
    "scaffold-bad-id": "{key!r} is not an endpoint id fal-ai/kling-video/<path>: {detail}",
    "scaffold-unknown": "no endpoint {key!r} to copy (--like)",
    "scaffold-exists": "endpoint {key!r} already exists; new-endpoint never overwrites",
    "scaffold-name-taken": "schema name {key!r} (derived from the new id) is already defined",
    "import-invalid": "cannot import this fal OpenAPI document ({key}): {detail}",
    "import-shared-schema": (
        "schema {key!r} is shared by other endpoints and fal describes it differently for "
        "{endpoint} ({count} difference(s)); import does not rewrite shared schemas"
    ),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    """A problem in the spec, located by file, line and JSON pointer."""

    code: str
    file: str
    line: int
    pointer: str
    message: str
    hint: str = ""

    def render(self) -> str:
        """`file:line #/pointer: error[code] message. hint: ...` (no full stop after a question)"""
        text = f"{self.file}:{self.line} #{self.pointer}: error[{self.code}] {self.message}"
        stop = "" if text.endswith("?") else "."
        return f"{text}{stop} hint: {self.hint}" if self.hint else text


class TemplateError(Exception):
    """A template failed to render; the message names the template, line and cause."""


class SpecError(Exception):
    """Raised with every diagnostic of the stage that failed; nothing has been written."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=lambda d: (d.file, d.line, d.pointer, d.code))
        super().__init__("\n".join(d.render() for d in self.diagnostics))


def did_you_mean(word: str, candidates: Iterable[str], *, prefix: str = "") -> str:
    """The suffix "; did you mean 'x'?" naming `prefix` + the candidate closest to `word`, or ""."""
    close = difflib.get_close_matches(word, sorted(set(candidates)), n=1)
    return f"; did you mean {prefix + close[0]!r}?" if close else ""


def message(code: str, **fields: object) -> str:
    """The message of `code` from the table, filled with `fields`."""
    return MESSAGES[code].format(**fields)
