"""The per-class split of a model module: each class's source exactly as written."""

from __future__ import annotations

import ast

from generator.targets.python.split import split_module

SOURCE = (
    "from pydantic import BaseModel\n"
    "\n"
    "\n"
    "class Caf\u00e9Shot(BaseModel):\n"
    '    """Caf\u00e9 \u2028 one line \x0c still one: only \\n, \\r\\n and \\r end lines."""\n'
    "    prompt: str\r\n"
    "\n"
    "\n"
    "class Request(BaseModel):\n"
    "    shots: list[Caf\u00e9Shot]\n"
)


def test_each_class_module_holds_its_source_as_written() -> None:
    files = split_module(SOURCE, "pkg", "# header", "The package.")
    assert sorted(files) == ["__init__.py", "caf\u00e9shot.py", "request.py"]
    for node in ast.parse(SOURCE).body:
        if isinstance(node, ast.ClassDef):
            segment = ast.get_source_segment(SOURCE, node)
            assert segment is not None
            module = "caf\u00e9shot.py" if node.name.startswith("Caf") else "request.py"
            assert files[module].endswith(f"\n\n\n{segment}\n")
    assert "from pkg.caf\u00e9shot import Caf\u00e9Shot" in files["request.py"]
