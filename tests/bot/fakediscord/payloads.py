"""Builders for Discord API v10 wire payloads (plain dicts), shaped the way discord.py 2.x parses them.

Only keys that discord.py reads (or that a real bot could reasonably read) are filled in.  Ids are strings.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from .world import EVERYONE_PERMISSIONS, FakeChannel, FakeGuild, FakeRole, FakeUser, World

JSON = dict[str, Any]

# Interaction types (https://discord.com/developers/docs/interactions/receiving-and-responding).
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
APPLICATION_COMMAND_AUTOCOMPLETE = 4
MODAL_SUBMIT = 5

# Message flags.
EPHEMERAL = 1 << 6
LOADING = 1 << 7

# Message types.
DEFAULT_MESSAGE = 0
CHAT_INPUT_COMMAND_MESSAGE = 20


def now_iso() -> str:
    """Current UTC time in Discord's ISO-8601 timestamp format."""
    return datetime.datetime.now(datetime.UTC).isoformat()


def error(code: int, message: str) -> JSON:
    """A Discord JSON error body, e.g. ``error(10062, "Unknown interaction")``."""
    return {"message": message, "code": code}


def user(u: FakeUser) -> JSON:
    """A user object."""
    return {
        "id": u.id,
        "username": u.username,
        "discriminator": "0",
        "global_name": u.global_name,
        "avatar": None,
        "bot": u.bot,
        "system": False,
        "public_flags": 0,
    }


def bot_user(u: FakeUser) -> JSON:
    """The bot's own user object, as returned by ``GET /users/@me`` and in READY."""
    return {**user(u), "flags": 0, "verified": True, "mfa_enabled": False, "locale": "en-US"}


def role(r: FakeRole) -> JSON:
    """A role object."""
    return {
        "id": r.id,
        "name": r.name,
        "permissions": str(r.permissions),
        "position": r.position,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "icon": None,
        "unicode_emoji": None,
        "flags": 0,
    }


def member(guild: FakeGuild, u: FakeUser, *, include_user: bool = True, include_permissions: bool = False) -> JSON:
    """A guild member object; interactions carry ``permissions``, resolved data omits ``user``."""
    data: JSON = {
        "roles": list(u.role_ids),
        "nick": None,
        "avatar": None,
        "joined_at": now_iso(),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
    }
    if include_user:
        data["user"] = user(u)
    if include_permissions:
        data["permissions"] = str(guild.permissions_of(u))
    return data


def channel(ch: FakeChannel) -> JSON:
    """A guild text channel object (a DM channel: its recipient, no guild)."""
    if ch.recipient is not None:
        return {"id": ch.id, "type": ch.type, "recipients": [user(ch.recipient)], "last_message_id": None, "flags": 0}
    return {
        "id": ch.id,
        "type": ch.type,
        "guild_id": ch.guild_id,
        "name": ch.name,
        "position": ch.position,
        "permission_overwrites": [],
        "nsfw": False,
        "topic": ch.topic,
        "parent_id": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def guild_create(guild: FakeGuild) -> JSON:
    """The GUILD_CREATE payload for a fully available guild."""
    return {
        "id": guild.id,
        "name": guild.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": guild.owner_id,
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "preferred_locale": "en-US",
        "features": [],
        "emojis": [],
        "stickers": [],
        "roles": [role(r) for r in guild.roles],
        "channels": [channel(c) for c in guild.channels],
        "members": [member(guild, m) for m in guild.members],
        "member_count": len(guild.members),
        "large": False,
        "unavailable": False,
        "joined_at": now_iso(),
        "threads": [],
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def ready(world: World, *, session_id: str, resume_gateway_url: str, shard: Sequence[int] | None,
          guilds: Sequence[FakeGuild] | None = None) -> JSON:
    """The READY payload.  ``resume_gateway_url`` must point back at the fake, or RESUME goes to discord.gg.

    ``guilds`` are the shard's guilds (by default every guild: an unsharded client).
    """
    shown = guilds if guilds is not None else world.guilds
    data: JSON = {
        "v": 10,
        "user": bot_user(world.bot),
        "guilds": [{"id": guild.id, "unavailable": True} for guild in shown],
        "session_id": session_id,
        "resume_gateway_url": resume_gateway_url,
        "application": {"id": world.application_id, "flags": 0},
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "user_settings": {},
        "guild_join_requests": [],
    }
    if shard is not None:
        data["shard"] = list(shard)
    return data


def application_info(world: World) -> JSON:
    """``GET /oauth2/applications/@me``: discord.py's AppInfo needs id, name, description, icon, bot_public,
    bot_require_code_grant, owner and verify_key."""
    return {
        "id": world.application_id,
        "name": world.bot.username,
        "description": "",
        "icon": None,
        "bot_public": False,
        "bot_require_code_grant": False,
        "owner": user(world.owner),
        "team": None,
        "verify_key": "00" * 32,
        "flags": 0,
        "summary": "",
        "rpc_origins": [],
        "bot": bot_user(world.bot),
        "interactions_endpoint_url": None,
        "tags": [],
    }


def gateway_bot(url: str, shards: int = 1) -> JSON:
    """``GET /gateway/bot``: the recommended shard count with the URL."""
    return {
        "url": url,
        "shards": shards,
        "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
    }


def message(
    world: World,
    body: Mapping[str, Any],
    *,
    message_id: str,
    channel_id: str,
    author: FakeUser,
    message_type: int = DEFAULT_MESSAGE,
    attachments: Sequence[JSON] = (),
    extra: Mapping[str, Any] | None = None,
) -> JSON:
    """A message object created from a create-message request ``body`` (content, embeds, components, flags)."""
    return {
        "id": message_id,
        "type": message_type,
        "channel_id": channel_id,
        **({"guild_id": channel.guild_id} if (channel := world.get_channel(channel_id)) and channel.guild_id else {}),
        "author": user(author),
        "content": body.get("content") or "",
        "embeds": list(body.get("embeds") or []),
        "components": list(body.get("components") or []),
        "attachments": list(attachments),
        "flags": int(body.get("flags") or 0),
        "mentions": [],
        "mention_roles": [],
        "mention_everyone": False,
        "pinned": False,
        "tts": bool(body.get("tts", False)),
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "reactions": [],
        **(extra or {}),
    }


def attachment(attachment_id: str, filename: str, size: int, content_type: str | None) -> JSON:
    """An attachment object for an uploaded file (the URL is never fetched)."""
    url = f"https://cdn.invalid/attachments/{attachment_id}/{filename}"
    return {
        "id": attachment_id,
        "filename": filename,
        "size": size,
        "url": url,
        "proxy_url": url,
        "content_type": content_type,
    }


def interaction_metadata(interaction_id: str, interaction_type: int, by: FakeUser, guild_id: str) -> JSON:
    """``interaction_metadata`` of a message created in response to an interaction."""
    return {
        "id": interaction_id,
        "type": interaction_type,
        "user": user(by),
        "authorizing_integration_owners": {"0": guild_id},
    }


def interaction(
    world: World,
    *,
    interaction_id: str,
    token: str,
    interaction_type: int,
    data: JSON,
    by: FakeUser,
    channel: FakeChannel,
    source_message: JSON | None = None,
) -> JSON:
    """An INTERACTION_CREATE payload in a guild channel.

    ``attachment_size_limit`` is mandatory for discord.py >= 2.5 (KeyError otherwise).
    """
    guild = world.guild_of(channel)
    common: JSON = {"id": interaction_id, "application_id": world.application_id, "type": interaction_type,
                    "token": token, "version": 1, "data": data, "channel_id": channel.id, "locale": "en-US",
                    "entitlements": [], "attachment_size_limit": 10 * 1024 * 1024}
    if source_message is not None:
        common["message"] = source_message
    if guild is None:  # a DM with the bot: no guild, no member (``user`` instead), context 1 (BOT_DM)
        return {**common, "channel": {"id": channel.id, "type": channel.type, "recipients": [user(by)], "flags": 0},
                "user": user(by), "app_permissions": str(EVERYONE_PERMISSIONS), "context": 1,
                "authorizing_integration_owners": {"0": "0"}}
    return {
        **common,
        "guild_id": guild.id,
        "guild": {"id": guild.id, "locale": "en-US", "features": []},
        "channel": channel_as_resolved(guild, channel, by),
        "member": member(guild, by, include_permissions=True),
        "app_permissions": str(guild.permissions_of(world.bot)),
        "guild_locale": "en-US",
        "context": 0,
        "authorizing_integration_owners": {"0": guild.id},
    }


def channel_as_resolved(guild: FakeGuild, ch: FakeChannel, viewer: FakeUser) -> JSON:
    """A partial channel with the viewer's ``permissions``, as in an interaction's ``channel``/resolved data."""
    return {**channel(ch), "permissions": str(guild.permissions_of(viewer))}


def callback_response(
    *,
    interaction_id: str,
    interaction_type: int,
    callback_type: int,
    message: JSON | None,
    ephemeral: bool,
) -> JSON:
    """Body of ``POST /interactions/{id}/{token}/callback?with_response=1``.

    discord.py >= 2.5 always asks ``with_response`` and parses this body; a bare 204 makes it raise.
    """
    body: JSON = {
        "interaction": {
            "id": interaction_id,
            "type": interaction_type,
            "activity_instance_id": None,
            "response_message_id": message["id"] if message else None,
            "response_message_loading": callback_type == 5,
            "response_message_ephemeral": ephemeral,
        }
    }
    if message is not None:
        body["resource"] = {"type": callback_type, "message": message}
    return body


def rate_limited(retry_after: float, *, is_global: bool) -> JSON:
    """The JSON body of a 429."""
    return {"message": "You are being rate limited.", "retry_after": retry_after, "global": is_global, "code": 0}
