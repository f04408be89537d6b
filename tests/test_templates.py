"""User templates: new outputs, overrides by name, scopes from a manifest, clear errors; the IR reference."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from support import ROOT, SPEC

from generator.cli import main
from generator.output.reference import ir_reference
from generator.pipeline import Options, render

pytestmark = pytest.mark.slow(8)  # seconds, roughly: scheduled early (conftest.py)

TYPESCRIPT = ROOT / "templates" / "examples" / "typescript"
TSC = ROOT / "node_modules" / ".bin" / "tsc"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_user_dir_adds_outputs_and_overrides_builtins_by_name(
    mini_spec: Path, tmp_path: Path
) -> None:
    user = tmp_path / "mine"
    write(user / "package" / "COUNT.txt.jinja", "{{ api.endpoints | length }} endpoint(s)\n")
    write(user / "package" / "README.md.jinja", "# my readme for {{ api.title }}\n")
    write(user / "package" / "notes" / "{endpoint}.txt.jinja", "{{ endpoint.endpoint_id }}\n")
    write(user / "klinggen-templates.yaml", "overrides: [README.md]\n")  # declared, not silent
    files = render(Options(mini_spec, tmp_path / "out", (user,)))
    assert files["COUNT.txt"] == "1 endpoint(s)\n"
    assert files["README.md"] == "# my readme for Mini Kling spec for generator tests\n"
    assert files["notes/v9/pro/text-to-video.txt"] == "fal-ai/kling-video/v9/pro/text-to-video\n"
    assert "kling_fal/registry.py" in files  # built-ins not overridden stay


def test_manifest_declares_scope_and_output_pattern(mini_spec: Path, tmp_path: Path) -> None:
    user = tmp_path / "mine"
    write(user / "one.jinja", "{{ schema.name }}: {{ schema.fields | length }} fields\n")
    write(
        user / "klinggen-templates.yaml",
        "templates:\n  - {template: one.jinja, scope: schema, output: 'schemas/{schema.name}.txt'}\n",
    )
    files = render(Options(mini_spec, tmp_path / "out", (user,)))
    assert files["schemas/Shot.txt"] == "Shot: 2 fields\n"
    assert files["schemas/TextToVideoV9ProRequest.txt"] == "TextToVideoV9ProRequest: 4 fields\n"


def test_broken_template_names_file_line_and_name(
    mini_spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    user = tmp_path / "mine"
    write(user / "package" / "bad.txt.jinja", "line one\nline two\n{{ api.no_such_thing }}\n")
    code = main(
        [
            "generate",
            "--spec",
            str(mini_spec),
            "--out",
            str(tmp_path / "out"),
            "--templates",
            str(user),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert (
        "mine/package/bad.txt.jinja:3" in err and "no_such_thing" in err and "Traceback" not in err
    )
    assert not (tmp_path / "out").exists()


def test_manifest_error_names_the_line(
    mini_spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    user = tmp_path / "mine"
    write(user / "t.jinja", "x\n")
    write(
        user / "klinggen-templates.yaml",
        "templates:\n  - template: t.jinja\n    scope: everything\n    output: x.txt\n",
    )
    assert (
        main(
            [
                "generate",
                "--spec",
                str(mini_spec),
                "--out",
                str(tmp_path / "out"),
                "--templates",
                str(user),
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert "mine/klinggen-templates.yaml:2" in err and "'everything'" in err


def test_pyproject_setting_adds_template_dirs(
    mini_spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "pyproject.toml", '[tool.klinggen]\ntemplates = ["extra"]\n')
    write(tmp_path / "extra" / "package" / "EXTRA.txt.jinja", "{{ api.version }}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["generate", "--spec", str(mini_spec), "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "EXTRA.txt").read_text(encoding="utf-8") == "2026.01\n"


@pytest.fixture(scope="module")
def typescript(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The TypeScript example target generated once, with two probes of a field's type beside
    it (one allowed value, one not), and what one `tsc` run over all of it printed."""
    out = tmp_path_factory.mktemp("ts") / "out"
    argv = ["generate", "--spec", str(SPEC), "--out", str(out), "--templates", str(TYPESCRIPT)]
    assert main(argv) == 0
    ts = out / "typescript"
    probe = (
        'import type { KlingInput } from "./kling";\n'
        'type Duration = NonNullable<KlingInput<"fal-ai/kling-video/v2.6/pro/image-to-video">["duration"]>;\n'
        "type Is<T extends Duration> = T;\n"
        "export type Probe = Is<VALUE>;\n"
    )
    write(ts / "allowed.d.ts", probe.replace("VALUE", '"10"'))
    write(ts / "refused.d.ts", probe.replace("VALUE", '"7"'))
    assert TSC.exists(), (
        "TypeScript is installed by the README's test command (npm install typescript)"
    )
    done = subprocess.run([str(TSC), "-p", "."], cwd=ts, capture_output=True, text=True)
    return ts, done.stdout + done.stderr


def test_typescript_target_typechecks(typescript: tuple[Path, str]) -> None:
    ts, printed = typescript
    assert (ts / "schemas" / "ImageToVideoV26ProRequest.d.ts").is_file()
    assert (ts / "enums" / "EffectSceneEnum.d.ts").read_text(encoding="utf-8").count(
        "\n  | "
    ) == 198
    index = (ts / "kling.d.ts").read_text(encoding="utf-8")
    assert index.count(": { input: ") == 75
    errors = [line for line in printed.splitlines() if ": error TS" in line]
    assert errors and all(line.startswith("refused.d.ts") for line in errors), printed


def test_typescript_checker_catches_a_wrong_type(typescript: tuple[Path, str]) -> None:
    printed = typescript[1]
    assert "refused.d.ts(4," in printed and "allowed.d.ts" not in printed, printed


def test_ir_reference_is_current() -> None:
    assert (ROOT / "templates" / "IR.md").read_text(encoding="utf-8") == ir_reference(), (
        "run `klinggen ir --doc > templates/IR.md`"
    )
