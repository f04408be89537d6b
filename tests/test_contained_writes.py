"""Writes stay where they belong: endpoint ids that would leave spec/endpoints/ are refused by the
spec check, `new-endpoint` and `import`; template outputs stay inside --out, never collide with
klinggen's own files, and replace a built-in only where the manifest declares it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import REFERENCE, edit

from generator.cli import main
from generator.frontend.assemble import endpoint_id_problem

LIKE = "fal-ai/kling-video/v9/pro/text-to-video"
ESCAPES = {
    "fal-ai/kling-video/../../etc/x": "the path has an '..' segment",
    "fal-ai/kling-video/v1/./pro": "the path has an '.' segment",
    "fal-ai/kling-video//etc/x": "the path has an empty segment",
    "fal-ai/kling-video/v1/": "the path has an empty segment",
    "fal-ai/kling-video/V1/pro": "segment 'V1' has characters outside [a-z0-9.-]",
    "fal-ai/kling-video/v1\\..\\x": "segment 'v1\\\\..\\\\x' has characters outside [a-z0-9.-]",
    "fal-ai/kling-video/v1/pro_x": "segment 'pro_x' has characters outside [a-z0-9.-]",
    "/etc/fal-ai/kling-video/x": "it does not start with fal-ai/kling-video/",
}


@pytest.mark.parametrize("endpoint_id", sorted(ESCAPES))
def test_the_id_alphabet(endpoint_id: str) -> None:
    assert endpoint_id_problem(endpoint_id) == ESCAPES[endpoint_id]


def test_fal_ids_pass() -> None:
    for good in (LIKE, "fal-ai/kling-video/v2.6/pro/image-to-video", "fal-ai/kling-video/o1"):
        assert endpoint_id_problem(good) is None


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def test_new_endpoint_refuses_an_id_that_leaves_spec(
    mini_spec: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _files(mini_spec.parent)
    bad = "fal-ai/kling-video/../../etc/x"
    assert main(["new-endpoint", bad, "--like", LIKE, "--spec", str(mini_spec)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[1] == (
        f"spec/openapi.yaml:1 #: error[scaffold-bad-id] {bad!r} is not an endpoint id "
        "fal-ai/kling-video/<path>: the path has an '..' segment"
    )
    assert _files(mini_spec.parent) == before


def test_import_refuses_a_document_whose_id_leaves_spec(
    mini_spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = REFERENCE / "fal-openapi-v2.6-pro-image-to-video.json"
    bad = "fal-ai/kling-video/../../../etc/x"
    path = tmp_path / "doc.json"
    text = json.dumps(json.loads(doc.read_text(encoding="utf-8")), indent=2)
    path.write_text(text.replace("fal-ai/kling-video/v2.6/pro/image-to-video", bad), "utf-8")
    before = _files(tmp_path)
    assert main(["import", str(path), "--spec", str(mini_spec)]) == 1
    err = capsys.readouterr().err
    assert "#/info/x-fal-metadata/endpointId: error[import-invalid]" in err
    assert "(endpointId): the path has an '..' segment" in err
    assert _files(tmp_path) == before


def test_the_spec_check_refuses_a_bad_id(
    mini_spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = mini_spec / "endpoints/v9/pro/text-to-video.yaml"
    line = edit(target, f"id: {LIKE}", "id: fal-ai/kling-video/v9/pro/../pro/text-to-video")
    assert main(["generate", "--spec", str(mini_spec), "--out", str(tmp_path / "out")]) == 1
    assert (
        f"spec/endpoints/v9/pro/text-to-video.yaml:{line} #/x-kling-endpoint/id: "
        "error[endpoint-bad-id] endpoint id 'fal-ai/kling-video/v9/pro/../pro/text-to-video' is "
        "not fal-ai/kling-video/<path>: the path has an '..' segment"
    ) in capsys.readouterr().err


def _user(tmp_path: Path, manifest: str, **templates: str) -> Path:
    user = tmp_path / "mine"
    for rel, text in {"e.jinja": "TABLES = {}\n", **templates}.items():
        (user / rel).parent.mkdir(parents=True, exist_ok=True)
        (user / rel).write_text(text, encoding="utf-8")
    (user / "klinggen-templates.yaml").write_text(manifest, encoding="utf-8")
    return user


def _generate(spec: Path, out: Path, user: Path) -> int:
    return main(["generate", "--spec", str(spec), "--out", str(out), "--templates", str(user)])


@pytest.mark.parametrize("output", ["../../escape.json", "/tmp/klinggen-escape.json", "a/../../b"])
def test_template_outputs_outside_out_are_refused(
    mini_spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], output: str
) -> None:
    user = _user(tmp_path, f"templates:\n  - template: e.jinja\n    output: {output}\n")
    before = _files(tmp_path)
    assert _generate(mini_spec, tmp_path / "out", user) == 1
    assert capsys.readouterr().err == (
        f"klinggen: mine/klinggen-templates.yaml:2: output {output!r} is outside the output "
        "directory\n"
    )
    assert _files(tmp_path) == before
    assert not Path("/tmp/klinggen-escape.json").exists()


def test_a_builtin_output_is_replaced_only_with_override_true(
    mini_spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    entry = "templates:\n  - template: e.jinja\n    output: kling_fal/registry.py\n"
    assert _generate(mini_spec, out, _user(tmp_path, entry)) == 1
    assert capsys.readouterr().err == (
        "klinggen: mine/klinggen-templates.yaml:2: output 'kling_fal/registry.py' is a built-in "
        "one (templates/package/kling_fal/registry.py.jinja); declare the override in "
        "klinggen-templates.yaml (`override: true`, or under package/ `overrides:`)\n"
    )
    assert not out.exists()
    assert _generate(mini_spec, out, _user(tmp_path, entry + "    override: true\n")) == 0
    assert capsys.readouterr().err == (
        "klinggen: template mine/klinggen-templates.yaml:2 overrides built-in "
        "templates/package/kling_fal/registry.py.jinja\n"
    )
    assert (out / "kling_fal/registry.py").read_text(encoding="utf-8") == "TABLES = {}\n"


def test_a_package_file_overrides_only_when_listed_in_overrides(
    mini_spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, readme = tmp_path / "out", {"package/README.md.jinja": "# mine\n"}
    assert _generate(mini_spec, out, _user(tmp_path, "overrides: []\n", **readme)) == 1
    assert "mine/package/README.md.jinja: output 'README.md' is a built-in one" in (
        capsys.readouterr().err
    )
    assert _generate(mini_spec, out, _user(tmp_path, "overrides: [README.md]\n", **readme)) == 0
    assert capsys.readouterr().err == (
        "klinggen: template mine/package/README.md.jinja overrides built-in "
        "templates/package/README.md.jinja\n"
    )
    assert (out / "README.md").read_text(encoding="utf-8") == "# mine\n"


@pytest.mark.parametrize(
    ("output", "owner"),
    [
        ("kling_fal/_runtime/errors.py", "the vendored runtime"),
        ("openapi.json", "klinggen itself"),
        ("kling_fal/models/inputs/image_to_video_v26_pro_request.py", "klinggen itself"),
        ("kling_fal/models/outputs/anything.py", "klinggen itself"),
        ("kling_fal/_rules/image_to_video_v26_pro_request.py", "klinggen itself"),
    ],
)
def test_klinggens_own_outputs_cannot_be_taken(
    mini_spec: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    output: str,
    owner: str,
) -> None:
    entry = f"templates:\n  - template: e.jinja\n    output: {output}\n    override: true\n"
    assert _generate(mini_spec, tmp_path / "out", _user(tmp_path, entry)) == 1
    assert capsys.readouterr().err == (
        f"klinggen: mine/klinggen-templates.yaml:2: output {output!r} is written by {owner}\n"
    )
