"""Typed constructors of the request models: what pydantic accepts, spelled for type checkers.

pydantic's ``dataclass_transform`` makes type checkers see ``__init__`` parameters typed like the
fields (``Duration5To10Enum | None``), stricter than validation, which also takes the enum values
(``"5"``, and ``5`` for digit enums) and dicts for nested models. Each request model class gets
an explicit ``__init__`` inside ``if TYPE_CHECKING:`` (type checkers prefer it to the synthesised
one; nothing changes at runtime), typed from the IR: ``Literal`` values for enums and a
``TypedDict`` per nested model (``<Model>Dict``, a runtime class users can annotate with).
"""

from __future__ import annotations

import ast
import keyword
from collections.abc import Iterable
from dataclasses import dataclass

from generator.diagnostics import Diagnostic, SpecError
from generator.ir.model import EnumDef, Field, Schema, Source, TypeRef

# Imports the inserted code needs; split.py gives each class module the ones it uses.
_IMPORTS = (
    "from collections.abc import Sequence\n"
    "from typing import TYPE_CHECKING, Any, Literal\n"
    "from typing_extensions import Required, TypedDict\n"
)
_SCALARS = {"integer": "int", "number": "float", "boolean": "bool", "object": "dict[str, Any]"}


def is_digit_enum(enum: EnumDef) -> bool:
    """Every value is a digit string (durations): validation also accepts the int."""
    return all(member.value.isdigit() for member in enum.members)


def dict_name(model: str) -> str:
    """The TypedDict of the nested model `model`: ``CameraControl`` -> ``CameraControlDict``."""
    return f"{model}Dict"


@dataclass(frozen=True)
class Constructors:
    """The typed ``__init__`` block of each request model, and the nested models' TypedDicts.

    Plain strings, computed from the IR where it lives and applied in the models' worker process.
    """

    blocks: dict[str, str]  # class name -> `if TYPE_CHECKING: def __init__`, in a class body
    typed_dicts: str  # source of the TypedDict classes

    def apply(self, source: str) -> str:
        """`source` (datamodel-code-generator's module) with the blocks and TypedDicts added."""
        lines = source.splitlines(keepends=True)
        classes = [n for n in ast.parse(source).body if isinstance(n, ast.ClassDef)]
        for cls in sorted(classes, key=lambda c: -(c.end_lineno or 0)):
            if cls.name in self.blocks:
                lines.insert(cls.end_lineno or 0, "\n" + self.blocks[cls.name])
        first = min((c.lineno for c in classes), default=1)
        lines.insert(first - 1, _IMPORTS + "\n\n")
        return "".join(lines) + self.typed_dicts


def constructors(schemas: Iterable[Schema], enums: Iterable[EnumDef]) -> Constructors:
    """The typed constructors of the input schemas (`Schema.role`) among `schemas`.

    SpecError when a field name is no Python keyword argument or a name clashes with a TypedDict.
    """
    inputs = {s.name: s for s in schemas if s.role == "input"}
    enum_defs = {e.name: e for e in enums}
    nested = sorted({name for s in inputs.values() for name in _models(s.fields)})
    problems = [
        _problem(f.source, f"field '{s.name}.{f.name}' is not a usable Python keyword argument")
        for s in inputs.values()
        for f in s.fields
        if not f.name.isidentifier() or keyword.iskeyword(f.name)
    ]
    named: dict[str, Schema | EnumDef] = {**inputs, **enum_defs}
    problems += [
        _problem(named[dict_name(m)].source, f"'{dict_name(m)}' is also the TypedDict of '{m}'")
        for m in nested
        if dict_name(m) in named
    ]
    if problems:
        raise SpecError(problems)
    accepted = _Accepted(enum_defs)
    return Constructors(
        blocks={name: accepted.init(schema) for name, schema in sorted(inputs.items())},
        typed_dicts="".join(accepted.typed_dict(inputs[name]) for name in nested),
    )


def _problem(source: Source, message: str) -> Diagnostic:
    return Diagnostic(
        code="python-name",
        file=source.file,
        line=source.line,
        pointer=source.pointer,
        message=message,
    )


class _Accepted:
    """Annotations of the values validation accepts, given the enums."""

    def __init__(self, enums: dict[str, EnumDef]) -> None:
        self._enums = enums

    def init(self, schema: Schema) -> str:
        """The ``if TYPE_CHECKING: def __init__`` block of `schema`'s class (keywords only)."""
        params = ["self", *(["*"] if schema.fields else [])]
        for f in schema.fields:
            default = repr(f.default.raw) if f.default is not None else "None"
            params.append(
                f"{f.name}: {self._annotation(f)}" + ("" if f.required else f" = {default}")
            )
        lines = "".join(f"            {param},\n" for param in params)
        return f"    if TYPE_CHECKING:\n\n        def __init__(\n{lines}        ) -> None: ...\n"

    def typed_dict(self, schema: Schema) -> str:
        """The TypedDict of the nested model `schema`: its required keys are the required fields."""
        items = "".join(
            f"    {f.name}: Required[{self._annotation(f)}]\n"
            if f.required
            else f"    {f.name}: {self._annotation(f)}\n"
            for f in schema.fields
        )
        doc = f'"""``{schema.name}`` as a dict, as validation accepts it."""'
        return f"\n\nclass {dict_name(schema.name)}(TypedDict, total=False):\n    {doc}\n\n{items}"

    def _annotation(self, field: Field) -> str:
        """What `field` accepts; an optional field also takes None."""
        return self.value(field.type) + ("" if field.required else " | None")

    def value(self, t: TypeRef) -> str:
        """The annotation of the values validation accepts for a value of type `t`."""
        if t.kind == "array" and t.item is not None:
            return f"Sequence[{self.value(t.item)}]"
        if t.kind == "string":
            return "bytes" if t.format == "binary" else "str"
        if t.kind == "model":
            return f"{t.name} | {dict_name(t.name)}"
        if t.kind == "enum":
            enum = self._enums[t.name]
            values = [repr(m.value) for m in enum.members]
            if is_digit_enum(enum):  # the ints DigitEnum maps back to a value ("05" has none)
                values += [m.value for m in enum.members if m.value == str(int(m.value))]
            return f"{t.name} | Literal[{', '.join(values)}]"
        return _SCALARS.get(t.kind, "Any")


def _models(fields: tuple[Field, ...]) -> set[str]:
    """Names of the models the fields hold (directly or as array items)."""
    found: set[str] = set()
    for field in fields:
        t: TypeRef | None = field.type
        while t is not None and t.kind == "array":
            t = t.item
        if t is not None and t.kind == "model":
            found.add(t.name)
    return found
