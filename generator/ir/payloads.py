"""Payloads built from IR schemas: minimal and full valid objects, and rule-driven edits.

Everything follows the schema's own types, defaults, limits and the rule semantics of spec/README.md,
deterministically (no randomness), so fixtures derived from it are reviewable and stable.
"""

from __future__ import annotations

from typing import Any

from generator.ir.model import Api, Field, Schema, TypeRef

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

    def items(
        self, schema: Schema, name: str, count: int, where: dict[str, Any] | None = None
    ) -> list[Any]:
        field = self.field(schema, name)
        item = field.type.item
        assert item is not None
        if item.kind != "model":
            return [self.scalar(field, item, i, False) for i in range(count)]
        seed: dict[str, Any] = {}
        if where:
            self.make_cond(self.schemas[item.name], seed, where, holds=True)
        return [self.build(self.schemas[item.name], seed=seed) for _ in range(count)]

    # ---- objects ------------------------------------------------------------------------------

    def build(
        self, schema: Schema, *, full: bool = False, seed: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Required fields (every field when `full`) plus `seed`, adjusted until every rule holds."""
        payload = dict(seed or {})
        for f in schema.fields:
            if (f.required or full) and f.name not in payload:
                payload[f.name] = self.value(f, full=full)
        self.satisfy(schema, payload, set(seed or ()))
        return payload

    def holds(self, schema: Schema, obj: dict[str, Any], cond: dict[str, Any]) -> bool:
        """Whether a rule condition holds on `obj` (absent fields take their default)."""
        if "present" in cond:
            return obj.get(cond["present"]) is not None
        if "absent" in cond:
            return obj.get(cond["absent"]) is None
        field = self.field(schema, cond["field"])
        current = obj.get(field.name, field.default.raw if field.default else None)
        if "equals" in cond:
            return bool(current == cond["equals"])
        if "in" in cond:
            return current in cond["in"]
        return current is not None and current not in cond["not-in"]

    def make_cond(
        self, schema: Schema, obj: dict[str, Any], cond: dict[str, Any], holds: bool
    ) -> None:
        """Set `obj` so that `cond` holds (or does not)."""
        if "present" in cond or "absent" in cond:
            name = str(cond.get("present") or cond.get("absent"))
            if holds == ("present" in cond):
                obj[name] = self.value(self.field(schema, name))
            else:
                obj.pop(name, None)
            return
        field = self.field(schema, str(cond["field"]))
        listed = (
            [cond["equals"]] if "equals" in cond else cond.get("in") or cond.get("not-in") or []
        )
        inside = "not-in" not in cond
        pool = listed if holds == inside else [v for v in field.choices if v not in listed]
        obj[field.name] = pool[0]

    def satisfy(
        self, schema: Schema, obj: dict[str, Any], locked: set[str], skip: str = ""
    ) -> None:
        """Change unlocked fields of `obj` until every rule of `schema` but `skip` holds."""
        for _ in range(2):
            for rule in schema.rules:
                if rule.id != skip:
                    self.fix(schema, obj, rule.kind, rule.args.raw, locked)

    def fix(
        self, schema: Schema, obj: dict[str, Any], kind: str, args: Any, locked: set[str]
    ) -> None:
        if kind.endswith("-of"):
            present = [n for n in args if obj.get(n) is not None]
            if not present and kind != "at-most-one-of":
                obj[args[0]] = self.value(self.field(schema, args[0]))
            keep = next((n for n in present if n in locked), present[0] if present else None)
            for name in present if kind != "at-least-one-of" else ():
                if name != keep:
                    obj.pop(name)
        elif kind == "count" and obj.get(args["field"]) is not None:
            items = obj[args["field"]]
            if len(items) < args.get("min", 0):
                obj[args["field"]] = self.items(schema, args["field"], args["min"])
            elif "max" in args and args["field"] not in locked:
                del items[args["max"] :]
        elif kind == "total-count" and args["fields"][0] not in locked:
            for name in args["fields"][1:]:
                if name not in locked:
                    obj.pop(name, None)
        elif (
            kind == "sum"
            and obj.get(args["field"])
            and "max" in args
            and args["item"] not in locked
        ):
            item_field = self.field(self.item_schema(schema, args["field"]), args["item"])
            smallest = min(item_field.choices, key=float) if item_field.choices else 1
            for item in obj[args["field"]]:
                item[args["item"]] = smallest
        elif kind == "required-when" and self.holds(schema, obj, args["when"]):
            obj.setdefault(args["field"], self.value(self.field(schema, args["field"])))
        elif kind == "forbidden-when" and obj.get(args["field"]) is not None:
            if self.holds(schema, obj, args["when"]):
                if args["field"] in locked and "field" in args["when"]:
                    self.make_cond(schema, obj, args["when"], holds=False)
                else:
                    obj.pop(args["field"])
        elif kind == "compare" and args["left"] not in locked:
            bound = obj.get(args["right"], 0) + args.get("offset", 0)
            obj[args["left"]] = bound + (5000 if args["op"] in ("gt", "ge") else -5000)

    # ---- rule edits ---------------------------------------------------------------------------

    def sum_items(self, schema: Schema, args: dict[str, Any], total: int) -> list[Any]:
        item_schema = self.item_schema(schema, args["field"])
        choices = sorted(int(v) for v in self.field(item_schema, args["item"]).choices)
        items, left = [], total
        while left > 0:
            step = max(v for v in choices if v <= left) if choices else left
            items.append(
                self.build(item_schema, seed={args["item"]: str(step) if choices else step})
            )
            left -= step
        return items

    def apply(
        self, schema: Schema, obj: dict[str, Any], kind: str, args: Any, reject: bool
    ) -> None:
        """Make `obj` meet the rule (at its boundary where it has one) or break it."""
        if kind == "at-most-one-of" or (kind == "exactly-one-of" and not reject):
            for name in args if reject else args[:1]:
                obj[name] = self.value(self.field(schema, name))
            for name in () if reject else args[1:]:
                obj.pop(name, None)
        elif kind in ("exactly-one-of", "at-least-one-of"):  # none given breaks both
            for name in args:
                obj.pop(name, None)
            if not reject:
                obj[args[0]] = self.value(self.field(schema, args[0]))
        elif kind == "count":
            if "max" in args:
                size = args["max"] + (1 if reject else 0)
            else:
                size = args["min"] - (1 if reject else 0)
            obj[args["field"]] = self.items(schema, args["field"], size, args.get("where"))
        elif kind == "total-count":
            for name in args["fields"]:
                obj.pop(name, None)
            obj[args["fields"][0]] = self.items(
                schema, args["fields"][0], args["max"] + (1 if reject else 0)
            )
        elif kind == "sum":
            limit = int(args.get("max", args.get("min", 0)))
            obj[args["field"]] = self.sum_items(schema, args, limit + (1 if reject else 0))
        elif kind in ("required-when", "forbidden-when"):
            self.make_cond(schema, obj, args["when"], holds=True)
            if (kind == "required-when") != reject:
                obj[args["field"]] = self.value(self.field(schema, args["field"]))
            else:
                obj.pop(args["field"], None)
        elif kind == "compare":
            obj[args["right"]] = 10_000
            bound = 10_000 + args.get("offset", 0)
            upward = args["op"] in ("gt", "ge")
            if reject:
                inclusive = args["op"] in ("le", "ge")
                obj[args["left"]] = bound + (-1 if upward else 1) if inclusive else bound
            else:
                obj[args["left"]] = bound + (5000 if upward else -5000)
