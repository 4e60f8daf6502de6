"""Two servers and a DM through the real bot against the local Discord, with feeds from a local feed server.

Each server sees the operator's folder plus the feeds it follows, and nothing else; one URL followed by both is
fetched once; a feed's new items go to the chosen channel once each.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

import pytest
import sqlalchemy
from aiohttp import web

from bot.__main__ import build_bot
from bot.settings import load_settings
from bot.terminal.cli import main
from briefings.corpus import Corpus
from tests.bot.fakediscord import running_client
from tests.bot.fakediscord.fixtures import fake_discord  # noqa: F401 - the fixture
from tests.bot.ingestion.test_sources import FeedServer
from tests.conftest import SEEDS

COPPER = ("Zambian copper output rose by a fifth in March, the mining ministry said on Monday. "
          "The ministry said new smelters near Kitwe had doubled their capacity since January. "
          "Copper prices in London fell slightly after the figures were published.")
SALMON = ("Norwegian salmon exports fell sharply in April, the seafood council said on Tuesday. "
          "The council blamed a cold spring and lice outbreaks along the northern coast. "
          "Exporters expect salmon volumes to recover by the autumn.")
SALMON_COPY = ("Norwegian salmon exports fell sharply in April, the seafood council said on Tuesday. "
               "The council blamed a cold spring and lice outbreaks along the northern coast. "
               "Exporters expect salmon volumes to recover by the autumn, traders added.")
FOOTBALL = ("The football club sold its striker to a Spanish side for a record fee on Wednesday. "
            "Supporters gathered outside the stadium to protest against the sale of the striker. "
            "The club said the money would pay for a new training ground.")


class Feeds(FeedServer):
    """A local feed server whose items a test changes as it goes; it counts the requests for each feed."""

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, tuple[str, list[tuple[str, str, str]]]] = {}  # name -> (title, [(guid, headline, text)])

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}.rss"

    def fetches(self, name: str) -> int:
        return sum(1 for path, _ in self.requests if path == f"/{name}.rss")

    def body(self, name: str) -> bytes:
        title, items = self.items[name]
        parts = [f"<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>{escape(title)}</title>"]
        for number, (guid, headline, text) in enumerate(items):
            published = format_datetime(datetime.now(UTC) - timedelta(minutes=len(items) - number))
            parts.append(f"<item><guid>{guid}</guid><link>https://{name}.example/{guid}</link>"
                         f"<title>{escape(headline)}</title><pubDate>{published}</pubDate>"
                         f"<description>{escape(text)}</description></item>")
        parts.append("</channel></rss>")
        return "".join(parts).encode()

    def routes(self, app: web.Application) -> None:
        async def handler(request: web.Request) -> web.Response:
            self.requests.append((request.path, request.headers.get("If-None-Match")))
            body = self.body(request.match_info["name"])
            etag = '"' + hashlib.sha256(body).hexdigest()[:12] + '"'
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag})
            return web.Response(body=body, content_type="application/rss+xml", headers={"ETag": etag})

        app.router.add_get("/{name}.rss", handler)


@pytest.fixture
def feeds() -> Iterator[Feeds]:
    with Feeds() as running:
        yield running


@pytest.fixture
def settings(fake_discord, tmp_path, monkeypatch, database_url):  # noqa: F811
    monkeypatch.chdir(tmp_path)
    for name, value in {"DISCORD_TOKEN": fake_discord.token, "DISCORD_API_BASE_URL": fake_discord.rest_base,
                        "DISCORD_GATEWAY_URL": fake_discord.gateway_url, "BRIEFBOT_CORPUS_DIR": str(SEEDS),
                        "BRIEFBOT_STATE_DIR": str(tmp_path / "state"),
                        "BRIEFBOT_FETCH_ALLOW_HOSTS": "127.0.0.1", "BRIEFBOT_DATABASE_URL": database_url}.items():
        monkeypatch.setenv(name, value)
    return load_settings()


def new_bot(settings):
    corpus, _ = Corpus.from_folder(SEEDS)
    return build_bot(settings, corpus, defer_after=5.0, guild_ready_timeout=0.05, run_background_jobs=False)


async def answer(fake, command, options=None, **where):
    sent = await fake.invoke(command, options or {}, **where)
    callback = await sent.callback()
    return await sent.followup() if callback.callback_type == 5 else callback


def text_of(reply) -> str:
    return (reply.content or "") + "".join(json.dumps(embed) for embed in reply.embeds or [])


async def choices(fake, command, options, focused, **where):
    sent = await fake.autocomplete(command, options, focused=focused, **where)
    return [choice["name"] for choice in (await sent.callback(timeout=30)).body["data"]["choices"]]


async def make_due(bot) -> None:
    with bot.ingestor.store.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE feeds SET next_poll = '2000-01-01T00:00:00+00:00'")


async def test_each_server_sees_the_folder_and_its_own_feeds_and_nothing_else(fake_discord, settings, feeds,  # noqa: F811
                                                                               capsys):
    world = fake_discord.world
    a, a_general = world.guild, world.channel
    b = world.add_guild("Server B")
    b_general = b.channels[0]
    bob = world.add_user("bob", guild=b)  # a member of B without Manage Server
    dm = world.add_dm(world.owner)
    feeds.items["copper"] = ("Reuters", [("same-guid", "Zambian copper output rises", COPPER)])
    feeds.items["salmon"] = ("Fjord Wire", [("same-guid", "Norwegian salmon exports fall", SALMON)])
    bot = new_bot(settings)
    async with running_client(bot, fake_discord.token):
        added = await answer(fake_discord, "source add", {"url": feeds.url("copper")}, channel=a_general)
        assert "1 article came in" in added.content
        # A's feed never reaches B: not in its summaries, stories, autocomplete, nor in a DM.
        assert "Reuters" in text_of(await answer(fake_discord, "summary", {"topic": "copper"}, channel=a_general))
        refused = await answer(fake_discord, "summary", {"topic": "copper"}, channel=b_general)
        assert refused.ephemeral and "No article mentions" in refused.content
        assert "Reuters" not in text_of(await answer(fake_discord, "stories", channel=b_general))
        assert "Reuters" not in text_of(await answer(fake_discord, "brief", channel=b_general))
        assert not any("copper" in c.lower() or "zambia" in c.lower()
                       for c in await choices(fake_discord, "summary", {"topic": "Zam"}, "topic", channel=b_general))
        assert "No article mentions" in (await answer(fake_discord, "summary", {"topic": "copper"},
                                                      channel=dm)).content
        assert "Bessent" in text_of(await answer(fake_discord, "summary", {"topic": "Bessent"}, channel=dm))
        # B's item with the same GUID is B's: it comes in, credited to B's feed, and A never sees it.
        added = await answer(fake_discord, "source add", {"url": feeds.url("salmon")}, channel=b_general)
        assert "1 article came in" in added.content
        assert "Fjord Wire" in text_of(await answer(fake_discord, "summary", {"topic": "salmon"}, channel=b_general))
        assert "No article mentions" in (await answer(fake_discord, "summary", {"topic": "salmon"},
                                                      channel=a_general)).content
        # B follows A's URL with its own entry; nothing tells B that A follows it.
        fetched_before = feeds.fetches("copper")
        added = await answer(fake_discord, "source add", {"url": feeds.url("copper"), "interval": 10},
                             channel=b_general)
        assert "followed already" not in added.content and "1 article came in" in added.content
        assert feeds.requests[-1][1] is not None  # a conditional GET of the stored feed, not a new feed
        b_list = text_of(await answer(fake_discord, "source list", channel=b_general))
        a_list = text_of(await answer(fake_discord, "source list", channel=a_general))
        assert "every 10 min" in b_list and "Fjord Wire" in b_list and "every 30 min" in a_list
        assert "Fjord Wire" not in a_list and "every 10 min" not in a_list
        # One poll round: each URL fetched once, however many servers follow it.
        assert feeds.fetches("copper") == fetched_before + 1  # B's add: that one conditional GET
        before = {name: feeds.fetches(name) for name in ("copper", "salmon")}
        await make_due(bot)
        await bot.ingestor.tick()
        assert {name: feeds.fetches(name) - count for name, count in before.items()} == {"copper": 1, "salmon": 1}
        [copper] = [f for f in bot.ingestor.store.feeds() if f.url == feeds.url("copper")]
        assert copper.interval == timedelta(minutes=10)  # the shortest interval asked for
        # Autocomplete of the admin removes lists nothing in a DM or for a member without Manage Server.
        for command in ("schedule remove", "source remove"):
            option = command.split()[0]
            assert await choices(fake_discord, command, {option: ""}, option, channel=dm) == []
            assert await choices(fake_discord, command, {option: ""}, option, channel=b_general, user=bob) == []
        mine = await choices(fake_discord, "source remove", {"source": ""}, "source", channel=b_general)
        assert len(mine) == 2 and all("Reuters" in c or "Fjord" in c for c in mine)
        assert len(await choices(fake_discord, "source remove", {"source": ""}, "source", channel=a_general)) == 1
        # Removing a source takes its articles out of that server's answers at once, and only there.
        [b_copper] = [s for s in bot.ingestor.store.all(int(b.id)) if s.url == feeds.url("copper")]
        removed = await answer(fake_discord, "source remove", {"source": str(b_copper.id)}, channel=b_general)
        assert "Stopped following" in removed.content
        assert "No article mentions" in (await answer(fake_discord, "summary", {"topic": "copper"},
                                                      channel=b_general)).content
        assert "Reuters" in text_of(await answer(fake_discord, "summary", {"topic": "copper"}, channel=a_general))
    # The terminal is the operator and sees everything; --server shows one server's view.
    assert main(["summary", "copper", "--json"]) == 0 and main(["summary", "salmon", "--json"]) == 0
    capsys.readouterr()
    assert main(["summary", "copper", "--server", a.id, "--json"]) == 0
    assert main(["summary", "salmon", "--server", a.id, "--json"]) == 1
    assert main(["summary", "salmon", "--server", b.id, "--json"]) == 0
    # A restart with the stored feed articles loaded into the corpus (as `briefbot run` loads them): before any
    # poll, each server still sees only its own feeds.
    from bot.storage.database import SourceStore, Storage

    stored = SourceStore(Storage.open(settings.database)).held_articles(datetime.now(UTC) - timedelta(days=30))
    seeds, _ = Corpus.from_folder(SEEDS)
    loaded = Corpus(seeds.articles + tuple(article for article, _ in stored))
    again = build_bot(settings, loaded, defer_after=5.0, guild_ready_timeout=0.05, run_background_jobs=False)
    async with running_client(again, fake_discord.token):
        assert "No article mentions" in (await answer(fake_discord, "summary", {"topic": "copper"},
                                                      channel=b_general)).content
        assert "No article mentions" in (await answer(fake_discord, "summary", {"topic": "salmon"},
                                                      channel=dm)).content
        assert "Fjord Wire" in text_of(await answer(fake_discord, "summary", {"topic": "salmon"}, channel=b_general))


async def test_new_items_are_posted_to_the_chosen_channel_once_as_one_post_per_story(fake_discord, settings,  # noqa: F811
                                                                                      feeds):
    world = fake_discord.world
    news = world.add_channel("news")
    feeds.items["fjord"] = ("Fjord Wire", [("f-1", "Norwegian salmon exports fall", SALMON)])
    feeds.items["coast"] = ("Coast News", [])
    feeds.items["sport"] = ("Sport Desk", [])
    bot = new_bot(settings)
    async with running_client(bot, fake_discord.token):
        for name, extra in (("fjord", {}), ("coast", {}), ("sport", {"exclude": "football"})):
            added = await answer(fake_discord, "source add", {"url": feeds.url(name), "channel": news, **extra})
            assert "posted in" in added.content
        await bot.deliver()
        assert fake_discord.channel_messages(news) == []  # the first poll's items are background: no flood
        # A story's copies from two feeds arrive in one round: one post, with both sources.
        feeds.items["fjord"][1].append(("f-2", "Salmon exports slump", SALMON_COPY))
        feeds.items["coast"][1].append(("c-1", "Salmon exports slump in April", SALMON_COPY))
        feeds.items["sport"][1].append(("s-1", "Striker sold for a record fee", FOOTBALL))
        await make_due(bot)
        assert await bot.ingestor.tick()
        [post] = fake_discord.channel_messages(news)
        assert "2 sources" in text_of_message(post) and "Coast News" in text_of_message(post)
        assert "striker" not in text_of_message(post).lower()  # the source's exclude filter held
        await bot.deliver()
        assert len(fake_discord.channel_messages(news)) == 1
    # A restart (a new process over the same database) posts nothing twice.
    again = new_bot(settings)
    async with running_client(again, fake_discord.token):
        await again.deliver()
        await make_due(again)
        await again.ingestor.tick()
        await again.deliver()
    assert len(fake_discord.channel_messages(news)) == 1
    # Nothing went anywhere else: #general holds only the replies to the commands run there.
    assert all("interaction_metadata" in message for message in fake_discord.channel_messages(world.channel))


def posts_in(fake, channel):
    """The bot's own posts in a channel (not its replies to commands)."""
    return [m for m in fake.channel_messages(channel) if "interaction_metadata" not in m]


def text_of_message(message) -> str:
    return (message.get("content") or "") + "".join(json.dumps(embed) for embed in message.get("embeds") or [])


async def test_schedule_filters_hold_and_brief_previews_the_next_scheduled_post(fake_discord, settings, feeds):  # noqa: F811
    world = fake_discord.world
    markets, sport = world.add_channel("markets"), world.add_channel("sport")
    feeds.items["fjord"] = ("Fjord Wire", [("f-1", "Norwegian salmon exports fall", SALMON)])
    feeds.items["desk"] = ("Sport Desk", [("s-1", "Striker sold for a record fee", FOOTBALL)])
    bot = new_bot(settings)
    async with running_client(bot, fake_discord.token):
        for name in ("fjord", "desk"):
            await answer(fake_discord, "source add", {"url": feeds.url(name)})
        unfiltered = text_of(await answer(fake_discord, "brief", channel=markets))
        assert "salmon" in unfiltered.lower() and "striker" in unfiltered.lower()
        too_many = ",".join(f"w{n}" for n in range(21))
        refused = await answer(fake_discord, "schedule set", {"time": "08:00", "timezone": "UTC", "include": too_many},
                               channel=markets)
        assert "at most 20 keywords" in refused.content and bot.storage.schedules() == []
        saved = await answer(fake_discord, "schedule set", {"time": "08:00", "timezone": "UTC",
                                                            "include": "salmon, Kitwe"}, channel=markets)
        assert "only news about salmon, Kitwe" in saved.content
        await answer(fake_discord, "schedule set", {"time": "09:00", "timezone": "UTC", "exclude": "football"},
                     channel=sport)
        preview = text_of(await answer(fake_discord, "brief", channel=markets))
        assert "salmon" in preview.lower() and "striker" not in preview.lower() and "Bessent" not in preview
        without_football = text_of(await answer(fake_discord, "brief", channel=sport))
        assert "striker" not in without_football.lower() and "salmon" in without_football.lower()
        [schedule] = [s for s in bot.storage.schedules() if s.channel_id == int(markets.id)]
        tested = await answer(fake_discord, "schedule test", {"schedule": str(schedule.id)}, channel=markets)
        assert "Posted a test briefing" in tested.content
        [post] = [m for m in fake_discord.channel_messages(markets) if "interaction_metadata" not in m]
        posted = text_of_message(post)
        assert "salmon" in posted.lower() and "striker" not in posted.lower() and "Bessent" not in posted
        assert bot.storage.last(str(markets.id)) is None  # previews and tests are not recorded


async def test_a_delivery_that_went_out_before_a_crash_is_not_posted_again(fake_discord, settings, feeds):  # noqa: F811
    news = fake_discord.world.add_channel("news")
    feeds.items["fjord"] = ("Fjord Wire", [("f-1", "Norwegian salmon exports fall", SALMON)])
    bot = new_bot(settings)
    async with running_client(bot, fake_discord.token):
        await answer(fake_discord, "source add", {"url": feeds.url("fjord"), "channel": news})
        feeds.items["fjord"][1].append(("f-2", "Striker sold for a record fee", FOOTBALL))
        await make_due(bot)
        await bot.ingestor.tick()
        assert len(posts_in(fake_discord, news)) == 1
    # The process died after the post reached Discord but before it was marked posted; and one claim was never
    # posted at all. Past the lease, a new process finds the first in the channel and posts only the second.
    store = bot.ingestor.store
    long_ago = (datetime.now(UTC) - timedelta(minutes=30)).isoformat()
    with store.engine.begin() as connection:
        connection.execute(sqlalchemy.text("UPDATE deliveries SET status = 'claimed', message_id = NULL, "
                                           "claimed_at = :long_ago"), {"long_ago": long_ago})
    feeds.items["fjord"][1].append(("f-3", "Zambian copper output rises", COPPER))
    again = new_bot(settings)
    async with running_client(again, fake_discord.token):
        await make_due(again)
        await again.ingestor.tick()
        await again.deliver()
    texts = [text_of_message(m).lower() for m in fake_discord.channel_messages(news)
             if "interaction_metadata" not in m]
    assert len(texts) == 2 and "striker" in texts[0] and "copper" in texts[1]
    assert {status for _, status, _ in again.ingestor.store.delivered(int(news.id)).values()} == {"posted"}


def test_another_servers_copy_of_the_same_address_never_replaces_mine():
    from bot.ingestion.tenancy import everything_corpus, holdings_of, operator_corpus, server_corpus
    from bot.storage.database import Feed, HeldArticle, Source
    from briefings.corpus import Article

    now = datetime.now(UTC)

    def held(feed_id: int, article_id: str, outlet: str, text: str) -> HeldArticle:
        article = Article.from_text(article_id, f"---\ntitle: Salmon\nsource: {outlet}\n---\n{text}")
        return HeldArticle(article, feed_id, False, now, f"guid-{feed_id}", "https://fish.example/salmon")

    def source(source_id: int, feed_id: int, guild_id: int) -> Source:
        feed = Feed(feed_id, f"https://feed{feed_id}.example/rss", timedelta(minutes=30), None, None, now, None, 0,
                    False, now, None)
        return Source(source_id, feed.url, feed.interval, guild_id, feed, backfill_until=now - timedelta(days=1))

    seeds, _ = Corpus.from_folder(SEEDS)
    holdings = holdings_of(seeds, [held(1, "a-salmon", "Reuters", SALMON), held(2, "b-salmon", "Fjord Wire", SALMON)])
    everything = everything_corpus(holdings)
    mine = server_corpus(holdings, [source(2, 2, 22)], everything)  # B follows only its own feed
    assert "b-salmon" in mine and "a-salmon" not in mine
    both = server_corpus(holdings, [source(1, 1, 22), source(2, 2, 22)], everything)  # one address, counted once
    assert ("a-salmon" in both) != ("b-salmon" in both)
    assert len(operator_corpus(holdings, everything)) == len(seeds) + 1
