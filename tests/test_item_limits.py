"""fal's file limits on the items of lists of URLs: spec, strict check, IR, docs, diff, and the
client's check of local files before upload, which names the item (``image_urls[2]``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from kling_fal import KlingValidationError
from kling_fal._runtime.client._files import FileSpec, LocalFile
from kling_fal._runtime.client._media import check
from kling_fal.client import KlingClient
from kling_fal.client._filespec import FILE_FIELDS
from support import GENERATED, SPEC, edit
from test_client_helpers import KEY, mp4, png
from test_client_unit import NO_WAIT, FakeFal
from test_spec_errors import assert_reported
from test_spec_strict import ENDPOINT, PROMPT, insert_after, problems

from generator.history.diff import diff_views
from generator.history.report import markdown_report
from generator.history.snapshots import load_labeled
from generator.history.view import view
from generator.ir.build import build_ir
from generator.ir.model import Api

# fal's 2026-01 OpenAPI for o1: every reference image (item) takes these.
O1_IMAGE = {
    "max_file_size": 10485760,
    "min_width": 300,
    "min_height": 300,
    "min_aspect_ratio": 0.4,
    "max_aspect_ratio": 2.5,
    "timeout": 20,
}
O1_REF2V = "fal-ai/kling-video/o1/reference-to-video"
O1_LISTS = {  # o1 request schemas with image_urls and elements (OmniVideoElementInput) -> users
    "OmniVideoReferenceToVideoInput": ("o1/reference-to-video", "o1/standard/reference-to-video"),
    "OmniV2VEditInput": ("o1/video-to-video/edit", "o1/standard/video-to-video/edit"),
    "OmniV2VReferenceInput": (
        "o1/video-to-video/reference",
        "o1/standard/video-to-video/reference",
    ),
}
IMAGE_URLS_ITEMS = "          items: {type: string, x-fal: {min_width: 300, timeout: 20}}\n"
IMAGE_URLS = "        image_urls:\n          title: Image Urls\n          type: array\n"


@pytest.fixture(scope="module")
def api() -> Api:
    return build_ir(load_labeled(SPEC, "spec", full=False, openapi=False))


def fields(api: Api, schema: str) -> dict[str, Any]:
    return {f.name: f for s in api.schemas if s.name == schema for f in s.fields}


# --- spec and IR ----------------------------------------------------------------------------


def test_o1_lists_carry_fals_item_limits(api: Api) -> None:
    using = {e.path for e in api.endpoints if e.input in O1_LISTS}
    assert using == {path for paths in O1_LISTS.values() for path in paths}
    for schema in O1_LISTS:
        assert dict(fields(api, schema)["image_urls"].file_limits) == O1_IMAGE, schema
    element = fields(api, "OmniVideoElementInput")
    assert dict(element["reference_image_urls"].file_limits) == O1_IMAGE
    assert dict(element["frontal_image_url"].file_limits) == O1_IMAGE


def test_every_list_of_file_urls_is_decided(api: Api) -> None:
    """A list of URLs in a request carries fal's item limits or a note on why it does not."""
    undecided = [
        f"{s.name}.{f.name}"
        for s in api.schemas
        if s.role == "input"
        for f in s.fields
        if f.media and f.type.kind == "array" and not f.file_limits and "Item limits" not in f.note
    ]
    assert undecided == []
    lists = [f for s in api.schemas if s.role == "input" for f in s.fields if f.media]
    assert sum(f.type.kind == "array" for f in lists) >= 12  # the walk saw them all


def test_history_snapshot_carries_the_same_item_limits() -> None:
    """The limits predate 2026-02 (fal's 2026-01 OpenAPI): a fix of the record, not a change."""
    old = build_ir(load_labeled(SPEC / "history/2026-02", "h", full=False, openapi=False))
    assert dict(fields(old, "OmniV2VEditInput")["image_urls"].file_limits) == O1_IMAGE
    assert dict(fields(old, "OmniVideoElementInput")["reference_image_urls"].file_limits) == (
        O1_IMAGE
    )


# --- strict check ---------------------------------------------------------------------------


def _with_image_urls(spec: Path, items: str) -> int:
    """Add an `image_urls` list to the mini request; return the line of its `items`."""
    return insert_after(spec / ENDPOINT, PROMPT, IMAGE_URLS + items) + 3


def test_x_fal_on_items_is_accepted_and_reaches_the_ir(mini_spec: Path) -> None:
    _with_image_urls(mini_spec, IMAGE_URLS_ITEMS)
    assert problems(mini_spec) == ""
    mini = build_ir(load_labeled(mini_spec, "spec", full=False, openapi=False))
    field = fields(mini, "TextToVideoV9ProRequest")["image_urls"]
    assert (field.media, field.file_limits) == ("image", (("min_width", 300), ("timeout", 20)))


@pytest.mark.parametrize(
    ("items", "code", "detail"),
    [
        ("{type: string, x-fal: {min_widht: 300}}", "unknown-keyword", "did you mean 'min_width'?"),
        ("{type: string, x-fal: {min_width: 0}}", "extension-invalid", "less than the minimum"),
        ("{type: string, x-fal: {}}", "extension-invalid", "should be non-empty"),
        ("{type: integer, x-fal: {timeout: 20}}", "extension-misplaced", "not on type integer"),
    ],
)
def test_x_fal_on_items_is_checked_like_on_fields(
    mini_spec: Path, items: str, code: str, detail: str
) -> None:
    line = _with_image_urls(mini_spec, f"          items: {items}\n")
    err = problems(mini_spec)
    assert_reported(err, ENDPOINT, line, code, detail)
    assert len(err.splitlines()) == 1, err


def test_x_fal_on_the_list_itself_is_misplaced(mini_spec: Path) -> None:
    line = _with_image_urls(mini_spec, "          items: {type: string}\n") + 1
    edit(
        mini_spec / ENDPOINT,
        "          items: {type: string}\n",
        "          items: {type: string}\n          x-fal: {min_width: 300}\n",
    )
    err = problems(mini_spec)
    assert_reported(err, ENDPOINT, line, "extension-misplaced", "x-fal goes on a schema of type")
    assert "not on type array. hint: a list of URLs carries its file limits on `items`" in err


def test_x_fal_beside_a_ref_is_misplaced(mini_spec: Path) -> None:
    line = edit(
        mini_spec / ENDPOINT,
        '        video: {$ref: "#/components/schemas/File"}',
        '        video: {$ref: "#/components/schemas/File", x-fal: {timeout: 20}}',
    )
    err = problems(mini_spec)
    assert_reported(err, ENDPOINT, line, "extension-misplaced", "a schema without a type")


# --- diff -----------------------------------------------------------------------------------


def test_diff_shows_item_limit_changes(mini_spec: Path, tmp_path: Path) -> None:
    _with_image_urls(mini_spec, "          items: {type: string, x-fal: {max_file_size: 100}}\n")
    new = tmp_path / "new" / "spec"
    shutil.copytree(mini_spec, new)
    edit(
        new / ENDPOINT,
        "x-fal: {max_file_size: 100}",
        "x-fal: {max_file_size: 200, min_width: 300}",
    )
    report = diff_views(
        view(load_labeled(mini_spec, "old"), "old"), view(load_labeled(new, "new"), "new")
    )
    found = {(c.kind, c.path, c.item, c.old, c.new, c.breaking) for c in report.changes}
    assert found == {
        ("limit-loosened", "image_urls[]", "x-fal.max_file_size", "100", "200", False),
        ("limit-tightened", "image_urls[]", "x-fal.min_width", "(none)", "300", True),
    }
    text = markdown_report(report)
    assert "`request.image_urls[]`: x-fal.max_file_size 100 -> 200 (loosened)" in text
    assert "`request.image_urls[]`: x-fal.min_width (none) -> 300" in text


# --- docs -----------------------------------------------------------------------------------


def test_endpoint_pages_list_item_and_nested_limits() -> None:
    page = (GENERATED / "docs/endpoints/o1/reference-to-video.md").read_text(encoding="utf-8")
    limits = page.split("## File limits\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    shown = "max aspect ratio 2.5, max file size 10.0 MB, min aspect ratio 0.4, min height 300 px"
    assert [row.split(":", 1)[0] for row in limits] == [
        "- `image_urls[]` (each item)",
        "- `elements[].frontal_image_url`",
        "- `elements[].reference_image_urls[]` (each item)",
    ]
    assert all(shown in row and row.endswith("fetch timeout 20 s") for row in limits)
    o3 = (GENERATED / "docs/endpoints/o3/pro/reference-to-video.md").read_text(encoding="utf-8")
    assert "`image_urls[]`" not in o3 and "Item limits unknown" in o3


# --- the client's local check ---------------------------------------------------------------


def test_generated_file_specs_carry_item_limits() -> None:
    spec = FILE_FIELDS["OmniVideoElementInput"]["reference_image_urls"]
    assert (spec.media, spec.many, spec.limits) == ("image", True, O1_IMAGE)
    assert FILE_FIELDS["OmniV2VEditInput"]["image_urls"].limits == O1_IMAGE
    assert FILE_FIELDS["O3ProReferenceVideoI2VInput"]["image_urls"].limits == {}


def _issues(endpoint_id: str, **fields: Any) -> dict[tuple[str, str], str]:
    with pytest.raises(KlingValidationError) as caught:
        KlingClient(key=KEY).check(endpoint_id, prompt="a fox", **fields)
    return {(i.path, i.rule): i.message for i in caught.value.issues}


def test_each_item_is_checked_and_named() -> None:
    good = png(400, 400)
    found = _issues(O1_REF2V, image_urls=[good, "https://a/b.png", png(180, 180)])
    assert set(found) == {("image_urls[2]", "min-width"), ("image_urls[2]", "min-height")}
    assert found["image_urls[2]", "min-width"] == (
        "width 180 px is below the minimum min_width=300 (the image is 180x180 px)"
    )


def test_items_of_nested_lists_are_named_with_their_element() -> None:
    elements = [
        {"frontal_image_url": png(400, 400), "reference_image_urls": [png(400, 400)]},
        {
            "frontal_image_url": png(400, 400),
            "reference_image_urls": [png(400, 400), png(1300, 400)],
        },
    ]
    found = _issues(
        "fal-ai/kling-video/o1/video-to-video/edit", video_url="https://a/v.mp4", elements=elements
    )
    assert set(found) == {("elements[1].reference_image_urls[1]", "max-aspect-ratio")}
    assert (
        "aspect ratio 3.25 is above the maximum max_aspect_ratio=2.5 (the image is 1300x400 px)"
        in found["elements[1].reference_image_urls[1]", "max-aspect-ratio"]
    )


def test_an_oversized_item_and_a_bad_item_are_reported_together(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    big.write_bytes(png(400, 400) + bytes(10 * 1024 * 1024))
    found = _issues(O1_REF2V, image_urls=[big, str(tmp_path / "missing.png")])
    assert set(found) == {("image_urls[0]", "max-file-size"), ("image_urls[1]", "file")}


def test_lists_without_item_limits_and_check_files_off_accept_any_image() -> None:
    small = [png(100, 100), png(100, 100)]
    o3 = "fal-ai/kling-video/o3/pro/reference-to-video"
    KlingClient(key=KEY).check(o3, prompt="a fox", image_urls=small)
    KlingClient(key=KEY, check_files=False).check(O1_REF2V, prompt="a fox", image_urls=small)


def test_good_items_are_uploaded_once_each_and_sent_in_order(tmp_path: Path) -> None:
    image = tmp_path / "ref.png"
    image.write_bytes(png(400, 400))
    fake, uploads = FakeFal(), list[httpx.Request]()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/storage/auth/token":
            token = {"token": "t", "token_type": "Bearer", "base_url": "https://v3.fal.media"}
            return httpx.Response(200, json={**token, "expires_at": "2999-01-01T00:00:00+00:00"})
        if request.url.path == "/files/upload":
            uploads.append(request)
            return httpx.Response(200, json={"access_url": f"https://v3.fal.media/u{len(uploads)}"})
        return fake(request)

    kling = KlingClient(key=KEY, transport=httpx.MockTransport(handler), retry=NO_WAIT)
    kling.o1_reference_to_video(
        prompt="a fox", image_urls=[image, "https://a/b.png", png(300, 600), image]
    )
    sent = json.loads(fake.calls[0].content)["image_urls"]
    assert sent == [
        "https://v3.fal.media/u1",
        "https://a/b.png",
        "https://v3.fal.media/u2",
        "https://v3.fal.media/u1",
    ]


def test_video_items_are_probed_with_pyav() -> None:
    spec = FileSpec("video", many=True, limits={"max_duration": 2, "min_width": 300})
    long_clip = LocalFile("clips[1]", spec, mp4(3, 320, 320), placeholder="")
    narrow = LocalFile("clips[0]", spec, mp4(1, 256, 320), placeholder="")
    assert [(i.path, i.rule) for i in check(long_clip)] == [("clips[1]", "max-duration")]
    assert [(i.path, i.rule, i.message) for i in check(narrow)] == [
        (
            "clips[0]",
            "min-width",
            "width 256 px is below the minimum min_width=300 (the video is 256x320 px)",
        )
    ]
