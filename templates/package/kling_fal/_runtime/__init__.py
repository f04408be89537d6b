"""Runtime of kling_fal: model base classes, validation errors and cross-field rules."""

from .errors import Issue, KlingError, KlingValidationError, UnknownEndpointError
from .model import DigitEnum, KlingFile, KlingInputModel, KlingOutputModel
from .rules import Cond, Rule, evaluate, install

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
