"""Posting scheduled briefings in the terminal (`briefbot run --console`)."""

from __future__ import annotations

import sys

from bot.delivery.scheduler import Delivery
from bot.ingestion.live import LiveCorpus


class ConsolePoster:
    """Prints scheduled briefings in the terminal, as `briefbot brief` would."""

    def __init__(self, live: LiveCorpus) -> None:
        self.live = live

    async def post(self, delivery: Delivery) -> int:
        """Print the briefing with its notes."""
        from bot.terminal.console import console, print_briefing, safe_text  # noqa: PLC0415

        out = console(sys.stdout)
        out.print(f"[dim]— scheduled briefing ({delivery.marker}, {safe_text(delivery.schedule.describe())}) —[/dim]")
        for note in delivery.notes:
            out.print(f"[italic]{safe_text(note)}[/italic]")
        print_briefing(out, delivery.briefing, delivery.corpus or self.live.current)
        return 0

    async def find(self, delivery: Delivery) -> int | None:
        """Return None: a terminal keeps no history to search."""
        return None
