"""Posting scheduled briefings to a Discord channel."""

from __future__ import annotations

import logging

import discord

from bot.delivery.scheduler import Delivery, PostError
from bot.discord import render
from bot.discord.pages import briefing_view, marker_of
from bot.ingestion.live import LiveCorpus

log = logging.getLogger(__name__)

HISTORY_CHECKED = 50  # how many recent messages are searched for a post made before a crash


class DiscordPoster:
    """Posts to the schedule's channel, mentioning only the schedule's role (if any)."""

    def __init__(self, client: discord.Client, live: LiveCorpus) -> None:
        self.client = client
        self.live = live

    async def post(self, delivery: Delivery) -> int:
        """Post the briefing as embeds (one message per page); return the first message's id."""
        channel = await self._channel(delivery.schedule.channel_id)
        reply = render.briefing_reply(self.live.current, delivery.briefing, notes=delivery.notes,
                                      for_day=delivery.run.day)
        role = delivery.schedule.role_id
        mentions = discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(role)]) if role \
            else discord.AllowedMentions.none()
        first = 0
        try:
            for number, page in enumerate(reply.pages, start=1):
                # The run's marker rides in the button's custom id: a bot reads it, a reader never sees it.
                message = await channel.send(content=f"<@&{role}>" if role and number == 1 else None,
                                             embed=page.embed(number, len(reply.pages)), allowed_mentions=mentions,
                                             view=briefing_view(delivery.marker))
                first = first or message.id
        except discord.Forbidden as error:
            raise PostError(f"Briefbot may not post in <#{channel.id}> ({error.text or 'missing permissions'})"
                            ) from error
        except discord.NotFound as error:
            raise PostError(f"the channel {delivery.schedule.channel_id} no longer exists") from error
        return first

    async def find(self, delivery: Delivery) -> int | None:
        """Look through the channel's recent messages for this run's post."""
        try:
            channel = await self._channel(delivery.schedule.channel_id)
            async for message in channel.history(limit=HISTORY_CHECKED):
                if self.client.user and message.author.id == self.client.user.id and (
                        marker_of(message) == delivery.marker
                        or any(delivery.marker in (embed.footer.text or "") for embed in message.embeds)):
                    return message.id
        except (PostError, discord.HTTPException):
            log.warning("schedule %s: cannot read channel history to check for an earlier post",
                        delivery.schedule.id)
        return None

    async def _channel(self, channel_id: int) -> discord.TextChannel:
        channel = self.client.get_channel(channel_id)
        if channel is None:
            try:
                channel = await self.client.fetch_channel(channel_id)
            except discord.NotFound as error:
                raise PostError(f"the channel {channel_id} no longer exists") from error
            except discord.Forbidden as error:
                raise PostError(f"Briefbot cannot see the channel {channel_id}") from error
        if not isinstance(channel, discord.TextChannel):
            raise PostError(f"the channel {channel_id} is not a text channel")
        return channel
