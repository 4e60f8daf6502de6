"""What the admin command groups share (a leading underscore: not an extension)."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.exts._replies import reply_privately

log = logging.getLogger(__name__)


def may_manage(interaction: discord.Interaction) -> bool:
    """Tell whether the interaction comes from a member who can manage the server it is in (never from a DM).

    Autocomplete runs no checks of its own, so the admin groups' autocompletes ask this before listing anything.
    """
    permissions = interaction.permissions
    return interaction.guild_id is not None and bool(permissions.manage_guild or permissions.administrator)


class AdminGroupCog(commands.GroupCog):
    """A command group for members who can manage the server, checked again when each command runs."""

    subject = "settings"  # what the group changes, for the refusal message

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Check Manage Server at run time too: a server may have loosened the default permission."""
        if interaction.guild is None or not may_manage(interaction):
            raise app_commands.MissingPermissions(["manage_guild"])
        return True

    async def cog_app_command_error(self, interaction: discord.Interaction,
                                    error: app_commands.AppCommandError) -> None:
        """Refuse non-admins privately; log anything unexpected and apologise."""
        if isinstance(error, app_commands.MissingPermissions | app_commands.CheckFailure):
            await reply_privately(interaction, f"Only members who can manage this server can change its "
                                  f"{self.subject}.")
            return
        log.error("/%s failed in guild %s", interaction.command.qualified_name if interaction.command else "?",
                  interaction.guild_id, exc_info=error)
        await reply_privately(interaction, "Sorry, something went wrong. It has been logged.")
