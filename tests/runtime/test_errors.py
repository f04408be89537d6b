from __future__ import annotations

import pickle

import pytest

from generator.runtime import (
    Issue,
    KlingError,
    KlingValidationError,
    UnknownEndpointError,
)
from generator.runtime.errors import rule_for_error


@pytest.mark.parametrize(
    ("error_type", "rule"),
    [
        ("missing", "required"),
        ("extra_forbidden", "unknown-field"),
        ("enum", "enum"),
        ("literal_error", "enum"),
        ("string_too_long", "max-length"),
        ("string_too_short", "min-length"),
        ("too_long", "max-items"),
        ("too_short", "min-items"),
        ("greater_than", "range"),
        ("greater_than_equal", "range"),
        ("less_than", "range"),
        ("less_than_equal", "range"),
        ("string_type", "type"),
        ("json_invalid", "type"),
    ],
)
def test_rule_for_error(error_type: str, rule: str) -> None:
    assert rule_for_error(error_type) == rule


def test_issue_str_names_root_explicitly() -> None:
    assert str(Issue("prompt", "required", "Field required")) == "prompt [required]: Field required"
    assert str(Issue("", "type", "Input should be an object")) == (
        "<root> [type]: Input should be an object"
    )


def test_validation_error_sorts_issues_and_lists_each_on_its_own_line() -> None:
    error = KlingValidationError(
        "ImageToVideoV26ProRequest",
        [
            Issue("voice_ids", "voice-ids-max-2", "At most 2 voice IDs."),
            Issue("prompt", "required", "Field required"),
        ],
    )
    assert error.model == "ImageToVideoV26ProRequest"
    assert [i.path for i in error.issues] == ["prompt", "voice_ids"]
    assert str(error) == (
        "ImageToVideoV26ProRequest: 2 problems\n"
        "  prompt [required]: Field required\n"
        "  voice_ids [voice-ids-max-2]: At most 2 voice IDs."
    )


def test_validation_error_singular_and_sort_order_within_a_path() -> None:
    one = KlingValidationError("M", [Issue("a", "type", "x")])
    assert str(one).startswith("M: 1 problem\n")
    two = KlingValidationError("M", [Issue("a", "z-rule", "m"), Issue("a", "a-rule", "m")])
    assert [i.rule for i in two.issues] == ["a-rule", "z-rule"]


def test_validation_error_is_not_a_value_error_and_pickles() -> None:
    error = KlingValidationError("M", [Issue("a", "type", "x")])
    assert isinstance(error, KlingError)
    assert not isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.model, copy.issues, str(copy)) == (error.model, error.issues, str(error))


def test_unknown_endpoint_suggests_closest_ids() -> None:
    known = [
        "fal-ai/kling-video/v2.6/pro/image-to-video",
        "fal-ai/kling-video/v2.6/pro/text-to-video",
        "fal-ai/kling-video/o1/image-to-video",
    ]
    error = UnknownEndpointError("fal-ai/kling-video/v2.6/pro/image-to-vid", known)
    assert isinstance(error, KeyError)
    assert isinstance(error, KlingError)
    assert error.endpoint_id == "fal-ai/kling-video/v2.6/pro/image-to-vid"
    assert error.suggestions[0] == "fal-ai/kling-video/v2.6/pro/image-to-video"
    assert str(error).startswith(
        "unknown endpoint 'fal-ai/kling-video/v2.6/pro/image-to-vid'; "
        "did you mean 'fal-ai/kling-video/v2.6/pro/image-to-video'"
    )
    assert str(pickle.loads(pickle.dumps(error))) == str(error)


def test_unknown_endpoint_without_close_match() -> None:
    error = UnknownEndpointError("zzz", ["fal-ai/kling-video/v2.6/pro/image-to-video"])
    assert error.suggestions == ()
    assert str(error) == "unknown endpoint 'zzz'"
    with pytest.raises(KeyError):
        raise error
