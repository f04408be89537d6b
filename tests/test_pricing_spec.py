"""`x-kling-endpoint.pricing` in the spec: its checks (file:line), the price kinds' vocabulary
table, how `klinggen diff` reports price changes, and the generated docs' price rows."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from support import GENERATED, ROOT, edit
from test_spec_errors import assert_reported
from test_spec_strict import problems

from generator.cli import main
from generator.history.snapshots import load_labeled
from generator.ir.build import build_ir
from generator.runtime.pricing import PRICES

ENDPOINT = "endpoints/v9/pro/text-to-video.yaml"
ANCHOR = "  sources: [S1]\n"
PRICING = """  pricing:
    confidence: high
    source: https://fal.ai/models/fal-ai/kling-video/v9/pro/text-to-video
    per-second:
      field: duration
      rates:
      - {label: long, when: [{field: duration, equals: "10"}], usd: 0.1}
      - {usd: 0.05}
"""


def priced(spec: Path, text: str = PRICING) -> int:
    """Give the mini spec's endpoint `text` as its pricing; the line where `pricing:` starts."""
    return edit(spec / ENDPOINT, ANCHOR, ANCHOR + text) + 1


def test_a_valid_pricing_passes(mini_spec: Path) -> None:
    priced(mini_spec)
    assert problems(mini_spec) == ""


def test_the_ir_carries_the_price_and_prices_an_endpoint_without_one_unknown(
    mini_spec: Path,
) -> None:
    def endpoint_pricing(spec: Path) -> Any:
        api = build_ir(load_labeled(spec, "spec", full=False, openapi=False))
        return api.endpoints[0].pricing

    unpriced = endpoint_pricing(mini_spec)
    assert (unpriced.kind, unpriced.confidence, unpriced.price.unit) == (
        "unknown",
        "unknown",
        "unknown",
    )
    priced(mini_spec)
    stated = endpoint_pricing(mini_spec)
    assert (stated.kind, stated.confidence) == ("per-second", "high")
    assert [(name, v.raw) for name, v in stated.defaults] == [("duration", "5")]
    assert stated.price.cases() == (
        ("long", "$0.10 per second of video"),
        ("any request", "$0.05 per second of video"),
    )


def test_a_misspelt_price_kind(mini_spec: Path) -> None:
    line = priced(mini_spec, PRICING.replace("per-second:", "per-secnd:"))
    err = problems(mini_spec)
    assert_reported(err, ENDPOINT, line + 3, "unknown-keyword", "'per-secnd'")
    assert "did you mean 'per-second'?" in err


@pytest.mark.parametrize(
    ("old", "new", "offset", "detail"),
    [
        ("usd: 0.05", "usd: cheap", 7, "'cheap' is not of type 'number'"),
        ("usd: 0.05", "usd: -1", 7, "-1 is less than or equal to the minimum of 0"),
        ("      field: duration\n", "", 3, "'field' is a required property"),
        ("confidence: high", "confidence: sure", 1, "'sure' is not one of"),
        ("source: https://", "source: http://", 2, "does not match"),
    ],
)
def test_a_bad_argument(mini_spec: Path, old: str, new: str, offset: int, detail: str) -> None:
    line = priced(mini_spec, PRICING.replace(old, new))
    err = problems(mini_spec)
    assert_reported(err, ENDPOINT, line + offset, "extension-invalid", detail)
    assert len(err.splitlines()) == 1, err


def test_a_field_the_request_does_not_have(mini_spec: Path) -> None:
    line = priced(
        mini_spec, PRICING.replace("{field: duration, equals", "{field: durations, equals")
    )
    err = problems(mini_spec)
    assert_reported(err, ENDPOINT, line + 6, "pricing-unknown-field", "'durations'")
    assert "did you mean 'duration'?" in err and "TextToVideoV9ProRequest" in err


def test_unknown_goes_with_unknown_confidence(mini_spec: Path) -> None:
    line = priced(mini_spec, "  pricing:\n    confidence: high\n    unknown: not published\n")
    assert_reported(problems(mini_spec), ENDPOINT, line + 1, "pricing-confidence", "'high'")


def test_spec_readme_lists_every_price_kind_as_the_registry_defines_it() -> None:
    text = (ROOT / "spec" / "README.md").read_text(encoding="utf-8")
    rows = [f"| `{name}` | {kind.arguments} | {kind.meaning} |" for name, kind in PRICES.items()]
    table = text.split("| kind | arguments | price |\n|---|---|---|\n", 1)[1]
    assert table.split("\n\n", 1)[0].splitlines() == rows


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        ({"usd": 0.1}, {"usd": 0.2}, "price-raised"),
        ({"usd": 0.2}, {"usd": 0.1}, "price-lowered"),
        ({"usd": 0.2, "label": "a"}, {"usd": 0.1, "label": "b"}, "price-changed"),
    ],
)
def test_the_kind_classifies_a_change_of_its_arguments(
    old: dict[str, object], new: dict[str, object], kind: str
) -> None:
    args = {"field": "duration", "rates": [{"usd": 0.05}]}
    before = {**args, "rates": [old, {"usd": 0.05}]}
    after = {**args, "rates": [new, {"usd": 0.05}]}
    assert PRICES["per-second"].classify(before, after) == kind
    flat = {"field": "duration", "base-usd": 1, "base-seconds": 5, "usd-per-extra-second": 0.2}
    cut = {**flat, "usd-per-extra-second": 0.1}
    assert PRICES["flat-plus-per-second"].classify(flat, cut) == "price-lowered"


def test_diff_lists_price_changes_in_their_own_section(
    tmp_path: Path, mini_spec: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old"
    mini_spec.rename(old)
    priced(old)
    new = tmp_path / "spec"
    shutil.copytree(old, new)
    edit(new / ENDPOINT, "usd: 0.1}", "usd: 0.12}")
    edit(new / ENDPOINT, "confidence: high\n    source", "confidence: medium\n    source")
    assert main(["diff", str(old), str(new), "--fail-on", "breaking"]) == 0
    text = capsys.readouterr().out
    assert "0 breaking, 0 non-breaking" in text
    section = text.split("\nprices (2):\n", 1)[1].splitlines()
    assert section == [
        "  fal-ai/kling-video/v9/pro/text-to-video: price raised: $0.05-$0.10/s -> $0.05-$0.12/s",
        "  fal-ai/kling-video/v9/pro/text-to-video: price confidence high -> medium",
    ]
    assert main(["diff", str(old), str(new), "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert (
        "## Price changes\n\n- `fal-ai/kling-video/v9/pro/text-to-video`: price raised" in markdown
    )


def test_diff_from_no_price_to_a_price(
    tmp_path: Path, mini_spec: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old"
    shutil.copytree(mini_spec, old)
    priced(mini_spec)
    assert main(["diff", str(old), str(mini_spec)]) == 0
    assert "text-to-video: price $0.05-$0.10/s (was unknown)" in capsys.readouterr().out


def test_docs_show_a_price_table_and_a_price_column() -> None:
    docs = GENERATED / "docs"
    page = (docs / "endpoints" / "v2.6" / "pro" / "image-to-video.md").read_text(encoding="utf-8")
    section = page.split("\n## Price\n", 1)[1].split("\n## ", 1)[0]
    assert "| audio off | $0.07 per second of video |" in section
    assert "| audio on, voice control | $0.168 per second of video |" in section
    assert "| audio on | $0.14 per second of video |" in section
    assert "Confidence **high**" in section
    flat = (docs / "endpoints" / "v2" / "master" / "text-to-video.md").read_text(encoding="utf-8")
    assert "| up to 5 s | $1.40 |\n| each second more | $0.28 per second of video |" in flat
    unknown = (docs / "endpoints" / "v1" / "tts.md").read_text(encoding="utf-8")
    assert "## Price\n\nUnknown: " in unknown
    matrix = (docs / "capabilities.md").read_text(encoding="utf-8")
    header = next(line for line in matrix.splitlines() if line.startswith("| endpoint |"))
    assert header.endswith("| durations | price |")
    rows = {line.split("`")[1]: line for line in matrix.splitlines() if line.startswith("| [`")}
    assert rows["v2.6/pro/image-to-video"].endswith("| $0.07-$0.168/s |")
    assert rows["lipsync/audio-to-video"].endswith("| $0.014/s of video_url |")
    assert rows["v1/tts"].endswith("| unknown |")
