from __future__ import annotations

from generator.runtime import install
from generator.runtime.hints import unknown_field_hint
from generator.runtime.rules import SpecData

I2V = "fal-ai/kling-video/v2.6/pro/image-to-video"
T2V = "fal-ai/kling-video/v2.6/pro/text-to-video"
KNOWN = ["prompt", "start_image_url", "duration", "end_image_url"]


def spec(field_endpoints: dict[str, tuple[str, ...]] | None = None) -> SpecData:
    families = {I2V: "v2.6", T2V: "v2.6"}
    families |= {f"fal-ai/kling-video/v1/{t}/text-to-video": "v1" for t in ("a", "b", "c")}
    return install(
        rules={},
        model_endpoints={"ImageToVideoV26ProRequest": (I2V,)},
        field_endpoints=field_endpoints or {},
        endpoint_family=families,
        naming_drift=(("image_url", "start_image_url"), ("tail_image_url", "end_image_url")),
    )


def hint(field: str, data: SpecData | None) -> str:
    return unknown_field_hint("ImageToVideoV26ProRequest", field, KNOWN, data)


def test_naming_drift_in_both_directions() -> None:
    data = spec()
    assert hint("image_url", data) == (
        "unknown field 'image_url'; this endpoint calls it 'start_image_url'"
    )
    assert hint("tail_image_url", data) == (
        "unknown field 'tail_image_url'; this endpoint calls it 'end_image_url'"
    )
    reverse = unknown_field_hint("M", "start_image_url", ["image_url"], data)
    assert reverse == "unknown field 'start_image_url'; this endpoint calls it 'image_url'"


def test_field_of_other_endpoints_same_family_first() -> None:
    v1 = tuple(f"fal-ai/kling-video/v1/{t}/text-to-video" for t in ("a", "b", "c"))
    data = spec({"cfg_scale": (*v1, T2V)})
    assert hint("cfg_scale", data) == (
        f"unknown field 'cfg_scale' for {I2V}; it exists on {T2V}, {v1[0]}, {v1[1]} (and 1 more)"
    )


def test_field_of_other_endpoints_for_a_model_without_endpoint() -> None:
    data = spec({"cfg_scale": (T2V,)})
    assert unknown_field_hint("Other", "cfg_scale", ["prompt"], data) == (
        f"unknown field 'cfg_scale'; it exists on {T2V}"
    )


def test_spelling_then_allowed_fields() -> None:
    data = spec()
    assert hint("promt", data) == "unknown field 'promt'; did you mean 'prompt'?"
    assert hint("zzz", data) == (
        "unknown field 'zzz'; allowed: prompt, start_image_url, duration, end_image_url"
    )
    assert unknown_field_hint("M", "zzz", [], data) == "unknown field 'zzz'; allowed: none"


def test_without_spec_data_only_spelling_hints() -> None:
    spec({"cfg_scale": (T2V,)})
    assert hint("image_url", None) == "unknown field 'image_url'; did you mean 'end_image_url'?"
    assert hint("cfg_scale", None).startswith("unknown field 'cfg_scale'; allowed: ")
    assert hint("durations", None) == "unknown field 'durations'; did you mean 'duration'?"
