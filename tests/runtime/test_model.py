from __future__ import annotations

import types
from enum import Enum
from typing import Annotated

import pytest
from pydantic import ConfigDict, Field, ValidationError

from generator.runtime import (
    Cond,
    DigitEnum,
    Issue,
    KlingInputModel,
    KlingOutputModel,
    KlingValidationError,
    Rule,
    install,
    registry,
    rules,
)
from generator.runtime.kinds import Count, ExactlyOneOf, ForbiddenWhen, Sum

I2V = "fal-ai/kling-video/v3/pro/text-to-video"
T2V = "fal-ai/kling-video/v2.6/pro/text-to-video"


class ShotDurationEnum(DigitEnum):
    V1 = "1"
    V5 = "5"
    V10 = "10"


class DurationEnum(DigitEnum):
    V5 = "5"
    V10 = "10"


class AspectRatio(str, Enum):
    WIDE = "16:9"
    SQUARE = "1:1"


class File(KlingOutputModel):
    model_config = ConfigDict(extra="allow")
    url: str


class Shot(KlingInputModel):
    model_config = ConfigDict(extra="forbid")
    prompt: Annotated[str, Field(title="Prompt")]
    duration: Annotated[ShotDurationEnum | None, Field(title="Duration")] = ShotDurationEnum.V5


class Request(KlingInputModel):
    model_config = ConfigDict(extra="forbid")
    prompt: Annotated[str | None, Field(max_length=20)] = None
    multi_prompt: list[Shot] | None = None
    duration: DurationEnum | None = DurationEnum.V5
    durations: list[DurationEnum] | None = None
    aspect_ratio: AspectRatio | None = None
    start_image_url: str | None = None
    voice_ids: Annotated[list[str] | None, Field(max_length=4)] = None
    cfg: Annotated[float | None, Field(alias="cfg-scale", ge=0, le=1)] = None
    reference: File | str | None = None


class Output(KlingOutputModel):
    model_config = ConfigDict(extra="allow")
    video: File


REQUEST_RULES = (
    Rule(
        id="prompt-or-multi",
        check=ExactlyOneOf(fields=("prompt", "multi_prompt")),
        message="Give prompt or multi_prompt.",
    ),
    Rule(id="voice-ids-max-2", check=Count(field="voice_ids", max=2), message="At most 2."),
    Rule(
        id="shots-sum",
        check=Sum(field="multi_prompt", item="duration", item_default="5", max=15),
        message="Shots last at most 15 s.",
    ),
    Rule(
        id="long-shot-prompt",
        at=("multi_prompt", "[]"),
        check=ForbiddenWhen(
            field="prompt", when=Cond(field="duration", op="equals", values=("1",), default="5")
        ),
        message="A 1 s shot takes no prompt.",
    ),
)
SHOT_RULES = (
    Rule(
        id="short-prompt",
        check=ForbiddenWhen(
            field="prompt", when=Cond(field="duration", op="equals", values=("1",), default="5")
        ),
        message="A 1 s shot takes no prompt.",
    ),
)


@pytest.fixture(autouse=True)
def spec_data() -> None:
    install(
        rules={"Request": REQUEST_RULES, "Shot": SHOT_RULES},
        model_endpoints={"Request": (I2V,)},
        field_endpoints={"cfg_scale": (T2V,)},
        endpoint_family={I2V: "v3", T2V: "v2.6"},
        naming_drift=(("image_url", "start_image_url"),),
    )


def problems(exc: pytest.ExceptionInfo[KlingValidationError]) -> set[tuple[str, str]]:
    return {(issue.path, issue.rule) for issue in exc.value.issues}


def test_int_durations_are_accepted_and_sent_as_strings() -> None:
    request = Request(prompt="a cat", duration=10, durations=[5, "10"])  # type: ignore[arg-type, list-item]
    assert request.duration is DurationEnum.V10
    assert request.durations == [DurationEnum.V5, DurationEnum.V10]
    assert request.to_fal() == {"prompt": "a cat", "duration": "10", "durations": ["5", "10"]}


def test_int_durations_in_nested_items_for_every_entry_point() -> None:
    data = {"multi_prompt": [{"prompt": "a", "duration": 10}, {"prompt": "b"}]}
    by_json = Request.model_validate_json(b'{"multi_prompt": [{"prompt": "a", "duration": 10}]}')
    by_kwargs = Request(multi_prompt=[{"prompt": "a", "duration": 10}])  # type: ignore[list-item]
    for request in (Request.model_validate(data), by_json, by_kwargs):
        assert request.multi_prompt is not None
        assert request.multi_prompt[0].duration is ShotDurationEnum.V10
    assert Request.model_validate(data).to_fal()["multi_prompt"] == [
        {"prompt": "a", "duration": "10"},
        {"prompt": "b", "duration": "5"},
    ]


def test_bools_and_unknown_ints_are_not_durations() -> None:
    with pytest.raises(KlingValidationError) as exc:
        Request(prompt="p", duration=True)  # type: ignore[arg-type]
    assert problems(exc) == {("duration", "enum")}
    with pytest.raises(KlingValidationError) as exc:
        Request(prompt="p", duration=7)  # type: ignore[arg-type]
    assert exc.value.issues == (Issue("duration", "enum", "Input should be '5' or '10'"),)


def test_valid_input_passes_without_error() -> None:
    request = Request.model_validate({"prompt": "hi", "voice_ids": ["a", "b"], "cfg-scale": 0.5})
    assert request.cfg == 0.5
    assert request.to_fal() == {
        "prompt": "hi",
        "duration": "5",
        "voice_ids": ["a", "b"],
        "cfg-scale": 0.5,
    }


def test_one_error_lists_pydantic_problems_rules_and_hints() -> None:
    with pytest.raises(KlingValidationError) as exc:
        Request.model_validate(
            {
                "prompt": "x" * 21,
                "multi_prompt": [{"prompt": "a", "duration": 10}, {"duration": 1, "promt": "b"}],
                "voice_ids": ["a", "b", "c"],
                "aspect_ratio": "4:3",
                "image_url": "https://x/y.png",
                "cfg_scale": 0.5,
                "cfg-scale": 2,
            }
        )
    error = exc.value
    assert error.model == "Request"
    assert problems(exc) == {
        ("aspect_ratio", "enum"),
        ("cfg-scale", "range"),
        ("cfg_scale", "unknown-field"),
        ("image_url", "unknown-field"),
        ("multi_prompt[1].prompt", "required"),
        ("multi_prompt[1].promt", "unknown-field"),
        ("prompt", "max-length"),
        ("prompt", "prompt-or-multi"),
        ("voice_ids", "voice-ids-max-2"),
    }
    messages = {issue.path: issue.message for issue in error.issues if issue.rule != "max-length"}
    assert messages["image_url"] == (
        "unknown field 'image_url'; this endpoint calls it 'start_image_url'"
    )
    assert messages["cfg_scale"] == f"unknown field 'cfg_scale' for {I2V}; it exists on {T2V}"
    assert messages["multi_prompt[1].promt"] == "unknown field 'promt'; did you mean 'prompt'?"
    assert "'16:9' or '1:1'" in messages["aspect_ratio"]
    lines = str(error).splitlines()
    assert lines[0] == "Request: 9 problems"
    assert lines[1] == "  aspect_ratio [enum]: Input should be '16:9' or '1:1'"
    assert len(lines) == 10


def test_rules_reach_into_items_and_use_item_defaults() -> None:
    with pytest.raises(KlingValidationError) as exc:
        Request(
            multi_prompt=[
                Shot(prompt="a", duration=10),  # type: ignore[arg-type]
                {"prompt": "b", "duration": "1"},  # type: ignore[list-item]
                {"prompt": "c"},  # type: ignore[list-item]
            ]
        )
    assert problems(exc) == {
        ("multi_prompt", "shots-sum"),
        ("multi_prompt[1].prompt", "long-shot-prompt"),
    }


def test_nested_model_validated_directly_is_the_outermost_one() -> None:
    with pytest.raises(KlingValidationError) as exc:
        Shot(prompt="a", duration=1)  # type: ignore[arg-type]
    assert exc.value.model == "Shot"
    assert problems(exc) == {("prompt", "short-prompt")}


def test_validation_state_is_reset_after_a_failure() -> None:
    with pytest.raises(KlingValidationError):
        Request(multi_prompt=[{"duration": 3}])  # type: ignore[list-item]
    with pytest.raises(KlingValidationError) as exc:
        Shot.model_validate({"duration": 3})
    assert exc.value.model == "Shot"
    assert problems(exc) == {("prompt", "required"), ("duration", "enum")}


def test_the_error_is_ours_not_pydantics() -> None:
    with pytest.raises(KlingValidationError) as exc:
        Request(prompt="a", multi_prompt=[])
    assert not isinstance(exc.value, ValueError | ValidationError)
    assert exc.value.__cause__ is None
    assert exc.value.__context__ is None


def test_rules_are_checked_on_model_instances() -> None:
    unchecked = Request.model_construct(prompt="a", voice_ids=["1", "2", "3"])
    with pytest.raises(KlingValidationError) as exc:
        Request.model_validate(unchecked)
    assert problems(exc) == {("voice_ids", "voice-ids-max-2")}


def test_malformed_and_non_object_input() -> None:
    with pytest.raises(KlingValidationError) as exc:
        Request.model_validate_json('{"prompt": ')
    assert problems(exc) == {("", "type")}
    assert exc.value.issues[0].message.startswith("Invalid JSON")
    with pytest.raises(KlingValidationError) as exc:
        Request.model_validate_json("[1, 2]")
    assert problems(exc) == {("", "type")}
    with pytest.raises(KlingValidationError) as exc:
        Request.model_validate("prompt")
    assert problems(exc) == {("", "type")}


def test_union_tags_are_not_part_of_the_path() -> None:
    with pytest.raises(KlingValidationError) as exc:
        Request(prompt="a", reference={"name": "x"})  # type: ignore[arg-type]
    assert ("reference.url", "required") in problems(exc)
    assert all(not path.startswith("reference.File") for path, _ in problems(exc))


def test_output_models_keep_unknown_fields() -> None:
    output = Output.model_validate(
        {"video": {"url": "https://v.mp4", "fps": 24}, "seed": 7, "timings": {"inference": 1}}
    )
    assert output.video.url == "https://v.mp4"
    assert output.model_extra == {"seed": 7, "timings": {"inference": 1}}
    assert output.video.model_extra == {"fps": 24}


def test_spec_data_is_loaded_lazily_from_the_registered_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tables = types.SimpleNamespace(
        RULES={"Shot": SHOT_RULES},
        CHECKS={},
        MODEL_ENDPOINTS={},
        FIELD_ENDPOINTS={},
        ENDPOINT_FAMILY={},
        NAMING_DRIFT=(),
    )
    loads: list[str] = []
    registry.install(spec_data=lambda: loads.append("spec_data") or tables)
    monkeypatch.setattr(rules, "_data", None)
    assert loads == []  # registering loads nothing
    with pytest.raises(KlingValidationError) as exc:
        Shot(prompt="a", duration=1)  # type: ignore[arg-type]
    assert problems(exc) == {("prompt", "short-prompt")}
    assert rules.spec_data().rules == {"Shot": SHOT_RULES}
    assert loads == ["spec_data"]


class LateShot(KlingInputModel):
    duration: LateDuration | None = None


class LateRequest(KlingInputModel):
    shots: list[LateShot]


class LateDuration(DigitEnum):
    V5 = "5"


LateRequest.model_rebuild()


def test_forward_referenced_durations_are_coerced_when_nested() -> None:
    assert not LateShot.__pydantic_complete__
    request = LateRequest(shots=[{"duration": 5}])  # type: ignore[list-item]
    assert request.shots[0].duration is LateDuration.V5


def test_problems_are_worked_out_when_read_from_the_input_as_validated() -> None:
    data: dict[str, object] = {"prompt": "hi", "voice_ids": ["a", "b", "c"], "cfg-scale": 0.5}
    with pytest.raises(KlingValidationError) as exc:
        Request.model_validate(data)
    data["voice_ids"] = ["a"]  # changed after the error: the error still describes what was given
    assert problems(exc) == {("voice_ids", "voice-ids-max-2")}
    with pytest.raises(KlingValidationError) as exc:
        Request.model_validate({"prompt": "x" * 21, "aspect_ratio": "4:3"})
    assert callable(exc.value._issues)  # nothing converted yet
    assert problems(exc) == {("prompt", "max-length"), ("aspect_ratio", "enum")}
    assert exc.value.issues is exc.value.issues  # converted once


def test_validation_errors_pickle_with_their_problems() -> None:
    import pickle

    with pytest.raises(KlingValidationError) as exc:
        Request.model_validate({"prompt": "x" * 21})
    copy = pickle.loads(pickle.dumps(exc.value))
    assert (copy.model, copy.issues) == ("Request", exc.value.issues)
    assert str(copy) == str(exc.value)


def test_json_options_keep_their_json_meaning_and_rules_still_apply() -> None:
    strict = Request.model_validate_json('{"prompt": "a", "aspect_ratio": "16:9"}', strict=True)
    assert strict.aspect_ratio is AspectRatio.WIDE
    with pytest.raises(KlingValidationError) as exc:
        Request.model_validate_json('{"prompt": "a", "voice_ids": ["1", "2", "3"]}', strict=True)
    assert problems(exc) == {("voice_ids", "voice-ids-max-2")}
    with pytest.raises(KlingValidationError) as exc:
        Request.model_validate_json('{"prompt": 1, "voice_ids": ["1", "2", "3"]}', strict=True)
    assert problems(exc) == {("prompt", "type"), ("voice_ids", "voice-ids-max-2")}
