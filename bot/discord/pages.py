"""Buttons and menus on replies that keep working after a restart, and turn disabled when they expire.

Each component's custom id carries what it needs: the page it turns to, who may turn it, when it expires and the
reply's key (its command and arguments, from which the reply is built again). discord.py's `DynamicItem` matches
those ids at any time after they were sent, so a click after a restart finds its handler
(https://discordpy.readthedocs.io/en/stable/interactions/api.html#dynamicitem). A custom id holds 100 characters;
a key too long for one is kept in memory, and its buttons last until the bot restarts.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from datetime import UTC, datetime, timedelta
from typing import Any

import discord

from bot.discord.exts._replies import acknowledge_unless_done, send_followup
from bot.discord.render import Reply

log = logging.getLogger(__name__)

PAGE_TIMEOUT = timedelta(minutes=10)  # how long page buttons stay live (an interaction can edit its reply for 15)
CUSTOM_ID_LIMIT = 100
_PAGE = "bb:p"
_MENU = "bb:s"
_STORIES = "bb:b"
_PAGE_TEMPLATE = re.escape(_PAGE) + r":(?P<target>\d+):(?P<owner>[0-9a-z]+):(?P<expires>[0-9a-z]+):(?P<key>.*)"

Rebuild = Callable[[str, int | None], Reply]  # (key, server id) -> reply: a server sees its own corpus


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if number == 0:
            return text


class Pager:
    """Sends replies with their components and answers the components' clicks, for as long as they live."""

    def __init__(self, rebuild: Rebuild, engine: Executor, defer_after: float = 0.25,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.rebuild = rebuild  # (key, server) -> reply; runs on the engine thread
        self.engine = engine
        self.defer_after = defer_after
        self.clock = clock
        self._long_keys: dict[str, str] = {}
        self._timers: set[asyncio.Task[None]] = set()
        self.items = persistent_items(self)  # register them at start: Client.add_dynamic_items(*pager.items)

    async def run(self, interaction: discord.Interaction, work: Callable[[], Reply], *,
                  update: bool = False, private: bool = False) -> tuple[Reply, bool]:
        """Run engine work off the event loop; defer the interaction if it is not done at once."""
        task = asyncio.get_running_loop().run_in_executor(self.engine, work)
        deferred = await acknowledge_unless_done(interaction, task, self.defer_after, update=update, private=private)
        return await task, deferred

    async def send(self, interaction: discord.Interaction, reply: Reply, deferred: bool) -> None:
        """Send a reply: a notice as text, pages as an embed with buttons and a menu where they apply."""
        mentions = discord.AllowedMentions.none()
        if reply.content is not None or not reply.pages:
            text = reply.content or "Nothing to show."
            if interaction.response.is_done():
                await send_followup(interaction, ephemeral=reply.ephemeral, content=text, allowed_mentions=mentions)
            else:
                await interaction.response.send_message(text, ephemeral=reply.ephemeral, allowed_mentions=mentions)
            return
        expires = self.clock() + PAGE_TIMEOUT
        view = self.view(reply, 0, interaction.user.id, expires)
        embed = reply.pages[0].embed(1, len(reply.pages))
        extra: dict[str, Any] = {"view": view} if view is not None else {}
        if deferred or interaction.response.is_done():
            sent = await send_followup(interaction, ephemeral=reply.ephemeral, embed=embed, allowed_mentions=mentions,
                                       **extra)

            async def fetch() -> discord.Message:
                return await interaction.followup.fetch_message(sent.id)

            edit: Callable[..., Awaitable[Any]] = sent.edit
        else:
            await interaction.response.send_message(embed=embed, allowed_mentions=mentions,
                                                    ephemeral=reply.ephemeral, **extra)
            fetch, edit = interaction.original_response, interaction.edit_original_response
        if view is not None:
            self._expire_later(interaction, fetch, edit, expires)

    def view(self, reply: Reply, page: int, owner: int, expires: datetime) -> discord.ui.View | None:
        """Build the components of one page: ◀/▶ when there are several pages, a menu of its stories."""
        pages = reply.pages
        turn, choose, _ = self.items
        view = discord.ui.View(timeout=None)  # only dynamic items: discord.py keeps no state for it
        stamp = int(expires.timestamp())
        if len(pages) > 1:
            key = self._storable(reply.key or "")
            for target, label, style in ((page - 1, "◀ Previous", discord.ButtonStyle.secondary),
                                         (page + 1, "Next ▶", discord.ButtonStyle.primary)):
                button = turn(target + 1, owner, stamp, key)  # type: ignore[call-arg]
                button.item.label, button.item.style = label, style
                button.item.disabled = not 0 <= target < len(pages) or not reply.key
                view.add_item(button)
        if pages[page].choices:
            menu = choose(page + 1, stamp)  # type: ignore[call-arg]
            menu.item.placeholder = "Open a story…"
            menu.item.options = [discord.SelectOption(label=choice.label, value=choice.value,
                                                      description=choice.description or None)
                                 for choice in pages[page].choices]
            view.add_item(menu)
        return view if view.children else None

    async def turn(self, interaction: discord.Interaction, target: int, owner: int, expires: int, key: str) -> None:
        """Answer a page button: only the caller may turn, only until it expires; the reply is built again."""
        if interaction.user.id != owner:
            await interaction.response.send_message("Only the person who ran the command can turn these pages. "
                                                    "Run it yourself to get your own copy.", ephemeral=True)
            return
        full_key = self._long_keys.get(key, key) if key.startswith("~") else key
        if self.clock().timestamp() > expires or (key.startswith("~") and key not in self._long_keys):
            await self._disable(interaction)
            return
        reply, deferred = await self.run(interaction, lambda: self.rebuild(full_key, interaction.guild_id),
                                         update=True)
        if not reply.pages:
            await self._disable(interaction)
            return
        page = max(0, min(len(reply.pages) - 1, target - 1))
        reply.key = full_key
        view = self.view(reply, page, owner, datetime.fromtimestamp(expires, UTC))
        embed = reply.pages[page].embed(page + 1, len(reply.pages))
        if deferred:
            await interaction.edit_original_response(embed=embed, view=view)
        else:
            await interaction.response.edit_message(embed=embed, view=view)

    async def open(self, interaction: discord.Interaction, key: str, expires: int | None = None) -> None:
        """Open a reply privately for whoever used a menu or button (a story, the list of stories)."""
        if expires is not None and self.clock().timestamp() > expires:
            await self._disable(interaction)
            return
        reply, deferred = await self.run(interaction, lambda: self.rebuild(key, interaction.guild_id), private=True)
        reply.ephemeral = True
        reply.key = key
        await self.send(interaction, reply, deferred)

    def close(self) -> None:
        """Stop the expiry timers (the bot is closing; a click after the restart still finds its buttons)."""
        for timer in self._timers:
            timer.cancel()

    def _storable(self, key: str) -> str:
        room = CUSTOM_ID_LIMIT - len(_PAGE) - 32
        if len(key) <= room and not key.startswith("~"):
            return key
        short = "~" + hashlib.sha256(key.encode()).hexdigest()[:12]
        self._long_keys[short] = key
        return short

    def _expire_later(self, interaction: discord.Interaction, fetch: Callable[[], Awaitable[discord.Message]],
                      edit: Callable[..., Awaitable[Any]], expires: datetime) -> None:
        async def expire() -> None:
            await asyncio.sleep(max((expires - self.clock()).total_seconds(), 0))
            try:
                await edit(view=disabled_view(await fetch()))  # as the reader left it: its page, disabled
            except discord.HTTPException:
                log.info("could not disable the expired buttons of interaction %s", interaction.id)

        timer = asyncio.ensure_future(expire())
        self._timers.add(timer)
        timer.add_done_callback(self._timers.discard)

    async def _disable(self, interaction: discord.Interaction) -> None:
        view = disabled_view(interaction.message) if interaction.message is not None else None
        await interaction.response.edit_message(view=view)
        await interaction.followup.send("These buttons have expired. Run the command again for a fresh copy.",
                                        ephemeral=True)


def disabled_view(message: discord.Message | None) -> discord.ui.View | None:
    """Return a message's components, every one disabled (what a reader sees when they expire)."""
    if message is None or not message.components:
        return None
    view = discord.ui.View.from_message(message, timeout=None)
    for item in view.children:
        if hasattr(item, "disabled"):
            item.disabled = True
    return view


def briefing_view(marker: str) -> discord.ui.View:
    """Return the components of a posted briefing: a button that lists every story (for whoever presses it).

    Its custom id also carries the run's marker, where the poster can find it again after a crash, unseen by
    readers.
    """
    view = discord.ui.View(timeout=None)
    custom_id = f"{_STORIES}:{marker}"[:CUSTOM_ID_LIMIT]
    view.add_item(discord.ui.Button(label="All stories", style=discord.ButtonStyle.secondary, custom_id=custom_id))
    return view


def marker_of(message: discord.Message) -> str | None:
    """Return the run marker a posted briefing carries (see `briefing_view`)."""
    for row in message.components:
        for component in getattr(row, "children", [row]):
            custom_id = getattr(component, "custom_id", None) or ""
            if custom_id.startswith(f"{_STORIES}:"):
                return custom_id[len(_STORIES) + 1:]
    return None


def persistent_items(pager: Pager) -> tuple[type[discord.ui.DynamicItem[Any]], ...]:
    """Return the component handlers to register at start (`Client.add_dynamic_items`), bound to a pager."""

    class PageTurn(discord.ui.DynamicItem[discord.ui.Button[Any]], template=_PAGE_TEMPLATE):
        def __init__(self, target: int, owner: int, expires: int, key: str) -> None:
            super().__init__(discord.ui.Button(custom_id=f"{_PAGE}:{target}:{_base36(owner)}:{_base36(expires)}:{key}"))
            self.target, self.owner, self.expires, self.key = target, owner, expires, key

        @classmethod
        async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                                 match: re.Match[str], /) -> PageTurn:
            return cls(int(match["target"]), int(match["owner"], 36), int(match["expires"], 36), match["key"])

        async def callback(self, interaction: discord.Interaction) -> None:
            await pager.turn(interaction, self.target, self.owner, self.expires, self.key)

    class StoryChoice(discord.ui.DynamicItem[discord.ui.Select[Any]],
                      template=re.escape(_MENU) + r":(?P<page>\d+):(?P<expires>[0-9a-z]+)"):
        def __init__(self, page: int, expires: int) -> None:
            super().__init__(discord.ui.Select(custom_id=f"{_MENU}:{page}:{_base36(expires)}",
                                               options=[discord.SelectOption(label="-")]))
            self.expires = expires

        @classmethod
        async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                                 match: re.Match[str], /) -> StoryChoice:
            return cls(int(match["page"]), int(match["expires"], 36))

        async def callback(self, interaction: discord.Interaction) -> None:
            data: dict[str, Any] = dict(interaction.data or {})
            values = list(data.get("values") or [])
            await pager.open(interaction, f"story|{values[0]}" if values else "stories|", self.expires)

    class AllStories(discord.ui.DynamicItem[discord.ui.Button[Any]], template=re.escape(_STORIES) + r":(?P<marker>.*)"):
        def __init__(self, marker: str) -> None:
            super().__init__(discord.ui.Button(custom_id=f"{_STORIES}:{marker}"[:CUSTOM_ID_LIMIT]))

        @classmethod
        async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                                 match: re.Match[str], /) -> AllStories:
            return cls(match["marker"])

        async def callback(self, interaction: discord.Interaction) -> None:
            await pager.open(interaction, "stories|")

    return PageTurn, StoryChoice, AllStories
