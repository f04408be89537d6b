"""Content hashes that let an unchanged regeneration or check skip all work.

`generated/.klinggen-stamp` records a hash of every input (spec, templates, the generator's own
code and the versions of the tools it runs) and a hash of the output tree it produced.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from generator.output.write import files_under

STAMP = ".klinggen-stamp"
_GENERATOR = Path(__file__).resolve().parent.parent
_TOOLS = ("datamodel_code_generator", "ruff", "jinja2", "pydantic")


def _digest_files(digest: hashlib._Hash, root: Path, label: str) -> None:
    for rel, path in files_under(root):
        digest.update(f"{label}/{rel}\0".encode())
        with open(path, "rb") as file:
            digest.update(file.read())


def _tool_versions() -> list[str]:
    """The installed tools' `<name>-<version>.dist-info` names (faster than importlib.metadata)."""
    found = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found.update(
            name
            for name in names
            if name.endswith(".dist-info") and name.partition("-")[0].lower() in _TOOLS
        )
    return sorted(found)


def input_hash(spec_dir: Path, template_dirs: tuple[Path, ...], builtin_templates: Path) -> str:
    """Hash of everything a generation reads."""
    digest = hashlib.sha256()
    for index, root in enumerate((spec_dir, builtin_templates, *template_dirs, _GENERATOR)):
        _digest_files(digest, root, str(index))
    digest.update(json.dumps(_tool_versions()).encode())
    return digest.hexdigest()


def output_hash(files: dict[str, bytes]) -> str:
    """Hash of an output tree (path -> bytes), the stamp itself excluded."""
    digest = hashlib.sha256()
    for rel, data in sorted(files.items()):
        if rel != STAMP:
            digest.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def stamp_text(inputs: str, outputs: str) -> str:
    """The stamp file's content."""
    return json.dumps({"inputs": inputs, "outputs": outputs}, indent=2) + "\n"


def is_current(out_dir: Path, inputs: str, files: dict[str, bytes]) -> bool:
    """Whether `out_dir` was made from these inputs and has not been touched since."""
    try:
        recorded = json.loads((out_dir / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return recorded == {"inputs": inputs, "outputs": output_hash(files)}
