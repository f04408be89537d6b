"""Group the changes of a DiffReport and render them as text or Markdown."""

from __future__ import annotations

from generator.history.diff import Change, DiffReport
from generator.ir.model import ChangeGroup

_PHRASES = {
    "endpoint-added": "endpoint added",
    "endpoint-removed": "endpoint removed",
    "endpoint-status": "status {old} -> {new}",
    "metadata-changed": "{item} {old} -> {new}",
    "description-changed": "{item} changed",
    "field-added": "field added",
    "field-removed": "field removed",
    "field-required": "field became required",
    "field-optional": "field became optional",
    "type-changed": "{item} {old} -> {new}",
    "enum-value-added": "enum value {value} added",
    "enum-value-removed": "enum value {value} removed",
    "default-changed": "default {old} -> {new}",
    "limit-tightened": "{item} {old} -> {new} (tightened)",
    "limit-loosened": "{item} {old} -> {new} (loosened)",
    "limit-changed": "{item} {old} -> {new}",
    "rule-added": "rule {value} added",
    "rule-removed": "rule {value} removed",
    "rule-tightened": "rule {value} tightened",
    "rule-loosened": "rule {value} loosened",
    "rule-changed": "rule {value} changed",
    "rule-message-changed": "rule {value}: message changed",
    "price-added": "price {new} (was unknown)",
    "price-removed": "price unknown (was {old})",
    "price-raised": "price raised: {old} -> {new}",
    "price-lowered": "price lowered: {old} -> {new}",
    "price-changed": "price changed: {old} -> {new}",
    "price-confidence": "price confidence {old} -> {new}",
}


def summary(change: Change) -> str:
    """What changed, in a few words."""
    if change.kind == "field-added" and change.breaking:
        return "required field added"
    text = _PHRASES[change.kind]
    return text.format(item=change.item, old=change.old, new=change.new, value=repr(change.item))


def _place(change: Change) -> str:
    if change.role == "endpoint":
        return ""
    return f"{change.role}.{change.path}" if change.path else change.role


_ALL_ENDPOINTS = ("endpoint-added", "endpoint-removed", "endpoint-status")


def group_changes(changes: tuple[Change, ...]) -> tuple[ChangeGroup, ...]:
    """One group per change of a shared schema (all its endpoints) or of one endpoint.

    Endpoints added, removed or with a new status form one group per kind.
    """
    groups: dict[tuple[bool, str, str, str], list[Change]] = {}
    for change in changes:
        subject = change.group or ("" if change.kind in _ALL_ENDPOINTS else change.endpoint)
        key = (not change.breaking, subject, change.kind, summary(change))
        groups.setdefault(key, []).append(change)
    found = []
    for (_, subject, kind, text), members in groups.items():
        places = tuple(sorted({(c.endpoint, _place(c)) for c in members}))
        locations = {where for _, where in places}
        found.append(
            ChangeGroup(
                breaking=members[0].breaking,
                kind=kind,
                subject=subject if len(places) > 1 or not subject else places[0][0],
                summary=text,
                location=locations.pop() if len(locations) == 1 else "",
                places=places,
            )
        )
    return tuple(sorted(found, key=lambda g: (not g.breaking, g.subject, g.places, g.summary)))


def _short(endpoint: str) -> str:
    return endpoint.removeprefix("fal-ai/kling-video/")


def text_report(report: DiffReport) -> str:
    """The plain-text report of `klinggen diff`."""
    groups = group_changes(report.changes)
    lines = [_headline(report)]
    for title, breaking in (("breaking", True), ("non-breaking", False)):
        chosen = [g for g in groups if g.breaking == breaking]
        if not chosen:
            continue
        lines += ["", f"{title} ({sum(len(g.places) for g in chosen)}):"]
        for group in chosen:
            if len(group.places) == 1:
                endpoint, where = group.places[0]
                lines.append(f"  {' '.join(filter(None, (endpoint, where)))}: {group.summary}")
                continue
            subject = f"{group.subject}: " if group.subject else ""
            count = len({endpoint for endpoint, _ in group.places})
            lines.append(f"  {subject}{group.summary} ({count} endpoint{'s' * (count != 1)})")
            lines += [f"      {endpoint} {where}".rstrip() for endpoint, where in group.places]
    if report.prices:
        lines += ["", f"prices ({len(report.prices)}):"]
        lines += [f"  {change.endpoint}: {summary(change)}" for change in report.prices]
    return "\n".join(lines) + "\n"


def _headline(report: DiffReport) -> str:
    counts = f"{len(report.breaking)} breaking, {len(report.non_breaking)} non-breaking"
    return (
        f"klinggen diff: {report.old} ({report.old_version}) -> {report.new} "
        f"({report.new_version}): {counts}"
    )


def markdown_groups(groups: tuple[ChangeGroup, ...], heading: str) -> list[str]:
    """Markdown sections (breaking, then non-breaking) for `groups` under `heading` level."""
    lines: list[str] = []
    for title, breaking in (("Breaking changes", True), ("Non-breaking changes", False)):
        chosen = [g for g in groups if g.breaking == breaking]
        if not chosen:
            continue
        lines += [f"{heading} {title}", ""]
        for group in chosen:
            lines.append(markdown_line(group))
        lines.append("")
    return lines or ["No changes.", ""]


def markdown_line(group: ChangeGroup) -> str:
    """One bullet: what changed, where (templates/package/CHANGELOG.md.jinja renders the same)."""
    if len(group.places) == 1:
        endpoint, where = group.places[0]
        return f"- `{endpoint}`" + (f" `{where}`" if where else "") + f": {group.summary}"
    if not group.subject:
        return f"- {group.summary}: " + ", ".join(f"`{e}`" for e, _ in group.places)
    if group.location:
        endpoints = ", ".join(f"`{_short(e)}`" for e, _ in group.places)
        return f"- `{group.subject}`: {group.summary} — `{group.location}` on {endpoints}"
    places = ", ".join(f"`{_short(e)}` (`{w}`)" for e, w in group.places)
    return f"- `{group.subject}`: {group.summary} — on {places}"


def markdown_report(report: DiffReport) -> str:
    """The Markdown report of `klinggen diff --format markdown`."""
    head = [
        f"# Spec changes: {report.old} ({report.old_version}) -> {report.new} ({report.new_version})",
        "",
        f"{len(report.breaking)} breaking, {len(report.non_breaking)} non-breaking.",
        "",
    ]
    lines = head + markdown_groups(group_changes(report.changes), "##")
    if report.prices:
        lines += ["## Price changes", ""]
        lines += [f"- `{change.endpoint}`: {summary(change)}" for change in report.prices]
    return "\n".join(lines).rstrip() + "\n"
