"""`klinggen diff`, spec/history/ and the changelog generated from it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import GENERATED, MINI_SPEC, ROOT, SPEC, edit

from generator.cli import main
from generator.frontend.load import load_dir
from generator.history.diff import DiffReport, diff_views
from generator.history.report import group_changes, markdown_groups, summary
from generator.history.snapshots import load_labeled
from generator.history.view import view
from generator.pipeline import Options, generate

pytestmark = pytest.mark.slow(4)  # seconds, roughly: scheduled early (conftest.py)

HISTORY = SPEC / "history" / "2026-02"
MINI_ID = "fal-ai/kling-video/v9/pro/text-to-video"
MINI_FILE = "endpoints/v9/pro/text-to-video.yaml"


def _ids(*paths: str) -> list[str]:
    """Endpoint ids; `{t}` in a path stands for both tiers pro and standard."""
    return [f"fal-ai/kling-video/{p.format(t=t)}" for p in paths for t in ("pro", "standard")]


V3_I2V = _ids("v3/{t}/image-to-video")
V3_T2V = _ids("v3/{t}/text-to-video")
O3_I2V, O3_T2V, O3_REF2V = (
    _ids(f"o3/{{t}}/{mode}") for mode in ("image-to-video", "text-to-video", "reference-to-video")
)
O3_V2V = _ids("o3/{t}/video-to-video/edit", "o3/{t}/video-to-video/reference")
EFFECTS = [
    f"fal-ai/kling-video/{p}/effects"
    for p in ("v1/standard", "v1.5/pro", "v1.6/pro", "v1.6/standard")
]
ADDED = _ids("v3/{t}/motion-control", "v3/turbo/{t}/image-to-video", "v3/turbo/{t}/text-to-video")
ADDED += [
    f"fal-ai/kling-video/{p}"
    for p in (
        "v3/4k/image-to-video",
        "v3/4k/text-to-video",
        "o3/4k/image-to-video",
        "o3/4k/text-to-video",
        "o3/4k/reference-to-video",
        "o3/4k/video-to-video/edit",
        "o3/4k/video-to-video/reference",
    )
]


def _catalog_drift() -> set[tuple[str, str, str, str]]:
    """Catalog section 8 (2026-02 -> 2026-08) as (endpoint, change kind, field path, item).

    Shared types show on every endpoint using them: the element voice_id also on o3
    reference-to-video (KlingV3ComboElementInput, catalog section 4), the shot duration on every
    multi_prompt endpoint. The voice-ids-max-2 rule (section 7) goes away with the voice_ids
    fields, which implies it, so the diff does not list it. v2.1/pro/image-to-video is in the
    2026-02 snapshot (S1 2026-01, the seed page and S2 2026-08 have it; only the 2026-04 listing
    missed it), so its "re-listing" is no change between 2026-02 and 2026-08.
    """
    multi_prompt = V3_I2V + V3_T2V + O3_I2V + O3_T2V + O3_REF2V
    limits = ("x-fal.max_duration", "x-fal.max_width", "x-fal.max_height")
    return {
        *((e, "endpoint-added", "", "") for e in ADDED),
        *((e, "field-removed", f, "") for e in V3_I2V for f in ("aspect_ratio", "voice_ids")),
        *((e, "field-removed", "voice_ids", "") for e in V3_T2V + O3_T2V),
        *(
            (e, "enum-value-added", "shot_type", "intelligent")
            for e in V3_I2V + O3_I2V + O3_T2V + O3_REF2V
        ),
        *((e, "field-added", "elements[].voice_id", "") for e in V3_I2V + O3_REF2V),
        *(
            (e, "enum-value-added", "multi_prompt[].duration", v)
            for e in multi_prompt
            for v in "12"
        ),
        *((e, "limit-loosened", "video_url", limit) for e in O3_V2V for limit in limits),
        *((e, "enum-value-added", "effect_scene", "korean_baseball") for e in EFFECTS),
    }


@pytest.fixture(scope="module")
def drift() -> DiffReport:
    old = view(load_labeled(HISTORY, "spec/history/2026-02"), "2026-02")
    return diff_views(old, view(load_labeled(SPEC, "spec"), "spec"))


def test_history_reproduces_catalog_drift(drift: DiffReport) -> None:
    found = {change.key for change in drift.changes}
    expected = _catalog_drift()
    assert len(expected) == 69
    assert found - expected == set(), "changes the catalog does not list"
    assert expected - found == set(), "catalog changes the diff misses"
    breaking = {c.key for c in drift.breaking}
    assert breaking == {k for k in expected if k[1] == "field-removed"}
    assert (drift.old_version, drift.new_version) == ("2026.02", "2026.08")


def test_history_snapshot_generates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["generate", "--spec", str(HISTORY), "--out", str(out)]) == 0, capsys.readouterr()
    assert "has no history" in (out / "CHANGELOG.md").read_text(encoding="utf-8")


def test_loader_skips_history(mini_spec: Path) -> None:
    snapshot = mini_spec / "history" / "old"
    shutil.copytree(MINI_SPEC, snapshot)
    (snapshot / "broken.yaml").write_text("a: [unclosed\n", encoding="utf-8")
    paths = [f.path for f in load_dir(mini_spec)]
    assert paths and not any("history" in p for p in paths)


def _mini_versions(root: Path) -> tuple[Path, Path]:
    old, new = root / "old" / "spec", root / "new" / "spec"
    shutil.copytree(MINI_SPEC, old)
    shutil.copytree(MINI_SPEC, new)
    return old, new


def test_change_kinds(tmp_path: Path) -> None:
    old, new = _mini_versions(tmp_path)
    ep = new / MINI_FILE
    edit(ep, "          maxLength: 2500\n", "          maxLength: 2000\n")
    edit(ep, '          default: "5"\n      x-kling', '          default: "10"\n      x-kling')
    edit(
        ep,
        "          count: {field: multi_prompt, max: 3}",
        "          count: {field: multi_prompt, max: 5}",
    )
    seed = (
        "      required: [prompt]\n      properties:\n        seed: {title: Seed, type: integer}\n"
    )
    edit(ep, "      type: object\n      properties:\n", "      type: object\n" + seed)
    edit(ep, "  summary: Makes a clip from a prompt.", "  summary: Makes a clip.")
    edit(ep, "  status: active", "  status: removed")
    rules = (
        "      x-kling-rules:\n"
        "        - {id: seed-positive, compare: {left: seed, op: ge, right: seed}, message: m}\n"
        "        - {id: one-of-two, at-most-one-of: [prompt, aspect_ratio], message: m}\n"
    )
    edit(ep, "      x-kling-rules:\n", rules)
    edit(
        new / "components/enums.yaml",
        'enum: ["16:9", "9:16", "1:1"]',
        'enum: ["16:9", "9:16", "4:3"]',
    )
    edit(
        new / "components/common.yaml",
        "{title: Prompt, type: string}",
        "{title: Prompt, type: integer}",
    )
    (new / "endpoints/v9/pro/image-to-video.yaml").write_text(
        (ep.read_text(encoding="utf-8").split("components:")[0]).replace(
            "text-to-video", "image-to-video"
        ),
        encoding="utf-8",
    )
    report = diff_views(
        view(load_labeled(old, "old"), "old"), view(load_labeled(new, "new"), "new")
    )
    found = {(c.kind, c.path, c.item, c.old, c.new, c.breaking) for c in report.changes}
    assert found == {
        ("field-required", "prompt", "", "", "", True),
        ("limit-tightened", "prompt", "maxLength", "2500", "2000", True),
        ("default-changed", "duration", "default", "'5'", "'10'", True),
        ("field-added", "seed", "", "", "", False),
        ("rule-loosened", "", "shots-max-3", "", "", False),
        ("enum-value-added", "aspect_ratio", "4:3", "", "", False),
        ("enum-value-removed", "aspect_ratio", "1:1", "", "", True),
        ("type-changed", "multi_prompt[].prompt", "type", "string", "integer", True),
        (
            "description-changed",
            "",
            "summary",
            "'Makes a clip from a prompt.'",
            "'Makes a clip.'",
            False,
        ),
        ("endpoint-added", "", "", "", "", False),
        ("endpoint-status", "", "status", "active", "removed", True),
        ("rule-added", "", "one-of-two", "", "", True),  # seed-positive comes with its new field
    }
    added = [c for c in report.changes if c.kind == "endpoint-added"]
    assert [c.endpoint for c in added] == ["fal-ai/kling-video/v9/pro/image-to-video"]
    assert [c.group for c in report.changes if c.kind == "type-changed"] == ["Shot.prompt"]


def test_cli_formats_exit_codes_and_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = _mini_versions(tmp_path)
    assert main(["diff", str(old), str(new), "--fail-on", "breaking"]) == 0
    assert "0 breaking, 0 non-breaking" in capsys.readouterr().out
    edit(new / "components/enums.yaml", 'enum: ["5", "10"]', 'enum: ["5"]')
    assert main(["diff", str(old), str(new)]) == 0
    text = capsys.readouterr().out
    assert "1 breaking" not in text and "2 breaking, 0 non-breaking" in text
    assert "Duration5To10Enum: enum value '10' removed (1 endpoint)\n" in text
    assert f"      {MINI_ID} request.multi_prompt[].duration\n" in text
    assert main(["diff", str(old), str(new), "--format", "markdown", "--fail-on", "breaking"]) == 4
    markdown = capsys.readouterr().out
    assert markdown.startswith(f"# Spec changes: {old.as_posix()} (2026.01) -> {new.as_posix()}")
    assert "## Breaking changes" in markdown and "## Non-breaking" not in markdown
    assert "`v9/pro/text-to-video` (`request.multi_prompt[].duration`)" in markdown
    edit(old / MINI_FILE, "  tier: pro\n", "  tier: [pro\n")
    edit(new / "components/enums.yaml", 'enum: ["5"]', "enum: [5]")
    assert main(["diff", str(old), str(new)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"{old.as_posix()}/{MINI_FILE}:" in err and "error[yaml-syntax]" in err
    assert f"{new.as_posix()}/components/enums.yaml:" in err and "error[enum-value-type]" in err


def test_cli_git_revisions(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    mini = "HEAD:tests/specs/mini"
    assert main(["diff", mini, mini, "--fail-on", "breaking"]) == 0
    assert (
        f"klinggen diff: {mini} (2026.01) -> {mini} (2026.01): 0 breaking"
        in capsys.readouterr().out
    )
    assert main(["diff", "no-such-revision", mini]) == 1
    err = capsys.readouterr().err
    assert "no-such-revision:1 #: error[diff-source]" in err and "Traceback" not in err


def _history_spec(root: Path) -> Path:
    """Mini spec with history/2025-12 -> history/2026-01 -> current."""
    spec = root / "spec"
    shutil.copytree(MINI_SPEC, spec)
    for name, version in (("2025-12", "2025.12"), ("2026-01", "2026.01")):
        shutil.copytree(MINI_SPEC, spec / "history" / name)
        edit(
            spec / "history" / name / "openapi.yaml", 'version: "2026.01"', f'version: "{version}"'
        )
    edit(spec / "history/2025-12/components/enums.yaml", 'enum: ["5", "10"]', 'enum: ["5"]')
    edit(
        spec / MINI_FILE,
        "      x-kling-rules:\n",
        "      required: [prompt]\n      x-kling-rules:\n",
    )
    edit(spec / "openapi.yaml", 'version: "2026.01"', 'version: "2026.02"')
    return spec


def test_changelog_lists_history_newest_first(tmp_path: Path) -> None:
    spec = _history_spec(tmp_path)
    generate(Options(spec, tmp_path / "out"))
    text = (tmp_path / "out" / "CHANGELOG.md").read_text(encoding="utf-8")
    newest = text.index("## 2026.02 (current) — changes since 2026.01 (`spec/history/2026-01`)")
    older = text.index("## 2026.01 — changes since 2025.12 (`spec/history/2025-12`)")
    assert newest < older
    assert f"- `{MINI_ID}` `request.prompt`: field became required" in text[newest:older]
    assert "enum value '10' added" in text[older:]
    old = view(load_labeled(spec / "history/2026-01", "a"), "2026-01")
    report = diff_views(old, view(load_labeled(spec, "b"), "current"))
    section = text[newest:older]
    for line in markdown_groups(group_changes(report.changes), "###"):
        assert line in section  # the template renders what `diff --format markdown` prints


def test_changelog_lists_the_price_changes_apart() -> None:
    text = (GENERATED / "CHANGELOG.md").read_text(encoding="utf-8")
    section = text.split("\n### Price changes\n", 1)[1].split("\n## ", 1)[0]
    old = view(load_labeled(HISTORY, "a"), "2026-02")
    report = diff_views(old, view(load_labeled(SPEC, "b"), "current"))
    assert report.prices  # the 2026-02 snapshot stated no prices
    for change in report.prices:
        short = change.endpoint.removeprefix("fal-ai/kling-video/")
        assert f"- `{short}`: {summary(change)}\n" in section
    assert section.count("\n- ") == len(report.prices)
    assert "- `v2.6/pro/image-to-video`: price $0.07-$0.168/s (was unknown)" in section


def test_changelog_without_history(tmp_path: Path) -> None:
    generate(Options(MINI_SPEC, tmp_path / "out"))
    text = (tmp_path / "out" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "has no history" in text and "## " not in text


def test_broken_history_snapshot_is_a_spec_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = _history_spec(tmp_path)
    line = edit(
        spec / "history/2026-01/components/enums.yaml", 'enum: ["5", "10"]', "enum: [5, 10]"
    )
    assert main(["generate", "--spec", str(spec), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert f"spec/history/2026-01/components/enums.yaml:{line} " in err, err
    assert "error[enum-value-type]" in err and "Traceback" not in err
