"""Generation: cold klinggen vs datamodel-codegen alone vs openapi-python-client; warm; check; memory."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from bench.timing import ROOT, peak_rss_mib, run_time

BUNDLE = ROOT / "generated" / "openapi.json"
KLINGGEN = [sys.executable, "-m", "generator"]


def _bin(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def measure(repeat: int) -> list[tuple[str, float, str, float | None]]:
    """Rows (name, seconds, peer, ratio)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "generated"
        cold_cmd = [*KLINGGEN, "generate", "--out", str(out)]

        def cold() -> float:
            shutil.rmtree(out, ignore_errors=True)
            return run_time(cold_cmd, 1)

        klinggen_cold = min(cold() for _ in range(repeat))
        run_time(cold_cmd, 1)
        warm = run_time(cold_cmd, repeat)
        check = run_time([*KLINGGEN, "check", "--out", str(out)], repeat)
        dmcg = run_time(
            [
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
            ],
            repeat,
        )
        opc = run_time(
            [
                _bin("openapi-python-client"),
                "generate",
                "--path",
                str(BUNDLE),
                "--output-path",
                str(Path(tmp) / "opc"),
                "--overwrite",
            ],
            repeat,
        )
        memory = peak_rss_mib([*KLINGGEN, "generate", "--out", str(Path(tmp) / "mem")])
    return [
        ("generate, cold", klinggen_cold, "datamodel-codegen alone", klinggen_cold / dmcg),
        ("generate, cold", klinggen_cold, "openapi-python-client", klinggen_cold / opc),
        ("generate, warm (no change)", warm, "klinggen cold", warm / klinggen_cold),
        ("check", check, "1 s target", check / 1.0),
        ("generate, peak RSS (MiB)", memory, "", None),
    ]
