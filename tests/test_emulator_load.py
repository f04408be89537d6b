"""A bounded load test of the emulator with faults on: every request completes, none is lost or doubled."""

from __future__ import annotations

from bench.load import run_load


def test_load_with_faults_loses_nothing() -> None:
    result = run_load(requests=150, concurrency=30, max_seconds=60.0, fault_rate=0.25, seed=4)
    assert result.completed == 150  # bounded: all of them started before the deadline
    assert (
        result.jobs == result.distinct == 150
    )  # each stored exactly once despite retried 429/503s
    assert 0 < result.p50 <= result.p99 < 30
