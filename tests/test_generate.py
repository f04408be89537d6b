"""Golden record, determinism, `klinggen check`, atomic writes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support import GENERATED, ROOT, SPEC, edit

from generator.cli import main
from generator.diagnostics import SpecError
from generator.output import write
from generator.output.stamp import STAMP, _tool_versions
from generator.output.write import WriteError, files_under, tree
from generator.pipeline import Options, check, generate, load_api, render
from generator.settings import cache_dir
from generator.targets.python import models

pytestmark = pytest.mark.slow(19)  # seconds, roughly: scheduled early (conftest.py)


def test_generated_tree_matches_spec() -> None:
    """generated/ is byte-for-byte what the spec produces."""
    report = check(Options(SPEC, GENERATED), force=True)
    assert not report, "generated/ is stale; run `klinggen generate`:\n" + "\n".join(report)


def _generate_with_seed(out: Path, seed: str) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "KLINGGEN_CACHE_DIR": ""}  # every stage runs
    subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--spec", str(SPEC), "--out", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return tree(out)


def test_generation_is_deterministic_across_hash_seeds(tmp_path: Path) -> None:
    """Every stage run afresh under hash seed 4242 writes the committed tree byte for byte: that
    tree came from runs under seeds of their own, and test_generated_tree_matches_spec renders
    it again under this process's (random) seed. The stamp is not committed."""
    fresh = _generate_with_seed(tmp_path / "a", "4242")
    fresh.pop(STAMP)
    committed = {rel: body for rel, body in tree(GENERATED).items() if rel != STAMP}
    assert fresh.keys() == committed.keys()
    assert [k for k in fresh if fresh[k] != committed[k]] == []


def test_check_reports_a_stale_tree(
    mini_spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["generate", "--spec", str(mini_spec), "--out", str(out)]) == 0
    assert main(["check", "--spec", str(mini_spec), "--out", str(out)]) == 0
    (out / "kling_fal" / "registry.py").write_text("edited by hand\n", encoding="utf-8")
    (out / "stray.txt").write_text("x", encoding="utf-8")
    capsys.readouterr()
    assert main(["check", "--spec", str(mini_spec), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "changed: kling_fal/registry.py" in err
    assert "-edited by hand" in err
    assert "unexpected: stray.txt" in err
    assert "klinggen generate" in err


def test_spec_error_leaves_output_untouched(mini_spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    generate(Options(mini_spec, out))
    before = tree(out)
    edit(mini_spec / "endpoints/v9/pro/text-to-video.yaml", 'default: "16:9"', 'default: "4:3"')
    assert main(["generate", "--spec", str(mini_spec), "--out", str(out)]) == 1
    assert tree(out) == before


def test_failure_while_writing_leaves_output_untouched(
    mini_spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    generate(Options(mini_spec, out))
    before = tree(out)
    edit(
        mini_spec / "endpoints/v9/pro/text-to-video.yaml",
        "At most 3 shots.",
        "No more than 3 shots.",
    )

    def failing_format(args: list[str], cwd: Path) -> None:
        assert (cwd / "kling_fal" / "_spec_data.py").exists()  # files were already written
        raise WriteError("ruff format failed on the generated code")

    monkeypatch.setattr(write, "_ruff", failing_format)
    with pytest.raises(WriteError):
        generate(Options(mini_spec, out))
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "spec"]  # no staging dir left


def test_regeneration_replaces_the_tree(mini_spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    generate(Options(mini_spec, out))
    (out / "stale.py").write_text("x = 1\n", encoding="utf-8")
    edit(
        mini_spec / "endpoints/v9/pro/text-to-video.yaml",
        "At most 3 shots.",
        "No more than 3 shots.",
    )
    generate(Options(mini_spec, out))
    assert not (out / "stale.py").exists()
    assert "No more than 3 shots." in "".join(
        p.read_text(encoding="utf-8") for p in (out / "kling_fal" / "_rules").glob("*.py")
    )


def test_unchanged_inputs_skip_work_and_any_change_regenerates(
    mini_spec: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert generate(Options(mini_spec, out)) > 0
    assert generate(Options(mini_spec, out)) == 0  # stamp matches: nothing rendered or written
    assert check(Options(mini_spec, out)) == []
    (out / "kling_fal" / "registry.py").write_text("edited\n", encoding="utf-8")
    assert check(Options(mini_spec, out)) != []  # a touched output is not trusted
    assert generate(Options(mini_spec, out)) > 0
    edit(
        mini_spec / "endpoints/v9/pro/text-to-video.yaml",
        "At most 3 shots.",
        "No more than 3 shots.",
    )
    assert generate(Options(mini_spec, out)) > 0
    assert "No more than 3 shots." in "".join(
        p.read_text(encoding="utf-8") for p in (out / "kling_fal" / "_rules").glob("*.py")
    )


def test_file_walk_is_sorted_and_skips_caches(tmp_path: Path) -> None:
    for rel in ("b.py", "a/z.txt", "a/__pycache__/x.pyc", "pkg.egg-info/PKG-INFO", ".ruff_cache/x"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel, encoding="utf-8")
    assert [rel for rel, _ in files_under(tmp_path)] == ["a/z.txt", "b.py"]
    assert tree(tmp_path) == {"a/z.txt": b"a/z.txt", "b.py": b"b.py"}
    assert tree(tmp_path / "missing") == {}


def test_the_stamp_knows_the_tool_versions() -> None:
    names = _tool_versions()
    expected = {"datamodel_code_generator", "ruff", "jinja2", "pydantic"}
    assert {name.partition("-")[0].lower() for name in names} == expected
    assert all(name.endswith(".dist-info") and name[:-10].count("-") == 1 for name in names)


def test_template_cache_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KLINGGEN_CACHE_DIR", str(tmp_path / "c"))
    assert cache_dir("templates") == tmp_path / "c" / "templates"
    assert (tmp_path / "c" / "templates").is_dir()
    monkeypatch.setenv("KLINGGEN_CACHE_DIR", "")
    assert cache_dir("templates") is None
    monkeypatch.delenv("KLINGGEN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir("templates") == tmp_path / "xdg" / "klinggen" / "templates"
    (tmp_path / "ro").write_text("a file, not a directory", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "ro"))
    assert cache_dir("templates") is None


def test_model_modules_come_from_the_cache_when_their_inputs_are_unchanged(
    mini_spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KLINGGEN_CACHE_DIR", str(tmp_path / "c"))
    first = render(Options(mini_spec, tmp_path / "out", ()))
    assert len(list((tmp_path / "c" / "models").glob("*.py"))) == 3  # warm-up, inputs, outputs

    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("datamodel-code-generator ran")

    monkeypatch.setattr(models, "generate", refuse)
    assert render(Options(mini_spec, tmp_path / "out", ())) == first  # every module cached
    monkeypatch.setenv("KLINGGEN_CACHE_DIR", "")
    with pytest.raises(Exception, match="datamodel-code-generator ran"):
        render(Options(mini_spec, tmp_path / "out", ()))  # no cache: it runs


def test_a_document_that_passed_the_openapi_check_is_not_checked_again(
    mini_spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import openapi_spec_validator

    monkeypatch.setenv("KLINGGEN_CACHE_DIR", str(tmp_path / "c"))
    load_api(mini_spec)  # checked: the verdict is kept

    class Refuse:
        def __init__(self, document: object) -> None:
            raise AssertionError("the OpenAPI validator ran")

    monkeypatch.setattr(openapi_spec_validator, "OpenAPIV31SpecValidator", Refuse)
    load_api(mini_spec)  # the same document: not checked again
    edit(mini_spec / "endpoints/v9/pro/text-to-video.yaml", "maxLength: 2500", "maxLength: 2000")
    with pytest.raises(SpecError, match="the OpenAPI validator ran"):
        load_api(mini_spec)  # another document is checked


def test_after_an_edit_only_the_changed_schemas_are_checked_again(
    mini_spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Schemas keep their own verdicts: an edit sends the schema it changed (and those it refers
    to) to the validator, not every schema, and its problem is reported."""
    import openapi_spec_validator

    monkeypatch.setenv("KLINGGEN_CACHE_DIR", str(tmp_path / "c"))
    everything = sorted(load_api(mini_spec)[1]["components"]["schemas"])
    seen: list[list[str]] = []

    class Spy(openapi_spec_validator.OpenAPIV31SpecValidator):
        def __init__(self, document: dict[str, Any]) -> None:
            seen.append(sorted(document["components"]["schemas"]))
            super().__init__(document)

    monkeypatch.setattr(openapi_spec_validator, "OpenAPIV31SpecValidator", Spy)
    edit(
        mini_spec / "endpoints/v9/pro/text-to-video.yaml",
        "          type: string\n          maxLength: 2500",
        "          type: strin\n          maxLength: 2500",
    )
    with pytest.raises(SpecError, match=r"openapi-invalid.*'strin'"):
        load_api(mini_spec)
    (checked,) = seen
    assert "TextToVideoV9ProRequest" in checked and set(checked) < set(everything)


def test_generate_needs_no_git_and_no_repository(tmp_path: Path) -> None:
    """History comes from spec/history/ directories: generate runs outside any git repository
    with no git on PATH, and writes the same tree."""
    spec, out, bare = tmp_path / "spec", tmp_path / "out", tmp_path / "no-tools"
    shutil.copytree(SPEC, spec)
    bare.mkdir()
    env = {**os.environ, "PATH": str(bare), "PYTHONPATH": str(ROOT), "GIT_DIR": str(bare)}
    done = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--spec", "spec", "--out", "out"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert shutil.which("git", path=str(bare)) is None
    made, expected = tree(out), tree(GENERATED)
    made.pop(".klinggen-stamp", None)
    expected.pop(".klinggen-stamp", None)
    assert made == expected
