"""Runtime of kling_fal: model base classes, validation errors, rules, client, emulator and CLI.

Hand-written and vendored into the generated package as ``kling_fal._runtime``; it imports
nothing generated (the package registers its data, see ``registry``). The names below are
imported on first access, so importing ``registry`` alone stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import Issue, KlingError, KlingValidationError, UnknownEndpointError
    from .model import DigitEnum, KlingFile, KlingInputModel, KlingOutputModel
    from .rules import Cond, Rule, evaluate, install

_HOMES = {
    "Issue": "errors",
    "KlingError": "errors",
    "KlingValidationError": "errors",
    "UnknownEndpointError": "errors",
    "DigitEnum": "model",
    "KlingFile": "model",
    "KlingInputModel": "model",
    "KlingOutputModel": "model",
    "Cond": "rules",
    "Rule": "rules",
    "evaluate": "rules",
    "install": "rules",
}
__all__ = [
    "Cond",
    "DigitEnum",
    "Issue",
    "KlingError",
    "KlingFile",
    "KlingInputModel",
    "KlingOutputModel",
    "KlingValidationError",
    "Rule",
    "UnknownEndpointError",
    "evaluate",
    "install",
]


def __getattr__(name: str) -> Any:
    """Import the names above on first access."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value
