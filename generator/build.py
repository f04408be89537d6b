"""The stages that read the spec and produce every output file's text, in memory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.assemble import Spec, assemble
from generator.background import Background
from generator.build_ir import build_ir
from generator.bundle import build_bundle
from generator.diagnostics import Diagnostic, SpecError, message
from generator.fixtures import attach_fixtures
from generator.history import attach_history
from generator.ir import Api
from generator.load import load_dir
from generator.render import header_for, render_all
from generator.validate import check_semantics, check_structure, openapi_problems

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


def render(spec_dir: Path, template_dirs: tuple[Path, ...] = ()) -> dict[str, str]:
    """Every output file's unformatted text, in memory.

    The OpenAPI 3.1 check (the slowest stage) runs in a second process meanwhile; its verdict is
    awaited before anything is returned, so a spec it rejects still writes nothing. When a later
    stage fails on a spec the check rejects, the spec's problems are what is reported.
    """
    spec, bundle = _load(spec_dir)
    pending = Background(openapi_problems, spec, bundle)
    try:
        api = _build(spec, bundle, spec_dir, openapi=False)
        files = _render_files(api, bundle, template_dirs)
    except Exception:
        problems = pending.result()
        if problems:
            raise SpecError(problems) from None
        raise
    problems = pending.result()
    if problems:
        raise SpecError(problems)
    return files


def _render_files(
    api: Api, bundle: dict[str, Any], template_dirs: tuple[Path, ...]
) -> dict[str, str]:
    files = render_all(api, template_dirs)
    files["openapi.json"] = json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
    from generator.models import model_modules  # datamodel-code-generator is slow to import

    try:
        modules = model_modules(api, bundle, header_for("x.py"))
    except (
        Exception
    ) as exc:  # a schema shape the checks let through but the model generator rejects
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
