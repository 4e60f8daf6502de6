"""Mutable server-side state: synced application commands, open interactions and stored messages."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .payloads import EPHEMERAL, JSON, LOADING
from .world import FakeChannel, FakeUser


@dataclass(frozen=True)
class SyncCall:
    """One bulk overwrite (PUT) of application commands; ``guild_id`` is None for global commands."""

    guild_id: str | None
    commands: list[JSON]

    @property
    def names(self) -> list[str]:
        """Sorted names of the commands sent."""
        return sorted(c["name"] for c in self.commands)


class CommandRegistry:
    """Application commands as Discord stores them, per scope (None = global, else a guild id)."""

    def __init__(self, new_id: Callable[[], str], application_id: str) -> None:
        self._new_id = new_id
        self._application_id = application_id
        self._by_scope: dict[str | None, dict[str, JSON]] = {}
        self.syncs: list[SyncCall] = []

    def overwrite(self, guild_id: str | None, commands: list[JSON]) -> list[JSON]:
        """Replace all commands of a scope (keeping ids of commands that already existed), as Discord does."""
        self.syncs.append(SyncCall(guild_id, copy.deepcopy(commands)))
        old = self._by_scope.get(guild_id, {})
        new: dict[str, JSON] = {}
        for command in commands:
            name = command["name"]
            key = f"{command.get('type', 1)}:{name}"
            previous = old.get(key)
            registered: JSON = {
                "type": 1,
                "description": "",
                "options": [],
                "default_member_permissions": None,
                "nsfw": False,
                **command,
                "id": previous["id"] if previous else self._new_id(),
                "application_id": self._application_id,
                "version": self._new_id(),
            }
            if guild_id is not None:
                registered["guild_id"] = guild_id
            new[key] = registered
        self._by_scope[guild_id] = new
        return self.list(guild_id)

    def list(self, guild_id: str | None) -> list[JSON]:
        """Commands registered in a scope."""
        return list(self._by_scope.get(guild_id, {}).values())

    def find(self, name: str, guild_id: str, command_type: int = 1) -> JSON | None:
        """A command a user in ``guild_id`` can run: guild commands shadow global ones."""
        key = f"{command_type}:{name}"
        return self._by_scope.get(guild_id, {}).get(key) or self._by_scope.get(None, {}).get(key)


@dataclass
class InteractionState:
    """An interaction the fake sent to the bot, and how the bot has answered so far."""

    id: str
    token: str
    type: int
    user: FakeUser
    channel: FakeChannel
    source_message_id: str | None = None  # for component interactions: the message the component is on
    callback_type: int | None = None
    original_message_id: str | None = None
    followup_ids: list[str] = field(default_factory=list)

    @property
    def responded(self) -> bool:
        """Whether the initial callback was accepted."""
        return self.callback_type is not None


class InteractionStore:
    """Interactions by id and by token."""

    def __init__(self) -> None:
        self._by_id: dict[str, InteractionState] = {}

    def add(self, state: InteractionState) -> None:
        """Remember an interaction sent to the bot."""
        self._by_id[state.id] = state

    def get(self, interaction_id: str) -> InteractionState | None:
        """Look an interaction up by id."""
        return self._by_id.get(interaction_id)

    def by_token(self, token: str) -> InteractionState | None:
        """Look an interaction up by its webhook token."""
        return next((s for s in self._by_id.values() if s.token == token), None)


class MessageStore:
    """The latest version of every message the bot created (channel, interaction and webhook messages)."""

    def __init__(self) -> None:
        self._by_id: dict[str, JSON] = {}

    def add(self, message: JSON) -> JSON:
        """Store a new message."""
        self._by_id[message["id"]] = message
        return message

    def get(self, message_id: str) -> JSON | None:
        """The current version of a message."""
        return self._by_id.get(message_id)

    def update(self, message_id: str, changes: Mapping[str, Any], edited_at: str) -> JSON:
        """Apply a partial edit (only keys present in ``changes``) and return the new version."""
        message = dict(self._by_id[message_id])
        for key in ("content", "embeds", "components", "attachments"):
            if key in changes:
                value = changes[key]
                message[key] = (value or "") if key == "content" else list(value or [])
        if "flags" in changes:  # ephemerality cannot change after creation
            message["flags"] = (int(changes["flags"] or 0) & ~EPHEMERAL) | (message["flags"] & EPHEMERAL)
        message["flags"] &= ~LOADING  # an edited deferred response is no longer "thinking"
        message["edited_timestamp"] = edited_at
        self._by_id[message_id] = message
        return message

    def delete(self, message_id: str) -> JSON | None:
        """Forget a message; returns it if it existed."""
        return self._by_id.pop(message_id, None)

    def in_channel(self, channel_id: str) -> list[JSON]:
        """Messages in a channel, oldest first."""
        return [m for m in self._by_id.values() if m["channel_id"] == channel_id]
