"""Api.history: what changed at each step of spec/history/ up to the spec being generated."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise
from pathlib import Path

from generator.frontend.ast import SpecAst
from generator.frontend.load import HISTORY_DIR
from generator.history.diff import diff_views
from generator.history.report import group_changes
from generator.history.snapshots import load_labeled, snapshots
from generator.history.view import SpecView, view
from generator.ir.model import Api, HistoryStep

CURRENT = "current"


def step(old: SpecView, new: SpecView) -> HistoryStep:
    """One history step from two views."""
    report = diff_views(old, new)
    groups = group_changes(report.changes)
    return HistoryStep(
        old=old.label,
        new=new.label,
        old_version=old.version,
        new_version=new.version,
        breaking=tuple(g for g in groups if g.breaking),
        non_breaking=tuple(g for g in groups if not g.breaking),
        prices=group_changes(report.prices),
    )


def attach_history(api: Api, ast: SpecAst, spec_dir: Path) -> Api:
    """`api` with its history: snapshot 1 -> 2 -> ... -> the current spec, newest step first."""
    views = [
        view(
            load_labeled(path, f"{spec_dir.name}/{HISTORY_DIR}/{path.name}", openapi=False),
            path.name,
        )
        for path in snapshots(spec_dir)
    ]
    if not views:
        return api
    views.append(view(ast, CURRENT))
    steps = [step(old, new) for old, new in pairwise(views)]
    return replace(api, history=tuple(reversed(steps)))
