"""The generated docs: every endpoint and enum has a page, links resolve, the site builds strictly."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import kling_fal
from kling_fal import models
from support import GENERATED

DOCS = GENERATED / "docs"
PREFIX = "fal-ai/kling-video/"


def test_every_endpoint_has_a_page_listed_in_the_index() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    for endpoint_id, info in kling_fal.ENDPOINTS.items():
        path = endpoint_id.removeprefix(PREFIX)
        page = (DOCS / "endpoints" / f"{path}.md").read_text(encoding="utf-8")
        assert f"`{endpoint_id}`" in page
        assert f"(endpoints/{path}.md)" in index
        assert info.summary in page


def test_endpoint_pages_document_every_field_and_rule() -> None:
    from kling_fal._spec_data import RULES

    for endpoint_id, info in kling_fal.ENDPOINTS.items():
        page = (DOCS / "endpoints" / f"{endpoint_id.removeprefix(PREFIX)}.md").read_text(
            encoding="utf-8"
        )
        for name in info.input.model_fields:
            assert f"| `{name}` |" in page, (endpoint_id, name)
        for rule in RULES.get(info.input_model, ()):
            assert f"**{rule.id}**" in page, (endpoint_id, rule.id)


def test_enum_pages_list_every_value() -> None:
    for name in ("EffectSceneEnum", "VoiceIdEnum", "Duration3To15Enum", "AspectRatioEnum"):
        page = (DOCS / "enums" / f"{name}.md").read_text(encoding="utf-8")
        for member in getattr(models, name):
            assert f"| `{member.value}` |" in page


def test_relative_links_resolve() -> None:
    for page in DOCS.rglob("*.md"):
        for target in re.findall(r"\]\(([^)#:]+\.md)\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).resolve().is_file(), (page, target)


def test_capability_matrix_has_a_row_per_endpoint() -> None:
    matrix = (DOCS / "capabilities.md").read_text(encoding="utf-8")
    rows = [line for line in matrix.splitlines() if line.startswith("| [`")]
    assert len(rows) == len(kling_fal.ENDPOINTS)
    v26 = next(r for r in rows if "[`v2.6/pro/image-to-video`]" in r)
    assert "`start_image_url`" in v26 and "`end_image_url`" in v26 and "yes (true)" in v26


def test_mkdocs_builds_strict(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
        cwd=GENERATED,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        tmp_path / "site" / "endpoints" / "v2.6" / "pro" / "image-to-video" / "index.html"
    ).is_file()
