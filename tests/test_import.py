"""`klinggen import`: fal's per-endpoint queue OpenAPI documents -> spec files."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from support import REFERENCE, SPEC, edit

from generator.cli import main
from generator.fal.importer import import_documents
from generator.frontend.ast import build_ast
from generator.frontend.load import parse
from generator.frontend.spec_yaml import dump, update
from generator.history.snapshots import load_spec
from generator.history.view import view

pytestmark = pytest.mark.slow(9)  # seconds, roughly: scheduled early (conftest.py)

DOC = REFERENCE / "fal-openapi-v2.6-pro-image-to-video.json"
ENDPOINT = "fal-ai/kling-video/v2.6/pro/image-to-video"
FILE = "endpoints/v2.6/pro/image-to-video.yaml"
INPUT = "KlingVideoV26ProImageToVideoInput"


def _doc(tmp_path: Path, name: str = "doc.json") -> tuple[Path, dict[str, Any]]:
    return tmp_path / name, json.loads(DOC.read_text(encoding="utf-8"))


def _modified(tmp_path: Path) -> Path:
    """The reference document with a field added, an enum value removed and a limit tightened."""
    path, doc = _doc(tmp_path)
    request = doc["components"]["schemas"][INPUT]
    request["properties"]["seed"] = {"title": "Seed", "type": "integer"}
    request["x-fal-order-properties"].append("seed")
    request["properties"]["duration"]["enum"] = ["5"]
    request["properties"]["prompt"]["maxLength"] = 2000
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _scratch_spec(tmp_path: Path) -> Path:
    target = tmp_path / "spec"
    shutil.copytree(SPEC, target, ignore=shutil.ignore_patterns("history"))
    return target


def test_reference_document_reproduces_the_spec(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "--check", "--spec", str(SPEC), str(DOC)]) == 0
    assert "0 breaking, 0 non-breaking" in capsys.readouterr().out
    spec = _scratch_spec(tmp_path)
    assert import_documents([DOC], spec, write=True).report.changes == ()
    ours, imported = (
        view(build_ast(load_spec(s, full=False)), "").endpoints[ENDPOINT] for s in (SPEC, spec)
    )
    assert (imported.meta, imported.request, imported.response) == (
        ours.meta,
        ours.request,
        ours.response,
    )


def test_check_reports_a_modified_document_exactly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "--check", "--spec", str(SPEC), str(_modified(tmp_path))]) == 2
    changes = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  ")]
    assert changes == [
        f"  {ENDPOINT} request.duration: enum value '10' removed",
        f"  {ENDPOINT} request.prompt: maxLength 2500 -> 2000 (tightened)",
        f"  {ENDPOINT} request.seed: field added",
    ]


def test_import_updates_the_file_and_keeps_our_additions(tmp_path: Path) -> None:
    spec = _scratch_spec(tmp_path)
    edit(spec / FILE, "  input: {", "  notes: [our note]\n  input: {")
    prompt = "          maxLength: 2500\n          examples: ['A king"
    edit(
        spec / FILE, prompt, prompt.replace("\n", "\n          x-kling-note: our prompt note\n", 1)
    )
    result = import_documents([_modified(tmp_path)], spec, write=True)
    assert result.written == (f"{spec.as_posix()}/{FILE}",)
    data = parse(FILE, (spec / FILE).read_text(encoding="utf-8")).data
    meta = data["x-kling-endpoint"]
    assert meta["notes"] == ["our note"] and meta["sources"] == ["S1", "S2", "SEED"]
    assert meta["summary"].startswith("Animates a start image") and meta["examples"]
    request = data["components"]["schemas"]["ImageToVideoV26ProRequest"]
    assert request["x-kling-rules"][0]["id"] == "voice-ids-max-2"
    assert request["properties"]["prompt"]["maxLength"] == 2000
    assert request["properties"]["prompt"]["x-kling-note"] == "our prompt note"
    assert "seed" in request["properties"]
    assert request["properties"]["duration"]["$ref"] == "#/components/schemas/DurationEnum"
    assert data["components"]["schemas"]["DurationEnum"]["enum"] == ["5"]
    load_spec(spec)  # still a valid spec


def test_a_new_endpoint_gets_a_new_file(tmp_path: Path) -> None:
    path, doc = _doc(tmp_path)
    text = json.dumps(doc).replace("v2.6/pro", "v2.7/pro").replace("V26Pro", "V27Pro")
    path.write_text(text, encoding="utf-8")
    spec = _scratch_spec(tmp_path)
    result = import_documents([path], spec, write=True)
    assert [(c.kind, c.endpoint) for c in result.report.changes] == [
        ("endpoint-added", "fal-ai/kling-video/v2.7/pro/image-to-video")
    ]
    text = (spec / "endpoints/v2.7/pro/image-to-video.yaml").read_text("utf-8")
    data = parse("x", text).data
    assert text == dump(data)  # a new file is in the house style
    meta = data["x-kling-endpoint"]
    assert (meta["model"], meta["tier"], meta["mode"]) == ("v2.7", "pro", "image-to-video")
    assert meta["title"] == "Kling 2.7 Pro image to video"
    assert sorted(data["components"]["schemas"]) == [
        "ImageToVideoV27ProOutput",
        "ImageToVideoV27ProRequest",
    ]
    props = data["components"]["schemas"]["ImageToVideoV27ProRequest"]["properties"]
    assert props["duration"]["$ref"] == "#/components/schemas/Duration5To10Enum"
    output = data["components"]["schemas"]["ImageToVideoV27ProOutput"]["properties"]
    assert output["video"]["$ref"] == "#/components/schemas/File"
    assert "fal-ai/kling-video/v2.7/pro/image-to-video" in {
        e.data["id"] for e in load_spec(spec).endpoints
    }


def test_a_shared_schema_is_not_rewritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, doc = _doc(tmp_path)
    path.write_text(json.dumps(doc).replace("v2.6/pro/image-to-video", "v1.6/pro/text-to-video"))
    spec = _scratch_spec(tmp_path)
    before = (spec / "components/shared.yaml").read_text(encoding="utf-8")
    assert main(["import", "--spec", str(spec), str(path)]) == 1
    err = capsys.readouterr().err
    assert "spec/components/shared.yaml:4 " in err and "error[import-shared-schema]" in err
    assert "'TextToVideoRequest'" in err and "Traceback" not in err
    assert (spec / "components/shared.yaml").read_text(encoding="utf-8") == before


def test_a_bad_document_names_file_line_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, doc = _doc(tmp_path)
    del doc["info"]["x-fal-metadata"]["endpointId"]
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    assert main(["import", "--check", str(path)]) == 1
    err = capsys.readouterr().err
    line = path.read_text(encoding="utf-8").splitlines().index('    "x-fal-metadata": {') + 1
    assert (
        f"{path.as_posix()}:{line} #/info/x-fal-metadata/endpointId: error[import-invalid]" in err
    )
    path, doc = _doc(tmp_path)
    doc["components"]["schemas"][INPUT]["properties"]["duration"] = {
        "$ref": "#/components/schemas/X"
    }
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    assert main(["import", "--check", str(path)]) == 1
    err = capsys.readouterr().err
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if '"#/components/schemas/X"' in text)
    assert f"{path.as_posix()}:{line} #/components/schemas/{INPUT}/properties/duration/$ref:" in err


def _changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def test_import_rewrites_only_the_lines_that_changed(tmp_path: Path) -> None:
    spec = _scratch_spec(tmp_path)
    pristine = (spec / FILE).read_text(encoding="utf-8")
    import_documents([DOC], spec, write=True)  # fal's response example is all the spec lacks
    imported = (spec / FILE).read_text(encoding="utf-8")
    added = _changed_lines(pristine, imported)
    assert added[0] == "+          examples:" and all(line[0] == "+" for line in added)
    edit(
        spec / FILE,
        "          maxLength: 2500\n          examples:",
        "          maxLength: 99\n          examples:",
    )
    edit(spec / FILE, "default: blur, distort, and low quality", "default: blur")
    edit(
        spec / FILE,
        "max_aspect_ratio: 2.5, timeout: 20}\n      x-kling",
        "max_aspect_ratio: 2.5, timeout: 9}\n      x-kling",
    )
    edit(spec / FILE, "components:\n", "# our comment\ncomponents:\n")
    edited = (spec / FILE).read_text(encoding="utf-8")
    import_documents([DOC], spec, write=True)
    assert _changed_lines(edited, (spec / FILE).read_text(encoding="utf-8")) == [
        "-          maxLength: 99",
        "+          maxLength: 2500",
        "-          default: blur",
        "+          default: blur, distort, and low quality",
        "-          x-fal: {max_file_size: 10485760, min_width: 300, min_height: 300, min_aspect_ratio: 0.4, max_aspect_ratio: 2.5, timeout: 9}",
        "+          x-fal: {max_file_size: 10485760, min_width: 300, min_height: 300, min_aspect_ratio: 0.4, max_aspect_ratio: 2.5, timeout: 20}",
    ]


def test_unchanged_endpoint_files_are_written_back_byte_for_byte() -> None:
    for path in sorted((SPEC / "endpoints").rglob("*.yaml")):  # the files import writes
        text = path.read_text(encoding="utf-8")
        assert update(text, parse(path.name, text).data) == text, path


def test_changed_parts_take_the_house_style() -> None:
    text = "a: {b: 1}  # kept\nc: [x]\n"
    long = "word " * 30 + "end"
    assert update(text, {"a": {"b": 2}, "c": ["x", "y"], "d": {"description": long}}) == (
        "a: {b: 2}  # kept\nc: [x, y]\nd:\n  description: >-\n"
        f"    {long[:95].rstrip()}\n    {long[95:].strip()}\n"
    )
