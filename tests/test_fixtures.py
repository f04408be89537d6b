"""Fixtures derived from the spec: valid ones validate, invalid ones fail with exactly their annotation."""

from __future__ import annotations

import kling_fal
import pytest
from kling_fal import KlingValidationError, fixtures
from support import SPEC

from generator.pipeline import load_api

API = load_api(SPEC)[0]
IDS = sorted(kling_fal.ENDPOINTS)


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


def test_every_rule_is_met_and_broken_by_a_fixture() -> None:
    by_id = {e.endpoint_id: e for e in API.endpoints}
    schemas = {s.name: s for s in API.schemas}
    for endpoint_id in IDS:
        names = {f.name for f in fixtures.load(endpoint_id)}
        for runtime in schemas[by_id[endpoint_id].input].runtime_rules:
            assert f"rule-{runtime.rule.id}" in names, (endpoint_id, runtime.rule.id)
            assert f"rule-{runtime.rule.id}-ok" in names, (endpoint_id, runtime.rule.id)


def test_every_spec_rule_reaches_an_endpoint_fixture() -> None:
    reached = {f.name for e in IDS for f in fixtures.invalid(e)}
    internal_only = {s.name for op in API.internal for s in API.schemas if s.name == op.input}
    for schema in API.schemas:
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
