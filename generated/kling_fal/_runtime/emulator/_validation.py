# Vendored from generator/runtime/emulator/_validation.py by klinggen; edit that file, not this copy.
"""Requests checked with the package's own validators; problems in fal's 422 shape."""

from __future__ import annotations

import json
import re
from typing import Any

from ..endpoints import validate
from ..errors import Issue, KlingValidationError

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def validate_body(
    endpoint_id: str, body: bytes
) -> tuple[Any, list[dict[str, Any]], dict[str, Any]]:
    """(the parsed payload, fal's 422 detail items, the validated request with its defaults
    filled in, ``{}`` when invalid)."""
    try:
        payload = json.loads(body)
    except ValueError as exc:
        return None, [{"loc": ["body"], "msg": f"Invalid JSON: {exc}", "type": "json_invalid"}], {}
    try:
        request = validate(endpoint_id, payload)
    except KlingValidationError as exc:
        return payload, [_problem(issue) for issue in exc.issues], {}
    return payload, [], request.to_fal()


def _problem(issue: Issue) -> dict[str, Any]:
    """An Issue as fal's 422 item: ``multi_prompt[0].duration`` -> ``["body", "multi_prompt", 0,
    "duration"]``; ``type`` is the rule id."""
    parts = [name or int(index) for name, index in _PATH_PART.findall(issue.path)]
    return {"loc": ["body", *parts], "msg": issue.message, "type": issue.rule}
