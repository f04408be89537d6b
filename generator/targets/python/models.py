"""Pydantic v2 model modules made by datamodel-code-generator from the bundled schemas."""

from __future__ import annotations

import json
import warnings
from collections import defaultdict
from typing import Any

from datamodel_code_generator import DataModelType, InputFileType, PythonVersion, generate
from datamodel_code_generator.enums import StrictTypes

from generator.frontend.schema_walk import REF_PREFIX, all_refs
from generator.ir.model import EnumDef
from generator.settings import TEMPLATES, cache_key, cached, store
from generator.targets.python.naming import member_names
from generator.targets.python.signatures import Constructors, is_digit_enum
from generator.targets.python.split import split_module

_COMMON: dict[str, Any] = {
    "input_file_type": InputFileType.OpenAPI,
    "output_model_type": DataModelType.PydanticV2BaseModel,
    "target_python_version": PythonVersion.PY_310,
    "use_annotated": True,
    "field_constraints": True,
    "use_schema_description": True,
    "use_subclass_enum": True,
    "set_default_enum_member": True,
    "use_double_quotes": True,
    "use_standard_collections": True,
    "use_union_operator": True,
    "keep_model_order": False,
    "disable_timestamp": True,
    "formatters": [],
    "strict_refs": True,
    "reuse_model": False,
}
# Requests follow JSON Schema strictly (no str->int, bool->float or int->str coercion; enums stay
# lax so that durations accept 5 as well as "5"); responses are forward-compatible.
_STRICT = [StrictTypes.str, StrictTypes.int, StrictTypes.float, StrictTypes.bool]
# role -> (base class, extra fields policy, strict scalar types)
ROLES = {
    "input": ("kling_fal._runtime.KlingInputModel", "forbid", _STRICT),
    "output": ("kling_fal._runtime.KlingOutputModel", "allow", []),
}


# role -> the package of its models under kling_fal.models, and that package's docstring
PACKAGES = {"input": "inputs", "output": "outputs"}
_DOCS = {
    "input": "Request models (strict, as fal validates them), one module per class, imported on first use.",
    "output": "Response models (forward-compatible), one module per class, imported on first use.",
}


# Schemas whose generated class gets a runtime base with behaviour: fal's output File downloads.
_BASES = {("output", "File"): "kling_fal._runtime.KlingFile"}
# Enums of digit strings (durations) derive from DigitEnum, which also accepts 5 for "5"; the
# overridden Enum template of datamodel-code-generator reads `enum_base`.
_DIGIT_BASE = "kling_fal._runtime.DigitEnum"
_ENUM_TEMPLATES = TEMPLATES / "_models"


def _document(
    enums: tuple[EnumDef, ...], bundle: dict[str, Any], names: set[str], role: str
) -> dict[str, Any]:
    schemas = bundle["components"]["schemas"]
    members = {enum.name: list(member_names(enum)) for enum in enums}
    picked: dict[str, Any] = {}
    for name in sorted(names):
        body = dict(schemas[name])
        if name in members:
            body["x-enum-varnames"] = members[name]
        if (role, name) in _BASES:
            body["customBasePath"] = _BASES[role, name]
        picked[name] = body
    return {
        "openapi": bundle["openapi"],
        "info": bundle["info"],
        "paths": {},
        "components": {"schemas": picked},
    }


def _closure(bundle: dict[str, Any], roots: set[str]) -> set[str]:
    schemas = bundle["components"]["schemas"]
    seen: set[str] = set()
    stack = sorted(roots)
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        stack.extend(ref.removeprefix(REF_PREFIX) for _, ref in all_refs(schemas[name]))
    return seen


def model_modules(
    roots: dict[str, set[str]],
    enums: tuple[EnumDef, ...],
    bundle: dict[str, Any],
    header: str,
    typed: Constructors,
) -> dict[str, str]:
    """Output path -> source (unformatted) of the model packages, one module per class.

    `roots` names the schemas of each role (IR `Schema.role`); `enums` are the IR's enums;
    `typed` gives the request models their typed constructors.
    """
    files: dict[str, str] = {}
    digit_enums = sorted(enum.name for enum in enums if is_digit_enum(enum))
    for role, (base_class, extra, strict) in ROLES.items():
        names = _closure(bundle, roots.get(role, set()))
        document = _document(enums, bundle, names, role)
        digits = [name for name in digit_enums if name in names]
        code = _generate(
            document,
            base_class=base_class,
            extra_fields=extra,
            strict_types=strict,
            custom_file_header=header,
            extra_template_data=defaultdict(
                dict, {name: {"enum_base": _DIGIT_BASE.rpartition(".")[2]} for name in digits}
            ),
            additional_imports=[_DIGIT_BASE] if digits else None,
        )
        if role == "input":
            code = typed.apply(code)
        package = f"kling_fal.models.{PACKAGES[role]}"
        split = split_module(code, package, header, _DOCS[role])
        files.update({f"{package.replace('.', '/')}/{rel}": text for rel, text in split.items()})
    return files


def warm_up() -> None:
    """Import datamodel-code-generator and run it once on a tiny document (a forked head start)."""
    tiny = {"type": "object", "properties": {"a": {"type": "string", "enum": ["5"]}}}
    _generate(
        {
            "openapi": "3.1.0",
            "info": {"title": "warm-up", "version": "0"},
            "paths": {},
            "components": {"schemas": {"A": tiny}},
        }
    )


def _generate(document: dict[str, Any], **options: Any) -> str:
    """datamodel-code-generator's module for `document`, kept in the "models" cache by a hash of
    everything it depends on (a template author's regeneration with unchanged schemas skips it)."""
    key = _key(document, options)
    code = cached("models", key)
    if code is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            code = str(
                generate(
                    json.dumps(document), custom_template_dir=_ENUM_TEMPLATES, **options, **_COMMON
                )
            )
        store("models", key, code)
    return code


def _key(document: dict[str, Any], options: dict[str, Any]) -> str:
    """The hash of the inputs: the document, the options, the overridden templates and the
    datamodel-code-generator version."""
    templates = [
        path.read_text(encoding="utf-8") for path in sorted(_ENUM_TEMPLATES.rglob("*.jinja2"))
    ]
    return cache_key(("datamodel-code-generator",), templates, document, options, _COMMON) + ".py"
