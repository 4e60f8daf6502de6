"""Posting a followed feed's new items to the channel its server chose, as they arrive, each exactly once.

The guarantees are the schedules': nothing from a follow's first poll (its back-catalogue) is posted; each item is
claimed in the database before it is posted, so a restart or a second process never posts it again; a claim left
by a process that died mid-post is resumed after the lease, by looking for the post's marker in the channel (in
the custom id of its button) since the claim was made. The items of one round that are copies of one story are
one post, the story's summary with its sources; a later copy of a story already posted there is recorded, not
posted again. Items pass the source's keyword filter and the server's de-duplication (what its corpus holds).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.delivery.scheduler import PostError
from bot.ingestion.live import LiveCorpus
from bot.storage.database import CLAIM_LEASE, Source, SourceStore
from briefings.corpus import Corpus
from briefings.stories import Story

log = logging.getLogger(__name__)

CLOCK_MARGIN = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class ItemPost:
    """One post for a channel: a story's new items, summarised together, with the marker that identifies the post."""

    channel_id: int
    story: Story
    article_ids: tuple[str, ...]
    corpus: Corpus
    marker: str
    claimed_at: datetime


class ItemPoster(Protocol):
    """Where new items go (a Discord channel)."""

    async def post_items(self, post: ItemPost) -> int:
        """Post the story; return the message id. Raise PostError if refused."""

    async def find_items(self, post: ItemPost) -> int | None:
        """Return the id of an earlier post with this marker in the channel (after a crash mid-post)."""


class ChannelDelivery:
    """Posts each new item of the feeds a server follows with a channel, once each."""

    def __init__(self, store: SourceStore, live: LiveCorpus, poster: ItemPoster, engine: Executor,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.store = store
        self.live = live
        self.poster = poster
        self.engine = engine
        self.clock = clock
        self.instance = secrets.token_hex(8)
        self._lock = asyncio.Lock()

    async def deliver(self) -> int:
        """Post what arrived for every channel that gets a feed's items; return how many posts were made."""
        async with self._lock:
            channels: dict[tuple[int, int], list[Source]] = {}
            for source in self.store.all():
                if source.channel_id and source.guild_id:
                    channels.setdefault((source.guild_id, source.channel_id), []).append(source)
            posted = 0
            for (guild_id, channel_id), sources in channels.items():
                try:
                    posted += await self._deliver(guild_id, channel_id, sources)
                except Exception:  # one channel's trouble must not stop the others
                    log.exception("channel %s: delivering new items failed", channel_id)
            return posted

    async def _deliver(self, guild_id: int, channel_id: int, sources: list[Source]) -> int:
        loop = asyncio.get_running_loop()
        corpus, stories = await loop.run_in_executor(self.engine, lambda: self._stories(guild_id))
        claims = self.store.delivered(channel_id)
        now = self.clock()
        posts = 0
        # Claims of a process that died mid-post: found in the channel, they are done; not found, posted now.
        for marker, claimed_at in {(m, at) for m, status, at in claims.values() if status == "claimed"}:
            if now - claimed_at < CLAIM_LEASE or not self.store.retake_delivery(marker, claimed_at, self.instance):
                continue
            ids = tuple(a for a, (m, _, _) in claims.items() if m == marker)
            story = next((s for s in stories if set(ids) & set(s.article_ids)), None)
            if story is None:
                self.store.finish_delivery(marker, None, "merged")  # aged out of the corpus meanwhile
                continue
            post = ItemPost(channel_id, story, ids, corpus, marker, claimed_at)
            found = await self.poster.find_items(post)
            if found is not None:
                self.store.finish_delivery(marker, found)
            else:
                posts += await self._post(post)
        new = self._new_items(corpus, sources, claims)
        for story in stories:
            fresh = tuple(a for a in story.article_ids if a in new)
            if not fresh:
                continue
            marker = f"items {channel_id} · {fresh[0]}"
            if any(a in claims for a in story.article_ids):  # the story went out here before: a copy, not news
                self.store.claim_delivery(channel_id, fresh, marker, self.instance, status="merged")
                continue
            claimed = tuple(self.store.claim_delivery(channel_id, fresh, marker, self.instance))
            if claimed:
                posts += await self._post(ItemPost(channel_id, story, claimed, corpus, marker, self.clock()))
        return posts

    def _stories(self, guild_id: int) -> tuple[Corpus, tuple[Story, ...]]:
        corpus = self.live.server(guild_id)
        return corpus, corpus.stories

    def _new_items(self, corpus: Corpus, sources: list[Source], claims: Mapping[str, object]) -> set[str]:
        """Return the items the server's corpus holds from these feeds that came after each follow's first poll."""
        new: set[str] = set()
        for source in sources:
            for item in self.live.holdings.by_feed.get(source.feed_id, ()):
                after_first_poll = not item.backfill and (source.backfill_until is None
                                                          or item.fetched_at > source.backfill_until)
                if after_first_poll and item.article.id in corpus and item.article.id not in claims:
                    new.add(item.article.id)
        return new

    async def _post(self, post: ItemPost) -> int:
        try:
            message_id = await self.poster.post_items(post)
        except PostError as error:
            log.warning("channel %s: could not post new items: %s", post.channel_id, error)
            self.store.finish_delivery(post.marker, None, "failed")  # tried again on the next round
            return 0
        self.store.finish_delivery(post.marker, message_id)
        log.info("channel %s: posted %d new item(s) of one story", post.channel_id, len(post.article_ids))
        return 1
