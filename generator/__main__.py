"""Run the klinggen CLI with `python -m generator`."""

from generator.cli import run

run()
