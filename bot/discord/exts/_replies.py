"""Private replies shared by the admin cogs (a leading underscore: not an extension)."""

from __future__ import annotations

import discord


async def reply_privately(interaction: discord.Interaction, text: str) -> None:
    """Answer only the person who ran the command, pinging nobody (as a followup if already answered)."""
    mentions = discord.AllowedMentions.none()
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=mentions)
    else:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=mentions)
