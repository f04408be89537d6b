"""The generated docs: every endpoint and enum has a page, links resolve (the strict mkdocs build is
tested in test_docs_browser.py, which serves that one build to the browser)."""

from __future__ import annotations

import html
import re

import jinja2
import kling_fal
import markdown
import yaml
from kling_fal import models
from support import GENERATED, ROOT

from generator.output.render import FILTERS, GLOBALS, make_env

DOCS = GENERATED / "docs"
PREFIX = "fal-ai/kling-video/"


def test_every_endpoint_has_a_page_listed_in_the_index() -> None:
    index = (DOCS / "endpoints.md").read_text(encoding="utf-8")
    for endpoint_id, info in kling_fal.ENDPOINTS.items():
        path = endpoint_id.removeprefix(PREFIX)
        page = (DOCS / "endpoints" / f"{path}.md").read_text(encoding="utf-8")
        assert f"`{endpoint_id}`" in page
        assert f"(endpoints/{path}.md)" in index
        assert FILTERS["md_text"](info.summary) in page


def test_endpoint_pages_document_every_field_and_rule() -> None:
    from kling_fal._spec_data import RULES

    for endpoint_id, info in kling_fal.ENDPOINTS.items():
        page = (DOCS / "endpoints" / f"{endpoint_id.removeprefix(PREFIX)}.md").read_text(
            encoding="utf-8"
        )
        for name in info.input.model_fields:
            assert re.search(rf"^\| `{name}`( \*\*required\*\*)? \|", page, re.M), (
                endpoint_id,
                name,
            )
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


def test_capability_matrix_has_a_row_per_endpoint_grouped_by_family() -> None:
    matrix = (DOCS / "capabilities.md").read_text(encoding="utf-8")
    rows = [line for line in matrix.splitlines() if line.startswith("| [`")]
    assert len(rows) == len(kling_fal.ENDPOINTS)
    header = next(line for line in matrix.splitlines() if line.startswith("| endpoint |"))
    columns = [c.strip() for c in header.strip("|").split("|")]
    cells = {
        r.split("`")[1]: dict(
            zip(columns, (c.strip() for c in r.strip("|").split("|")), strict=True)
        )
        for r in rows
    }
    v26 = cells["v2.6/pro/image-to-video"]  # start and end frame, audio on by default, 2 voices
    assert (v26["start frame"], v26["end frame"], v26["audio"], v26["voices"]) == (
        "✓",
        "✓",
        "✓ (true)",
        "✓",
    )
    assert (v26["multi-shot"], v26["cfg scale"], v26["durations"]) == ("—", "—", "5, 10 s")
    assert cells["v2.6/pro/text-to-video"]["start frame"] == "—"
    families = re.findall(r"^## (.+)$", matrix, flags=re.M)
    assert families == sorted({info.model for info in kling_fal.ENDPOINTS.values()})
    for family, section in zip(families, re.split(r"^## .+$", matrix, flags=re.M)[1:], strict=True):
        ids = {line.split("`")[1] for line in section.splitlines() if line.startswith("| [`")}
        assert ids and all(kling_fal.ENDPOINTS[PREFIX + i].model == family for i in ids)


def _rendered_text(source: str) -> str:
    """The visible text of Markdown as mkdocs renders it (tables on), tags dropped."""
    return _text(markdown.markdown(source, extensions=["tables", "md_in_html"]))


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


SPEC_TEXT = [
    "Reference voices in the prompt using <<<voice_1>>>, <<<voice_2>>>.",
    "Use @Element1 or @Element2 in the prompt; a | b; 2*3*4; snake_case_name; <b>not bold</b>",
    "[not a link](x) `not code` # not a heading & an ampersand \\ a backslash",
]


def test_md_text_renders_spec_text_literally() -> None:
    for text in SPEC_TEXT:
        assert _rendered_text(FILTERS["md_text"](text)) == text
        cell = FILTERS["md_cell"](FILTERS["md_text"](text))
        table = markdown.markdown(f"| a | b |\n|---|---|\n| {cell} | end |", extensions=["tables"])
        cells = [_text(c) for c in re.findall(r"<td>(.*?)</td>", table, flags=re.S)]
        assert cells == [text, "end"], table


def test_md_cell_keeps_markdown_and_escapes_bare_pipes() -> None:
    assert FILTERS["md_cell"]("`5`, `10`;\n  a | b") == "`5`, `10`; a \\| b"
    assert FILTERS["md_cell"]("a \\| b") == "a \\| b"


def test_voice_placeholders_reach_the_page_escaped() -> None:
    page = (DOCS / "endpoints" / "v2.6" / "pro" / "image-to-video.md").read_text(encoding="utf-8")
    assert "&lt;&lt;&lt;voice\\_1&gt;&gt;&gt;" in page and "<<<voice_1>>>" not in page


def test_nav_uses_the_spec_titles() -> None:
    config = yaml.safe_load((GENERATED / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["extra_css"] == ["stylesheets/extra.css"]
    assert (DOCS / "stylesheets" / "extra.css").is_file()

    def leaves(items: list[object]) -> dict[str, str]:
        found: dict[str, str] = {}
        for item in items:
            ((title, target),) = item.items()  # type: ignore[attr-defined]
            found.update(leaves(target) if isinstance(target, list) else {target: title})
        return found

    pages = leaves(config["nav"])
    assert list(pages)[:4] == [
        "index.md",
        "guides/client.md",
        "guides/emulator.md",
        "guides/cli.md",
    ]
    for endpoint_id, info in kling_fal.ENDPOINTS.items():
        assert pages[f"endpoints/{endpoint_id.removeprefix(PREFIX)}.md"] == info.title
    every_page = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")}
    assert set(pages) == every_page


def test_every_filter_and_global_is_registered_and_documented() -> None:
    env = make_env()
    builtin = jinja2.Environment()
    assert set(env.filters) - set(builtin.filters) == set(FILTERS)
    assert set(env.globals) - set(builtin.globals) == set(GLOBALS)
    reference = (ROOT / "templates" / "IR.md").read_text(encoding="utf-8")
    for name, function in {**FILTERS, **GLOBALS}.items():
        doc = " ".join((function.__doc__ or "").split())
        assert doc and f"- `{name}` (" in reference and doc in reference, name
    for option in ("trim_blocks=True", "lstrip_blocks=True", "`{endpoint}` | `{endpoint.path}`"):
        assert option in reference
