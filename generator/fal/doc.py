"""fal's per-endpoint queue OpenAPI document: its endpoint id, category and request/response."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostic, SpecError, message
from generator.frontend.assemble import ENDPOINT_PREFIX
from generator.frontend.load import SpecFile, parse, pointer
from generator.frontend.schema_walk import REF_PREFIX, all_refs


@dataclass(frozen=True, slots=True)
class FalDoc:
    """One fal document: endpoint id, category, its request/response component names."""

    file: SpecFile
    endpoint_id: str
    category: str
    request: str
    response: str

    @property
    def schemas(self) -> dict[str, Any]:
        found = (self.file.data.get("components") or {}).get("schemas") or {}
        return found if isinstance(found, dict) else {}

    def title(self, name: str) -> str:
        """fal's title of component `name` (the name users see), else the name."""
        body = self.schemas.get(name) or {}
        return str(body.get("title") or name)


def _json_ref(doc: SpecFile, at: str) -> str:
    node: Any = doc.data
    for token in at.strip("/").split("/"):
        node = (
            node.get(token.replace("~1", "/").replace("~0", "~"))
            if isinstance(node, dict)
            else None
        )
    ref = node.get("$ref") if isinstance(node, dict) else None
    if not isinstance(ref, str) or not ref.startswith("#/components/schemas/"):
        raise SpecError([doc.diag("import-invalid", at, key=at, detail="expected a schema $ref")])
    return ref.rsplit("/", 1)[-1]


def read_doc(path: Path) -> FalDoc:
    """Parse a fal document (JSON is YAML) and find its endpoint and request/response schemas."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        where = path.as_posix()
        detail = message("import-invalid", key=where, detail=str(exc))
        raise SpecError(
            [Diagnostic(code="import-invalid", file=where, line=1, pointer="", message=detail)]
        ) from None
    doc = parse(path.as_posix(), text)
    meta = (doc.data.get("info") or {}).get("x-fal-metadata") or {}
    endpoint_id = str(meta.get("endpointId", ""))
    at = "/info/x-fal-metadata/endpointId"
    if not endpoint_id.startswith(ENDPOINT_PREFIX):
        detail = f"{endpoint_id or '(missing)'} is not a {ENDPOINT_PREFIX}... endpoint"
        raise SpecError([doc.diag("import-invalid", at, key="endpointId", detail=detail)])
    names = (doc.data.get("components") or {}).get("schemas") or {}
    dangling = [
        doc.diag("import-invalid", at, key=ref, detail="the $ref points to nothing")
        for at, ref in all_refs(doc.data)
        if ref.startswith(REF_PREFIX) and ref.removeprefix(REF_PREFIX) not in names
    ]
    if dangling:
        raise SpecError(dangling)
    base = pointer("paths", f"/{endpoint_id}")
    request = _json_ref(doc, f"{base}/post/requestBody/content/application~1json/schema")
    result = pointer("paths", f"/{endpoint_id}/requests/{{request_id}}")
    response = _json_ref(doc, f"{result}/get/responses/200/content/application~1json/schema")
    return FalDoc(doc, endpoint_id, str(meta.get("category", "")), request, response)
