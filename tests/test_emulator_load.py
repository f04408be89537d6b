"""A bounded load test of the emulator with faults on: every request completes, none is lost or doubled."""

from __future__ import annotations

from bench.load import rows, run_load
from bench.timing import shown


def test_load_with_faults_loses_nothing() -> None:
    result = run_load(requests=150, concurrency=30, max_seconds=60.0, fault_rate=0.25, seed=4)
    assert result.completed == 150  # bounded: all of them started before the deadline
    assert (
        result.jobs == result.distinct == 150
    )  # each stored exactly once despite retried 429/503s
    assert 0 < result.p50 <= result.p99 < 30
    table = {
        label: (shown(label, figure), peer)
        for label, figure, peer, _ in rows(result, concurrency=30, fault_rate=0.25)
    }
    prefix = "emulator load, 150 requests, 30 concurrent, 25% faults"
    assert table[f"{prefix}: jobs stored"] == ("150", "150 distinct, 150 completed")
    assert table[f"{prefix}: requests/s"][0].endswith("/s")
    assert table[f"{prefix}: p99 latency"][0].endswith(" s")
