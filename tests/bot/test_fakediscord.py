"""End-to-end tests of the fake Discord harness, driving an unmodified discord.py bot defined here."""

from __future__ import annotations

import asyncio
import inspect
import io
import math
import socket
from collections.abc import AsyncIterator

import discord
import discord.gateway
import discord.http
import pytest
import pytest_asyncio
import yarl
from discord import app_commands
from discord.ext import commands

from tests.bot.fakediscord import (
    EventKind,
    FakeDiscord,
    NotOffered,
    Recorder,
    WaitTimeout,
    check_discord_py_layout,
    fixtures,
    redirect_discord_py,
    running_client,
)

fake_discord = fixtures.fake_discord  # the harness's fixture: a running FakeDiscord with discord.py pointed at it

EPHEMERAL = 64
LOADING = 128
FRUITS = ("apple", "apricot", "banana", "cherry")


# ---------------------------------------------------------------------------------------------------- the test bot
class VoteView(discord.ui.View):
    """A button and a select; clicking the button rewrites the message."""

    def __init__(self) -> None:
        super().__init__(timeout=60)

    @discord.ui.button(label="Yes", custom_id="vote:yes", style=discord.ButtonStyle.success)
    async def yes(self, interaction: discord.Interaction, button: discord.ui.Button[VoteView]) -> None:
        await interaction.response.edit_message(content=f"{interaction.user.name} voted yes", view=None)

    @discord.ui.select(custom_id="vote:colour", options=[discord.SelectOption(label=c) for c in ("red", "blue")])
    async def colour(self, interaction: discord.Interaction, select: discord.ui.Select[VoteView]) -> None:
        await interaction.response.send_message(f"colour {select.values[0]}", ephemeral=True)


class MiniBot(commands.Bot):
    """A small bot with a few global slash commands and one guild-only command group."""

    def __init__(self, guild_id: int) -> None:
        # guild_ready_timeout: on_ready otherwise comes 2 s after the last GUILD_CREATE
        super().__init__(
            command_prefix=commands.when_mentioned, intents=discord.Intents.default(), guild_ready_timeout=0.05
        )
        self.guild_id = guild_id
        self.resumes = 0
        config = app_commands.Group(name="config", description="guild settings")

        @config.command(name="set", description="set a key")
        async def config_set(interaction: discord.Interaction, key: str, value: str) -> None:
            await interaction.response.send_message(f"{key}={value}")

        self.tree.add_command(config, guild=discord.Object(guild_id))
        self.tree.add_command(ping)
        self.tree.add_command(echo)
        self.tree.add_command(fruit)
        self.tree.add_command(slow)
        self.tree.add_command(vote)
        self.tree.add_command(whois)
        self.tree.add_command(vanish)

    async def setup_hook(self) -> None:
        await self.tree.sync()
        await self.tree.sync(guild=discord.Object(self.guild_id))

    async def on_resumed(self) -> None:
        self.resumes += 1


@app_commands.command(description="pong")
async def ping(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("pong")


@app_commands.command(description="repeat text, privately")
async def echo(interaction: discord.Interaction, text: str, times: app_commands.Range[int, 1, 5] = 1) -> None:
    await interaction.response.send_message(f"{interaction.user.name}: {' '.join([text] * times)}", ephemeral=True)


async def _fruit_names(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=f, value=f) for f in FRUITS if f.startswith(current)]


@app_commands.command(description="pick a fruit")
@app_commands.autocomplete(name=_fruit_names)
async def fruit(interaction: discord.Interaction, name: str) -> None:
    await interaction.response.send_message(f"you picked {name}")


@app_commands.command(description="defer, follow up, edit")
async def slow(interaction: discord.Interaction) -> None:
    await interaction.response.defer(thinking=True)
    await interaction.followup.send(embed=discord.Embed(title="details"), ephemeral=True)
    await interaction.edit_original_response(content="done")


@app_commands.command(description="reply, then delete the reply")
async def vanish(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("now you see me")
    await interaction.delete_original_response()


@app_commands.command(description="vote")
async def vote(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("Vote!", view=VoteView())


@app_commands.command(description="describe a member")
async def whois(interaction: discord.Interaction, member: discord.Member) -> None:
    await interaction.response.send_message(f"{member.name} in #{getattr(interaction.channel, 'name', '?')}")


@pytest_asyncio.fixture
async def bot(fake_discord: FakeDiscord) -> AsyncIterator[MiniBot]:
    async with running_client(MiniBot(int(fake_discord.guild.id)), fake_discord.token) as client:
        yield client


# ---------------------------------------------------------------------------------------------------- tests
def test_discord_py_still_has_the_two_redirect_points() -> None:
    """If this fails, discord.py moved Route.BASE or DEFAULT_GATEWAY: update tests/bot/fakediscord/client.py."""
    check_discord_py_layout()
    assert isinstance(discord.http.Route.BASE, str), "discord.http.Route.BASE is no longer a str"
    assert isinstance(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY, yarl.URL), (
        "discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY is no longer a yarl.URL"
    )
    assert "self.BASE" in inspect.getsource(discord.http.Route.__init__), (
        "discord.http.Route no longer builds its URL from BASE when created"
    )
    assert "cls.DEFAULT_GATEWAY" in inspect.getsource(discord.gateway.DiscordWebSocket.from_client), (
        "DiscordWebSocket.from_client no longer falls back to DEFAULT_GATEWAY"
    )


def test_redirect_discord_py_points_at_the_fake_and_restores() -> None:
    class Endpoints:
        rest_base = "http://127.0.0.1:1/api/v10"
        gateway_url = "ws://127.0.0.1:1/gateway-ws"

    before = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    with redirect_discord_py(Endpoints()):
        assert discord.http.Route("GET", "/users/@me").url == "http://127.0.0.1:1/api/v10/users/@me"
        assert discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY == yarl.URL("ws://127.0.0.1:1/gateway-ws")
    assert (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == before


@pytest.mark.asyncio
async def test_login_identify_ready_and_guild(fake_discord: FakeDiscord, bot: MiniBot) -> None:
    first = [f"{r.method} {r.route}" for r in fake_discord.requests[:2]]
    assert first == ["GET /users/@me", "GET /oauth2/applications/@me"]
    assert all(r.authorization == f"Bot {fake_discord.token}" for r in fake_discord.requests)

    identify = await fake_discord.wait_for(EventKind.IDENTIFY)
    assert identify.body["intents"] == discord.Intents.default().value
    assert "token" not in identify.body

    assert bot.user is not None and str(bot.user.id) == fake_discord.world.bot.id
    assert bot.application_id == int(fake_discord.world.application_id)
    guild = bot.get_guild(int(fake_discord.guild.id))
    assert guild is not None and guild.name == fake_discord.guild.name
    assert [c.name for c in guild.text_channels] == ["general"]
    assert guild.me is not None and guild.owner_id == int(fake_discord.user.id)

    # discord.py heartbeats right after HELLO, before IDENTIFY; the ACK precedes READY, so it is processed by now
    heartbeat = await fake_discord.wait_for(EventKind.HEARTBEAT)
    assert heartbeat.index < identify.index
    assert math.isfinite(bot.latency)


@pytest.mark.asyncio
async def test_command_sync_is_recorded_per_scope(fake_discord: FakeDiscord, bot: MiniBot) -> None:
    synced = await fake_discord.wait_for(EventKind.COMMANDS_SYNCED, where=lambda e: e.guild_id is None)
    assert sorted(c["name"] for c in synced.body) == ["echo", "fruit", "ping", "slow", "vanish", "vote", "whois"]
    assert fake_discord.synced_names(fake_discord.guild.id) == ["config"]
    assert fake_discord.sync_count() == 1 and fake_discord.sync_count(fake_discord.guild.id) == 1

    fetched = await bot.tree.fetch_commands()  # GET /applications/{id}/commands
    first_ids = {c.name: c.id for c in fetched}
    assert sorted(first_ids) == fake_discord.synced_names()

    await bot.tree.sync()  # a second PUT keeps the ids, as on Discord
    assert fake_discord.sync_count() == 2
    assert {c.name: c.id for c in await bot.tree.fetch_commands()} == first_ids
    assert [s.guild_id for s in fake_discord.sync_calls] == [None, fake_discord.guild.id, None]


@pytest.mark.asyncio
async def test_slash_command_reply(fake_discord: FakeDiscord, bot: MiniBot) -> None:
    sent = await fake_discord.invoke("ping")
    callback = await sent.callback()
    assert callback.callback_type == 4 and callback.content == "pong" and not callback.ephemeral
    assert callback.message is not None and fake_discord.channel_messages()[-1]["content"] == "pong"
    assert callback.message["interaction_metadata"]["user"]["id"] == fake_discord.user.id


@pytest.mark.asyncio
async def test_options_user_and_ephemeral_flag(fake_discord: FakeDiscord, bot: MiniBot) -> None:
    bob = fake_discord.world.add_user("bob")
    sent = await fake_discord.invoke("echo", {"text": "hi", "times": 3}, user=bob)
    callback = await sent.callback()
    assert callback.content == "bob: hi hi hi"
    assert callback.flags == EPHEMERAL and callback.ephemeral
    assert callback.message is not None and callback.message["flags"] & EPHEMERAL


@pytest.mark.asyncio
async def test_member_option_is_resolved(fake_discord: FakeDiscord, bot: MiniBot) -> None:
    carol = fake_discord.world.add_user("carol")
    callback = await (await fake_discord.invoke("whois", {"member": carol})).callback()
    assert callback.content == "carol in #general"


@pytest.mark.asyncio
async def test_guild_subcommand(fake_discord: FakeDiscord, bot: MiniBot) -> None:
    sent = await fake_discord.invoke("config set", {"key": "lang", "value": "en"})
    assert sent.payload["data"]["guild_id"] == fake_discord.guild.id
    assert (await sent.callback()).content == "lang=en"


@pytest.mark.asyncio
async def test_harness_refuses_what_discord_would_not_offer(fake_discord: FakeDiscord, bot: MiniBot) -> None:
    with pytest.raises(NotOffered, match="never synced"):
        await fake_discord.invoke("nope")
    with pytest.raises(NotOffered, match=r"requires options \['text'\]"):
        await fake_discord.invoke("echo")
    with pytest.raises(NotOffered, match="no option or subcommand 'colour'"):
        await fake_discord.invoke("echo", {"text": "x", "colour": "red"})


@pytest.mark.asyncio
async def test_autocomplete(fake_discord: FakeDiscord, bot: MiniBot) -> None:
    sent = await fake_discord.autocomplete("fruit", {"name": "ap"}, focused="name")
    callback = await sent.callback()
    assert callback.callback_type == 8
    assert [c["value"] for c in callback.data["choices"]] == ["apple", "apricot"]


@pytest.mark.asyncio
async def test_defer_followup_and_edit_original(fake_discord: FakeDiscord, bot: MiniBot) -> None:
    sent = await fake_discord.invoke("slow")
    callback = await sent.callback()
    assert callback.callback_type == 5
    assert callback.message is not None and callback.message["flags"] == LOADING

    followup = await sent.followup()
    assert followup.embeds[0]["title"] == "details" and followup.ephemeral

    edit = await sent.original_edit()
    assert edit.content == "done"
    assert edit.message is not None and edit.message["id"] == callback.message["id"]
    assert fake_discord.messages.get(callback.message["id"]) == edit.message
    assert edit.message["flags"] & LOADING == 0


@pytest.mark.asyncio
async def test_delete_original_response(fake_discord: FakeDiscord, bot: MiniBot) -> None:
    sent = await fake_discord.invoke("vanish")
    reply = await sent.callback()
    deleted = await fake_discord.wait_for(EventKind.MESSAGE_DELETED, where=lambda e: e.interaction_id == sent.id)
    assert reply.message is not None and deleted.message is not None
    assert deleted.message["id"] == reply.message["id"]
    assert fake_discord.messages.get(reply.message["id"]) is None


@pytest.mark.asyncio
async def test_channel_message_with_file(fake_discord: FakeDiscord, bot: MiniBot) -> None:
    channel = bot.get_channel(int(fake_discord.channel.id))
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("report attached", file=discord.File(io.BytesIO(b"hello"), filename="report.txt"))
    posted = await fake_discord.wait_for(EventKind.CHANNEL_MESSAGE)
    assert posted.content == "report attached"
    assert [(f.filename, f.data) for f in posted.files] == [("report.txt", b"hello")]
    assert [(a.filename, a.size) for a in sent.attachments] == [("report.txt", 5)]


@pytest.mark.asyncio
async def test_component_click_updates_the_message(fake_discord: FakeDiscord, bot: MiniBot) -> None:
    posted = await (await fake_discord.invoke("vote")).callback()
    assert posted.message is not None
    dave = fake_discord.world.add_user("dave")

    click = await fake_discord.click(posted.message, "vote:yes", user=dave)
    assert click.payload["message"]["id"] == posted.message["id"]
    update = await click.callback()
    assert update.callback_type == 7 and update.content == "dave voted yes"
    assert fake_discord.messages.get(posted.message["id"]) == update.message
    assert update.message is not None and update.message["components"] == []
    with pytest.raises(NotOffered, match="no component"):
        await fake_discord.click(posted.message, "vote:yes")  # the button is gone now


@pytest.mark.asyncio
async def test_select_menu(fake_discord: FakeDiscord, bot: MiniBot) -> None:
    posted = await (await fake_discord.invoke("vote")).callback()
    assert posted.message is not None
    reply = await (await fake_discord.click(posted.message, "vote:colour", values=["blue"])).callback()
    assert reply.content == "colour blue" and reply.ephemeral


@pytest.mark.asyncio
async def test_channel_message_429_is_retried(fake_discord: FakeDiscord, bot: MiniBot) -> None:
    fake_discord.inject_rate_limit("POST", "/channels/{channel_id}/messages", retry_after=0.2)
    channel = bot.get_channel(int(fake_discord.channel.id))
    assert isinstance(channel, discord.TextChannel)

    sent = await channel.send(embed=discord.Embed(title="scheduled"))  # discord.py retries inside send()

    limited = await fake_discord.wait_for(EventKind.RATE_LIMITED)
    posted = await fake_discord.wait_for(EventKind.CHANNEL_MESSAGE)
    assert posted.embeds[0]["title"] == "scheduled" and str(sent.id) == posted.message["id"]  # type: ignore[index]
    assert posted.at - limited.at >= 0.2, "discord.py must wait retry_after before retrying"
    statuses = [r.status for r in fake_discord.requests if r.route == "/channels/{channel_id}/messages"]
    assert statuses == [429, 200]


@pytest.mark.asyncio
async def test_interaction_callback_429_is_retried(fake_discord: FakeDiscord, bot: MiniBot) -> None:
    fake_discord.inject_rate_limit("POST", "/interactions/{webhook_id}/{webhook_token}/callback", retry_after=0.1)
    sent = await fake_discord.invoke("ping")
    assert (await sent.callback()).content == "pong"
    assert fake_discord.events(EventKind.RATE_LIMITED)[0].extra["route"].startswith("/interactions/")
    assert [r.status for r in fake_discord.requests if r.route and r.route.endswith("/callback")] == [429, 200]


@pytest.mark.asyncio
async def test_reconnect_resume_replays_missed_interaction(fake_discord: FakeDiscord, bot: MiniBot) -> None:
    await fake_discord.request_reconnect()
    sent = await fake_discord.invoke("ping")  # dispatched while the bot is away: buffered, replayed on RESUME

    resume = await fake_discord.wait_for(EventKind.RESUME)
    assert resume.extra["replayed"] == ["INTERACTION_CREATE"]
    assert (await sent.callback()).content == "pong"
    assert fake_discord.recorder.count(EventKind.IDENTIFY) == 1, "the bot must RESUME, not IDENTIFY again"
    closed = fake_discord.events(EventKind.GATEWAY_CLOSED)
    assert len(closed) == 1 and closed[0].index < resume.index


@pytest.mark.asyncio
async def test_bad_token_is_rejected(fake_discord: FakeDiscord) -> None:
    with pytest.raises(discord.LoginFailure):
        async with running_client(MiniBot(int(fake_discord.guild.id)), "not-the-token"):
            pass
    assert [(r.method, r.route, r.status) for r in fake_discord.requests] == [("GET", "/users/@me", 401)]
    assert fake_discord.recorder.count(EventKind.IDENTIFY) == 0


@pytest.mark.asyncio
async def test_unimplemented_route_is_reported() -> None:
    async with FakeDiscord() as fake:
        with redirect_discord_py(fake):
            async with running_client(MiniBot(int(fake.guild.id)), fake.token) as client:
                with pytest.raises(discord.NotFound):
                    await client.fetch_guild(int(fake.guild.id))
        assert [str(r) for r in fake.unhandled_requests] == [f"GET /guilds/{fake.guild.id} -> 404"]
        with pytest.raises(AssertionError, match="unhandled request: GET /guilds/"):
            fake.assert_healthy()


@pytest.mark.asyncio
async def test_wait_for_times_out_with_what_was_recorded() -> None:
    recorder = Recorder()
    recorder.record(EventKind.FOLLOWUP, body={"content": "x"}, interaction_id="1")
    assert (await recorder.wait_for(EventKind.FOLLOWUP)).content == "x"
    with pytest.raises(WaitTimeout, match="no unclaimed 'followup' event") as failure:
        await recorder.wait_for(EventKind.FOLLOWUP, timeout=0.01)  # the only one was already claimed
    assert "'content': 'x'" in str(failure.value)
    waiting = asyncio.ensure_future(recorder.wait_for(EventKind.FOLLOWUP, where=lambda e: e.interaction_id == "2"))
    recorder.record(EventKind.FOLLOWUP, interaction_id="3")
    recorder.record(EventKind.FOLLOWUP, interaction_id="2")
    assert (await waiting).interaction_id == "2"


@pytest.mark.asyncio
async def test_clean_shutdown_leaves_no_tasks_and_frees_the_port() -> None:
    async with FakeDiscord() as fake:
        port = fake.port
        with redirect_discord_py(fake):
            async with running_client(MiniBot(int(fake.guild.id)), fake.token) as client:
                assert client.is_ready()
        assert client.is_closed()
        fake.assert_healthy()
    leftovers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert leftovers == []
    with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
        probe.connect(("127.0.0.1", port))
