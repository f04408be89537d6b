"""`python -m generator` and the `klinggen` command. SIGTERM is held back from the first
statement until the CLI has its handler, so that a SIGTERM at any moment ends the run with one
line and exit 143, never silently while the CLI is still being imported."""

import signal
from typing import NoReturn


def run() -> NoReturn:
    """The `klinggen` program."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    from generator.cli import run as cli

    cli()


if __name__ == "__main__":
    run()
