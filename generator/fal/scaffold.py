"""`klinggen new-endpoint ID --like EXISTING_ID`: a new endpoint file copied from an existing one.

The copy keeps the metadata (with the new id, title, model, tier, mode; without the price, which is
unknown until published), and gets its own request and response schemas, copies of the existing
ones (rules included) under fal-style titles derived from the new id (`ImageToVideoV31ProRequest`),
marked x-kling-title-inferred. Never overwrites.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostic, SpecError, message
from generator.fal.names import IdParts, display_title, id_parts, pascal, schema_title
from generator.frontend.assemble import (
    ENDPOINT_PREFIX,
    ROOT_FILE,
    Spec,
    assemble,
    endpoint_id_problem,
)
from generator.frontend.load import load_dir
from generator.frontend.spec_yaml import dump
from generator.frontend.validate import check_structure

_SUFFIX = re.compile(r"(Request|Input|Output)$")


def _error(spec_dir: Path, rel: str, code: str, **fields: object) -> SpecError:
    where = f"{spec_dir.name}/{rel}"
    return SpecError(
        [Diagnostic(code=code, file=where, line=1, pointer="", message=message(code, **fields))]
    )


def _parts(meta: dict[str, Any], like: IdParts, new: IdParts) -> IdParts:
    """The new model/tier/mode: a value spelled like the old id's part takes the new id's part."""
    return IdParts(
        model=new.model if meta.get("model") == like.model else str(meta.get("model", "")),
        tier=new.tier if meta.get("tier", "") == like.tier else str(meta.get("tier", "")),
        mode=new.mode if meta.get("mode") == like.mode else str(meta.get("mode", "")),
    )


def _title(meta: dict[str, Any], old: IdParts, new: IdParts, swaps: list[tuple[str, str]]) -> str:
    """The new title: the standard one if the old was standard, else the old with the words of
    the id that changed swapped (`Kling AI Avatar v1 Pro` -> `... v2 Pro`)."""
    title = str(meta["title"])
    if title == display_title(old):
        return display_title(new)
    words = zip(display_title(old).split(), display_title(new).split(), strict=False)
    for before, after in [*swaps, *words]:
        if before != after:
            title = re.sub(rf"(?<![\w.]){re.escape(before)}(?![\w.])", after, title)
    return title


def schema_key(old_key: str, old: IdParts, new: IdParts, new_path: str, suffix: str) -> str:
    """The new schema's name: fal's pattern for the new id when the old name follows it, else the
    old name with the old model/tier tokens swapped, else one made from the new id."""
    found = _SUFFIX.search(old_key)
    suffix = found.group(1) if found else suffix
    if old_key == schema_title(old, suffix):
        return schema_title(new, suffix)
    key = old_key
    for before, after in (
        (pascal(old.model), pascal(new.model)),
        (pascal(old.tier), pascal(new.tier)),
    ):
        if before and before != after and before in key:
            key = key.replace(before, after, 1)
    if key != old_key:
        return key
    if re.fullmatch(r"v[\d.]+", new.model):
        return schema_title(new, suffix)
    return pascal(new_path) + suffix


def _schema(spec: Spec, old_key: str, new_key: str) -> dict[str, Any]:
    body = copy.deepcopy(spec.schemas[old_key].data)
    ordered = {"title": new_key, "x-kling-title-inferred": True}
    return {**ordered, **{k: v for k, v in body.items() if k not in ordered}}


def new_endpoint(spec_dir: Path, endpoint_id: str, like: str) -> Path:
    """Write `spec_dir/endpoints/<path>.yaml` for `endpoint_id` from `like`; the path written."""
    rel = f"endpoints/{endpoint_id.removeprefix(ENDPOINT_PREFIX)}.yaml"
    if problem := endpoint_id_problem(endpoint_id):
        raise _error(spec_dir, ROOT_FILE, "scaffold-bad-id", key=endpoint_id, detail=problem)
    spec = assemble(load_dir(spec_dir))
    check_structure(spec)
    source = next((e for e in spec.endpoints if e.data["id"] == like), None)
    if source is None:
        like_rel = f"endpoints/{like.removeprefix(ENDPOINT_PREFIX)}.yaml"
        raise _error(spec_dir, like_rel, "scaffold-unknown", key=like)
    target = spec_dir / rel
    if target.exists() or any(e.data["id"] == endpoint_id for e in spec.endpoints):
        raise _error(spec_dir, rel, "scaffold-exists", key=endpoint_id)
    old_ids, new_ids = id_parts(like), id_parts(endpoint_id)
    old_path, new_path = (i.removeprefix(ENDPOINT_PREFIX).split("/") for i in (like, endpoint_id))
    swaps = list(zip(old_path, new_path, strict=False)) if len(old_path) == len(new_path) else []
    meta = copy.deepcopy(source.data)
    old_parts = IdParts(str(meta.get("model")), str(meta.get("tier", "")), str(meta.get("mode")))
    parts = _parts(meta, old_ids, new_ids)
    schemas: dict[str, Any] = {}
    refs: dict[str, dict[str, str]] = {}
    for part, suffix in (("input", "Request"), ("output", "Output")):
        old_key = str(meta[part]["$ref"]).rsplit("/", 1)[-1]
        new_key = schema_key(old_key, old_parts, parts, "-".join(new_path), suffix)
        if new_key in spec.schemas or new_key in schemas:
            taken = spec.schemas.get(new_key)
            if taken is not None:
                raise SpecError(
                    [taken.file.diag("scaffold-name-taken", taken.pointer, key=new_key)]
                )
            raise _error(spec_dir, rel, "scaffold-name-taken", key=new_key)
        schemas[new_key] = _schema(spec, old_key, new_key)
        refs[part] = {"$ref": f"#/components/schemas/{new_key}"}
    note = (
        f"Scaffolded from {like} by `klinggen new-endpoint`: check every field, the sources and "
        "the confidence."
    )
    meta.update(
        id=endpoint_id,
        title=_title(meta, old_parts, parts, swaps),
        model=parts.model,
        tier=parts.tier,
        mode=parts.mode,
        status="active",
        notes=[note, *(meta.get("notes") or [])],
        **refs,
    )
    if not parts.tier:
        meta.pop("tier")
    meta.pop("pricing", None)  # a sibling's price is a guess: the new endpoint is priced unknown
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as handle:
        handle.write(dump({"x-kling-endpoint": meta, "components": {"schemas": schemas}}))
    return target
