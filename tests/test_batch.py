"""client.batch: job ids, every problem listed with its line, the cost guard, resume (finished
jobs skipped, in-flight ones awaited, cut-off submits never repeated silently), summary rows."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path
from typing import Any

import kling_fal
import pytest
from kling_fal import KlingError
from kling_fal.client import (
    AsyncKlingClient,
    BatchInvalid,
    BatchJob,
    BatchProgress,
    CostGuard,
    Journal,
    KlingClient,
    job_id,
    load_jobs,
    parse_jobs,
)
from kling_fal.emulator import Emulator
from test_client_helpers import FAST, KEY

T2V = "fal-ai/kling-video/v2.6/pro/text-to-video"


def _line(prompt: str, **extra: Any) -> dict[str, Any]:
    return {"endpoint": "v2.6/pro/text-to-video", "input": {"prompt": prompt}, **extra}


def _prompts(emu: Emulator) -> Counter[str]:
    return Counter(str(r.input["prompt"]) for r in emu.requests.values())


def test_job_id_is_derived_from_endpoint_and_canonical_input() -> None:
    payload = {"prompt": "a lake", "duration": "5"}
    assert job_id(T2V, payload) == job_id(T2V, dict(reversed(payload.items())))
    assert job_id(T2V, payload) != job_id(T2V, {**payload, "duration": "10"})
    assert job_id(T2V, payload) != job_id(T2V.replace("pro", "standard"), payload)
    assert len(job_id(T2V, payload)) == 16
    short, full, named = parse_jobs(
        [
            json.dumps({"endpoint": "v2.6/pro/text-to-video", "input": payload}),
            json.dumps({"endpoint": T2V, "input": dict(reversed(payload.items()))}),
            json.dumps({"id": "mine", "endpoint": T2V, "input": payload}),
        ]
    )
    assert short.id == full.id == job_id(T2V, payload) and short.endpoint_id == T2V
    assert (named.id, named.line) == ("mine", 3)


def test_every_problem_of_every_line_is_listed_with_its_line(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs.jsonl"
    lines = [
        json.dumps(_line("fine")),
        json.dumps({"endpoint": "v2.6/pro/text-to-video", "input": {"duration": 7}}),
        "{not json",
        "",
        json.dumps({"input": {"prompt": "x"}, "priority": "low"}),
        json.dumps(_line("fine")),
        json.dumps({"endpoint": "v9/pro/text-to-video", "input": {"prompt": "x"}}),
        json.dumps(_line("x", id="../escape")),
    ]
    jobs.write_text("\n".join(lines) + "\n")
    with pytest.raises(BatchInvalid) as caught:
        load_jobs(jobs)
    assert caught.value.problems == (
        f"{jobs}:2 duration [enum]: Input should be '5' or '10'",
        f"{jobs}:2 prompt [required]: Field required",
        f"{jobs}:3 <line> [json]: Expecting property name enclosed in double quotes at column 2",
        f"{jobs}:5 priority [unknown-field]: unknown key",
        f"{jobs}:5 endpoint [required]: the endpoint id, e.g. v2.6/pro/text-to-video",
        f"{jobs}:6 id [duplicate]: same id as {jobs}:1",
        f"{jobs}:7 endpoint [unknown-endpoint]: {caught.value.problems[6].split(': ', 1)[1]}",
        f"{jobs}:8 id [pattern]: a job id is 1-128 letters, digits, '.', '_' or '-' (it names the"
        " job's output directory), not starting with '.'",
    )
    assert "fal-ai/kling-video/v9/pro/text-to-video" in caught.value.problems[6]
    assert str(caught.value).startswith("8 problems:\n")


def test_invalid_jobs_send_nothing(tmp_path: Path) -> None:
    with Emulator() as emu, KlingClient(key=KEY, emulator=emu.url, **FAST) as client:
        with pytest.raises(BatchInvalid) as caught:
            client.batch([_line("ok"), {"endpoint": T2V, "input": {}}], out=tmp_path)
        assert caught.value.problems == ("<jobs>:2 prompt [required]: Field required",)
        assert emu.requests == {}
    assert not (tmp_path / "summary.jsonl").exists()


def _price(endpoint_id: str, payload: Any) -> float | None:
    return None if "free" in payload["prompt"] else 0.5


def test_max_cost_guards_the_estimated_total(tmp_path: Path) -> None:
    jobs = [_line(f"take {n}") for n in range(3)]
    with Emulator() as emu, KlingClient(key=KEY, emulator=emu.url, **FAST) as client:
        with pytest.raises(CostGuard) as over:
            client.batch(jobs, out=tmp_path, max_cost=1.4, estimate=_price)
        assert over.value.problems == (
            "max-cost: the 3 jobs are estimated at $1.50, above the limit $1.40",
        )
        with pytest.raises(CostGuard) as unknown:
            client.batch([_line("free")], out=tmp_path, max_cost=10, estimate=_price)
        assert unknown.value.problems[0].endswith(
            "[price-unknown]: the price of this endpoint is unknown"
        )
        with pytest.raises(CostGuard, match="no price table"):
            client.batch(jobs, out=tmp_path, max_cost=10, estimate=None)
        assert emu.requests == {}
        seen: list[BatchProgress] = []
        result = client.batch(
            jobs, out=tmp_path, max_cost=1.5, estimate=_price, on_progress=seen.append
        )
    assert result.ok and [row.usd for row in result.rows] == [0.5, 0.5, 0.5]
    assert seen[-1] == BatchProgress(total=3, succeeded=3, spent=1.5)
    assert max(p.in_flight for p in seen) >= 1


def test_default_estimator_is_the_package_price_table_when_there_is_one() -> None:
    from kling_fal._runtime.client._jobs import default_estimator

    estimate = default_estimator()
    assert estimate is not None
    price = kling_fal.estimate_cost(T2V, {"prompt": "x", "duration": "10"}).usd
    assert price is not None and estimate(T2V, {"prompt": "x", "duration": "10"}) == float(price)


def test_summary_rows_and_downloads(tmp_path: Path) -> None:
    with Emulator(steps=1) as emu, KlingClient(key=KEY, emulator=emu.url, **FAST) as client:
        result = client.batch([_line("a"), _line("b", id="second")], out=tmp_path)
    rows = [json.loads(line) for line in (tmp_path / "summary.jsonl").read_text().splitlines()]
    assert [row["id"] for row in rows] == [job_id(T2V, {"prompt": "a"}), "second"]
    for row, record in zip(rows, result.rows, strict=True):
        assert set(row) == {"id", "status", "request_id", "output", "error", "usd", "files"}
        price = kling_fal.estimate_cost(T2V, {"prompt": "a"}).usd  # both jobs: default duration
        assert row["status"] == "succeeded" and row["error"] is None
        assert price is not None and row["usd"] == float(price)
        assert row["request_id"] in emu.requests and row["request_id"] == record.request_id
        assert row["files"] == [f"{row['id']}/video.mp4"]
        video = row["output"]["video"]
        assert (tmp_path / row["files"][0]).stat().st_size == video["file_size"]
        assert video["url"].startswith(f"{emu.url}/files/{row['request_id']}/")


def test_rerun_skips_finished_awaits_in_flight_and_reports_cut_off_submits(
    tmp_path: Path,
) -> None:
    journal = Journal(tmp_path / "journal.db")
    done, flying, cut, new = (_line(p) for p in ("done", "flying", "cut", "new"))
    with Emulator(steps=3) as emu, KlingClient(key=KEY, emulator=emu.url, **FAST) as client:
        assert client.batch([done], out=tmp_path).ok
        handle = client.submit(T2V, {"prompt": "flying"})  # fal has it; the run died after
        with journal.batch() as log:
            for job, rid in ((flying, handle.request_id), (cut, None)):
                ident = job_id(T2V, job["input"])
                log.claim(ident, T2V, job["input"])
                if rid is not None:
                    log.settle(ident, "submitted", request_id=rid)
        assert emu.requests[handle.request_id].outcome is None
        result = client.batch([done, flying, cut, new], out=tmp_path)
        assert [row.status for row in result.rows] == [
            "succeeded",
            "succeeded",
            "failed",
            "succeeded",
        ]
        assert result.rows[1].request_id == handle.request_id
        assert emu.requests[handle.request_id].outcome == "OK"
        assert "may be queued (and billed)" in str(result.rows[2].error)
        assert _prompts(emu) == Counter(done=1, flying=1, new=1)  # nothing submitted twice
        again = client.batch([done, flying, cut, new], out=tmp_path)  # failed stays failed
        assert [row.status for row in again.rows] == [row.status for row in result.rows]
        assert _prompts(emu) == Counter(done=1, flying=1, new=1)
    assert not result.ok


def test_a_cut_off_submit_is_found_by_reconcile_or_resubmitted_on_request(tmp_path: Path) -> None:
    found, lost = _line("found"), _line("lost")
    with Emulator() as emu, KlingClient(key=KEY, emulator=emu.url, **FAST) as client:
        queued = client.submit(T2V, {"prompt": "found"})  # fal got it; its id was never journaled
        with Journal(tmp_path / "journal.db").batch() as log:
            for job in (found, lost):
                log.claim(job_id(T2V, job["input"]), T2V, job["input"])
        ids = {"found": queued.request_id}
        result = client.batch(
            [found, lost], out=tmp_path, reconcile=lambda job: ids.get(job.input["prompt"])
        )
        assert result.ok and result.rows[0].request_id == queued.request_id
        assert _prompts(emu) == Counter(found=1, lost=1)
        forced = tmp_path / "forced"
        forced.mkdir()
        with Journal(forced / "journal.db").batch() as log:
            log.claim(job_id(T2V, lost["input"]), T2V, lost["input"])
        assert client.batch([lost], out=forced, resubmit_unknown=True).ok
        assert _prompts(emu) == Counter(found=1, lost=2)  # asked for: submitted again


def test_an_id_reused_with_another_input_is_refused(tmp_path: Path) -> None:
    with Emulator() as emu, KlingClient(key=KEY, emulator=emu.url, **FAST) as client:
        assert client.batch([_line("one", id="job")], out=tmp_path).ok
        with pytest.raises(
            BatchInvalid,
            match=r"<jobs>:1 id \[changed\]: .*journal.db holds job job with another input",
        ):
            client.batch([_line("two", id="job")], out=tmp_path)
        assert _prompts(emu) == Counter(one=1)


def test_async_batch_bounds_the_jobs_in_flight(tmp_path: Path) -> None:
    seen: list[BatchProgress] = []

    async def main(url: str) -> bool:
        async with AsyncKlingClient(key=KEY, emulator=url, **FAST) as client:
            jobs = [BatchJob(f"j{n}", T2V, {"prompt": f"take {n}"}) for n in range(12)]
            result = await client.batch(jobs, out=tmp_path, concurrency=3, on_progress=seen.append)
            return result.ok

    with Emulator(steps=3) as emu:
        assert asyncio.run(main(emu.url))
        assert len(emu.requests) == 12
    assert max(p.in_flight for p in seen) == 3
    assert seen[-1].succeeded == 12 and seen[-1].in_flight == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == sorted(
        f"j{n}" for n in range(12)
    )


def test_a_failed_download_fails_the_row_but_never_reruns_the_job(tmp_path: Path) -> None:
    video = {"url": "http://127.0.0.1:9/gone.mp4", "content_type": "video/mp4"}
    with Emulator(outputs={T2V: {"video": video}}) as emu:
        with KlingClient(key=KEY, emulator=emu.url, **FAST) as client:
            (row,) = client.batch([_line("paid")], out=tmp_path).rows
            (again,) = client.batch([_line("paid")], out=tmp_path).rows
        assert len(emu.requests) == 1  # the job succeeded at fal once; only the download failed
    assert row.status == again.status == "failed" and row.output == {"video": video}
    assert str(row.error).startswith("download: ") and "run again to retry" in str(row.error)
    assert again.request_id == row.request_id


def test_batch_refuses_a_client_transport(tmp_path: Path) -> None:
    import httpx

    transport = httpx.MockTransport(lambda request: httpx.Response(500))
    with (
        KlingClient(key=KEY, transport=transport) as client,
        pytest.raises(KlingError, match="use emulator= rather than transport="),
    ):
        client.batch([_line("x")], out=tmp_path)
