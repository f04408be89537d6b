"""Malformed spec input always gives a clear error: never a hang, never a traceback, nothing written.

Hypothesis breaks a copy of the mini spec: truncated files, random bytes, wrong types in any key,
$ref cycles, huge files. Each run must end with exit code 1 and `file:line` diagnostics (or succeed,
for the rare mutation that leaves the spec valid), and an existing output tree stays as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import MINI_SPEC

from generator.cli import main
from generator.output.write import tree
from generator.pipeline import Options, generate

pytestmark = pytest.mark.slow(6)  # seconds, roughly: scheduled early (conftest.py)

FILES = sorted(p.relative_to(MINI_SPEC).as_posix() for p in MINI_SPEC.rglob("*.yaml"))
EXAMPLES = int(os.environ.get("KLING_FUZZ_EXAMPLES", "10"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


@cache
def baseline() -> Path:
    """A generated tree of the mini spec (made once)."""
    out = Path(tempfile.mkdtemp(prefix="kling-fuzz-")) / "out"
    generate(Options(MINI_SPEC, out))
    return out


def fresh_spec(root: Path) -> Path:
    spec = root / "spec"
    shutil.rmtree(spec, ignore_errors=True)
    shutil.copytree(MINI_SPEC, spec)
    return spec


def run(spec: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Generate into a copy of the baseline; a failure must be clean and leave it untouched."""
    before = tree(out)
    code = main(["generate", "--spec", str(spec), "--out", str(out), "--force"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if code == 0:
        return
    assert code == 1, err
    assert " error[" in err and "spec/" in err, err
    assert tree(out) == before, "the output tree changed"


def scratch() -> tuple[Path, Path]:
    """A fresh directory holding a copy of the baseline output tree."""
    root = Path(tempfile.mkdtemp(prefix="kling-fuzz-"))
    out = root / "out"
    shutil.copytree(baseline(), out)
    return root, out


@FUZZ
@given(name=st.sampled_from(FILES), cut=st.floats(0, 1), garbage=st.binary(max_size=40))
def test_truncated_or_garbled_files(
    capsys: pytest.CaptureFixture[str],
    name: str,
    cut: float,
    garbage: bytes,
) -> None:
    root, out = scratch()
    spec = fresh_spec(root)
    data = (spec / name).read_bytes()
    (spec / name).write_bytes(data[: int(len(data) * cut)] + garbage)
    run(spec, out, capsys)


def _paths(node: object, at: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [at] if at else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*at, index))
    return found


@FUZZ
@given(name=st.sampled_from(FILES), data=st.data(), junk=JUNK)
def test_wrong_types_anywhere(
    capsys: pytest.CaptureFixture[str],
    name: str,
    data: st.DataObject,
    junk: object,
) -> None:
    root, out = scratch()
    spec = fresh_spec(root)
    document = yaml.safe_load((spec / name).read_text(encoding="utf-8"))
    path = data.draw(st.sampled_from(_paths(document)))
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = junk
    (spec / name).write_text(yaml.safe_dump(document), encoding="utf-8")
    run(spec, out, capsys)


def test_ref_cycles_and_huge_files(
    capsys: pytest.CaptureFixture[str],
) -> None:
    root, out = scratch()
    spec = fresh_spec(root)
    (spec / "components" / "cycle.yaml").write_text(
        "components:\n  schemas:\n"
        "    A: {$ref: '#/components/schemas/B'}\n"
        "    B: {$ref: '#/components/schemas/A'}\n",
        encoding="utf-8",
    )
    run(spec, out, capsys)
    spec = fresh_spec(root)  # 5,000 bad schemas, 20,000 lines: still one clean error report
    huge = "components:\n  schemas:\n" + "".join(
        f"    Huge{i}:\n      type: object\n      properties:\n        a{i}: {{type: strin}}\n"
        for i in range(5_000)
    )
    (spec / "components" / "huge.yaml").write_text(huge, encoding="utf-8")
    run(spec, out, capsys)
