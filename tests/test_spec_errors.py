"""Every class of spec error names the file, the line and the key, and never shows a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import edit

from generator.cli import main

ENDPOINT = "endpoints/v9/pro/text-to-video.yaml"


def run_generate(spec: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code = main(["generate", "--spec", str(spec), "--out", str(spec.parent / "out")])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "Traceback" not in err
    assert not (spec.parent / "out").exists()
    return err


def assert_reported(err: str, file: str, line: int, code: str, key: str) -> None:
    located = [row for row in err.splitlines() if row.startswith(f"spec/{file}:{line} ")]
    assert located, f"nothing reported at spec/{file}:{line} in:\n{err}"
    assert any(f"error[{code}]" in row and key in row for row in located), err


def test_bad_yaml(mini_spec: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = edit(
        mini_spec / ENDPOINT, "  summary: Makes a clip from a prompt.", "  summary: [unclosed"
    )
    err = run_generate(mini_spec, capsys)
    rows = [r for r in err.splitlines() if "error[yaml-syntax]" in r]
    assert rows and rows[0].startswith(f"spec/{ENDPOINT}:")
    reported = int(rows[0].split(":")[1].split()[0])
    assert line <= reported <= line + 1, rows


def test_yaml_duplicate_key(mini_spec: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = edit(mini_spec / ENDPOINT, "  tier: pro\n", "  tier: pro\n  tier: standard\n") + 1
    assert_reported(run_generate(mini_spec, capsys), ENDPOINT, line, "yaml-duplicate-key", "'tier'")


def test_dangling_ref(mini_spec: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = edit(
        mini_spec / ENDPOINT,
        'items: {$ref: "#/components/schemas/Shot"}',
        'items: {$ref: "#/components/schemas/Shoot"}',
    )
    err = run_generate(mini_spec, capsys)
    assert_reported(err, ENDPOINT, line, "ref-missing", "#/components/schemas/Shoot")


def test_enum_default_not_in_enum(mini_spec: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = edit(mini_spec / ENDPOINT, 'default: "16:9"', 'default: "4:3"')
    assert_reported(run_generate(mini_spec, capsys), ENDPOINT, line, "enum-default", "'4:3'")


def test_unquoted_enum_value(mini_spec: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = edit(
        mini_spec / "components/enums.yaml",
        'enum: ["16:9", "9:16", "1:1"]',
        "enum:\n        - 16:9",
    )
    err = run_generate(mini_spec, capsys)
    assert_reported(err, "components/enums.yaml", line + 1, "enum-value-type", "969")


def test_rule_names_unknown_field(mini_spec: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = edit(
        mini_spec / ENDPOINT,
        "count: {field: multi_prompt, max: 3}",
        "count: {field: multi_prompts, max: 3}",
    )
    err = run_generate(mini_spec, capsys)
    assert_reported(err, ENDPOINT, line, "rule-unknown-field", "'multi_prompts'")


def test_rule_of_unknown_kind(mini_spec: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = edit(
        mini_spec / ENDPOINT,
        "count: {field: multi_prompt, max: 3}",
        "most: {field: multi_prompt, max: 3}",
    )
    err = run_generate(mini_spec, capsys)
    assert_reported(err, ENDPOINT, line - 1, "extension-invalid", "x-kling-rules")


def test_duplicate_endpoint_id(mini_spec: Path, capsys: pytest.CaptureFixture[str]) -> None:
    twin = mini_spec / "endpoints/v9/standard/text-to-video.yaml"
    twin.parent.mkdir(parents=True)
    text = (mini_spec / ENDPOINT).read_text(encoding="utf-8")
    twin.write_text(text.split("components:")[0], encoding="utf-8")
    err = run_generate(mini_spec, capsys)
    assert_reported(
        err,
        "endpoints/v9/standard/text-to-video.yaml",
        2,
        "endpoint-duplicate",
        "fal-ai/kling-video/v9/pro/text-to-video",
    )
    assert f"spec/{ENDPOINT}:2" in err  # names where the id was first defined


def test_duplicate_schema(mini_spec: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = edit(
        mini_spec / ENDPOINT,
        "    TextToVideoV9ProOutput:\n",
        "    File:\n      type: object\n    TextToVideoV9ProOutput:\n",
    )
    err = run_generate(mini_spec, capsys)
    assert_reported(err, ENDPOINT, line, "schema-duplicate", "'File'")
    assert "spec/components/common.yaml:" in err


def test_ref_cycle(mini_spec: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(
        mini_spec / "components/common.yaml",
        "        prompt: {title: Prompt, type: string}\n",
        '        prompt: {title: Prompt, type: string}\n        next: {$ref: "#/components/schemas/Shot"}\n',
    )
    err = run_generate(mini_spec, capsys)
    assert "error[ref-cycle]" in err and "Shot -> Shot" in err
    assert "spec/components/common.yaml:" in err


def test_missing_spec_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "error[spec-empty]" in run_generate(tmp_path / "spec", capsys)


def test_invalid_openapi_schema(mini_spec: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = edit(
        mini_spec / ENDPOINT,
        "          type: string\n          maxLength: 2500",
        "          type: strin\n          maxLength: 2500",
    )
    err = run_generate(mini_spec, capsys)
    assert_reported(err, ENDPOINT, line, "openapi-invalid", "'strin'")
