"""Read spec YAML files into plain data plus a JSON-pointer -> line map per file."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.diagnostics import Diagnostic, SpecError, message

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class SpecFile:
    """One parsed spec file: its path relative to the spec root, its data and its line map."""

    path: str
    data: dict[str, Any]
    lines: dict[str, int] = field(repr=False)

    def line(self, pointer: str) -> int:
        """Line of the deepest node on `pointer` that the file has (1 for the whole file)."""
        while pointer:
            if pointer in self.lines:
                return self.lines[pointer]
            pointer = pointer.rsplit("/", 1)[0]
        return 1

    def diag(self, code: str, pointer: str, hint: str = "", **fields: object) -> Diagnostic:
        """A diagnostic located at `pointer` in this file."""
        return Diagnostic(
            code=code,
            file=self.path,
            line=self.line(pointer),
            pointer=pointer,
            message=message(code, **fields),
            hint=hint,
        )


def escape(token: str) -> str:
    """Escape one JSON-pointer token."""
    return token.replace("~", "~0").replace("/", "~1")


def pointer(*tokens: object) -> str:
    """JSON pointer from tokens: pointer('a', 0) == '/a/0'."""
    return "".join("/" + escape(str(t)) for t in tokens)


def _walk(node: yaml.Node, at: str, lines: dict[str, int], dupes: list[tuple[str, str]]) -> None:
    lines[at] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = at + "/" + escape(key)
            if key in seen:
                dupes.append((child, key))
            seen.add(key)
            _walk(value_node, child, lines, dupes)
            lines[child] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, f"{at}/{index}", lines, dupes)


def _is_tab(text: str, mark: yaml.Mark) -> bool:
    rows = text.split("\n")
    return mark.line < len(rows) and rows[mark.line][mark.column : mark.column + 1] == "\t"


def _syntax_error(path: str, text: str, exc: yaml.YAMLError) -> SpecError:
    problem = getattr(exc, "problem_mark", None)
    mark = problem or getattr(exc, "context_mark", None)
    # a ReaderError (control character) knows only its character position
    position = text[: getattr(exc, "position", 0)].count("\n") + 1
    line = mark.line + 1 if mark is not None else position
    if problem is not None and _is_tab(text, problem):
        code, said = "yaml-tab", message("yaml-tab", column=problem.column + 1)
    else:
        parts = (getattr(exc, "context", None), getattr(exc, "problem", None))
        detail = " ".join(str(p) for p in parts if p) or str(exc).splitlines()[0]
        code, said = "yaml-syntax", message("yaml-syntax", detail=detail)
    return SpecError([Diagnostic(code=code, file=path, line=line, pointer="", message=said)])


_PARSED: dict[tuple[str, str], bytes] = {}  # each file's data and line map, pickled
_PARSED_BUDGET = 64 << 20  # bytes of pickles kept, then all are forgotten
_PARSED_TEXT_MAX = 1 << 20  # longer files are parsed every time


def parse(path: str, text: str) -> SpecFile:
    """Parse one file; raise SpecError naming the file and line on bad YAML or duplicate keys.

    A file read again unchanged (each step of an import reloads the whole spec) is a copy of the
    first parse: its own objects, so that no caller sees another's changes."""
    key = (path, text)
    kept = _PARSED.get(key)
    if kept is not None:
        data, lines = pickle.loads(kept)
        return SpecFile(path, data, lines)
    spec_file = _parse(path, text)
    if len(text) <= _PARSED_TEXT_MAX:
        kept = pickle.dumps((spec_file.data, spec_file.lines), pickle.HIGHEST_PROTOCOL)
        if sum(map(len, _PARSED.values())) + len(kept) > _PARSED_BUDGET:
            _PARSED.clear()
        _PARSED[key] = kept
    return spec_file


def _parse(path: str, text: str) -> SpecFile:
    try:
        loader = _Loader(text)
    except yaml.YAMLError as exc:
        raise _syntax_error(path, text, exc) from None
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise _syntax_error(path, text, exc) from None
    except RecursionError:  # absurdly deep nesting
        raise _syntax_error(path, text, yaml.YAMLError("nesting too deep")) from None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    dupes: list[tuple[str, str]] = []
    if node is not None:
        _walk(node, "", lines, dupes)
    spec_file = SpecFile(path, data if isinstance(data, dict) else {}, lines)
    problems = [spec_file.diag("yaml-duplicate-key", at, key=key) for at, key in dupes]
    if not isinstance(data, dict):
        problems.append(spec_file.diag("yaml-not-mapping", ""))
    if problems:
        raise SpecError(problems)
    return spec_file


HISTORY_DIR = "history"  # spec/history/<name>/: older full snapshots, loaded only as history


def load_dir(spec_dir: Path) -> tuple[SpecFile, ...]:
    """Every *.yaml below `spec_dir` but history/, sorted by relative path; all YAML errors at once."""
    files: list[SpecFile] = []
    problems: list[Diagnostic] = []
    found = (p for p in spec_dir.rglob("*.yaml") if p.relative_to(spec_dir).parts[0] != HISTORY_DIR)
    for path in sorted(found, key=lambda p: p.relative_to(spec_dir).as_posix()):
        rel = (Path(spec_dir.name) / path.relative_to(spec_dir)).as_posix()
        try:
            files.append(parse(rel, path.read_text(encoding="utf-8")))
        except SpecError as exc:
            problems.extend(exc.diagnostics)
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(
                Diagnostic(
                    code="yaml-syntax",
                    file=rel,
                    line=1,
                    pointer="",
                    message=message("yaml-syntax", detail=str(exc)),
                )
            )
    if problems:
        raise SpecError(problems)
    return tuple(files)
