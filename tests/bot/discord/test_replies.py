"""Replies a reader can trust at a glance (issue 13), through the real bot and the local Discord, on 10,000 articles.

Each test draws what the bot sent the way Discord shows it (`tests.bot.screen`) and reads it as a reader would.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import discord

import bot.discord.pages as pages_module
from bot.__main__ import build_bot
from briefings.history import BriefingRecord
from briefings.scheduling import DigestSchedule
from briefings.stories import ranked_stories
from tests.bot.delivery.test_schedules import settings  # noqa: F401 - the fixture (the bot's settings)
from tests.bot.fakediscord import EventKind, running_client
from tests.bot.fakediscord.fixtures import fake_discord  # noqa: F401 - the fixture
from tests.bot.screen import custom_id, links, screen
from tests.conftest import AGGREGATOR

FUNCTION_WORDS = {"time", "make", "people", "world", "back", "made", "added", "told", "including", "week"}


@asynccontextmanager
async def running_bot(settings, corpus, *, clock=None) -> AsyncIterator[discord.Client]:  # noqa: F811
    bot = build_bot(settings, corpus, defer_after=10.0, guild_ready_timeout=0.05, run_background_jobs=False)
    async with running_client(bot, settings.discord_token.get_secret_value()) as client:
        if clock is not None:
            client.services.clock = clock
            client.get_cog("Briefings").pager.clock = clock
            client.runner.clock = clock
        yield client


async def answer(fake, command, options=None, **kwargs):
    sent = await fake.invoke(command, options or {}, **kwargs)
    return await sent.callback(timeout=60)


async def choices(fake, command, option, typed):
    sent = await fake.autocomplete(command, {option: typed}, focused=option)
    return [choice["name"] for choice in (await sent.callback(timeout=30)).body["data"]["choices"]]


def bullets(text: str) -> list[str]:
    return [line[2:] for line in text.splitlines() if line.startswith("• ")]


async def test_dates_read_the_same_day_in_new_york_and_body_and_footer_agree(fake_discord, settings, big_corpus):  # noqa: F811
    async with running_bot(settings, big_corpus):
        reply = await answer(fake_discord, "summary", {"topic": "Bessent", "length": 3})
    for zone in ("America/New_York", "Asia/Singapore", "UTC"):
        seen = screen(reply.data, zone)
        # The seeds are dated by day (2025-02-21): every reader sees that day, never the day before.
        assert "21 February 2025" in seen and "20 February 2025" not in seen, zone
    footer = reply.embeds[0]["footer"]["text"]
    newest = max(a.published for a in big_corpus if a.published)
    assert footer.endswith("· newest") and datetime.fromisoformat(reply.embeds[0]["timestamp"]) == newest
    assert "10,000 articles" in footer


async def test_a_new_schedule_first_runs_at_its_next_future_time_and_nothing_is_skipped(fake_discord, settings,  # noqa: F811
                                                                                       big_corpus):
    now = datetime.now(UTC)
    zone = next(name for name in ("UTC", "Asia/Tokyo", "America/New_York") if now.astimezone(ZoneInfo(name)).hour >= 2)
    past = (now.astimezone(ZoneInfo(zone)) - timedelta(hours=1)).strftime("%H:%M")
    async with running_bot(settings, big_corpus) as bot:
        saved = await answer(fake_discord, "schedule set", {"time": past, "timezone": zone})
        await bot.runner.sweep()  # the minute sweep: a run due an hour before the schedule existed is not owed
        listing = await answer(fake_discord, "schedule list")
    assert fake_discord.events(EventKind.CHANNEL_MESSAGE) == []
    tomorrow = (now.astimezone(ZoneInfo(zone)) + timedelta(days=1)).strftime("%-d %B %Y")
    assert tomorrow in screen(saved.data, zone) and "First briefing" in saved.content
    seen = screen(listing.data, zone)
    assert tomorrow in seen and "Skipped" not in seen and "owed now" not in seen
    assert [status for _, status, _ in bot.storage.runs(bot.storage.schedules()[0].id)] == []


async def test_schedule_test_posts_what_the_channel_would_get_or_says_why_it_would_be_empty(fake_discord, settings,  # noqa: F811
                                                                                           big_corpus):
    async with running_bot(settings, big_corpus) as bot:
        saved = await answer(fake_discord, "schedule set", {"time": "08:00", "timezone": "Europe/London"})
        schedule_id = re.search(r"schedule (\d+)", saved.content)[1]
        tested = await fake_discord.invoke("schedule test", {"schedule": schedule_id})
        await tested.callback(timeout=60)
        posted = await tested.followup(timeout=120)
        [post] = fake_discord.events(EventKind.CHANNEL_MESSAGE)
        # Now the channel has had its briefing of everything there is: the next one would be empty.
        newest = max(a.published for a in big_corpus if a.published)
        bot.storage.record(BriefingRecord(fake_discord.channel.id, datetime.now(UTC), newest,
                                          frozenset(s.text for s in big_corpus.sentences())))
        again = await fake_discord.invoke("schedule test", {"schedule": schedule_id})
        await again.callback(timeout=60)
        refused = await again.followup(timeout=120)
    assert "Posted a test briefing" in posted.content
    seen = screen(post.body)
    assert "This is a test of the schedule." in seen and "1. " in seen  # a real briefing, with its stories
    assert len(fake_discord.events(EventKind.CHANNEL_MESSAGE)) == 1, "an empty briefing is never posted"
    assert refused.ephemeral and "Nothing was posted" in refused.content and "empty" in refused.content
    assert "newest article" in refused.content


async def test_page_buttons_work_after_a_restart_and_turn_disabled_when_they_expire(fake_discord, settings,  # noqa: F811
                                                                                    big_corpus, monkeypatch):
    async with running_bot(settings, big_corpus):
        first = await answer(fake_discord, "stories")
        assert first.embeds[0]["footer"]["text"].startswith("Page 1/")
    async with running_bot(settings, big_corpus):  # a new process: nothing of the first is in memory
        turned = await (await fake_discord.click(first.message, custom_id(first.message, "Next"))).callback(timeout=60)
    assert turned.callback_type == 7 and turned.embeds[0]["footer"]["text"].startswith("Page 2/")
    assert turned.embeds[0]["description"] != first.embeds[0]["description"]
    later = lambda: datetime.now(UTC) + timedelta(hours=1)  # noqa: E731
    async with running_bot(settings, big_corpus, clock=later):
        expired = await fake_discord.click(turned.message, custom_id(turned.data, "Next"))
        update = await expired.callback(timeout=60)
        notice = await expired.followup()
    assert update.callback_type == 7 and "[~Next ▶~]" in screen(update.data) and "<~Open a story" in screen(update.data)
    assert notice.ephemeral and "expired" in notice.content
    monkeypatch.setattr(pages_module, "PAGE_TIMEOUT", timedelta(seconds=0.2))
    async with running_bot(settings, big_corpus):
        live = await (await fake_discord.invoke("stories")).callback(timeout=60)
        edited = await fake_discord.wait_for(EventKind.ORIGINAL_EDITED, timeout=10)
    assert "[Next ▶]" in screen(live.data) and "[~Next ▶~]" in screen(edited.body)


async def test_a_briefing_with_linked_sources_is_one_message_with_fewer_stories_never_an_orphan_page(
        fake_discord, settings, big_corpus):  # noqa: F811
    async with running_bot(settings, big_corpus):
        sent = await fake_discord.invoke("brief", {})
        reply = await sent.callback(timeout=60)
        if reply.callback_type == 5:  # deferred: the briefing comes as a followup, awaited before the bot stops
            reply = await sent.followup(timeout=60)
    embed = reply.embeds[0]
    assert not embed["footer"]["text"].startswith("Page")
    assert len(embed["description"]) <= 4096 and len(embed["title"]) + len(embed["description"]) < 6000
    seen = screen({"embeds": [embed]})
    assert "1. " in seen and "more stories" in seen
    assert links({"embeds": [embed]}), "headlines and outlets link to their articles"


async def test_topics_are_what_people_ask_about(fake_discord, settings, big_corpus):  # noqa: F811
    async with running_bot(settings, big_corpus):
        oil = await choices(fake_discord, "summary", "topic", "oil")
        leading = await choices(fake_discord, "summary", "topic", "")
        bessent = await choices(fake_discord, "summary", "topic", "bess")
        plain = await answer(fake_discord, "summary", {"topic": "Bessent", "length": 5})
        titled = await answer(fake_discord, "summary", {"topic": "Mr Bessent’s", "length": 5})
        unknown = await answer(fake_discord, "summary", {"topic": "xyzzy"})
        typo = await answer(fake_discord, "summary", {"topic": "tarifs"})
        story = await answer(fake_discord, "story", {"story": "oil"})
    assert oil and all(re.search(r"(?:^|\W)oil", name.lower()) for name in oil), oil
    assert not {"toilet", "boil", "soil", "embroiled", "foil"} & {name.lower() for name in oil}
    assert not FUNCTION_WORDS & {name.lower() for name in leading}, leading
    assert bessent == ["Bessent"]
    assert bullets(screen(plain.data)) == bullets(screen(titled.data))
    assert unknown.ephemeral and "Topics with the most coverage now: " in unknown.content
    assert not FUNCTION_WORDS & set(unknown.content.rstrip(".").split(": ")[-1].split(", "))
    assert typo.ephemeral and typo.content.endswith("Did you mean: tariffs?")
    assert "I don't know that story" not in screen(story.data)
    assert re.match(r"# \d+ stories about “oil”", screen(story.data)), screen(story.data)[:200]


async def test_a_topic_summary_is_grouped_under_the_heading_of_each_story(fake_discord, settings, big_corpus):  # noqa: F811
    async with running_bot(settings, big_corpus):
        reply = await answer(fake_discord, "summary", {"topic": "tariffs", "length": 6})
    blocks = reply.embeds[0]["description"].split("\n\n")
    headings = [block.split("\n")[0] for block in blocks if not block.startswith("•")]
    assert len(headings) >= 2 and all(" · " in heading and "source" in heading for heading in headings)
    assert blocks[0].split("\n")[1].startswith("• ")  # the first sentence sits under its story's heading


async def test_a_story_says_its_headline_once_and_credits_each_outlet_once(fake_discord, settings, big_corpus):  # noqa: F811
    story = next(s for s in ranked_stories(big_corpus) if s.sources >= 3)
    async with running_bot(settings, big_corpus):
        reply = await answer(fake_discord, "story", {"story": story.id})
    seen = screen(reply.data)
    assert seen.count(story.headline) == 1
    for line in seen.splitlines():
        if line.startswith("— "):
            outlets = [part.split(",")[0] for part in line[2:].split("; ")]
            assert len(outlets) == len(set(outlets)), line
    credits = [line for line in seen.splitlines() if line.startswith("— ")]
    assert len(credits) == len(set(credits)) or {"— the same sources", "— the same source"} & set(credits)
    assert not [line for line in credits if line.count("; ") + 1 >= story.sources > 1]  # never the whole list again
    url = dict(links(reply.data))
    assert all("utm_" not in address for address in url.values())
    assert reply.embeds[0]["url"].startswith("https://news.example.com/")


async def test_stale_news_is_said_plainly_and_what_changed_says_since_when(fake_discord, settings, big_corpus):  # noqa: F811
    async with running_bot(settings, big_corpus) as bot:
        since_before = await choices(fake_discord, "changes", "since", "")
        sent = await fake_discord.invoke("brief", {})
        brief = await sent.callback(timeout=60)
        if brief.callback_type == 5:  # deferred (a loaded machine): the briefing comes as a followup
            brief = await sent.followup(timeout=60)
        bot.storage.record(BriefingRecord(fake_discord.channel.id, datetime.now(UTC),
                                          max(a.published for a in big_corpus if a.published) - timedelta(days=2),
                                          frozenset()))
        since_after = await choices(fake_discord, "changes", "since", "")
        asked = await fake_discord.invoke("changes", {"since": "2026-10-20", "topic": "oil"})
        oil = await asked.callback(timeout=60)
        if oil.callback_type == 5:  # deferred under load, as the brief above
            oil = await asked.followup(timeout=60)
    seen = screen(brief.data)
    assert "No fresh news: the newest article is from" in seen and "days before this briefing" in seen
    assert "last briefing" not in since_before and "last briefing" in since_after
    index = big_corpus.index
    about = {int(index.sentence_article[i]) for i in big_corpus.index.sentences_with(index.query_terms("oil"))}
    window = sum(1 for n in about if big_corpus.articles[n].published >= datetime(2026, 10, 20, tzinfo=UTC))
    assert f"{window:,} new articles about oil" in screen(oil.data)


async def test_stories_can_be_searched_and_one_opened_from_the_menu(fake_discord, settings, big_corpus):  # noqa: F811
    async with running_bot(settings, big_corpus):
        listing = await answer(fake_discord, "stories", {"search": "oil"})
        menu = custom_id(listing.message, "Open a story")
        options = next(c for row in listing.message["components"] for c in row["components"]
                       if c.get("custom_id") == menu)["options"]
        opened = await (await fake_discord.click(listing.message, menu, values=[options[0]["value"]])).callback(
            timeout=60)
        everything = await answer(fake_discord, "stories")
    assert re.match(r"# \d+ stories about “oil”", screen(listing.data))
    assert opened.ephemeral and screen(opened.data).startswith(f"# {options[0]['label']}")
    assert re.match(r"# \d{1,3}(,\d{3})* stories", screen(everything.data))
    assert "1595 stories" not in screen(everything.data)


async def test_private_replies_share_one_style_and_readers_never_see_internal_markers(fake_discord, settings,  # noqa: F811
                                                                                      big_corpus):
    async with running_bot(settings, big_corpus) as bot:
        error = await answer(fake_discord, "changes", {"since": "next tuesday"})
        admin = await answer(fake_discord, "schedule set", {"time": "8am", "timezone": "UTC"})
        schedule = bot.storage.add_schedule(DigestSchedule(0, int(fake_discord.guild.id),
                                                           int(fake_discord.channel.id), time(8), "UTC"))
        await bot.runner.post_test(schedule)
    assert error.ephemeral and admin.ephemeral and not error.embeds and not admin.embeds
    [post] = fake_discord.events(EventKind.CHANNEL_MESSAGE)
    seen = screen(post.body)
    assert "schedule " not in seen.lower().replace("this is a test of the schedule", "")
    assert "[All stories]" in seen
    assert "News aggregator (18 sources)" not in seen


async def test_a_headline_less_story_says_its_lead_once_and_an_aggregator_is_one_outlet_of_many(
        fake_discord, settings, seeds):  # noqa: F811
    wire = next(story.id for story in seeds.stories if AGGREGATOR in story.article_ids)
    async with running_bot(settings, seeds):
        brief = await answer(fake_discord, "brief")
        story = await answer(fake_discord, "story", {"story": wire})
    seen = screen(brief.data)
    assert "What changed since the day before the newest article (since 23 April 2025)" in seen
    [cut] = [line for line in seen.splitlines() if re.match(r"\d\. .*…$", line)]  # the FT story: no headline
    lead = cut[3:-1]
    assert len(lead) <= 90 and [line for line in seen.splitlines() if lead in line] == [cut]
    assert "4 sources: " in screen(story.data) and "News aggregator of 18 outlets" in screen(story.data)
    assert "(18 sources)" not in screen(story.data)


async def test_an_untitled_feed_is_listed_by_its_address_once(fake_discord, settings, seeds):  # noqa: F811
    address = "https://feeds.example.com/untitled.xml"
    async with running_bot(settings, seeds) as bot:
        bot.ingestor.store.add(address, address, timedelta(minutes=30), int(fake_discord.guild.id))
        listing = await answer(fake_discord, "source list")
    seen = screen(listing.data)
    assert seen.count(address) == 1 and "0 articles" in seen


async def test_a_story_whose_articles_print_a_line_up_quotes_their_prose_not_the_line_up(
        fake_discord, settings, big_corpus):  # noqa: F811
    line_ups = {sentence.article_id for article in big_corpus for sentence in article.sentences
                if "(capt)" in sentence.text}
    stories = [s for s in ranked_stories(big_corpus) if line_ups & set(s.article_ids)]
    assert len(stories) >= 3, "the BBC sport pages print team line-ups such as 'J Robinson (capt); M Cueto...'"
    async with running_bot(settings, big_corpus):
        seen = [screen((await answer(fake_discord, "story", {"story": story.id})).data) for story in stories[:5]]
    said = [line for page in seen for line in bullets(page)]
    assert said, seen
    assert not [line for line in said if "(capt)" in line or line.count(";") >= 3], said
