"""Buttons that turn the pages of a long reply; only the person who asked can turn them."""

from __future__ import annotations

import discord

from bot.discord.render import Page

PAGE_TIMEOUT = 600.0  # seconds the buttons stay live


class PageTurner(discord.ui.View):
    """◀ and ▶ buttons over a reply's pages."""

    def __init__(self, pages: list[Page], owner_id: int, timeout: float = PAGE_TIMEOUT) -> None:
        super().__init__(timeout=timeout)
        self.pages = pages
        self.owner_id = owner_id
        self.current = 0
        self._update_buttons()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Let only the caller turn the pages; tell anyone else, privately."""
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message("Only the person who ran the command can turn these pages. "
                                                "Run it yourself to get your own copy.", ephemeral=True)
        return False

    @discord.ui.button(label="◀ Previous", style=discord.ButtonStyle.secondary, custom_id="briefbot:page:previous")
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button[PageTurner]) -> None:
        """Show the previous page."""
        await self._turn(interaction, -1)

    @discord.ui.button(label="Next ▶", style=discord.ButtonStyle.primary, custom_id="briefbot:page:next")
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button[PageTurner]) -> None:
        """Show the next page."""
        await self._turn(interaction, 1)

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        self.current = max(0, min(len(self.pages) - 1, self.current + step))
        self._update_buttons()
        await interaction.response.edit_message(embed=self.pages[self.current].embed(self.current + 1,
                                                                                      len(self.pages)), view=self)

    def _update_buttons(self) -> None:
        self.previous.disabled = self.current == 0
        self.next.disabled = self.current == len(self.pages) - 1
