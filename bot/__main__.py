"""Entry point: `briefbot` and `python -m bot`."""

from __future__ import annotations

import sys


def main() -> None:
    """Run the command line and exit with its code."""
    from bot.cli import main as run  # noqa: PLC0415 - keep `import bot.__main__` cheap

    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
