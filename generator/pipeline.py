"""spec/ -> load -> assemble -> validate -> IR -> bundle + models + templates -> generated/."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.assemble import Spec, assemble
from generator.background import Background
from generator.build_ir import build_ir
from generator.bundle import build_bundle
from generator.diagnostics import SpecError
from generator.fixtures import attach_fixtures
from generator.history import attach_history
from generator.ir import Api
from generator.load import load_dir
from generator.render import TEMPLATES, header_for, render_all
from generator.stamp import STAMP, input_hash, is_current, output_hash, stamp_text
from generator.validate import check_semantics, check_structure, openapi_problems
from generator.write import differences, materialize, staging, swap_in, tree

MODEL_PATHS = {"input": "kling_fal/models/inputs.py", "output": "kling_fal/models/outputs.py"}


@dataclass(frozen=True, slots=True)
class Options:
    """Where to read from and write to."""

    spec_dir: Path
    out_dir: Path
    template_dirs: tuple[Path, ...] = ()


def _load(spec_dir: Path) -> tuple[Spec, dict[str, Any]]:
    spec = assemble(load_dir(spec_dir))
    check_structure(spec)
    return spec, build_bundle(spec)


def _build(spec: Spec, bundle: dict[str, Any], spec_dir: Path, *, openapi: bool) -> Api:
    check_semantics(spec, bundle, openapi=openapi)
    return attach_history(attach_fixtures(build_ir(spec)), spec, spec_dir)


def load_api(spec_dir: Path) -> tuple[Api, dict[str, Any]]:
    """Load, validate and build the IR and the bundle; raises SpecError on any spec problem."""
    spec, bundle = _load(spec_dir)
    return _build(spec, bundle, spec_dir, openapi=True), bundle


def render(options: Options) -> dict[str, str]:
    """Every output file's unformatted text, in memory.

    The OpenAPI 3.1 check (the slowest stage) runs in a second process meanwhile; its verdict is
    awaited before anything is returned, so a spec it rejects still writes nothing.
    """
    spec, bundle = _load(options.spec_dir)
    pending = Background(openapi_problems, spec, bundle)
    try:
        api = _build(spec, bundle, options.spec_dir, openapi=False)
        files = _render_files(api, bundle, options)
    finally:
        problems = pending.result()
    if problems:
        raise SpecError(problems)
    return files


def _render_files(api: Api, bundle: dict[str, Any], options: Options) -> dict[str, str]:
    files = render_all(api, options.template_dirs)
    files["openapi.json"] = json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
    from generator.models import model_modules  # datamodel-code-generator is slow to import

    header = header_for("x.py")
    for role, code in model_modules(api, bundle, header).items():
        files[MODEL_PATHS[role]] = code
    return files


def _inputs(options: Options) -> str:
    return input_hash(options.spec_dir, options.template_dirs, TEMPLATES)


def generate(options: Options, *, force: bool = False) -> int:
    """Write the output tree atomically; returns the number of files written (0: already current)."""
    inputs = _inputs(options)
    if not force and is_current(options.out_dir, inputs, tree(options.out_dir)):
        return 0
    files = render(options)
    with staging(options.out_dir) as staged:
        materialize(files, staged)
        (staged / STAMP).write_text(stamp_text(inputs, output_hash(tree(staged))), encoding="utf-8")
        swap_in(staged, options.out_dir)
    return len(files)


def check(options: Options, *, force: bool = False) -> list[str]:
    """How the output tree on disk differs from what the spec produces (empty when up to date).

    Unless `force`, an output whose stamp matches the current inputs and its own content is
    current without rendering anything. The stamp is a cache, not content: it is not compared.
    """
    inputs = _inputs(options)
    on_disk = tree(options.out_dir)
    if not force and is_current(options.out_dir, inputs, on_disk):
        return []
    on_disk.pop(STAMP, None)
    files = render(options)
    with staging(options.out_dir) as staged:
        materialize(files, staged)
        return differences(tree(staged), on_disk)
