# Vendored from generator/runtime/errors.py by klinggen; edit that file, not this copy.
"""Exceptions raised by kling_fal and the problems they report."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

_RULE_BY_ERROR_TYPE = {
    "missing": "required",
    "extra_forbidden": "unknown-field",
    "enum": "enum",
    "literal_error": "enum",
    "string_too_long": "max-length",
    "string_too_short": "min-length",
    "too_long": "max-items",
    "too_short": "min-items",
    "greater_than": "range",
    "greater_than_equal": "range",
    "less_than": "range",
    "less_than_equal": "range",
}


def rule_for_error(error_type: str) -> str:
    """The rule id reported for a pydantic error type (``type`` when not listed)."""
    return _RULE_BY_ERROR_TYPE.get(error_type, "type")


@dataclass(frozen=True, slots=True, order=True)
class Issue:
    """One problem: where (``multi_prompt[2].duration``; ``""`` = root), which rule, why."""

    path: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '<root>'} [{self.rule}]: {self.message}"


class KlingError(Exception):
    """Base class of every error raised by kling_fal."""


class KlingValidationError(KlingError):
    """An input model was given invalid data; ``issues`` lists every problem found, sorted.

    ``issues`` may be given as a function that finds them: raising stays cheap, and the problems
    (with their hints) are worked out when first read.
    """

    def __init__(self, model: str, issues: Iterable[Issue] | Callable[[], Iterable[Issue]]) -> None:
        self.model = model
        self._issues = issues if callable(issues) else tuple(sorted(issues))
        super().__init__(model)

    @property
    def issues(self) -> tuple[Issue, ...]:
        """Every problem, sorted by path, rule and message."""
        if callable(self._issues):
            self._issues = tuple(sorted(self._issues()))
        return self._issues

    def __reduce__(self) -> tuple[object, ...]:
        return type(self), (self.model, self.issues), self.__dict__

    def __str__(self) -> str:
        count = len(self.issues)
        head = f"{self.model}: {count} problem{'' if count == 1 else 's'}"
        return "\n  ".join([head, *map(str, self.issues)])


class UnknownEndpointError(KlingError, KeyError):
    """No endpoint has this id; ``suggestions`` holds the closest known ids."""

    def __init__(self, endpoint_id: str, known_ids: Iterable[str]) -> None:
        known = tuple(known_ids)
        self.endpoint_id = endpoint_id
        self.suggestions = tuple(difflib.get_close_matches(endpoint_id, known, n=3))
        super().__init__(endpoint_id, known)

    def __str__(self) -> str:
        message = f"unknown endpoint {self.endpoint_id!r}"
        if not self.suggestions:
            return message
        return f"{message}; did you mean {', '.join(map(repr, self.suggestions))}?"
