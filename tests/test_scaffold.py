"""`klinggen new-endpoint`: a scaffolded endpoint changes exactly the files that list endpoints."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import ROOT, SPEC

from generator.cli import main
from generator.frontend.load import parse
from generator.output.stamp import STAMP
from generator.output.write import tree
from generator.pipeline import Options, generate

pytestmark = pytest.mark.slow(5)  # seconds, roughly: scheduled early (conftest.py)

NEW = "fal-ai/kling-video/v3.5/pro/image-to-video"  # the README adds v3.1
LIKE = "fal-ai/kling-video/v3/pro/image-to-video"
PATH = "v3.5/pro/image-to-video"


def _expected_changes() -> set[str]:
    """Every generated file whose content is made from the list of endpoints or of models.

    The new endpoint reuses existing enums and nested types, so no enum page appears; its new
    model family v3.5 only shows where endpoints are listed anyway (endpoint index, matrix, nav). The client's private modules rendered from templates (`kling_fal/client/_*.jinja`) are one accessor, argument
    set or file spec per endpoint; its public re-exports and the vendored runtime do not change.
    """
    client = ROOT / "templates" / "package" / "kling_fal" / "client"
    rendered_client = {
        f"kling_fal/client/{p.name.removesuffix('.jinja')}"
        for p in client.glob("_*.jinja")
        if not p.name.startswith("__")
    }
    return {
        "kling_fal/registry.py",  # the endpoint table
        "kling_fal/models/inputs/__init__.py",  # ImageToVideoV35ProRequest's module
        "kling_fal/models/outputs/__init__.py",  # ImageToVideoV35ProOutput's module
        "kling_fal/models/__init__.py",  # exports
        "kling_fal/_spec_data.py",  # field data per model
        "kling_fal/_rules/__init__.py",  # the new model's rules module
        "kling_fal/_pricing.py",  # the new endpoint's price (unknown)
        "kling_fal/cli/_flags.py",  # flags per endpoint
        "docs/index.md",  # endpoint counts
        "docs/endpoints.md",  # endpoint index
        "mkdocs.yml",  # nav: the endpoint's title under its family
        "docs/capabilities.md",  # capability matrix row
        "openapi.json",  # paths and schemas
        "README.md",  # endpoint count and table
        "CHANGELOG.md",  # 2026-02 -> current gains "endpoint added"
        *rendered_client,
    }


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], dict[str, bytes]]:
    root = tmp_path_factory.mktemp("scaffold")
    base, scaffolded = root / "base" / "spec", root / "new" / "spec"
    shutil.copytree(SPEC, base)
    shutil.copytree(SPEC, scaffolded)
    assert main(["new-endpoint", NEW, "--like", LIKE, "--spec", str(scaffolded)]) == 0
    found = []
    for spec in (base, scaffolded):
        generate(Options(spec, spec.parent / "out"))
        files = tree(spec.parent / "out")
        files.pop(STAMP, None)  # a cache of the inputs, not content
        found.append(files)
    return found[0], found[1]


def test_scaffold_changes_only_the_files_that_list_endpoints(
    trees: tuple[dict[str, bytes], dict[str, bytes]],
) -> None:
    before, after = trees
    assert sorted(set(after) - set(before)) == [
        f"docs/endpoints/{PATH}.md",
        f"fixtures/{PATH}.json",
        "kling_fal/_rules/image_to_video_v35_pro_request.py",
        "kling_fal/models/inputs/image_to_video_v35_pro_request.py",
        "kling_fal/models/outputs/image_to_video_v35_pro_output.py",
    ]
    assert set(before) - set(after) == set()
    changed = {name for name in before if before[name] != after[name]}
    assert changed == _expected_changes()
    inputs = after["kling_fal/models/inputs/image_to_video_v35_pro_request.py"].decode()
    assert "class ImageToVideoV35ProRequest(" in inputs
    assert NEW.encode() in after["kling_fal/registry.py"]


def test_scaffold_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "spec"
    shutil.copytree(SPEC, spec, ignore=shutil.ignore_patterns("history"))
    assert main(["new-endpoint", NEW, "--like", LIKE, "--spec", str(spec)]) == 0
    data = parse("x", (spec / f"endpoints/{PATH}.yaml").read_text(encoding="utf-8")).data
    meta = data["x-kling-endpoint"]
    assert (meta["id"], meta["model"], meta["tier"], meta["mode"]) == (
        NEW,
        "v3.5",
        "pro",
        "image-to-video",
    )
    assert meta["title"] == "Kling 3.5 Pro image to video"
    assert "pricing" not in meta  # never the sibling's price: unknown until fal publishes one
    assert meta["input"] == {"$ref": "#/components/schemas/ImageToVideoV35ProRequest"}
    request = data["components"]["schemas"]["ImageToVideoV35ProRequest"]
    assert request["title"] == "ImageToVideoV35ProRequest" and request["x-kling-title-inferred"]
    assert [r["id"] for r in request["x-kling-rules"]] == [
        "prompt-xor-multi-prompt",
        "elements-at-most-one-video",
    ]
    assert main(["new-endpoint", NEW, "--like", LIKE, "--spec", str(spec)]) == 1
    err = capsys.readouterr().err
    assert f"spec/endpoints/{PATH}.yaml:1 #: error[scaffold-exists]" in err


def test_scaffold_errors(mini_spec: Path, capsys: pytest.CaptureFixture[str]) -> None:
    unknown = "fal-ai/kling-video/v8/pro/text-to-video"
    assert main(["new-endpoint", NEW, "--like", unknown, "--spec", str(mini_spec)]) == 1
    assert "spec/endpoints/v8/pro/text-to-video.yaml:1 #: error[scaffold-unknown]" in (
        capsys.readouterr().err
    )
    assert main(["new-endpoint", "v4/pro", "--like", unknown, "--spec", str(mini_spec)]) == 1
    assert "spec/openapi.yaml:1 #: error[scaffold-bad-id] 'v4/pro'" in capsys.readouterr().err
    like = "fal-ai/kling-video/v9/pro/text-to-video"
    assert (
        main(["new-endpoint", like.replace("v9", "v10"), "--like", like, "--spec", str(mini_spec)])
        == 0
    )
    assert (mini_spec / "endpoints/v10/pro/text-to-video.yaml").is_file()
    text = (mini_spec / "endpoints/v10/pro/text-to-video.yaml").read_text(encoding="utf-8")
    assert "TextToVideoV10ProRequest:" in text and "TextToVideoV10ProOutput:" in text
    assert main(["generate", "--spec", str(mini_spec), "--out", str(mini_spec.parent / "out")]) == 0
