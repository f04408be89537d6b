"""Spec revisions read from directories: spec/history/<name>/ snapshots, or any spec directory.

Nothing here runs git: `klinggen generate` reads its history from these directories only.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from generator.diagnostics import SpecError
from generator.frontend.assemble import Spec, assemble
from generator.frontend.ast import SpecAst, build_ast
from generator.frontend.load import HISTORY_DIR, load_dir
from generator.frontend.validate import check_semantics, check_structure
from generator.targets.openapi.bundle import build_bundle


def snapshots(spec_dir: Path) -> tuple[Path, ...]:
    """The snapshot directories under `<spec_dir>/history/`, sorted by name (oldest first)."""
    base = spec_dir / HISTORY_DIR
    if not base.is_dir():
        return ()
    return tuple(sorted((p for p in base.iterdir() if p.is_dir()), key=lambda p: p.name))


def load_spec(spec_dir: Path, *, full: bool = True, openapi: bool = True) -> Spec:
    """Load and validate a spec directory: the checks of `klinggen generate` (no IR), or only
    the structural ones ($refs, extensions, cycles: what flattening relies on) unless `full`."""
    spec = assemble(load_dir(spec_dir))
    check_structure(spec)
    if full:
        check_semantics(spec, build_bundle(build_ast(spec)), openapi=openapi)
    return spec


def load_labeled(spec_dir: Path, label: str, *, full: bool = True, openapi: bool = True) -> SpecAst:
    """The AST of load_spec (without the semantic checks unless `full`), with diagnostics naming
    files as `label/...` (how the user named the spec)."""
    try:
        return build_ast(load_spec(spec_dir, full=full, openapi=openapi))
    except SpecError as exc:
        prefix = spec_dir.name + "/"
        raise SpecError(
            [replace(d, file=label + "/" + d.file.removeprefix(prefix)) for d in exc.diagnostics]
        ) from None
