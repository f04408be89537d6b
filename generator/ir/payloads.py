"""Payloads built from IR schemas: minimal and full valid objects, and rule-driven edits.

Everything follows the schema's own types, defaults and limits; rules are met by the candidate edits
their kinds propose, as their own evaluator judges them (generator/runtime/kinds). Deterministic (no
randomness), so fixtures derived from it are reviewable and stable.
"""

from __future__ import annotations

from typing import Any

from generator.ir.model import Api, Field, Schema, TypeRef
from generator.runtime.kinds import Context, Edit, apply

_EXTENSIONS = {"video": ".mp4", "audio": ".mp3", "image": ".png", "file": ".bin"}
_CONTENT_TYPES = {
    ".mp4": "video/mp4",
    ".mp3": "audio/mpeg",
    ".png": "image/png",
    ".bin": "application/octet-stream",
}
_TEXTS = (
    ("negative", "blurry, watermark, text overlay, low resolution"),
    ("music", "calm piano with soft strings"),
    ("sound", "wind through pine trees and distant birds"),
    ("text", "Hello from Kling on fal."),
    ("", "A red fox runs through fresh snow at sunrise, cinematic tracking shot"),
)
FILE_HOST = "https://v3b.fal.media/files/b/kling-fixtures"


def file_url(name: str, media: str, index: int = 0) -> str:
    """A realistic fal storage URL with the right extension for a URL field."""
    stem = name.removesuffix("_urls").removesuffix("_url").replace("_", "-")
    return f"{FILE_HOST}/{stem}-{index + 1}{_EXTENSIONS.get(media, '.png')}"


class PayloadBuilder:
    """Builds JSON payloads for the schemas of one Api."""

    def __init__(self, api: Api) -> None:
        self.schemas = {s.name: s for s in api.schemas}

    def field(self, schema: Schema, name: str) -> Field:
        return next(f for f in schema.fields if f.name == name)

    def item_schema(self, schema: Schema, name: str) -> Schema:
        item = self.field(schema, name).type.item
        assert item is not None and item.kind == "model"
        return self.schemas[item.name]

    # ---- values -------------------------------------------------------------------------------

    def scalar(self, field: Field, t: TypeRef, index: int, full: bool) -> Any:
        if t.kind == "enum":
            choices = field.choices
            default = field.default.raw if field.default else None
            if full and len(choices) > 1:
                return next(v for v in reversed(choices) if v != default)
            return default if default is not None else choices[0]
        if t.kind == "model":
            target = self.schemas[t.name]
            if {"url", "content_type"} <= {f.name for f in target.fields}:
                return self.file_object(field.name, index)
            return self.build(target, full=full)
        if t.kind == "boolean":
            default = field.default.raw if field.default else None
            return not default if full and isinstance(default, bool) else True
        if t.kind in ("integer", "number"):
            return self.number(field, t.kind, full)
        if field.media:
            return file_url(field.name, field.media, index)
        if field.name.endswith("_id") or "voice" in field.name:
            return f"{field.name.removesuffix('_id').removesuffix('_ids')}-{index + 1}"
        text = next((t for word, t in _TEXTS if word in field.name), _TEXTS[-1][1])
        limit = dict(field.constraints).get("maxLength")
        return text[: int(limit)] if limit else text

    def file_object(self, name: str, index: int) -> dict[str, Any]:
        """A fal `File` for an output field: URL, content type, name and size that agree."""
        media = next((m for m in ("video", "audio", "image") if m in name), "video")
        url = file_url(name, media, index)
        extension = url.rsplit(".", 1)[1]
        return {
            "url": url,
            "content_type": _CONTENT_TYPES["." + extension],
            "file_name": f"output.{extension}",
            "file_size": 4_404_019,
        }

    def number(self, field: Field, kind: str, full: bool) -> Any:
        limits = dict(field.constraints)
        low, high = limits.get("minimum"), limits.get("maximum")
        default = field.default.raw if field.default else None
        if low is not None and high is not None:
            value = low + (high - low) * (0.7 if full else 0.5)
        elif low is not None:
            value = low + 3
        elif high is not None:
            value = high - 3
        else:
            value = 3 if not full or default != 3 else 4
        if kind == "integer":
            return round(value)
        value = round(value, 2)
        return value + 0.05 if full and value == default else value

    def value(self, field: Field, index: int = 0, full: bool = False) -> Any:
        if field.type.kind == "array":
            assert field.type.item is not None
            count = 2 if full and field.type.item.kind != "model" else 1
            return [self.scalar(field, field.type.item, index + i, full) for i in range(count)]
        return self.scalar(field, field.type, index, full)

    def items(self, schema: Schema, name: str, count: int, edit: Edit | None = None) -> list[Any]:
        """`count` valid items of array field `name`; object items are built around `edit`."""
        field = self.field(schema, name)
        item = field.type.item
        assert item is not None
        if item.kind != "model":
            return [self.scalar(field, item, i, False) for i in range(count)]
        return [self.build(self.schemas[item.name], seed=edit) for _ in range(count)]

    # ---- objects ------------------------------------------------------------------------------

    def build(
        self, schema: Schema, *, full: bool = False, seed: Edit | None = None
    ) -> dict[str, Any]:
        """Required fields (every field when `full`) changed by `seed`, then edited until every
        rule holds (the fields `seed` names stay as they are)."""
        payload = {f.name: self.value(f, full=full) for f in schema.fields if f.required or full}
        return self.satisfy(schema, apply(payload, seed or {}), set(seed or ()))

    def satisfy(
        self, schema: Schema, obj: dict[str, Any], locked: set[str], skip: str = ""
    ) -> dict[str, Any]:
        """`obj` edited until every rule of `schema` but `skip` holds: per broken rule, the first
        candidate edit that leaves `locked` fields alone, meets the rule and breaks no more rules
        than it mends."""
        rules = [rule.check for rule in schema.rules if rule.id != skip]
        context = Ctx(self, schema)

        def broken(payload: dict[str, Any]) -> int:
            return sum(not check.holds(payload) for check in rules)

        for _ in range(3):
            for check in rules:
                if check.holds(obj):
                    continue
                for edit in check.candidates(context, obj):
                    changed = apply(obj, edit)
                    mends = check.holds(changed) and broken(changed) <= broken(obj)
                    if locked.isdisjoint(edit) and mends:
                        obj = changed
                        break
        return obj


class Ctx:
    """The fixture context (generator/runtime/kinds) of the objects of one schema."""

    def __init__(self, builder: PayloadBuilder, schema: Schema) -> None:
        self.builder, self.schema = builder, schema

    def value(self, name: str) -> object:
        return self.builder.value(self.builder.field(self.schema, name))

    def is_array(self, name: str) -> bool:
        return self.builder.field(self.schema, name).type.kind == "array"

    def choices(self, name: str) -> tuple[object, ...]:
        return self.builder.field(self.schema, name).choices

    def items(self, name: str, count: int, edit: Edit | None = None) -> list[object]:
        return self.builder.items(self.schema, name, count, edit)

    def item(self, name: str) -> Context:
        return Ctx(self.builder, self.builder.item_schema(self.schema, name))
