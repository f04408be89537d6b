"""Constructing request models directly type-checks with exactly what validation accepts.

One snippet, type-checked with mypy --strict in tests/test_typing.py: lines marked ``# error``
must be reported and every other line must pass. The snippet is also run here: its unmarked lines construct valid models, and
each marked line on its own raises KlingValidationError (or ImportError for a misspelt name), so
the types match the runtime both ways.
"""

from __future__ import annotations

import dataclasses

import pytest
from support import SPEC

from generator.diagnostics import SpecError
from generator.ir.model import Api
from generator.pipeline import load_api
from generator.targets.python.signatures import constructors

IMPORTS = """\
from kling_fal.models import (
    AspectRatioEnum,
    CameraControl,
    CameraControlDict,
    Duration5To10Enum,
    ImageToVideoV26ProRequest,
    KlingV3MultiPromptElement,
    KlingV3MultiPromptElementDict,
    TextToVideoV3ProRequest,
    V1TextToVideoRequest,
)
"""
BODY = """
a = ImageToVideoV26ProRequest(prompt="x", start_image_url="u", duration=5)
b = ImageToVideoV26ProRequest(prompt="x", start_image_url="u", duration="10", voice_ids=("v",))
c = ImageToVideoV26ProRequest(prompt="x", start_image_url="u", duration=Duration5To10Enum.V10)
first = KlingV3MultiPromptElement(prompt="b", duration=3)
d = TextToVideoV3ProRequest(multi_prompt=[{"prompt": "a", "duration": "5"}, first], cfg_scale=1)
shot: KlingV3MultiPromptElementDict = {"prompt": "c", "duration": 15}
e = TextToVideoV3ProRequest(prompt="p", aspect_ratio="9:16", shot_type="customize", duration=None)
f = TextToVideoV3ProRequest(multi_prompt=[shot], aspect_ratio=AspectRatioEnum.V1_1)
move: CameraControlDict = {"movement_type": "zoom", "movement_value": 5}
g = V1TextToVideoRequest(prompt="p", advanced_camera_control=move, camera_control="down_back")
h = V1TextToVideoRequest(prompt="p", advanced_camera_control=CameraControl(movement_type="pan", movement_value=-3))
reveal_type(a.duration)
reveal_type(d.multi_prompt)
reveal_type(g.advanced_camera_control)
ImageToVideoV26ProRequest(prompt="x", start_image_url="u", duration=7)  # error: not a duration
ImageToVideoV26ProRequest(prompt="x", start_image_url="u", duration="7")  # error: not a duration
ImageToVideoV26ProRequest(prompt="x", start_image_url="u", duration=5.0)  # error: not an int
TextToVideoV3ProRequest(prompt="x", aspect_ratio="4:3")  # error: not an aspect ratio here
ImageToVideoV26ProRequest(prompt="x", start_image_url="u", duraton=5)  # error: misspelt
ImageToVideoV26ProRequest(prompt="x")  # error: start_image_url is required
ImageToVideoV26ProRequest(prompt=1, start_image_url="u")  # error: prompt is a str
ImageToVideoV26ProRequest(prompt="x", start_image_url="u", voice_ids=[1])  # error: str items
TextToVideoV3ProRequest(multi_prompt=[{"prompt": "a", "duration": 16}])  # error: not a duration
TextToVideoV3ProRequest(multi_prompt=[{"prompt": "a", "durration": "5"}])  # error: misspelt key
TextToVideoV3ProRequest(multi_prompt=[{"duration": "5"}])  # error: the prompt key is required
KlingV3MultiPromptElement(prompt="b", duration=0)  # error: not a duration
V1TextToVideoRequest(prompt="p", advanced_camera_control={"movement_type": "spin", "movement_value": 1})  # error
V1TextToVideoRequest(prompt="p", camera_control="up")  # error: not a camera control
from kling_fal.models import ImageToVideoV26ProRequst  # error: misspelt model name
from kling_fal.models.inputs import CameraControlDikt  # error: misspelt TypedDict name
"""
SNIPPET = IMPORTS + BODY


def _runtime_namespace() -> dict[str, object]:
    namespace: dict[str, object] = {"reveal_type": lambda value: value}
    exec(IMPORTS, namespace)
    return namespace


def test_the_accepted_lines_validate() -> None:
    namespace = _runtime_namespace()
    accepted = [line for line in BODY.splitlines() if "# error" not in line]
    exec("\n".join(accepted), namespace)
    d = namespace["d"]
    assert d.to_fal()["multi_prompt"] == [  # type: ignore[attr-defined]
        {"prompt": "a", "duration": "5"},
        {"prompt": "b", "duration": "3"},
    ]
    assert namespace["a"].to_fal()["duration"] == "5"  # type: ignore[attr-defined]
    assert namespace["g"].to_fal()["advanced_camera_control"] == {  # type: ignore[attr-defined]
        "movement_type": "zoom",
        "movement_value": 5,
    }


REJECTED = [line for line in BODY.splitlines() if "# error" in line]


@pytest.mark.parametrize("line", REJECTED, ids=[line.split("#")[1] for line in REJECTED])
def test_each_rejected_line_fails_at_runtime(line: str) -> None:
    from kling_fal import KlingValidationError

    with pytest.raises(ImportError if line.startswith("from ") else KlingValidationError):
        exec(line, _runtime_namespace())


@pytest.fixture(scope="module")
def api() -> Api:
    return load_api(SPEC)[0]


def test_a_schema_named_like_a_typed_dict_is_refused(api: Api) -> None:
    clash = dataclasses.replace(api.enums[0], name="CameraControlDict")
    with pytest.raises(SpecError) as error:
        constructors(api.schemas, (*api.enums, clash))
    source = api.enums[0].source
    assert str(error.value) == (
        f"{source.file}:{source.line} #{source.pointer}: error[python-name] 'CameraControlDict'"
        " is also the TypedDict of 'CameraControl'"
    )


def test_a_field_name_that_is_no_keyword_argument_is_refused(api: Api) -> None:
    schema = next(s for s in api.schemas if s.name == "ImageToVideoV26ProRequest")
    field = dataclasses.replace(schema.fields[0], name="start-image")
    bad = dataclasses.replace(schema, fields=(field, *schema.fields[1:]))
    with pytest.raises(SpecError) as error:
        constructors((*api.schemas, bad), api.enums)
    assert str(error.value).startswith(f"{field.source.file}:{field.source.line} #")
    assert str(error.value).endswith(
        "error[python-name] field 'ImageToVideoV26ProRequest.start-image' is not a usable"
        " Python keyword argument"
    )


def test_digit_enums_take_the_ints_validation_maps_back(api: Api) -> None:
    enums = tuple(
        dataclasses.replace(
            e, members=(dataclasses.replace(e.members[0], value="05"), *e.members[1:])
        )
        if e.name == "Duration5To10Enum"
        else e
        for e in api.enums
    )
    block = constructors(api.schemas, enums).blocks["ImageToVideoV26ProRequest"]
    assert "duration: Duration5To10Enum | Literal['05', '10', 10] | None = '5'," in block
