"""Private replies and engine calls shared by the cogs (a leading underscore: not an extension)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, TypeVar

import discord

log = logging.getLogger(__name__)
T = TypeVar("T")


# Set in an interaction's extras while its public "thinking" message (a deferral) waits for its answer.
_PUBLIC_THINKING = "briefbot.public_thinking"


async def reply_privately(interaction: discord.Interaction, text: str) -> None:
    """Answer only the person who ran the command, pinging nobody (as a followup if already answered)."""
    mentions = discord.AllowedMentions.none()
    if interaction.response.is_done():
        await send_followup(interaction, ephemeral=True, content=text, allowed_mentions=mentions)
    else:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=mentions)


async def send_followup(interaction: discord.Interaction, *, ephemeral: bool, **fields: Any  # noqa: ANN401
                        ) -> discord.WebhookMessage:
    """Send an answer after the acknowledgement: private when asked, even after a public deferral.

    Discord makes the first followup to a deferral the answer in its "thinking" message, public or private as the
    deferral was, whatever the followup's own flags say: a private answer (a topic no article mentions) after a
    public deferral would be posted in the channel for everyone. Such a "thinking" message is settled by an edit
    first, so the private answer goes as a followup of its own, and then deleted.
    """
    if interaction.extras.pop(_PUBLIC_THINKING, False) and ephemeral:
        await interaction.edit_original_response(content="…")
        sent = await interaction.followup.send(ephemeral=True, wait=True, **fields)
        try:
            await interaction.delete_original_response()
        except discord.HTTPException:
            log.info("could not delete the settled deferral of interaction %s", interaction.id)
        return sent
    return await interaction.followup.send(ephemeral=ephemeral, wait=True, **fields)


# Discord drops an interaction not answered within 3 s: engine work an answer waits for gets this long, then the
# answer goes without it (the work goes on, and its result, such as a topic table, is kept for the next time).
ENGINE_WAIT = 2.0


async def on_engine(engine: Executor, work: Callable[[], T], fallback: T, within: float = ENGINE_WAIT) -> T:
    """Run engine work on its thread, never on the event loop; return `fallback` if it is not done in time."""
    return await _done_within(asyncio.get_running_loop().run_in_executor(engine, work), fallback, within)


async def _done_within(future: asyncio.Future[T], fallback: T, within: float) -> T:
    """Return engine work's result if it comes within `within` seconds, else `fallback` (the work goes on)."""
    try:
        return await asyncio.wait_for(asyncio.shield(future), within)
    except TimeoutError:
        log.info("engine work not done within %.1f s: answered without it", within)
        return fallback


async def acknowledge_unless_done(interaction: discord.Interaction, work: asyncio.Future[Any], after: float, *,
                                  update: bool = False, private: bool = False) -> bool:
    """Wait up to `after` seconds for work under way; if it is not done, defer the interaction. Return whether it did.

    The acknowledgement waits for nothing else: engine work queued behind a long job (a first briefing at 100,000
    articles takes over a minute) must not keep Discord waiting past its 3 s, after which the interaction is lost.
    A deferral (`update` for a component's message, `private` for an ephemeral answer) gives 15 minutes to answer.
    """
    done, _ = await asyncio.wait({work}, timeout=after)
    if done:
        return False
    if update:
        await interaction.response.defer()
    else:
        await interaction.response.defer(thinking=True, ephemeral=private)
        interaction.extras[_PUBLIC_THINKING] = not private
    return True


async def on_engine_acknowledged(interaction: discord.Interaction, engine: Executor, work: Callable[[], T],
                                 fallback: T, after: float, within: float = ENGINE_WAIT) -> T:
    """Run engine work a private answer needs: defer privately if it takes over `after`, then wait `within` more.

    Return `fallback` if it is not done by then (the answer goes without it; the work goes on). An interaction
    already acknowledged is not deferred again.
    """
    future = asyncio.get_running_loop().run_in_executor(engine, work)
    if not interaction.response.is_done():
        await acknowledge_unless_done(interaction, future, after, private=True)
    return await _done_within(future, fallback, within)
