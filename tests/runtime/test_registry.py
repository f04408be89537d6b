"""The registry: generated packages hand over loaders; the runtime loads each table once, on use."""

from __future__ import annotations

import subprocess
import sys
import types

import pytest
from support import ROOT

from generator.runtime import KlingInputModel, KlingOutputModel, UnknownEndpointError, registry
from generator.runtime.endpoints import (
    EndpointInfo,
    endpoints,
    get_endpoint,
    parse_output,
    validate,
)

I2V = "fal-ai/kling-video/v2.6/pro/image-to-video"


class Request(KlingInputModel):
    prompt: str


class Output(KlingOutputModel):
    seed: int


def info(endpoint_id: str) -> EndpointInfo:
    return EndpointInfo(
        endpoint_id=endpoint_id,
        title="t",
        summary="s",
        model="v2.6",
        tier="pro",
        mode="image-to-video",
        category="video",
        status="active",
        confidence="high",
        input_model="Request",
        output_model="Output",
    )


def install_package() -> list[str]:
    """Register a one-endpoint package; the returned list records every loader call."""
    calls: list[str] = []

    def loader(name: str, value: object) -> object:
        return lambda: calls.append(name) or value

    registry.install(
        endpoints=loader("endpoints", {I2V: info(I2V)}),
        inputs=loader("inputs", types.SimpleNamespace(Request=Request)),
        outputs=loader("outputs", types.SimpleNamespace(Output=Output)),
    )
    return calls


def test_a_table_is_loaded_on_first_use_only_once() -> None:
    calls = install_package()
    assert calls == []
    assert list(endpoints()) == [I2V]
    assert get_endpoint(I2V).input is Request
    assert get_endpoint(I2V).output is Output
    assert calls == ["endpoints", "inputs", "outputs"]


def test_installing_again_replaces_a_loaded_table() -> None:
    install_package()
    assert list(endpoints()) == [I2V]
    registry.install(endpoints=lambda: {})
    assert dict(endpoints()) == {}


def test_lookups_validate_and_parse_through_the_registered_models() -> None:
    install_package()
    assert validate(I2V, {"prompt": "p"}) == Request(prompt="p")
    assert validate(I2V, '{"prompt": "p"}') == Request(prompt="p")
    assert parse_output(I2V, {"seed": 1, "new": 2}).model_extra == {"new": 2}
    with pytest.raises(UnknownEndpointError) as caught:
        get_endpoint(I2V.replace("image", "imag"))
    assert caught.value.suggestions == (I2V,)


def test_an_unregistered_table_is_a_clear_error() -> None:
    with pytest.raises(LookupError, match="no 'endpoints' table registered"):
        endpoints()


def test_unknown_table_names_are_rejected() -> None:
    with pytest.raises(TypeError, match="unknown table"):
        registry.install(endpoint=lambda: {})


def test_the_registry_loads_no_model_library() -> None:
    code = "import sys, generator.runtime.registry; print('pydantic' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "False"
