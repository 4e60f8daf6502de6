"""Posting scheduled briefings to a Discord channel."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import discord

from bot.delivery.channels import ItemPost
from bot.delivery.scheduler import Delivery, PostError
from bot.discord import render
from bot.discord.pages import briefing_view, marker_of
from bot.ingestion.live import LiveCorpus

log = logging.getLogger(__name__)

# Our clock against Discord's: the search for a post made before a crash starts this long before the run was due.
CLOCK_MARGIN = timedelta(minutes=10)
ITEM_SENTENCES = 2  # a new item's post: its headline, outlets and two sentences


class DiscordPoster:
    """Posts briefings to the schedule's channel (mentioning only its role, if any) and new items to a feed's."""

    def __init__(self, client: discord.Client, live: LiveCorpus) -> None:
        self.client = client
        self.live = live

    async def post(self, delivery: Delivery) -> int:
        """Post the briefing as embeds (one message per page); return the first message's id."""
        channel = await self._channel(delivery.schedule.channel_id)
        reply = render.briefing_reply(delivery.corpus or self.live.current, delivery.briefing, notes=delivery.notes,
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
        """Look through every message in the channel since the run was due for this run's post.

        Not only the last few: a busy channel can have hundreds of messages after the post. The search is bounded
        by time (a run is resumed at most the grace period after it was due), not by a count.
        """
        return await self._find(delivery.schedule.channel_id, delivery.marker, delivery.run.due - CLOCK_MARGIN)

    async def post_items(self, post: ItemPost) -> int:
        """Post a story's new items (its summary, its sources and their links) as one message; return its id."""
        from briefings.briefing import summarize_story  # noqa: PLC0415
        from briefings.summarizers import LengthBudget  # noqa: PLC0415

        channel = await self._channel(post.channel_id)
        reply = render.story_reply(post.corpus, post.story,
                                   summarize_story(post.corpus, post.story, LengthBudget(sentences=ITEM_SENTENCES)))
        try:
            message = await channel.send(embed=reply.pages[0].embed(1, 1), view=briefing_view(post.marker),
                                         allowed_mentions=discord.AllowedMentions.none())
        except discord.Forbidden as error:
            raise PostError(f"Briefbot may not post in <#{channel.id}> ({error.text or 'missing permissions'})"
                            ) from error
        except discord.NotFound as error:
            raise PostError(f"the channel {post.channel_id} no longer exists") from error
        return message.id

    async def find_items(self, post: ItemPost) -> int | None:
        """Look through the channel since the post was claimed for a message carrying its marker."""
        return await self._find(post.channel_id, post.marker, post.claimed_at - CLOCK_MARGIN)

    async def _find(self, channel_id: int, marker: str, since: datetime) -> int | None:
        try:
            channel = await self._channel(channel_id)
            async for message in channel.history(limit=None, after=since, oldest_first=True):
                if self.client.user and message.author.id == self.client.user.id and _carries(message, marker):
                    return message.id
        except (PostError, discord.HTTPException):
            log.warning("channel %s: cannot read its history to check for an earlier post", channel_id)
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


def _carries(message: discord.Message, marker: str) -> bool:
    """Tell whether a message is this run's post: its "All stories" button or (an older post) its footer has the marker.

    The comparison is exact, so a test post (whose marker ends in "· test") is never taken for the run's post.
    """
    if marker_of(message) == marker:
        return True
    return any(footer == marker or footer.endswith(f" · {marker}")
               for footer in (embed.footer.text or "" for embed in message.embeds))
