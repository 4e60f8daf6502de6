"""Wait for the fake Discord server's answers to a batch of slash commands sent by a benchmark."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Replies:
    """What came back for a batch of interactions: first-response latencies and when deferred answers arrived."""

    latencies: list[float] = field(default_factory=list)  # seconds from sending to the first response
    each: list[float | None] = field(default_factory=list)  # the same, in the order sent; None: never answered
    followups_at: list[float] = field(default_factory=list)  # perf_counter times of the deferred answers
    deferred: int = 0
    missing: int = 0  # interactions with no first response, or a deferral never followed up


async def collect_replies(sent: list[tuple[float, Any]], callback_timeout: float, followup_timeout: float) -> Replies:
    """Wait for each (sent at, interaction)'s first response and, when it deferred (type 5), its follow-up."""
    replies = Replies()
    for at, interaction in sent:
        try:
            callback = await interaction.callback(timeout=callback_timeout)
        except AssertionError:  # the fake server's way of saying nothing came in time
            replies.missing += 1
            replies.each.append(None)
            continue
        replies.latencies.append(callback.at - at)
        replies.each.append(callback.at - at)
        if callback.callback_type == 5:
            replies.deferred += 1
            try:
                done = await interaction.followup(timeout=followup_timeout)
            except AssertionError:
                replies.missing += 1
                continue
            replies.followups_at.append(done.at)
    return replies
