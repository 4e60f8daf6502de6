"""The user's side of interactions: turn "alice runs /cmd sub x:1" or "alice clicks button X" into the ``data`` of an
INTERACTION_CREATE, validated against what the bot synced (Discord would not offer anything else).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import payloads
from .payloads import JSON
from .recorder import Event, EventKind, Recorder
from .world import FakeChannel, FakeGuild, FakeRole, FakeUser

# Application command option types.
SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
USER = 6
CHANNEL = 7
ROLE = 8
MENTIONABLE = 9

# Component types.
ACTION_ROW = 1
BUTTON = 2
STRING_SELECT = 3


class NotOffered(AssertionError):
    """The test asked a user to do something Discord's client would not let them do."""


def command_data(
    command: JSON,
    path: Sequence[str],
    options: Mapping[str, Any],
    *,
    guild: FakeGuild,
    viewer: FakeUser,
    focused: str | None = None,
) -> JSON:
    """The ``data`` of an APPLICATION_COMMAND (or, with ``focused``, AUTOCOMPLETE) interaction.

    ``path`` names the subcommand group/subcommand below the command, ``options`` maps option names to values:
    str/int/float/bool as is, :class:`FakeUser`, :class:`FakeChannel` or :class:`FakeRole` for user, channel, role
    and mentionable options (their ``resolved`` data is filled in).  Option types come from the synced schema.
    """
    schema: list[JSON] = command.get("options") or []
    top: list[JSON] = []
    container = top
    for part in path:
        sub = _find_option(schema, part, command, kinds=(SUB_COMMAND, SUB_COMMAND_GROUP))
        nested: JSON = {"name": part, "type": sub["type"], "options": []}
        container.append(nested)
        container, schema = nested["options"], sub.get("options") or []
    resolved: dict[str, dict[str, JSON]] = {}
    for name, value in options.items():
        spec = _find_option(schema, name, command)
        option: JSON = {"name": name, "type": spec["type"], "value": _wire_value(value, guild, viewer, resolved)}
        if name == focused:
            option["focused"] = True
        container.append(option)
    if focused is None:
        missing = [o["name"] for o in schema if o.get("required") and o["name"] not in options]
        if missing:
            raise NotOffered(f"/{command['name']} requires options {missing}; Discord would not send it without them")
    elif focused not in options:
        raise NotOffered(f"focused option {focused!r} needs a (partial) value in options")
    data: JSON = {"id": command["id"], "name": command["name"], "type": command.get("type", 1), "options": top}
    if command.get("guild_id"):
        data["guild_id"] = command["guild_id"]  # discord.py looks guild commands up by it
    if resolved:
        data["resolved"] = resolved
    return data


def component_data(message: JSON, custom_id: str, values: Sequence[str] | None = None) -> JSON:
    """The ``data`` of a MESSAGE_COMPONENT interaction for the component ``custom_id`` on ``message``."""
    component = next(
        (c for c in iter_components(message.get("components") or []) if c.get("custom_id") == custom_id), None
    )
    if component is None:
        ids = [c["custom_id"] for c in iter_components(message.get("components") or []) if "custom_id" in c]
        raise NotOffered(f"message {message['id']} has no component {custom_id!r}; it has {ids}")
    if component.get("disabled"):
        raise NotOffered(f"component {custom_id!r} is disabled; Discord would not let the user use it")
    data: JSON = {"custom_id": custom_id, "component_type": component["type"]}
    if component["type"] == BUTTON:
        if values is not None:
            raise ValueError("buttons take no values")
    elif component["type"] == STRING_SELECT:
        allowed = [o["value"] for o in component.get("options") or []]
        chosen = list(values or [])
        if not set(chosen) <= set(allowed):
            raise NotOffered(f"select {custom_id!r} offers {allowed}, not {chosen}")
        data["values"] = chosen
    else:
        raise NotImplementedError(f"component type {component['type']} is not supported by the fake yet")
    return data


def iter_components(components: Sequence[JSON]) -> Iterator[JSON]:
    """Every component in a message's component tree (action rows, containers, section accessories)."""
    for component in components:
        yield component
        yield from iter_components(component.get("components") or [])
        if "accessory" in component:
            yield from iter_components([component["accessory"]])


def _find_option(schema: list[JSON], name: str, command: JSON, kinds: tuple[int, ...] | None = None) -> JSON:
    for option in schema:
        if option["name"] == name and (kinds is None or option["type"] in kinds):
            return option
    offered = [o["name"] for o in schema]
    raise NotOffered(f"/{command['name']} has no option or subcommand {name!r} here (synced: {offered})")


def _wire_value(value: Any, guild: FakeGuild, viewer: FakeUser, resolved: dict[str, dict[str, JSON]]) -> Any:
    if isinstance(value, FakeUser):
        resolved.setdefault("users", {})[value.id] = payloads.user(value)
        if value in guild.members:
            member = payloads.member(guild, value, include_user=False, include_permissions=True)
            resolved.setdefault("members", {})[value.id] = member
        return value.id
    if isinstance(value, FakeChannel):
        resolved.setdefault("channels", {})[value.id] = payloads.channel_as_resolved(guild, value, viewer)
        return value.id
    if isinstance(value, FakeRole):
        resolved.setdefault("roles", {})[value.id] = payloads.role(value)
        return value.id
    return value


@dataclass(frozen=True)
class SentInteraction:
    """An INTERACTION_CREATE the fake sent, with shortcuts to await the bot's answers to it."""

    id: str
    token: str
    type: int
    payload: JSON
    recorder: Recorder = field(repr=False, compare=False)

    async def callback(self, timeout: float = 5.0) -> Event:
        """The initial response (``INTERACTION_CALLBACK``)."""
        return await self._wait(EventKind.INTERACTION_CALLBACK, timeout)

    async def followup(self, timeout: float = 5.0) -> Event:
        """The next followup message not yet awaited."""
        return await self._wait(EventKind.FOLLOWUP, timeout)

    async def original_edit(self, timeout: float = 5.0) -> Event:
        """The next edit of the original response not yet awaited."""
        return await self._wait(EventKind.ORIGINAL_EDITED, timeout)

    async def _wait(self, kind: EventKind, timeout: float) -> Event:
        return await self.recorder.wait_for(kind, where=lambda e: e.interaction_id == self.id, timeout=timeout)
