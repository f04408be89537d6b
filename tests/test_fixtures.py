"""Fixtures derived from the spec: valid ones validate, invalid ones fail with exactly their annotation."""

from __future__ import annotations

from pathlib import Path

import kling_fal
import pytest
from kling_fal import KlingValidationError, fixtures
from support import SPEC, edit

from generator.ir.model import Api
from generator.pipeline import load_api
from generator.runtime import Rule, evaluate

IDS = sorted(kling_fal.ENDPOINTS)


@pytest.fixture(scope="module")
def api() -> Api:
    return load_api(SPEC)[0]


@pytest.mark.parametrize("endpoint_id", IDS)
def test_valid_fixtures_validate(endpoint_id: str) -> None:
    found = fixtures.valid(endpoint_id)
    assert {"minimal", "full"} <= {f.name for f in found}
    for fixture in found:
        kling_fal.validate(endpoint_id, fixture.payload)


@pytest.mark.parametrize("endpoint_id", IDS)
def test_invalid_fixtures_fail_with_exactly_their_annotation(endpoint_id: str) -> None:
    found = fixtures.invalid(endpoint_id)
    assert {"unknown-field"} <= {f.name for f in found}
    for fixture in found:
        with pytest.raises(KlingValidationError) as info:
            kling_fal.validate(endpoint_id, fixture.payload)
        got = {(issue.path, issue.rule) for issue in info.value.issues}
        assert got == set(fixture.expect), fixture.name


@pytest.mark.parametrize("endpoint_id", IDS)
def test_output_fixture_parses(endpoint_id: str) -> None:
    output = kling_fal.parse_output(endpoint_id, fixtures.output(endpoint_id))
    assert output.model_dump(mode="json", exclude_none=True) == fixtures.output(endpoint_id)


def test_every_rule_is_met_and_broken_by_a_fixture(api: Api) -> None:
    by_id = {e.endpoint_id: e for e in api.endpoints}
    schemas = {s.name: s for s in api.schemas}
    for endpoint_id in IDS:
        names = {f.name for f in fixtures.load(endpoint_id)}
        for runtime in schemas[by_id[endpoint_id].input].runtime_rules:
            assert f"rule-{runtime.rule.id}" in names, (endpoint_id, runtime.rule.id)
            assert f"rule-{runtime.rule.id}-ok" in names, (endpoint_id, runtime.rule.id)


def test_every_spec_rule_reaches_an_endpoint_fixture(api: Api) -> None:
    reached = {f.name for e in IDS for f in fixtures.invalid(e)}
    internal_only = {s.name for op in api.internal for s in api.schemas if s.name == op.input}
    for schema in api.schemas:
        for rule in schema.rules:
            assert f"rule-{rule.id}" in reached or schema.name in {"FaceChoice", *internal_only}, (
                rule.id
            )


def test_invalid_fixtures_cover_each_constraint_kind() -> None:
    kinds = {f.expect[0][1] for e in IDS for f in fixtures.invalid(e)}
    assert {"required", "type", "enum", "max-length", "range", "unknown-field"} <= kinds


def test_fixture_urls_look_like_real_files() -> None:
    for endpoint_id in IDS:
        for fixture in fixtures.valid(endpoint_id):
            for key, value in fixture.payload.items():
                if key.endswith("_url"):
                    assert value.startswith("https://") and value.rsplit(".", 1)[1] in {
                        "png",
                        "mp4",
                        "mp3",
                    }, (endpoint_id, key)


def _mini_with_rules(mini_spec: Path) -> Api:
    """The mini spec with two optional fields whose rules read conditions the old fixture
    deriver judged differently from the runtime."""
    request = mini_spec / "endpoints/v9/pro/text-to-video.yaml"
    edit(
        request,
        "        duration:\n",
        '        style: {$ref: "#/components/schemas/AspectRatioEnum", title: Style}\n'
        "        seconds: {title: Seconds, type: integer, default: 5}\n"
        "        negative_prompt: {title: Negative Prompt, type: string}\n"
        "        note: {title: Note, type: string}\n"
        "        duration:\n",
    )
    edit(
        request,
        "        - id: shots-max-3\n",
        "        - id: negative-prompt-unless-square\n"
        '          required-when: {field: negative_prompt, when: {field: style, not-in: ["1:1"]}}\n'
        "          message: Give a negative prompt unless the style is square.\n"
        "        - id: note-for-five-seconds\n"
        '          required-when: {field: note, when: {field: seconds, equals: "5"}}\n'
        "          message: Five-second clips need a note.\n"
        "        - id: shots-max-3\n",
    )
    return load_api(mini_spec)[0]


def _agree(api: Api) -> None:
    """Every fixture of every endpoint reads to the runtime's evaluator as it is annotated."""
    schemas = {s.name: s for s in api.schemas}
    for endpoint in api.endpoints:
        found = [
            Rule(id=r.rule.id, message=r.rule.message, check=r.rule.check, at=r.at)
            for r in schemas[endpoint.input].runtime_rules
        ]
        for fixture in endpoint.fixtures:
            if fixture.kind == "output":
                continue
            broken = {(i.path, i.rule) for i in evaluate(found, fixture.payload.raw)}
            rule_expectations = {
                (e.path, e.rule) for e in fixture.expect if e.rule in {r.id for r in found}
            }
            assert broken == rule_expectations, fixture.name


def test_not_in_on_an_absent_field_without_default_holds_in_the_fixtures(mini_spec: Path) -> None:
    """`style` is absent and has no default, so it is not "1:1": a negative prompt is required,
    also in the minimal request (the deriver once read the condition as false)."""
    api = _mini_with_rules(mini_spec)
    _agree(api)
    minimal = next(f for f in api.endpoints[0].fixtures if f.name == "minimal").payload.raw
    assert "style" not in minimal and "negative_prompt" in minimal


def test_equals_a_digit_string_matches_an_int_default_in_the_fixtures(mini_spec: Path) -> None:
    """`seconds` defaults to 5, which `equals: "5"` matches: the minimal request has a note."""
    api = _mini_with_rules(mini_spec)
    _agree(api)
    minimal = next(f for f in api.endpoints[0].fixtures if f.name == "minimal").payload.raw
    assert "seconds" not in minimal and "note" in minimal
