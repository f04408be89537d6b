"""spec/ -> load -> assemble -> validate -> IR -> bundle + models + templates -> generated/."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from generator.assemble import assemble
from generator.build_ir import build_ir
from generator.bundle import build_bundle
from generator.fixtures import attach_fixtures
from generator.ir import Api
from generator.load import load_dir
from generator.models import model_modules
from generator.render import header_for, render_all
from generator.validate import check_semantics, check_structure
from generator.write import differences, materialize, staging, swap_in, tree

MODEL_PATHS = {"input": "kling_fal/models/inputs.py", "output": "kling_fal/models/outputs.py"}


@dataclass(frozen=True, slots=True)
class Options:
    """Where to read from and write to."""

    spec_dir: Path
    out_dir: Path
    template_dirs: tuple[Path, ...] = ()


def load_api(spec_dir: Path) -> tuple[Api, dict[str, object]]:
    """Load, validate and build the IR and the bundle; raises SpecError on any spec problem."""
    spec = assemble(load_dir(spec_dir))
    check_structure(spec)
    bundle = build_bundle(spec)
    check_semantics(spec, bundle)
    return attach_fixtures(build_ir(spec)), bundle


def render(options: Options) -> dict[str, str]:
    """Every output file's unformatted text, in memory."""
    api, bundle = load_api(options.spec_dir)
    files = render_all(api, options.template_dirs)
    files["openapi.json"] = json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
    header = header_for("x.py")
    for role, code in model_modules(api, bundle, header).items():
        files[MODEL_PATHS[role]] = code
    return files


def generate(options: Options) -> int:
    """Write the output tree atomically; returns the number of files written."""
    files = render(options)
    with staging(options.out_dir) as staged:
        materialize(files, staged)
        swap_in(staged, options.out_dir)
    return len(files)


def check(options: Options) -> list[str]:
    """How the output tree on disk differs from what the spec produces (empty when up to date)."""
    files = render(options)
    with staging(options.out_dir) as staged:
        materialize(files, staged)
        return differences(tree(staged), tree(options.out_dir))
