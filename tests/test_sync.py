"""`klinggen sync` against the emulator's Platform API: ids, schema differences, prices, --write."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import kling_fal
import pytest
from kling_fal.emulator import Emulator, PlatformModel
from support import REFERENCE, SPEC

from generator.cli import main
from generator.fal.platform import FalPrice, PlatformClient, PlatformError
from generator.fal.sync import price_lines, sync
from generator.frontend.ast import build_ast
from generator.frontend.load import parse
from generator.history.snapshots import load_spec
from generator.history.view import view

pytestmark = pytest.mark.slow(3)  # seconds, roughly: scheduled early (conftest.py)

KNOWN = "fal-ai/kling-video/v2.6/pro/image-to-video"
NEW = "fal-ai/kling-video/v2.7/pro/image-to-video"
BROKEN = "fal-ai/kling-video/v1/pro/text-to-video"  # removed in the spec
OLD = "fal-ai/kling-video/v1.5/pro/text-to-video"
INPUT = "KlingVideoV26ProImageToVideoInput"


def reference() -> dict[str, Any]:
    """fal's published document of KNOWN."""
    data: dict[str, Any] = json.loads(
        (REFERENCE / "fal-openapi-v2.6-pro-image-to-video.json").read_text(encoding="utf-8")
    )
    return data


def new_document() -> dict[str, Any]:
    """The reference document as a new model version, NEW."""
    text = json.dumps(reference()).replace("v2.6/pro", "v2.7/pro").replace("V26Pro", "V27Pro")
    data: dict[str, Any] = json.loads(text)
    return data


def catalog(known: dict[str, Any] | None = None) -> list[PlatformModel]:
    """KNOWN (with `known` as its document), NEW, BROKEN and OLD (deprecated) without a document,
    an id outside the Kling prefix."""
    return [
        PlatformModel(
            KNOWN, "image-to-video", openapi=known or reference(), price=(0.07, "second", "USD")
        ),
        PlatformModel(NEW, "image-to-video", openapi=new_document()),
        PlatformModel(BROKEN, "text-to-video"),
        PlatformModel(OLD, "text-to-video", status="deprecated"),
        PlatformModel("fal-ai/kling-video-lookalike/v1", "text-to-video"),
    ]


@pytest.fixture
def scratch_spec(tmp_path: Path) -> Path:
    target = tmp_path / "spec"
    shutil.copytree(SPEC, target, ignore=shutil.ignore_patterns("history"))
    return target


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(platform_catalog=catalog(), platform_page_size=2) as running:
        yield running


def _endpoint(spec: Path, endpoint_id: str) -> tuple[Any, ...]:
    """What users see of one endpoint: metadata, request and response."""
    seen = view(build_ast(load_spec(spec, full=False)), "").endpoints[endpoint_id]
    return seen.meta, seen.request, seen.response


def _sync(emu: Emulator, *args: str) -> list[str]:
    return ["sync", "--api-url", f"{emu.url}/v1", *args]


def test_sync_reports_new_gone_failed_schemas_and_prices(
    emu: Emulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAL_KEY", "test-key")
    assert main(_sync(emu, "--spec", str(SPEC))) == 2
    out = capsys.readouterr().out
    assert out.startswith("fal lists 4 Kling endpoint(s)\nnew on fal (1):\n  " + NEW + "\n")
    active = [
        i for i, e in kling_fal.ENDPOINTS.items() if e.status == "active" and i not in (KNOWN, OLD)
    ]
    gone = "".join(f"  {i}\n" for i in sorted(active))
    assert (
        f"not listed by fal (active in the spec; set `status: removed` by hand) ({len(active)}):\n{gone}"
        in out
    )
    assert f"\n  {KNOWN}\n" not in out and "lookalike" not in out
    assert f"deprecated on fal (active in the spec) (1):\n  {OLD}\n" in out
    assert f"listed by fal (removed in the spec) (1):\n  {BROKEN}\n" in out
    failed = "".join(
        f"  {i}: expansion_failed: schema not available\n" for i in sorted((BROKEN, OLD))
    )
    assert f"no document (2):\n{failed}" in out
    assert "prices (" not in out  # fal's 0.07 USD/second is one of the spec's rates for KNOWN
    assert out.endswith(f"non-breaking (1):\n  {NEW}: endpoint added\n")
    assert {c.authorization for c in emu.platform_calls} == {"Key test-key"}
    assert [c.path for c in emu.platform_calls].count("/v1/models/pricing") == 1


def test_schema_differences_are_import_check_s(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FAL_KEY", raising=False)
    changed = reference()
    changed["components"]["schemas"][INPUT]["properties"]["prompt"]["maxLength"] = 2000
    with Emulator(platform_catalog=catalog(changed)) as emu:
        assert main(_sync(emu, "--spec", str(SPEC), "--category", "image-to-video")) == 2
        assert {c.authorization for c in emu.platform_calls} == {""}
    captured = capsys.readouterr()
    assert f"  {KNOWN} request.prompt: maxLength 2500 -> 2000 (tightened)\n" in captured.out
    assert "prices" not in captured.out and BROKEN not in captured.out
    assert "fal-ai/kling-video/v3/pro/text-to-video" not in captured.out  # other category
    assert "klinggen: prices not compared: /models/pricing needs a key (set FAL_KEY)" in (
        captured.err
    )


def test_write_imports_the_new_id_and_keeps_the_rest(
    emu: Emulator,
    scratch_spec: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("FAL_KEY", raising=False)
    saved = tmp_path / "docs"
    assert main(_sync(emu, "--spec", str(scratch_spec), "--write", "--save", str(saved))) == 0
    assert f"klinggen: wrote {scratch_spec}/endpoints/v2.7/pro/image-to-video.yaml\n" in (
        capsys.readouterr().out
    )
    ours, synced = (_endpoint(s, KNOWN) for s in (SPEC, scratch_spec))
    assert synced == ours  # fal's document of KNOWN is what the spec says
    meta = parse("x", (scratch_spec / "endpoints/v2.7/pro/image-to-video.yaml").read_text()).data
    assert meta["x-kling-endpoint"]["id"] == NEW
    assert sorted(p.name for p in saved.iterdir()) == [
        "v2.6-pro-image-to-video.json",
        "v2.7-pro-image-to-video.json",
    ]
    assert json.loads((saved / "v2.7-pro-image-to-video.json").read_text()) == new_document()
    assert main(_sync(emu, "--spec", str(scratch_spec))) == 2  # still: ids fal does not list
    out = capsys.readouterr().out
    assert "new on fal" not in out and "0 breaking, 0 non-breaking" in out


def test_a_failed_platform_call_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAL_KEY", "test-key")
    with Emulator(platform_catalog=catalog()) as emu:
        assert main(["sync", "--api-url", f"{emu.url}/v1", "--page-size", "0"]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"klinggen: fal's Platform API: GET {emu.url}/v1/models?q=kling-video&limit=0: "
        "400 validation_error: Invalid request parameters: limit or cursor\n"
    )


def test_price_lines_compare_fal_s_unit_price_with_the_spec_s_rates() -> None:
    fal = {
        "a": FalPrice(0.084, "second", "USD"),
        "b": FalPrice(0.07, "second", "USD"),
        "c": FalPrice(0.5, "video", "USD"),
        "d": FalPrice(0.084, "second", "EUR"),
    }
    rates = {"per-second": {"rates": [{"usd": 0.084}, {"when": [], "usd": 0.126}]}}
    spec = {"a": rates, "b": rates, "c": None, "d": rates}
    assert price_lines(fal, spec) == [
        "b: fal lists 0.07 USD/second; spec rates 0.084, 0.126 USD",
        "c: fal lists 0.5 USD/video; no price in spec",
        "d: fal lists 0.084 EUR/second; spec rates 0.084, 0.126 USD",
    ]


def test_nothing_is_written_when_a_call_fails(mini_spec: Path) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/pricing"):
            return httpx.Response(500, json={"error": {"type": "server_error", "message": "down"}})
        model = {"endpoint_id": NEW, "openapi": new_document()}
        return httpx.Response(200, json={"models": [model], "has_more": False})

    before = sorted(p.relative_to(mini_spec) for p in mini_spec.rglob("*"))
    client = PlatformClient(key="test-key", transport=httpx.MockTransport(answer))
    with client, pytest.raises(PlatformError, match=r"pricing\?endpoint_id=.*: 500 server_error"):
        sync(mini_spec, client, write=True)
    assert sorted(p.relative_to(mini_spec) for p in mini_spec.rglob("*")) == before
