"""fal's Platform API: the emulator's /v1/models and /v1/models/pricing, and sync's client of it."""

from __future__ import annotations

import email.utils
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import kling_fal
import pytest
from emulator_support import ACTIVE
from kling_fal.emulator import Emulator, Faults, PlatformModel
from test_sync import KNOWN, NEW, new_document, reference

from generator.fal.platform import FalPrice, PlatformClient, PlatformError

PREFIX = "fal-ai/kling-video/test"


def _catalog(count: int) -> list[PlatformModel]:
    return [
        PlatformModel(
            f"{PREFIX}/m{n:03}",
            "image-to-video" if n % 2 else "text-to-video",
            openapi={"openapi": "3.0.4", "info": {"title": f"m{n:03}"}},
            status="deprecated" if n == 4 else "active",
            price=(0.01 * n, "second", "USD"),
        )
        for n in range(count)
    ]


@pytest.fixture
def emu() -> Iterator[Emulator]:
    catalog = [*_catalog(7), PlatformModel("fal-ai/flux/dev", "text-to-image")]
    with Emulator(platform_catalog=catalog, platform_page_size=3) as running:
        yield running


def _models_calls(emu: Emulator) -> list[dict[str, list[str]]]:
    found = []
    for call in emu.platform_calls:
        if call.path == "/v1/models":
            params: dict[str, list[str]] = {}
            for name, value in call.query:
                params.setdefault(name, []).append(value)
            found.append(params)
    return found


def test_listing_follows_the_cursor_until_has_more_is_false(emu: Emulator) -> None:
    with PlatformClient(f"{emu.url}/v1", "test-key") as client:
        assert client.statuses("kling-video") == {
            f"{PREFIX}/m{n:03}": "deprecated" if n == 4 else "active" for n in range(7)
        }
    calls = _models_calls(emu)
    assert [c.get("cursor") for c in calls] == [None, ["Mg=="], ["Mw=="]]  # pages 1, 2, 3
    assert all(c["q"] == ["kling-video"] for c in calls)


def test_page_size_is_sent_as_limit_and_category_filters(emu: Emulator) -> None:
    with PlatformClient(f"{emu.url}/v1", page_size=1) as client:
        found = list(client.statuses("kling-video", "image-to-video"))
    assert found == [f"{PREFIX}/m{n:03}" for n in (1, 3, 5)]
    calls = _models_calls(emu)
    assert len(calls) == 3 and all(c["limit"] == ["1"] and c["category"] for c in calls)


def test_documents_are_fetched_50_ids_a_call() -> None:
    catalog = _catalog(120)
    ids = [m.endpoint_id for m in catalog]
    with Emulator(platform_catalog=catalog) as emu, PlatformClient(f"{emu.url}/v1") as client:
        documents = client.documents(ids)
        calls = _models_calls(emu)
        too_many = httpx.get(
            f"{emu.url}/v1/models", params=[("endpoint_id", i) for i in ids[:51]], trust_env=False
        )
    assert documents == {m.endpoint_id: m.openapi for m in catalog}
    batches = [c["endpoint_id"] for c in calls]
    assert [len(b) for b in batches] == [50, 50, 20]
    assert [i for b in batches for i in b] == ids and all(
        c["expand"] == ["openapi-3.0"] for c in calls
    )
    assert too_many.status_code == 400
    assert too_many.json()["error"] == {
        "type": "validation_error",
        "message": "At most 50 endpoint ids, got 51",
    }


def test_a_model_without_a_document_answers_fal_s_expansion_error() -> None:
    given = {"error": {"code": "schema_gone", "message": "gone"}}
    catalog = [PlatformModel(f"{PREFIX}/a"), PlatformModel(f"{PREFIX}/b", openapi=given)]
    with Emulator(platform_catalog=catalog) as emu, PlatformClient(f"{emu.url}/v1") as client:
        documents = client.documents([f"{PREFIX}/a", f"{PREFIX}/b", f"{PREFIX}/unknown"])
    assert documents == {
        f"{PREFIX}/a": {"error": {"code": "expansion_failed", "message": "schema not available"}},
        f"{PREFIX}/b": given,
        f"{PREFIX}/unknown": None,
    }


def test_prices_need_the_key_header(emu: Emulator) -> None:
    ids = [f"{PREFIX}/m001", f"{PREFIX}/m002", "fal-ai/flux/dev"]
    with PlatformClient(f"{emu.url}/v1", "test-key") as client:
        assert client.prices(ids) == {
            ids[0]: FalPrice(0.01, "second", "USD"),
            ids[1]: FalPrice(0.02, "second", "USD"),
        }
    assert [c.authorization for c in emu.platform_calls] == ["Key test-key"]
    with PlatformClient(f"{emu.url}/v1") as client, pytest.raises(PlatformError) as caught:
        client.prices(ids)
    assert emu.platform_calls[-1].authorization == ""
    assert str(caught.value) == (
        f"GET {emu.url}/v1/models/pricing?endpoint_id={'%2C'.join(ids).replace('/', '%2F')}: "
        "401 authorization_error: Authentication required"
    )


def test_a_429_is_retried_after_its_retry_after() -> None:
    waits: list[float] = []
    faults = Faults(rate=0.5, seed=3, kinds=("429",), on=("platform",))
    with (
        Emulator(platform_catalog=_catalog(7), platform_page_size=2, faults=faults) as emu,
        PlatformClient(f"{emu.url}/v1", sleep=waits.append) as client,
    ):
        assert len(list(client.statuses("kling-video"))) == 7
        injected = emu.injected_faults
    assert injected and injected == [("platform", "429")] * len(injected)
    assert waits == [1.0] * len(injected)  # the emulator's Retry-After: 1
    assert len(_models_calls(emu)) == 4  # each page answered once; faulted calls are not


def _answers(*responses: httpx.Response) -> httpx.MockTransport:
    queue = list(responses)
    return httpx.MockTransport(lambda request: queue.pop(0))


def test_without_retry_after_the_wait_doubles_and_gives_up_after_five_retries() -> None:
    limited = httpx.Response(429, json={"error": {"type": "rate_limited", "message": "slow"}})
    waits: list[float] = []
    client = PlatformClient(transport=_answers(*[limited] * 6), sleep=waits.append)
    with client, pytest.raises(PlatformError, match=r"models\?q=x: 429 rate_limited: slow$"):
        client.statuses("x")
    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0]


def test_retry_after_as_an_http_date() -> None:
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    page = {"models": [{"endpoint_id": "a"}], "next_cursor": None, "has_more": False}
    transport = _answers(
        httpx.Response(429, headers={"Retry-After": later}), httpx.Response(200, json=page)
    )
    waits: list[float] = []
    with PlatformClient(transport=transport, sleep=waits.append) as client:
        assert client.statuses("x") == {"a": "active"}
    assert len(waits) == 1 and 25 < waits[0] <= 30


def test_a_non_json_failure_is_one_line() -> None:
    transport = _answers(httpx.Response(502, text="<html>\nBad Gateway\n</html>"))
    with PlatformClient(transport=transport) as client, pytest.raises(PlatformError) as caught:
        client.statuses("x")
    assert str(caught.value) == (
        "GET https://api.fal.ai/v1/models?q=x: 502 <html> Bad Gateway </html>"
    )


def test_by_default_the_emulator_lists_the_registry_s_active_endpoints() -> None:
    active = {i: e for i, e in kling_fal.ENDPOINTS.items() if e.status == "active"}
    with Emulator() as emu, PlatformClient(f"{emu.url}/v1") as client:
        assert client.statuses("kling-video", "image-to-video") == {
            i: "active" for i, e in sorted(active.items()) if e.category == "image-to-video"
        }
        (first, *_) = sorted(active)
        assert client.documents([first]) == {
            first: {"error": {"code": "expansion_failed", "message": "schema not available"}}
        }
    with pytest.raises(ValueError, match="platform_page_size must be at least 1"):
        Emulator(platform_page_size=0)


def test_the_emulator_filters_by_search_text_category_and_status(emu: Emulator) -> None:
    def listed(**params: str) -> list[str]:
        answer = httpx.get(
            f"{emu.url}/v1/models", params={"limit": "10", **params}, trust_env=False
        )
        assert answer.status_code == 200
        return [m["endpoint_id"] for m in answer.json()["models"]]

    assert listed(q="FLUX") == ["fal-ai/flux/dev"]
    assert listed(status="deprecated") == [f"{PREFIX}/m004"]
    assert listed(q="kling", category="text-to-video", status="active") == [
        f"{PREFIX}/m000",
        f"{PREFIX}/m002",
        f"{PREFIX}/m006",
    ]


def test_other_injected_faults_answer_in_the_platform_s_error_shape() -> None:
    faults = Faults(rate=1.0, kinds=("500",), on=("platform",))
    with (
        Emulator(platform_catalog=_catalog(1), faults=faults) as emu,
        PlatformClient(f"{emu.url}/v1") as client,
        pytest.raises(PlatformError, match=r": 500 server_error: An unexpected error occurred$"),
    ):
        client.statuses("kling-video")


def test_the_command_line_serves_documents_from_a_directory(tmp_path: Path) -> None:
    known, new = reference(), new_document()
    for name, document in (("known.json", known), ("new.json", new)):
        (tmp_path / name).write_text(json.dumps(document), encoding="utf-8")
    package_root = str(Path(kling_fal.__file__).resolve().parent.parent)
    command = [sys.executable, "-m", "kling_fal.emulator", "--platform-documents", str(tmp_path)]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": package_root}
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        assert lines[2].startswith("Platform API: http://127.0.0.1:")
        with PlatformClient(lines[2].split()[-1]) as client:
            listed = client.statuses("kling-video")
            assert NEW in listed and KNOWN in listed and len(listed) == len(ACTIVE) + 1
            documents = client.documents([KNOWN, NEW, ACTIVE[0]])
        assert documents[KNOWN] == known and documents[NEW] == new
        assert documents[ACTIVE[0]]["error"]["code"] == "expansion_failed"
    finally:
        process.terminate()
        assert process.wait(10) == 0


def test_an_answer_not_in_fal_s_shape_is_one_line() -> None:
    page = {"models": [{"metadata": {}}], "has_more": False}
    with (
        PlatformClient(transport=_answers(httpx.Response(200, json=page))) as client,
        pytest.raises(PlatformError, match=r"^GET /models: not fal's documented answer: no 'endp"),
    ):
        client.statuses("x")
    prices = {"prices": [{"endpoint_id": "a", "unit": "second", "currency": "USD"}]}
    with (
        PlatformClient(key="k", transport=_answers(httpx.Response(200, json=prices))) as client,
        pytest.raises(PlatformError, match=r"^GET /models/pricing: .*: no 'unit_price'$"),
    ):
        client.prices(["a"])


def test_an_unreachable_api_is_one_line() -> None:
    with Emulator() as emu:
        url = f"{emu.url}/v1"
    with PlatformClient(url) as client, pytest.raises(PlatformError) as caught:
        client.statuses("x")
    assert str(caught.value).startswith(f"GET {url}/models: ConnectError: ")
    assert "\n" not in str(caught.value)
