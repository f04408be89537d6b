"""The strict check: typos in keywords, x- keys, `required` and field orders are errors with a
did-you-mean, located by file, line and pointer; data and field names are not mistaken for keywords."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import SPEC, edit
from test_spec_errors import assert_reported

from generator.cli import main
from generator.diagnostics import SpecError
from generator.frontend.assemble import assemble
from generator.frontend.load import load_dir, parse
from generator.frontend.validate import check_structure

ENDPOINT = "endpoints/v9/pro/text-to-video.yaml"
COMMON = "components/common.yaml"
PROMPT = "          type: string\n          maxLength: 2500\n"
REQUEST = "      title: TextToVideoV9ProRequest\n      type: object\n"


def problems(spec: Path) -> str:
    """Every problem the loader and the structural check report, one rendered line each."""
    try:
        check_structure(assemble(load_dir(spec)))
    except SpecError as exc:
        assert exc.diagnostics
        return str(exc)
    return ""


def insert_after(path: Path, anchor: str, lines: str) -> int:
    """Insert `lines` after `anchor`; return the line number of the first inserted line."""
    return edit(path, anchor, anchor + lines) + anchor.count("\n")


@pytest.mark.parametrize(
    ("file", "anchor", "indent"),
    [
        (ENDPOINT, PROMPT, 10),  # a nested property
        (ENDPOINT, REQUEST, 6),  # a component
        (ENDPOINT, '          items: {$ref: "#/components/schemas/Shot"}\n', 10),  # beside items
        (
            COMMON,
            "        url: {title: Url, type: string}\n",
            6,
        ),  # a component, after its properties
        ("components/enums.yaml", "      title: AspectRatioEnum\n", 6),  # an enum
    ],
)
def test_misspelt_keyword(mini_spec: Path, file: str, anchor: str, indent: int) -> None:
    line = insert_after(mini_spec / file, anchor, " " * indent + "minimun: 0\n")
    err = problems(mini_spec)
    assert_reported(err, file, line, "unknown-keyword", "'minimun' in a schema")
    assert "did you mean 'minimum'?" in err
    assert len(err.splitlines()) == 1, err


@pytest.mark.parametrize(
    "schema",
    [
        "{anyOf: [{type: string, maxLenght: 3}, {type: integer}]}",
        "{type: array, items: {type: array, items: {type: string, maxLenght: 3}}}",
        "{type: object, additionalProperties: {type: string, maxLenght: 3}}",
        "{allOf: [{not: {type: string, maxLenght: 3}}]}",
    ],
)
def test_keywords_checked_in_every_subschema(mini_spec: Path, schema: str) -> None:
    line = insert_after(mini_spec / ENDPOINT, PROMPT, f"        extra: {schema}\n")
    err = problems(mini_spec)
    assert_reported(err, ENDPOINT, line, "unknown-keyword", "'maxLenght'")
    assert "did you mean 'maxLength'?" in err


def test_field_names_and_data_are_not_keywords(mini_spec: Path) -> None:
    insert_after(
        mini_spec / ENDPOINT,
        PROMPT,
        "          examples: [{minimun: 1}]\n"
        "        minimun:\n"
        "          title: Minimun\n"
        "          type: object\n"
        "          default: {promt: x, maxLenght: 3}\n"
        "          x-kling-note: a field called minimun is a field, not a keyword\n",
    )
    assert problems(mini_spec) == ""


def test_unknown_x_key(mini_spec: Path) -> None:
    second = insert_after(mini_spec / ENDPOINT, REQUEST, "      x-custom: 1\n")
    first = insert_after(mini_spec / ENDPOINT, PROMPT, "          x-kling-notes: typo\n")
    err = problems(mini_spec)
    assert_reported(err, ENDPOINT, first, "unknown-keyword", "did you mean 'x-kling-note'?")
    assert_reported(err, ENDPOINT, second, "unknown-keyword", "'x-custom'")
    assert "hint: the x- keys a schema may carry: x-fal, x-fal-order-properties" in err


@pytest.mark.parametrize(
    ("value", "detail"),
    [
        ("x-kling-title-inferred: yes please", "is not of type 'boolean'"),
        ("x-kling-note: [a, b]", "is not of type 'string'"),
        ("x-fal-order-properties: [url, url]", "has non-unique elements"),
        ("x-fal: {max_file_size: 0}", "less than the minimum of 1"),
    ],
)
def test_x_key_values(mini_spec: Path, value: str, detail: str) -> None:
    line = insert_after(mini_spec / COMMON, "      title: File\n", f"      {value}\n")
    err = problems(mini_spec)
    assert_reported(err, COMMON, line, "extension-invalid", detail)


def test_wrongly_typed_lists_are_reported_not_raised(mini_spec: Path) -> None:
    line = insert_after(
        mini_spec / COMMON, "      title: File\n", "      x-fal-order-properties: [{url: 1}, url]\n"
    )
    edit(mini_spec / COMMON, "required: [url]", "required: [[url], url]")
    err = problems(mini_spec)
    assert_reported(err, COMMON, line, "extension-invalid", "{'url': 1} is not of type 'string'")
    assert len(err.splitlines()) == 1, err


@pytest.mark.parametrize(
    ("old", "new", "offset", "suggestion"),
    [
        ("  title: Kling 9 Pro", "  titel: Kling 9 Pro", 0, "title"),
        ("  sources: [S1]\n", "  sources: [S1]\n  examples: [{nmae: a, input: {}}]\n", 1, "name"),
        (
            "count: {field: multi_prompt, max: 3}",
            "count: {feild: multi_prompt, max: 3}",
            0,
            "field",
        ),
        (
            "        - id: shots-max-3\n",
            "        - id: shots-max-3\n          mesage: x\n",
            1,
            "message",
        ),
    ],
)
def test_unknown_key_in_an_extension(
    mini_spec: Path, old: str, new: str, offset: int, suggestion: str
) -> None:
    line = edit(mini_spec / ENDPOINT, old, new) + offset
    err = problems(mini_spec)
    assert_reported(err, ENDPOINT, line, "unknown-keyword", f"did you mean {suggestion!r}?")


def test_unknown_key_in_x_fal(mini_spec: Path) -> None:
    line = insert_after(
        mini_spec / COMMON, "      title: File\n", "      x-fal: {max_file_sise: 1}\n"
    )
    err = problems(mini_spec)
    assert_reported(err, COMMON, line, "unknown-keyword", "'max_file_sise' in x-fal")
    assert "did you mean 'max_file_size'?" in err


def test_unknown_component_and_top_level_keys(mini_spec: Path) -> None:
    line = edit(mini_spec / COMMON, "  schemas:\n", "  schema:\n")
    top = edit(mini_spec / ENDPOINT, "components:\n", "component:\n")
    err = problems(mini_spec)
    assert_reported(err, COMMON, line, "unknown-keyword", "'schema' in components")
    assert "did you mean 'schemas'?" in err
    assert_reported(err, ENDPOINT, top, "yaml-unknown-top-key", "did you mean 'components'?")


def test_required_names_unknown_property(mini_spec: Path) -> None:
    line = edit(mini_spec / COMMON, "required: [url]", "required: [url, ulr]")
    err = problems(mini_spec)
    assert_reported(err, COMMON, line, "required-unknown", "'ulr'")
    assert "#/components/schemas/File/required/1" in err
    assert "did you mean 'url'?" in err
    assert len(err.splitlines()) == 1, err


def test_required_may_name_properties_of_all_of_members(mini_spec: Path) -> None:
    insert_after(
        mini_spec / COMMON,
        "  schemas:\n",
        "    Named:\n      title: Named\n      required: [url, name]\n"
        '      allOf: [{$ref: "#/components/schemas/File"}]\n'
        "      properties:\n        name: {title: Name, type: string}\n",
    )
    assert problems(mini_spec) == ""


def test_order_properties_must_list_exactly_the_properties(mini_spec: Path) -> None:
    line = insert_after(
        mini_spec / ENDPOINT,
        REQUEST,
        "      x-fal-order-properties: [promt, duration, multi_prompt]\n",
    )
    err = problems(mini_spec)
    at = f"spec/{ENDPOINT}:{line} #/components/schemas/TextToVideoV9ProRequest/x-fal-order-properties"
    assert (
        f"{at}: error[order-properties-missing] x-fal-order-properties lacks the property 'prompt'"
        in err
    )
    assert (
        f"{at}: error[order-properties-missing] x-fal-order-properties lacks the property 'aspect_ratio'"
        in err
    )
    assert (
        f"{at}/0: error[order-properties-unknown] x-fal-order-properties names 'promt', "
        "which is not in properties; did you mean 'prompt'?" in err
    )
    assert len(err.splitlines()) == 3, err


def test_order_properties_in_any_order(mini_spec: Path) -> None:
    order = "      x-fal-order-properties: [duration, aspect_ratio, multi_prompt, prompt]\n"
    insert_after(mini_spec / ENDPOINT, REQUEST, order)
    assert problems(mini_spec) == ""


@pytest.mark.parametrize("ref", ["#/components/schemas/Shoot", "#/components/schema/Shot"])
def test_missing_ref_suggests_a_schema(mini_spec: Path, ref: str) -> None:
    line = edit(mini_spec / ENDPOINT, '{$ref: "#/components/schemas/Shot"}', f'{{$ref: "{ref}"}}')
    err = problems(mini_spec)
    assert_reported(
        err,
        ENDPOINT,
        line,
        "ref-missing",
        f"{ref!r} points to nothing; did you mean '#/components/schemas/Shot'? hint:",
    )


def test_duplicate_endpoint_blames_the_later_file(mini_spec: Path) -> None:
    early = mini_spec / "endpoints/v9/a/text-to-video.yaml"  # sorts before endpoints/v9/pro/
    early.parent.mkdir(parents=True)
    early.write_text((mini_spec / ENDPOINT).read_text(encoding="utf-8").split("components:")[0])
    err = problems(mini_spec)
    rows = [row for row in err.splitlines() if "error[endpoint-duplicate]" in row]
    assert rows == [
        f"spec/{ENDPOINT}:2 #/x-kling-endpoint/id: error[endpoint-duplicate] endpoint id "
        "'fal-ai/kling-video/v9/pro/text-to-video' is already defined in "
        "spec/endpoints/v9/a/text-to-video.yaml:2"
    ], err


@pytest.mark.parametrize(
    ("old", "new", "column"),
    [
        pytest.param("  tier: pro\n", "\ttier: pro\n", 1, id="violates-indentation"),
        pytest.param(
            "          title: Prompt\n", "\t  title: Prompt\n", 1, id="cannot-start-token"
        ),
        pytest.param("  sources: [S1]\n", "  sources:\n  -\tS1\n", 4, id="after-dash"),
    ],
)
def test_tab_in_indentation(mini_spec: Path, old: str, new: str, column: int) -> None:
    line = edit(mini_spec / ENDPOINT, old, new) + new.count("\n") - 1
    assert problems(mini_spec) == (
        f"spec/{ENDPOINT}:{line} #: error[yaml-tab] tab character at column {column} "
        "(YAML indentation must use spaces)"
    )


def test_tab_inside_text_is_fine(mini_spec: Path) -> None:
    edit(
        mini_spec / ENDPOINT,
        "  summary: Makes a clip from a prompt.",
        '  summary: "Makes\ta clip."',
    )
    edit(
        mini_spec / ENDPOINT,
        "Give either prompt or multi_prompt.",
        "|\n            Give either\n            \tprompt or multi_prompt.",
    )
    assert problems(mini_spec) == ""


def test_all_problems_at_once_from_every_command(
    mini_spec: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    insert_after(mini_spec / ENDPOINT, PROMPT, "          minimun: 0\n")
    edit(mini_spec / COMMON, "required: [url]", "required: [ulr]")
    edit(mini_spec / ENDPOINT, "  title: Kling 9 Pro", "  titel: Kling 9 Pro")
    out = mini_spec.parent / "out"
    for argv in (
        ["generate", "--spec", str(mini_spec), "--out", str(out)],
        ["check", "--spec", str(mini_spec), "--out", str(out)],
        ["diff", str(mini_spec), str(mini_spec)],
    ):
        assert main(argv) == 1, argv
        err = capsys.readouterr().err
        assert "Traceback" not in err
        for code in (
            "error[unknown-keyword] unknown keyword 'minimun'",
            "error[required-unknown]",
            "error[unknown-keyword] unknown keyword 'titel'",
        ):
            assert code in err, (argv, err)


@pytest.mark.parametrize(
    "spec",
    [SPEC, *sorted(p for p in (SPEC / "history").iterdir() if p.is_dir())],
    ids=lambda p: p.relative_to(SPEC.parent).as_posix(),
)
def test_the_real_spec_and_its_history_are_strict(spec: Path) -> None:
    check_structure(assemble(load_dir(spec)))


def test_a_problem_repeated_and_reloaded_is_reported_at_each_place(mini_spec: Path) -> None:
    """The same bad value in two files is two problems, each at its own place, on every load
    (checks and parses are remembered within a process: the memory must not drop or merge them)."""
    here = insert_after(mini_spec / ENDPOINT, PROMPT, " " * 10 + "x-kling-note: 5\n")
    there = insert_after(
        mini_spec / COMMON,
        "        url: {title: Url, type: string}\n",
        " " * 6 + "x-kling-note: 5\n",
    )
    for _ in range(2):
        err = problems(mini_spec)
        assert_reported(err, ENDPOINT, here, "extension-invalid", "x-kling-note")
        assert_reported(err, COMMON, there, "extension-invalid", "x-kling-note")
        assert len(err.splitlines()) == 2, err


def test_a_file_parsed_again_is_a_copy_of_its_own() -> None:
    """A caller changing what it was given does not change what the next caller gets."""
    text = "a: {b: [1]}\nc: 2\n"
    first = parse("x.yaml", text)
    first.data["a"]["b"].append(2)
    first.lines["/c"] = 99
    again = parse("x.yaml", text)
    assert again.data == {"a": {"b": [1]}, "c": 2}
    assert again.line("/c") == 2
