"""spec/ -> load -> assemble -> validate -> IR -> bundle + models + templates -> generated/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.output.stamp import STAMP, input_hash, is_current, output_hash, stamp_text
from generator.output.write import differences, materialize, staging, swap_in, tree
from generator.settings import TEMPLATES

if TYPE_CHECKING:
    from generator.ir.model import Api


@dataclass(frozen=True, slots=True)
class Options:
    """Where to read from and write to."""

    spec_dir: Path
    out_dir: Path
    template_dirs: tuple[Path, ...] = ()


def load_api(spec_dir: Path) -> tuple[Api, dict[str, Any]]:
    """Load, validate and build the IR and the bundle; raises SpecError on any spec problem."""
    from generator.build import load_api as load  # the heavy stages load only when needed

    return load(spec_dir)


def render(options: Options) -> dict[str, str]:
    """Every output file's unformatted text, in memory (see generator.build.render).

    The process that runs datamodel-code-generator is forked first, before the heavy stages are
    imported here, so that its own imports overlap theirs.
    """
    from generator.output.background import Worker
    from generator.targets.python.models import warm_up

    with Worker(warm_up) as models:
        from generator.build import render as render_files

        return render_files(options.spec_dir, options.template_dirs, models)


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
