"""README's "Adding a model version" runs as written, in a scratch copy of spec/.

The commands of the section's fenced block run verbatim from a directory holding a copy of spec/
(`klinggen` is this tree's generator, so `generated/` lands in the scratch directory). `pytest -q`
runs the tests that list every endpoint against that scratch tree (KLING_TEST_GENERATED), not the
whole suite again.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT, SPEC

pytestmark = pytest.mark.slow(8)  # seconds, roughly: scheduled early (conftest.py)

# the tests `pytest -q` runs here: each one covers every endpoint of the tree it is given
PICKED_UP = [
    "tests/test_kling_fal.py::test_registry_holds_every_catalog_endpoint",
    "tests/test_kling_fal.py::test_registry_entries_resolve_to_models",
    "tests/test_docs.py::test_every_endpoint_has_a_page_listed_in_the_index",
    "tests/test_docs.py::test_endpoint_pages_document_every_field_and_rule",
    "tests/test_docs.py::test_nav_uses_the_spec_titles",
]


def section_commands() -> list[list[str]]:
    """The commands of the fenced block of README's "Adding a model version" section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Adding a model version\n", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"^```bash\n(.*?)^```$", section, flags=re.S | re.M)
    return [shlex.split(line) for line in block.splitlines() if line.strip()]


def test_the_section_is_the_three_steps() -> None:
    assert [argv[:2] for argv in section_commands()] == [
        ["klinggen", "new-endpoint"],
        ["klinggen", "generate"],
        ["pytest", "-q"],
    ]


def test_adding_a_model_version_runs_as_written(tmp_path: Path) -> None:
    shutil.copytree(SPEC, tmp_path / "spec")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    new_id = ""
    for argv in section_commands():
        if argv[0] == "klinggen":
            done = subprocess.run(
                [sys.executable, "-m", "generator", *argv[1:]],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
            )
            assert done.returncode == 0, (argv, done.stderr)
            new_id = new_id or argv[2]
            continue
        assert argv == ["pytest", "-q"]
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                *argv[1:],
                "-p",
                "no:cacheprovider",
                "-n",
                "0",
                *PICKED_UP,
            ],
            cwd=ROOT,
            env={**env, "KLING_TEST_GENERATED": str(tmp_path / "generated")},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout[-3000:]
        assert f"{len(PICKED_UP)} passed" in done.stdout
    path = new_id.removeprefix("fal-ai/kling-video/")
    assert (tmp_path / "spec" / "endpoints" / f"{path}.yaml").is_file()
    assert (tmp_path / "generated" / "docs" / "endpoints" / f"{path}.md").is_file()
    assert new_id in (tmp_path / "generated" / "kling_fal" / "registry.py").read_text("utf-8")
