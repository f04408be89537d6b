"""Generation: cold klinggen (no caches) vs datamodel-codegen alone vs openapi-python-client;
with its caches warm; warm (nothing changed); check; memory."""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from bench.timing import ROOT, peak_rss_mib, run_time

BUNDLE = ROOT / "generated" / "openapi.json"
KLINGGEN = [sys.executable, "-m", "generator"]


def _bin(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


NO_CACHE = {"KLINGGEN_CACHE_DIR": ""}  # cold: no compiled templates, model or verdict caches


def measure(repeat: int) -> list[tuple[str, float, str, float | None]]:
    """Rows (name, seconds, peer, ratio); cold runs and the peers' runs alternate, medians compared."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "generated"
        cold_cmd = [*KLINGGEN, "generate", "--out", str(out)]
        dmcg_cmd = [
            _bin("datamodel-codegen"),
            "--input",
            str(BUNDLE),
            "--input-file-type",
            "openapi",
            "--output",
            str(Path(tmp) / "models.py"),
            "--output-model-type",
            "pydantic_v2.BaseModel",
            "--formatters",
            "ruff-format",
            "ruff-check",
            "--disable-timestamp",
        ]
        opc_cmd = [
            _bin("openapi-python-client"),
            "generate",
            "--path",
            str(BUNDLE),
            "--output-path",
            str(Path(tmp) / "opc"),
            "--overwrite",
        ]
        runs: dict[str, list[float]] = {"cold": [], "dmcg": [], "opc": []}
        for _ in range(repeat):
            shutil.rmtree(out, ignore_errors=True)
            runs["cold"].append(run_time(cold_cmd, 1, env=NO_CACHE))
            runs["dmcg"].append(run_time(dmcg_cmd, 1))
            runs["opc"].append(run_time(opc_cmd, 1))
        cold, dmcg, opc = (statistics.median(runs[key]) for key in ("cold", "dmcg", "opc"))
        run_time(cold_cmd, 1)  # fills the caches
        cached = []
        for _ in range(repeat):  # a fresh output dir: only the caches are warm
            shutil.rmtree(out, ignore_errors=True)
            cached.append(run_time(cold_cmd, 1))
        warm = run_time(cold_cmd, repeat)
        check = run_time([*KLINGGEN, "check", "--out", str(out)], repeat)
        memory = peak_rss_mib([*KLINGGEN, "generate", "--out", str(Path(tmp) / "mem")])
    return [
        ("generate, cold", cold, "datamodel-codegen alone", cold / dmcg),
        ("generate, cold", cold, "openapi-python-client", cold / opc),
        (
            "generate, caches warm (a new output dir)",
            statistics.median(cached),
            "klinggen cold",
            statistics.median(cached) / cold,
        ),
        ("generate, warm (no change)", warm, "klinggen cold", warm / cold),
        ("check", check, "1 s target", check / 1.0),
        ("generate, peak RSS of its largest process (MiB)", memory, "", None),
    ]
