"""The one orchestrator: spec/ -> frontend -> IR -> targets -> output -> generated/.

The stages are imported only inside the functions that run them: the process that runs
datamodel-code-generator is forked first, so that its own imports overlap theirs, and a no-op
`klinggen generate` (the stamp shows unchanged inputs) imports none of them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.output.stamp import STAMP, input_hash, is_current, output_hash, stamp_text
from generator.output.write import (
    differences,
    materialize,
    remove_stale,
    staging,
    swap_in,
    tree,
)
from generator.settings import TEMPLATES

if TYPE_CHECKING:
    from generator.frontend.assemble import Spec
    from generator.frontend.ast import SpecAst
    from generator.ir.model import Api
    from generator.output.background import Worker


@dataclass(frozen=True, slots=True)
class Options:
    """Where to read from and write to."""

    spec_dir: Path
    out_dir: Path
    template_dirs: tuple[Path, ...] = ()


def _front(spec_dir: Path) -> tuple[Spec, SpecAst, dict[str, Any]]:
    """Load, assemble and structurally check the spec; its AST and the OpenAPI bundle."""
    from generator.frontend.assemble import assemble
    from generator.frontend.ast import build_ast
    from generator.frontend.load import load_dir
    from generator.frontend.validate import check_structure
    from generator.targets.openapi.bundle import build_bundle

    spec = assemble(load_dir(spec_dir))
    check_structure(spec)
    ast = build_ast(spec)
    return spec, ast, build_bundle(ast)


def _ir(spec: Spec, ast: SpecAst, bundle: dict[str, Any], spec_dir: Path, *, openapi: bool) -> Api:
    """The semantic checks, then the IR with its fixtures and history."""
    from generator.frontend.validate import check_semantics
    from generator.history.steps import attach_history
    from generator.ir.build import build_ir
    from generator.ir.fixtures import attach_fixtures

    check_semantics(spec, bundle, openapi=openapi)
    return attach_history(attach_fixtures(build_ir(ast)), ast, spec_dir)


def load_api(spec_dir: Path) -> tuple[Api, dict[str, Any]]:
    """Load, validate and build the IR and the bundle; raises SpecError on any spec problem."""
    spec, ast, bundle = _front(spec_dir)
    return _ir(spec, ast, bundle, spec_dir, openapi=True), bundle


def render(options: Options) -> dict[str, str]:
    """Every output file's unformatted text, in memory.

    The two slow stages run in other processes meanwhile: datamodel-code-generator in a worker
    forked before anything heavy is imported, and the OpenAPI 3.1 check in one forked once the
    spec is loaded. The check's verdict is awaited before anything is returned, so a spec it
    rejects still writes nothing; when a later stage fails on such a spec, its problems are
    reported.
    """
    from generator.output.background import Worker
    from generator.targets.python.models import warm_up

    with Worker(warm_up) as models:
        from generator.diagnostics import SpecError
        from generator.frontend.validate import openapi_problems

        spec, ast, bundle = _front(options.spec_dir)
        with Worker() as openapi:
            openapi.submit(openapi_problems, spec, bundle)
            try:
                files = _render_files(spec, ast, bundle, options, models)
            except Exception:
                problems = openapi.result()
                if problems:
                    raise SpecError(problems) from None
                raise
            problems = openapi.result()
        if problems:
            raise SpecError(problems)
        return files


def _render_files(
    spec: Spec, ast: SpecAst, bundle: dict[str, Any], options: Options, models: Worker
) -> dict[str, str]:
    from generator.diagnostics import Diagnostic, SpecError, message
    from generator.output.render import header_for, render_all
    from generator.targets.openapi.bundle import with_rules
    from generator.targets.python import rules
    from generator.targets.python.models import PACKAGES, model_modules
    from generator.targets.python.signatures import constructors

    api = _ir(spec, ast, bundle, options.spec_dir, openapi=False)
    roots: dict[str, set[str]] = {}
    for schema in api.schemas:
        roots.setdefault(schema.role, set()).add(schema.name)
    typed = constructors(api.schemas, api.enums)
    models.submit(model_modules, roots, api.enums, bundle, header_for("x.py"), typed)
    trees = [f"kling_fal/models/{package}/" for package in PACKAGES.values()]
    reserved = (*trees, rules.PACKAGE_PATH + "/", "openapi.json")
    files = render_all(api, options.template_dirs, reserved)
    files.update(rules.rules_modules(api, header_for("x.py")))
    files["openapi.json"] = json.dumps(with_rules(bundle, api), indent=2, ensure_ascii=False) + "\n"
    try:
        modules = models.result()
    except Exception as exc:
        # a schema shape the checks let through but the model generator rejects
        detail = " ".join(str(exc).split())[:500]
        raise SpecError(
            [
                Diagnostic(
                    code="codegen-failed",
                    file=api.endpoints[0].source.file if api.endpoints else "spec",
                    line=1,
                    pointer="",
                    message=message("codegen-failed", detail=detail),
                )
            ]
        ) from None
    files.update(modules)
    return files


def _inputs(options: Options) -> str:
    return input_hash(options.spec_dir, options.template_dirs, TEMPLATES)


def generate(options: Options, *, force: bool = False) -> int:
    """Write the output tree atomically; returns the number of files written (0: already current)."""
    remove_stale(options.out_dir)
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
    remove_stale(options.out_dir)
    inputs = _inputs(options)
    on_disk = tree(options.out_dir)
    if not force and is_current(options.out_dir, inputs, on_disk):
        return []
    on_disk.pop(STAMP, None)
    files = render(options)
    with staging(options.out_dir) as staged:
        materialize(files, staged)
        return differences(tree(staged), on_disk)
