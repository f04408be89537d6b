"""The runtime is written once, in generator/runtime/, and vendored exactly into the package."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from support import GENERATED, ROOT

from generator.output.write import tree
from generator.targets.python.vendor import HEADER, SOURCE

VENDORED = GENERATED / "kling_fal" / "_runtime"
MODULES = sorted(SOURCE.rglob("*.py"))


def test_the_vendored_copy_is_the_source_after_one_header_line() -> None:
    source = tree(SOURCE)
    copy = tree(VENDORED)
    assert sorted(copy) == sorted(source)  # nothing more, nothing less
    for rel, data in copy.items():
        header, _, rest = data.partition(b"\n")
        assert header.decode() == HEADER.format(f"generator/runtime/{rel}")
        assert rest == source[rel], rel


def _absolute_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.append(str(node.args[0].value))
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(SOURCE).as_posix())
def test_the_runtime_imports_nothing_generated_and_nothing_of_the_generator(path: Path) -> None:
    banned = [m for m in _absolute_imports(path) if m.split(".")[0] in {"kling_fal", "generator"}]
    assert banned == [], f"{path.name} must import its own modules relatively"


def test_the_import_walk_sees_every_form(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "import kling_fal.client\nfrom generator import cli\nfrom . import rules\n"
        "def f():\n    return importlib.import_module('kling_fal.models')\n",
        encoding="utf-8",
    )
    assert _absolute_imports(module) == ["kling_fal.client", "generator", "kling_fal.models"]


def test_templates_hold_no_python_modules() -> None:
    assert sorted((ROOT / "templates").rglob("*.py")) == []
