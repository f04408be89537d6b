"""The stages that read the spec and produce every output file's text, in memory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostic, SpecError, message
from generator.frontend.assemble import Spec, assemble
from generator.frontend.load import load_dir
from generator.frontend.validate import check_semantics, check_structure, openapi_problems
from generator.history.steps import attach_history
from generator.ir.build import build_ir
from generator.ir.fixtures import attach_fixtures
from generator.ir.model import Api
from generator.output.background import Worker
from generator.output.render import header_for, render_all
from generator.targets.openapi.bundle import build_bundle

MODEL_PATHS = {"input": "kling_fal/models/inputs.py", "output": "kling_fal/models/outputs.py"}


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


def render(spec_dir: Path, template_dirs: tuple[Path, ...], models: Worker) -> dict[str, str]:
    """Every output file's unformatted text, in memory.

    The two slow stages run in other processes meanwhile: datamodel-code-generator in `models`
    (a `Worker` warmed up with `generator.targets.python.models.warm_up`) and the OpenAPI 3.1 check in one forked
    here. The check's verdict is awaited before anything is returned, so a spec it rejects still
    writes nothing; when a later stage fails on such a spec, the spec's problems are reported.
    """
    spec, bundle = _load(spec_dir)
    with Worker() as openapi:
        openapi.submit(openapi_problems, spec, bundle)
        try:
            files = _render_files(spec, bundle, spec_dir, template_dirs, models)
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
    spec: Spec,
    bundle: dict[str, Any],
    spec_dir: Path,
    template_dirs: tuple[Path, ...],
    models: Worker,
) -> dict[str, str]:
    from generator.targets.python.models import model_modules

    api = _build(spec, bundle, spec_dir, openapi=False)
    roots: dict[str, set[str]] = {}
    for schema in api.schemas:
        roots.setdefault(schema.role, set()).add(schema.name)
    models.submit(model_modules, roots, api.enums, bundle, header_for("x.py"))
    files = render_all(api, template_dirs)
    files["openapi.json"] = json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
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
    for role, code in modules.items():
        files[MODEL_PATHS[role]] = code
    return files
