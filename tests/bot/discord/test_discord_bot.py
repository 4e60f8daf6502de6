"""The real bot, unmodified, driven by discord.py's own HTTP and gateway code against the local fake Discord."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import discord
import pytest

from bot.__main__ import build_bot, run_discord
from bot.settings import load_settings
from briefings.corpus import Article, Corpus
from tests.bot.fakediscord import EventKind, running_client
from tests.bot.fakediscord.fixtures import fake_discord  # noqa: F401 - the fixture
from tests.bot.screen import custom_id
from tests.conftest import SEEDS

COMMANDS = ["brief", "changes", "help", "schedule", "source", "stories", "story", "summary"]
BBC_BUSINESS = SEEDS.parent.parent / "shared" / "data" / "bbc-news-summary" / "News Articles" / "business"


@pytest.fixture
def settings(fake_discord, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD_TOKEN", fake_discord.token)
    monkeypatch.setenv("DISCORD_API_BASE_URL", fake_discord.rest_base)
    monkeypatch.setenv("DISCORD_GATEWAY_URL", fake_discord.gateway_url)
    monkeypatch.setenv("BRIEFBOT_STATE_DIR", str(tmp_path / "state"))
    return load_settings()


@asynccontextmanager
async def running_bot(settings, corpus: Corpus, *, defer_after: float = 5.0) -> AsyncIterator[discord.Client]:
    bot = build_bot(settings, corpus, defer_after=defer_after, guild_ready_timeout=0.05)
    async with running_client(bot, settings.discord_token.get_secret_value()) as client:
        yield client


def description(event) -> str:
    return event.embeds[0]["description"]


async def test_login_ready_and_commands_synced_once_across_restarts(fake_discord, settings, seeds):  # noqa: F811
    async with running_bot(settings, seeds) as bot:
        assert bot.user is not None and str(bot.user.id) == fake_discord.world.application_id
        assert sorted(fake_discord.synced_names()) == COMMANDS
        assert fake_discord.sync_count() == 1
    async with running_bot(settings, seeds):
        pass
    assert fake_discord.sync_count() == 1, "an unchanged command set must not be synced again on restart"


async def test_summary_is_answered_at_once_with_cited_verbatim_sentences(fake_discord, settings, seeds):  # noqa: F811
    async with running_bot(settings, seeds):
        sent = await fake_discord.invoke("summary", {"topic": "tariffs", "length": 3})
        reply = await sent.callback()
    assert reply.callback_type == 4 and not reply.ephemeral
    assert reply.data["allowed_mentions"]["parse"] == []
    embed = reply.embeds[0]
    assert embed["title"] == "What the corpus says about tariffs"
    bullets = [line for line in embed["description"].split("\n") if line.startswith("• ")]
    assert len(bullets) == 3
    texts = [(SEEDS / f).read_text(encoding="utf-8") for f in sorted(p.name for p in SEEDS.glob("*.txt"))]
    for bullet in bullets:
        sentence = discord.utils.remove_markdown(bullet[2:])
        assert any(sentence.replace("\\", "") in text for text in texts), sentence
    assert "21 February 2025" in embed["description"]  # the seeds give days: written as days, not timestamps
    assert "<t:" not in embed["description"]
    assert "5 articles" in embed["footer"]["text"]


async def test_slow_work_is_deferred_and_answered_by_a_followup(fake_discord, settings, seeds):  # noqa: F811
    async with running_bot(settings, seeds, defer_after=0.0):
        sent = await fake_discord.invoke("brief")
        deferred = await sent.callback()
        followup = await sent.followup()
    assert deferred.callback_type == 5
    assert followup.embeds[0]["title"].startswith("Briefing")
    assert "Figures that moved" in description(followup)


async def test_autocomplete_offers_topics_the_corpus_holds(fake_discord, settings, seeds):  # noqa: F811
    async with running_bot(settings, seeds):
        sent = await fake_discord.autocomplete("summary", {"topic": "tar"}, focused="topic")
        answer = await sent.callback()
        stories = await (await fake_discord.autocomplete("story", {"story": "china"}, focused="story")).callback()
    assert answer.callback_type == 8
    assert "tariffs" in [choice["value"] for choice in answer.body["data"]["choices"]]
    assert [choice["value"] for choice in stories.body["data"]["choices"]]


async def test_unknown_topic_gets_a_private_reply_with_close_topics(fake_discord, settings, seeds):  # noqa: F811
    async with running_bot(settings, seeds):
        reply = await (await fake_discord.invoke("summary", {"topic": "tarifs"})).callback()
        bad_date = await (await fake_discord.invoke("changes", {"since": "next tuesday"})).callback()
    assert reply.ephemeral and "Did you mean: tariffs?" in reply.content and not reply.embeds
    assert bad_date.ephemeral and "yesterday" in bad_date.content


async def test_changes_since_a_date_reports_moved_figures(fake_discord, settings, seeds):  # noqa: F811
    async with running_bot(settings, seeds):
        reply = await (await fake_discord.invoke("changes", {"since": "2025-03-01"})).callback()
    text = description(reply)
    assert "US tariffs" in text and "145%" in text and "up to 15%" in text
    assert "Reversal" in text


async def test_changes_about_a_topic_leads_with_news_on_real_coverage(fake_discord, settings):  # noqa: F811
    from datetime import UTC, datetime

    from tests.conftest import timeline17_story

    loaded, _ = Corpus.from_folder(timeline17_story("haitian_earthquake") / "articles")
    day_end = datetime(2010, 1, 21, tzinfo=UTC)
    haiti = Corpus(tuple(article for article in loaded if article.published and article.published < day_end))
    async with running_bot(settings, haiti):
        reply = await (await fake_discord.invoke("changes", {"since": "2010-01-20", "topic": "troops"})).callback()
    text = description(reply)
    assert "troops" in text
    assert not any(colour in text for colour in ("Trinny", "0370", "U2 ", "donate"))


async def test_help_is_one_private_embed(fake_discord, settings, seeds):  # noqa: F811
    async with running_bot(settings, seeds):
        reply = await (await fake_discord.invoke("help")).callback()
    assert reply.ephemeral and len(reply.embeds) == 1
    assert all(f"/{name}" in description(reply) for name in COMMANDS)


@pytest.fixture(scope="module")
def many_stories() -> Corpus:
    assert BBC_BUSINESS.is_dir(), f"the BBC data is expected at {BBC_BUSINESS}"
    articles = [Article.from_text(path.stem, path.read_text(encoding="utf-8", errors="replace"))
                for path in sorted(BBC_BUSINESS.glob("*.txt"))[:80]]
    return Corpus(tuple(articles))


async def test_long_replies_page_with_buttons_only_the_caller_can_turn(fake_discord, settings, many_stories):  # noqa: F811
    async with running_bot(settings, many_stories):
        first = await (await fake_discord.invoke("stories")).callback()
        footer = first.embeds[0]["footer"]["text"]
        assert footer.startswith("Page 1/")
        assert len(description(first)) <= 4096 and len(first.embeds) == 1
        intruder = fake_discord.world.add_user("mallory")
        next_page = custom_id(first.message, "Next")
        refused = await (await fake_discord.click(first.message, next_page, user=intruder)).callback()
        assert refused.ephemeral and "Only the person" in refused.content
        turned = await (await fake_discord.click(first.message, next_page)).callback()
    assert turned.callback_type == 7
    assert turned.embeds[0]["footer"]["text"].startswith("Page 2/")
    assert description(turned) != description(first)


async def test_a_rate_limited_reply_is_retried_not_lost(fake_discord, settings, seeds):  # noqa: F811
    fake_discord.inject_rate_limit("POST", "/interactions/{webhook_id}/{webhook_token}/callback", retry_after=0.2)
    async with running_bot(settings, seeds):
        reply = await (await fake_discord.invoke("stories")).callback()
    assert reply.embeds[0]["title"] == "2 stories"
    statuses = [r.status for r in fake_discord.requests if r.route and r.route.endswith("/callback")]
    assert statuses == [429, 200]


async def test_an_interaction_sent_during_a_reconnect_is_answered_after_resume(fake_discord, settings, seeds):  # noqa: F811
    async with running_bot(settings, seeds):
        await fake_discord.request_reconnect()
        sent = await fake_discord.invoke("help")
        resume = await fake_discord.wait_for(EventKind.RESUME)
        reply = await sent.callback()
    assert resume.extra["replayed"] == ["INTERACTION_CREATE"]
    assert reply.embeds[0]["title"] == "Briefbot"
    assert fake_discord.recorder.count(EventKind.IDENTIFY) == 1


async def test_one_failing_command_does_not_take_the_bot_down(fake_discord, settings, seeds, monkeypatch, caplog):  # noqa: F811
    import bot.discord.exts.briefings as cog_module

    def broken(*args, **kwargs):
        raise RuntimeError("engine exploded")

    async with running_bot(settings, seeds):
        monkeypatch.setattr(cog_module, "ranked_stories", broken)
        apology = await (await fake_discord.invoke("stories")).callback()
        monkeypatch.undo()
        after = await (await fake_discord.invoke("help")).callback()
    assert apology.ephemeral and "Sorry" in apology.content
    assert "engine exploded" not in apology.content
    assert "command /stories failed" in caplog.text
    assert after.embeds[0]["title"] == "Briefbot"


async def test_a_rejected_token_is_one_clear_line_and_never_echoed(fake_discord, settings, seeds, monkeypatch,  # noqa: F811
                                                                   capsys, caplog):
    secret = "MTIz.not-the-right-token.for-this-test"  # noqa: S105 - a test value, not a secret
    monkeypatch.setenv("DISCORD_TOKEN", secret)
    caplog.set_level(logging.DEBUG)
    code = await asyncio.to_thread(run_discord, load_settings(), seeds)  # the real entry point, in its own loop
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "Discord rejected the token" in err
    assert secret not in err and secret not in caplog.text
    assert [(r.method, r.route, r.status) for r in fake_discord.requests] == [("GET", "/users/@me", 401)]


def test_every_extension_imports_and_has_setup():
    import importlib
    import pkgutil

    import bot.discord.exts

    modules = pkgutil.iter_modules(bot.discord.exts.__path__)
    names = [module.name for module in modules if not module.name.startswith("_")]
    assert names == ["briefings", "schedules", "sources"]
    for name in names:
        assert callable(importlib.import_module(f"bot.discord.exts.{name}").setup)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_briefbot_run_closes_the_connection_cleanly_on_a_signal(fake_discord, settings, tmp_path, signum):  # noqa: F811
    env = {**os.environ, "DISCORD_TOKEN": fake_discord.token, "DISCORD_API_BASE_URL": fake_discord.rest_base,
           "DISCORD_GATEWAY_URL": fake_discord.gateway_url, "BRIEFBOT_STATE_DIR": str(tmp_path / "state"),
           "BRIEFBOT_CORPUS_DIR": str(SEEDS), "BRIEFBOT_LOG_LEVEL": "INFO"}
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
                                                   stderr=asyncio.subprocess.PIPE)
    try:
        await fake_discord.wait_for(EventKind.IDENTIFY, timeout=30)
        await fake_discord.wait_for(EventKind.COMMANDS_SYNCED, timeout=10)
        process.send_signal(signum)
        _, err = await asyncio.wait_for(process.communicate(), timeout=20)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    closed = await fake_discord.wait_for(EventKind.GATEWAY_CLOSED)
    assert process.returncode == 0, err.decode()
    # The bot sent a close frame (discord.py's own close uses 4000, keeping the session resumable); a dropped
    # connection would show as 1006 or no code at all.
    assert closed.extra["code"] in {1000, 4000}
    assert b"disconnected cleanly" in err
    assert fake_discord.token.encode() not in err


async def test_with_a_guild_id_commands_are_synced_to_that_server_only(fake_discord, settings, seeds, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DISCORD_GUILD_ID", fake_discord.guild.id)
    async with running_bot(load_settings(), seeds):
        reply = await (await fake_discord.invoke("help")).callback()
    assert sorted(fake_discord.synced_names(guild_id=fake_discord.guild.id)) == COMMANDS
    assert fake_discord.sync_count(guild_id=fake_discord.guild.id) == 1
    assert reply.embeds[0]["title"] == "Briefbot"
