"""`klinggen import`: fal's per-endpoint queue OpenAPI documents -> spec/endpoints/<path>.yaml.

A new endpoint id gets a new file; a known one has its request/response schemas replaced by fal's
while our additions stay (metadata, notes, examples, x-kling-rules, x-kling-note). Shared schemas
(in components/ or used by other endpoints) are never rewritten: a request/response schema shared
with other endpoints that fal describes differently is an error, a differing nested type a note.
Every import is first applied to a scratch copy of the spec, validated and compared with the
original; `--check` stops there and reports the comparison. A file that exists is rewritten only
where its data changed (layout, quoting and comments elsewhere stay), a new one in the house style.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostic, SpecError
from generator.fal.convert import Converter, keep_ours
from generator.fal.doc import FalDoc, read_doc
from generator.fal.names import display_title, id_parts
from generator.frontend.assemble import ENDPOINT_PREFIX, Spec, assemble, endpoint_id_problem
from generator.frontend.ast import SpecAst
from generator.frontend.load import HISTORY_DIR, load_dir
from generator.frontend.spec_yaml import dump, update
from generator.frontend.validate import check_structure
from generator.history.diff import DiffReport, diff_views, schema_changes
from generator.history.snapshots import load_labeled
from generator.history.view import flatten, view

FAL_LABEL = "fal's documents"
FORK_SUFFIX = "Fal"  # --check keeps fal's version of a shared type beside ours under Name + Fal


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import changed (or would change): the report, files written, notes."""

    report: DiffReport
    written: tuple[str, ...]
    notes: tuple[str, ...]


def _endpoint_file(spec_dir: Path, endpoint_id: str) -> Path:
    return spec_dir / "endpoints" / f"{endpoint_id.removeprefix(ENDPOINT_PREFIX)}.yaml"


def _assembled(spec_dir: Path) -> Spec:
    spec = assemble(load_dir(spec_dir))
    check_structure(spec)
    return spec


class _Planner:
    """Builds the endpoint file for one document against one state of the spec."""

    def __init__(self, spec: Spec, spec_dir: Path, doc: FalDoc) -> None:
        self.doc = doc
        self.rel = _endpoint_file(Path(spec_dir.name), doc.endpoint_id).as_posix()
        self.loc = next((e for e in spec.endpoints if e.data["id"] == doc.endpoint_id), None)
        self.local = {n: loc.data for n, loc in spec.schemas.items() if loc.file.path == self.rel}
        self.pool = {n: loc.data for n, loc in spec.schemas.items() if n not in self.local}
        self.notes: list[str] = []

    def our_key(self, part: str) -> str | None:
        return str(self.loc.data[part]["$ref"]).rsplit("/", 1)[-1] if self.loc else None

    def titles(self) -> set[str]:
        return {self.doc.title(n) for n in self.doc.schemas if n != "QueueStatus"}

    def part_titles(self) -> dict[str, str]:
        """fal title of the request / response -> "input" / "output"."""
        return {
            self.doc.title(self.doc.request): "input",
            self.doc.title(self.doc.response): "output",
        }

    def build(
        self, keys: dict[str, str], refs: dict[str, str], origins: dict[str, str]
    ) -> dict[str, Any]:
        """The endpoint file's data, converting with the given key/ref decisions; a converted
        schema keeps our additions from the schema `origins` names for its key."""
        hints = self.enum_hints()
        conv = Converter(self.doc.schemas, self.pool, keys, refs, hints)
        parts = {
            "input": conv.component(self.doc.request),
            "output": conv.component(self.doc.response),
        }
        schemas = dict(self.local)
        for key, body in conv.out.items():
            origin = origins.get(key, "")
            ours = self.local.get(origin) or self.pool.get(origin)
            if ours is not None:
                body, dropped = keep_ours(body, ours)
                self.notes += [f"{self.doc.endpoint_id}: {key}: {line}" for line in dropped]
            schemas[key] = body
        meta = dict(self.loc.data) if self.loc else self.new_meta()
        meta["category"] = self.doc.category or meta.get("category", "")
        for part, key in parts.items():
            meta[part] = {"$ref": f"#/components/schemas/{key}"}
        if not schemas:
            return {"x-kling-endpoint": meta}
        return {"x-kling-endpoint": meta, "components": {"schemas": schemas}}

    def enum_hints(self) -> dict[str, str]:
        key = self.our_key("input")
        body = self.local.get(key or "") or self.pool.get(key or "") or {}
        props = body.get("properties") or {}
        return {n: str(p["$ref"]).rsplit("/", 1)[-1] for n, p in props.items() if "$ref" in p}

    def new_meta(self) -> dict[str, Any]:
        parts = id_parts(self.doc.endpoint_id)
        meta: dict[str, Any] = {
            "id": self.doc.endpoint_id,
            "title": display_title(parts),
            "summary": f"Imported from fal's queue OpenAPI for {self.doc.endpoint_id}; describe it.",
            "category": self.doc.category,
            "model": parts.model,
            "tier": parts.tier,
            "mode": parts.mode,
            "status": "active",
            "confidence": "high",
            "sources": ["fal-openapi"],
            "notes": [
                f"Imported by `klinggen import` from {Path(self.doc.file.path).name} (fal's queue "
                "OpenAPI); review title, summary, model, tier, mode and sources."
            ],
        }
        return {k: v for k, v in meta.items() if v != ""}


def _copy_spec(spec_dir: Path, tmp: Path) -> Path:
    target = tmp / spec_dir.resolve().name
    shutil.copytree(spec_dir, target, ignore=shutil.ignore_patterns(HISTORY_DIR))
    return target


def _fork_keys(planner: _Planner, free: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Pass A: fal's version of every shared type under its own key, local ones replaced in place.

    Returns fal title -> key, and key -> the schema of ours it stands for (whose notes and rules
    it keeps)."""
    keys: dict[str, str] = {}
    origins: dict[str, str] = {}
    parts = planner.part_titles()
    for title in sorted(planner.titles()):
        ours = planner.our_key(parts[title]) if title in parts else None
        if ours and ours in planner.local:
            keys[title] = ours
        elif title in planner.local or (title not in planner.pool and ours is None):
            keys[title] = title
        else:
            key, counter = title + FORK_SUFFIX, 2
            while key in planner.pool or key in planner.local or key in free:
                key, counter = f"{title}{FORK_SUFFIX}{counter}", counter + 1
            keys[title] = key
        free.add(keys[title])
        if (ours or title) in planner.local or (ours or title) in planner.pool:
            origins[keys[title]] = ours or title
    return keys, origins


def _write(spec_root: Path, rel: str, data: dict[str, Any], *, keep_layout: bool = True) -> None:
    """The endpoint file holding `data`; an existing file keeps its layout unless `keep_layout`
    is False (the scratch copy the comparison reads: only its data counts)."""
    target = spec_root.parent / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.read_text(encoding="utf-8") if keep_layout and target.exists() else None
    target.write_text(dump(data) if old is None else update(old, data), encoding="utf-8")


def _decide(
    planner: _Planner, forked: dict[str, str], original: SpecAst, compared: SpecAst
) -> tuple[dict[str, str], dict[str, str], list[Diagnostic]]:
    """Pass B: which fal types to define in the endpoint file and which to refer to ours."""
    keys, refs, problems = {}, {}, []
    parts = planner.part_titles()
    for title, fork in sorted(forked.items()):
        part = parts.get(title)
        ours = (planner.our_key(part) if part else None) or title
        if fork == ours or ours in planner.local or ours not in original.schemas:
            keys[title] = fork
            continue
        changes = schema_changes(
            part or "request", flatten(original, ours), flatten(compared, fork)
        )
        if not changes:
            refs[title] = ours
        elif part and planner.loc is not None:
            named = original.schema(ours)
            problems.append(
                named.file.diag(
                    "import-shared-schema",
                    named.body.loc.pointer,
                    hint="edit it there by hand; `klinggen import --check` lists the differences",
                    key=ours,
                    endpoint=planner.doc.endpoint_id,
                    count=len(changes),
                )
            )
        elif part:
            keys[title] = Converter(planner.doc.schemas, planner.pool, {}, {}, {}).free(title)
        else:
            planner.notes.append(
                f"{planner.doc.endpoint_id}: fal's {title} differs from the spec's in {len(changes)} "
                "way(s); shared types are not rewritten (see `klinggen import --check`)"
            )
    return keys, refs, problems


def import_documents(paths: list[Path], spec_dir: Path, *, write: bool) -> ImportResult:
    """Import (or with write=False only compare) fal documents into `spec_dir`."""
    docs, problems = [], []
    for path in paths:
        try:
            doc = read_doc(path)
        except SpecError as exc:
            problems.extend(exc.diagnostics)
            continue
        if detail := endpoint_id_problem(doc.endpoint_id):
            at = "/info/x-fal-metadata/endpointId"
            problems.append(doc.file.diag("import-invalid", at, key="endpointId", detail=detail))
        docs.append(doc)
    if problems:
        raise SpecError(problems)
    label = spec_dir.as_posix()
    original_spec = load_labeled(spec_dir, label, full=False)  # the result is validated in full
    original = view(original_spec, label)
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="klinggen-import-") as tmp:
        check_dir = _copy_spec(spec_dir, Path(tmp) / "check")
        forks = {}
        for doc in docs:
            planner = _Planner(_assembled(check_dir), check_dir, doc)
            keys, origins = _fork_keys(planner, set())
            data = planner.build(keys, {}, origins)
            _write(check_dir, planner.rel, data, keep_layout=False)
            converted = (data.get("components") or {}).get("schemas") or {}
            forks[doc.endpoint_id] = {t: k for t, k in keys.items() if k in converted}
            notes += planner.notes
        compared = load_labeled(check_dir, label, full=not write)
        if not write:
            report = diff_views(original, view(compared, FAL_LABEL))
            return ImportResult(report, (), tuple(notes))
        notes = []
        out_dir = _copy_spec(spec_dir, Path(tmp) / "out")
        written = []
        for doc in docs:
            planner = _Planner(_assembled(out_dir), out_dir, doc)
            keys, refs, found = _decide(planner, forks[doc.endpoint_id], original_spec, compared)
            problems += found
            origins = {key: key for key in planner.local}
            _write(out_dir, planner.rel, planner.build(keys, refs, origins))
            notes += planner.notes
            written.append(planner.rel)
        if problems:
            raise SpecError(problems)
        report = diff_views(original, view(load_labeled(out_dir, label), f"{label} (imported)"))
        for rel in written:
            target = spec_dir / Path(rel).relative_to(Path(rel).parts[0])
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(out_dir.parent / rel, target)
    shown = tuple(
        (spec_dir / Path(rel).relative_to(Path(rel).parts[0])).as_posix() for rel in written
    )
    return ImportResult(report, shown, tuple(notes))
