"""The generated package: registry, enums, validation, rules, hints, typing and lint."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from typing import Any

import kling_fal
import pytest
import yaml
from kling_fal import KlingValidationError, models
from support import GENERATED, REFERENCE, SPEC

from generator.ir.model import Api
from generator.pipeline import load_api

V26_I2V = "fal-ai/kling-video/v2.6/pro/image-to-video"


@cache
def api() -> Api:
    return load_api(SPEC)[0]


@cache
def catalog() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(
        (REFERENCE / "kling-catalog.yaml").read_text(encoding="utf-8")
    )
    return loaded


def issues(endpoint_id: str, payload: Any) -> set[tuple[str, str]]:
    with pytest.raises(KlingValidationError) as info:
        kling_fal.validate(endpoint_id, payload)
    return {(i.path, i.rule) for i in info.value.issues}


def test_registry_holds_every_catalog_endpoint() -> None:
    ids = {e["endpoint_id"] for e in catalog()["endpoints"]}
    assert ids <= set(kling_fal.ENDPOINTS), sorted(ids - set(kling_fal.ENDPOINTS))  # and new ones
    assert len(ids) == 75
    removed = {i for i, e in kling_fal.ENDPOINTS.items() if e.status == "removed"}
    assert removed == {
        e["endpoint_id"] for e in catalog()["endpoints"] if e["status"].startswith("removed")
    }
    assert len(removed) == 4


def test_registry_entries_resolve_to_models() -> None:
    for info in kling_fal.ENDPOINTS.values():
        assert issubclass(info.input, kling_fal.KlingInputModel)
        assert issubclass(info.output, kling_fal.KlingOutputModel)
        assert info.summary


CATALOG_ENUMS = {
    "EffectSceneEnum": ("EffectSceneEnum", "values"),
    "VoiceIdEnum": ("VoiceIdEnum", "values"),
    "VoiceLanguageEnum": ("VoiceLanguageEnum", "values"),
    "CameraControlEnum": ("CameraControlEnum", "values"),
    "MovementTypeEnum": ("MovementTypeEnum", "values"),
    "CharacterOrientationEnum": ("CharacterOrientationEnum", "values"),
    "AspectRatioEnum": ("AspectRatioEnum", "values"),
    "AspectRatioAutoEnum": ("AspectRatioAutoEnum", "values"),
    "Duration5To10Enum": ("DurationEnum_5_10", "values"),
    "Duration3To10Enum": ("DurationEnum_3_10", "values"),
    "Duration3To15Enum": ("DurationEnum_3_15", "values"),
    "ShotDurationEnum": ("ShotDurationEnum", "values_2026_04_onward"),
    "ShotTypeEnum": ("ShotTypeEnum", "values_v3_i2v_2026_08"),
}


@pytest.mark.parametrize("name", sorted(CATALOG_ENUMS))
def test_enums_match_catalog_exactly(name: str) -> None:
    key, values_key = CATALOG_ENUMS[name]
    expected = [str(v) for v in catalog()["enums"][key][values_key]]
    assert [m.value for m in getattr(models, name)] == expected


def test_seed_example_validates() -> None:
    request = kling_fal.validate(
        V26_I2V,
        {
            "prompt": 'A king walks slowly and says "My people, here I am! I am here to save you all"',
            "start_image_url": "https://v3b.fal.media/files/b/0a84ab29/BSJXz9Ht-jgRgMf4IGxLU_upscaled.png",
        },
    )
    assert isinstance(request, models.ImageToVideoV26ProRequest)
    assert request.to_fal()["duration"] == "5"
    assert request.to_fal()["generate_audio"] is True


def test_spec_examples_validate() -> None:
    for endpoint in api().endpoints:
        for example in endpoint.examples:
            kling_fal.validate(endpoint.endpoint_id, example.input.raw)
            if example.output is not None:
                kling_fal.parse_output(endpoint.endpoint_id, example.output.raw)


def test_durations_accept_numbers_and_send_strings() -> None:
    base = {"prompt": "a king", "start_image_url": "https://x.test/a.png"}
    assert kling_fal.validate(V26_I2V, {**base, "duration": 10}).to_fal()["duration"] == "10"
    assert kling_fal.validate(V26_I2V, {**base, "duration": "10"}).to_fal()["duration"] == "10"
    assert (
        (kling_fal.validate(V26_I2V, json.dumps({**base, "duration": 5})).to_fal()["duration"])
        == "5"
    )
    assert issues(V26_I2V, {**base, "duration": 7}) == {("duration", "enum")}


def test_every_problem_is_listed_at_once() -> None:
    found = issues(
        V26_I2V,
        {
            "prompt": "x" * 2501,
            "duration": "7",
            "generate_audio": "maybe",
            "voice_ids": ["a", "b", "c"],
            "image_url": "u",
        },
    )
    assert found == {
        ("prompt", "max-length"),
        ("duration", "enum"),
        ("generate_audio", "type"),
        ("start_image_url", "required"),
        ("voice_ids", "voice-ids-max-2"),
        ("image_url", "unknown-field"),
    }


def _message(endpoint_id: str, payload: dict[str, Any], path: str) -> str:
    with pytest.raises(KlingValidationError) as info:
        kling_fal.validate(endpoint_id, payload)
    return next(i.message for i in info.value.issues if i.path == path)


def test_unknown_field_hints_know_the_naming_drift() -> None:
    text = _message(V26_I2V, {"prompt": "p", "image_url": "https://x.test/a.png"}, "image_url")
    assert "start_image_url" in text
    v3 = "fal-ai/kling-video/v3/pro/image-to-video"
    text = _message(
        v3, {"prompt": "p", "start_image_url": "u", "tail_image_url": "u"}, "tail_image_url"
    )
    assert "end_image_url" in text
    v16 = "fal-ai/kling-video/v1.6/pro/image-to-video"
    text = _message(v16, {"prompt": "p", "image_url": "u", "end_image_url": "u"}, "end_image_url")
    assert "tail_image_url" in text


def test_unknown_field_hints_name_the_endpoints_that_have_it() -> None:
    text = _message(V26_I2V, {"prompt": "p", "start_image_url": "u", "cfg_scale": 0.5}, "cfg_scale")
    assert "fal-ai/kling-video/v2.6/pro/text-to-video" in text
    text = _message(V26_I2V, {"prompt": "p", "start_image_url": "u", "promt": "x"}, "promt")
    assert "'prompt'" in text


def test_plain_model_construction_enforces_rules() -> None:
    with pytest.raises(KlingValidationError) as info:
        models.ImageToVideoV26ProRequest(prompt="p", start_image_url="u", voice_ids=["a", "b", "c"])
    assert {(i.path, i.rule) for i in info.value.issues} == {("voice_ids", "voice-ids-max-2")}


def test_outputs_are_forward_compatible() -> None:
    out = kling_fal.parse_output(
        V26_I2V, {"video": {"url": "https://x.test/o.mp4", "new_field": 1}, "seed": 3}
    )
    assert out.video.url == "https://x.test/o.mp4"


def test_unknown_endpoint_suggests_the_closest() -> None:
    with pytest.raises(kling_fal.UnknownEndpointError) as info:
        kling_fal.validate("fal-ai/kling-video/v2.6/pro/image-to-vide", {})
    assert V26_I2V in str(info.value)


def test_generated_package_is_ruff_clean() -> None:
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=GENERATED,
        capture_output=True,
        text=True,
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr  # mypy --strict: tests/test_typing.py


def test_emitted_rule_checks_agree_with_evaluate_on_every_fixture() -> None:
    from kling_fal import fixtures
    from kling_fal._runtime import evaluate
    from kling_fal._runtime.rules import spec_data

    decided = 0
    for endpoint_id, info in kling_fal.ENDPOINTS.items():
        rules = spec_data().rules.get(info.input_model, ())
        for fixture in fixtures.load(endpoint_id):
            if fixture.kind == "output":
                continue
            broken = evaluate(rules, fixture.payload)
            check = spec_data().checks[info.input_model] if rules else None
            verdict = check(fixture.payload) if check else True
            assert verdict == (broken == []), fixture.name
            decided += bool(broken)
    assert decided > 20  # the corpus breaks rules often enough for this to mean something
