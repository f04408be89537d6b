"""The generator's layout: stage packages that import only earlier stages, and small modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from support import ROOT

GENERATOR = ROOT / "generator"
# Each stage may import its own and earlier stages only. The top level holds the shared
# diagnostics and settings (importable by all) and the orchestrator and CLI (importing all).
STAGES = ("runtime", "common", "frontend", "ir", "targets", "output", "history", "fal", "top")
_COMMON = {"diagnostics", "settings"}
MAX_LINES = 400


def _stage(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] == "__main__":
        return "top"
    if parts[1] in _COMMON:
        return "common"
    if parts[1] in STAGES:
        return parts[1]
    return "top"


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            found += [(node.lineno, n) for n in names if n.startswith("generator")]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("generator")]
    return found


MODULES = sorted(GENERATOR.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_stage_imports_only_earlier_stages(path: Path) -> None:
    own = STAGES.index(_stage(_module_name(path)))
    late = [
        f"line {line}: {name} ({_stage(name)})"
        for line, name in _imports(path)
        if name != "generator" and STAGES.index(_stage(name)) > own
    ]
    assert not late, f"{_stage(_module_name(path))} imports a later stage: {late}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_over_400_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


def test_the_stage_check_sees_a_late_import(tmp_path: Path) -> None:
    module = GENERATOR / "frontend" / "load.py"
    assert _stage(_module_name(module)) == "frontend"
    probe = tmp_path / "probe.py"
    probe.write_text("from generator.ir.model import Api\nimport generator.pipeline\n")
    assert [_stage(name) for _, name in _imports(probe)] == ["ir", "ir", "top"]


def test_the_targets_are_independent() -> None:
    """A target never imports another target: each can be dropped or added on its own."""
    for target in sorted(p for p in (GENERATOR / "targets").iterdir() if p.is_dir()):
        for path in target.rglob("*.py"):
            others = [
                name
                for _, name in _imports(path)
                if name.startswith("generator.targets.")
                and not name.startswith(f"generator.targets.{target.name}")
            ]
            assert not others, f"{path.relative_to(ROOT)} imports {others}"
