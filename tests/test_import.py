"""`klinggen import`: fal's per-endpoint queue OpenAPI documents -> spec files."""

from __future__ import annotations

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
from generator.history.snapshots import load_spec
from generator.history.view import view

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
    data = parse("x", (spec / "endpoints/v2.7/pro/image-to-video.yaml").read_text("utf-8")).data
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
