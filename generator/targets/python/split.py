"""Split a datamodel-code-generator module into one module per class, imported on first use.

Validating one endpoint then imports (and pydantic builds) only the classes its request needs,
not all of them. Each class module imports exactly the names it uses: from the original header,
and the other classes from their own modules, so no annotation is a forward reference and the
modules need no `from __future__ import annotations` (whose strings pydantic would evaluate).
The package's `__init__` maps each class name to its module and imports it on first access.
"""

from __future__ import annotations

import ast
import io
import re

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def module_name(class_name: str) -> str:
    """`ImageToVideoV26ProRequest` -> `image_to_video_v26_pro_request`."""
    return _CAMEL.sub("_", class_name).lower()


def _used_names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _header_imports(tree: ast.Module) -> dict[str, tuple[str, str]]:
    """Imported name -> (module, original name), for every `from X import Y` of the header."""
    found: dict[str, tuple[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module != "__future__":
            for alias in node.names:
                found[alias.asname or alias.name] = (node.module, alias.name)
        elif isinstance(node, ast.Import):
            raise ValueError("plain `import` statements are not expected in model modules")
    return found


def _import_lines(names: set[str], header: dict[str, tuple[str, str]]) -> list[str]:
    by_module: dict[str, list[str]] = {}
    for name in sorted(names & header.keys()):
        module, original = header[name]
        shown = original if original == name else f"{original} as {name}"
        by_module.setdefault(module, []).append(shown)
    return [
        f"from {module} import {', '.join(items)}" for module, items in sorted(by_module.items())
    ]


def split_module(source: str, package: str, header: str, doc: str) -> dict[str, str]:
    """`{relative path: source}` of the package `package` (dotted) replacing `source`.

    `header` heads every file; `doc` is the package docstring.
    """
    tree = ast.parse(source)
    imports = _header_imports(tree)
    classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    modules = {cls.name: module_name(cls.name) for cls in classes}
    if len(set(modules.values())) != len(modules):
        raise ValueError("two model classes map to the same module name")
    files: dict[str, str] = {}
    source_lines = io.StringIO(source, newline="").readlines()  # ends \n, \r\n, \r: as ast's
    for cls in classes:
        used = _used_names(cls)
        lines = _import_lines(used, imports)
        lines += [
            f"from {package}.{modules[dep]} import {dep}"
            for dep in sorted(used & modules.keys() - {cls.name})
        ]
        body = _segment(source_lines, cls)
        files[f"{modules[cls.name]}.py"] = f"{header}\n\n" + "\n".join(lines) + f"\n\n\n{body}\n"
    files["__init__.py"] = _lazy_init(modules, package, header, doc)
    return files


def _segment(lines: list[str], node: ast.stmt) -> str:
    """The source of `node`, as ``ast.get_source_segment`` gives it, from lines split once
    (that function splits the whole source again on every call: quadratic over 100+ classes)."""
    assert node.end_lineno is not None and node.end_col_offset is not None
    first, last = node.lineno - 1, node.end_lineno - 1
    if first == last:
        return lines[first].encode()[node.col_offset : node.end_col_offset].decode()
    head = lines[first].encode()[node.col_offset :].decode()
    tail = lines[last].encode()[: node.end_col_offset].decode()
    return head + "".join(lines[first + 1 : last]) + tail


def _lazy_init(modules: dict[str, str], package: str, header: str, doc: str) -> str:
    names = sorted(modules)
    typing = "\n".join(f"    from {package}.{modules[n]} import {n}" for n in names)
    table = "\n".join(f"    {n!r}: {modules[n]!r}," for n in names)
    exported = "\n".join(f"    {n!r}," for n in names)
    return f'''{header}
"""{doc}"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
{typing}

_MODULES = {{
{table}
}}
__all__ = [
{exported}
]


if not TYPE_CHECKING:  # type checkers see the imports above: a misspelt name is an error

    def __getattr__(name: str) -> Any:
        """Import the module of the class `name` on first access."""
        module = _MODULES.get(name)
        if module is None:
            raise AttributeError(f"module {{__name__!r}} has no attribute {{name!r}}")
        value = getattr(import_module(f"{{__name__}}.{{module}}"), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted(__all__)
'''
