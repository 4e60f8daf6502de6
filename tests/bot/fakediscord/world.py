"""The fake Discord's static world: the bot, its application, one guild with channels, roles and members.

These are plain dataclasses holding ids as strings (Discord sends snowflakes as JSON strings).  They know
nothing about HTTP or the gateway; :mod:`.payloads` turns them into wire payloads.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field

DISCORD_EPOCH_MS = 1_420_070_400_000

# Permission bits (https://discord.com/developers/docs/topics/permissions).
ADMINISTRATOR = 1 << 3
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38

#: What @everyone may do in the fake guild: an ordinary member.
EVERYONE_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | ADD_REACTIONS
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS
)
#: Every permission bit Discord currently defines (what an administrator effectively has).
ALL_PERMISSIONS = (1 << 51) - 1

TEXT_CHANNEL = 0
DM_CHANNEL = 1


class SnowflakeFactory:
    """Hands out unique, increasing, time-based snowflakes as strings (``created_at`` stays plausible)."""

    def __init__(self) -> None:
        self._last = 0
        self._increment = itertools.count()

    def __call__(self) -> str:
        """Return a fresh snowflake."""
        now_ms = int(time.time() * 1000)
        candidate = ((now_ms - DISCORD_EPOCH_MS) << 22) | (next(self._increment) & 0xFFF)
        self._last = max(self._last + 1, candidate)
        return str(self._last)


@dataclass
class FakeRole:
    """A guild role."""

    id: str
    name: str
    permissions: int
    position: int = 0


@dataclass
class FakeUser:
    """A Discord user; as a guild member it has ``role_ids`` (ids of :class:`FakeRole`)."""

    id: str
    username: str
    global_name: str | None = None
    bot: bool = False
    role_ids: tuple[str, ...] = ()

    @property
    def mention(self) -> str:
        """The ``<@id>`` mention Discord clients write for this user."""
        return f"<@{self.id}>"


@dataclass
class FakeChannel:
    """A guild text channel, or (``type`` DM_CHANNEL, no ``guild_id``) a direct-message channel with ``recipient``."""

    id: str
    name: str
    guild_id: str
    type: int = TEXT_CHANNEL
    position: int = 0
    topic: str | None = None
    recipient: FakeUser | None = None


@dataclass
class FakeGuild:
    """A guild the bot is in (the first is ``World.guild``)."""

    id: str
    name: str
    owner_id: str
    roles: list[FakeRole] = field(default_factory=list)
    channels: list[FakeChannel] = field(default_factory=list)
    members: list[FakeUser] = field(default_factory=list)

    @property
    def admin_role(self) -> FakeRole:
        """The guild's Admin role (ADMINISTRATOR)."""
        return next(r for r in self.roles if r.name == "Admin")

    @property
    def everyone_role(self) -> FakeRole:
        """The @everyone role (its id is the guild id)."""
        return next(r for r in self.roles if r.id == self.id)

    def permissions_of(self, user: FakeUser) -> int:
        """Guild-level permissions of ``user``: @everyone plus its roles; administrators get everything."""
        perms = self.everyone_role.permissions
        for role in self.roles:
            if role.id in user.role_ids:
                perms |= role.permissions
        if user.id == self.owner_id or perms & ADMINISTRATOR:
            return ALL_PERMISSIONS
        return perms


class World:
    """Everything the fake server knows about: the bot user/application and its guilds (one unless more are added).

    By default the guild ``"Briefbot Test Guild"`` has one text channel ``#general``, an ``Admin`` role, the bot and
    one human member ``alice`` (who owns the application and the guild).  Add more before or while a test runs with
    :meth:`add_user` and :meth:`add_channel` (channels added after the bot connected are unknown to its cache until a
    CHANNEL_CREATE is dispatched; add them before starting the bot).
    """

    def __init__(self, *, bot_name: str = "briefbot-test", guild_name: str = "Briefbot Test Guild") -> None:
        self.new_id = SnowflakeFactory()
        self.bot = FakeUser(id=self.new_id(), username=bot_name, bot=True)
        self.application_id = self.bot.id  # as on Discord: the bot user id is the application id
        self.owner = FakeUser(id=self.new_id(), username="alice", global_name="Alice")
        self.guilds: list[FakeGuild] = []
        self.dms: list[FakeChannel] = []
        self.guild = self.add_guild(guild_name)
        self.admin_role = self.guild.admin_role
        self.channel = self.guild.channels[0]

    def add_guild(self, name: str) -> FakeGuild:
        """Invite the bot to another guild (owned by alice, with #general and an Admin role); add it before the bot
        connects, so READY lists it."""
        guild_id = self.new_id()
        guild = FakeGuild(id=guild_id, name=name, owner_id=self.owner.id)
        guild.roles.append(FakeRole(id=guild_id, name="@everyone", permissions=EVERYONE_PERMISSIONS))
        guild.roles.append(FakeRole(id=self.new_id(), name="Admin", permissions=ADMINISTRATOR, position=1))
        guild.members += [self.bot, self.owner]
        self.guilds.append(guild)
        self.add_channel("general", guild=guild)
        return guild

    def add_user(self, username: str, *, admin: bool = False, global_name: str | None = None,
                 guild: FakeGuild | None = None) -> FakeUser:
        """Create a guild member; ``admin=True`` gives it the Admin role (ADMINISTRATOR permission)."""
        guild = guild or self.guild
        user = FakeUser(
            id=self.new_id(),
            username=username,
            global_name=global_name,
            role_ids=(guild.admin_role.id,) if admin else (),
        )
        guild.members.append(user)
        return user

    def add_channel(self, name: str, *, topic: str | None = None, guild: FakeGuild | None = None) -> FakeChannel:
        """Create a text channel in a guild (default: the first)."""
        guild = guild or self.guild
        channel = FakeChannel(
            id=self.new_id(), name=name, guild_id=guild.id, position=len(guild.channels), topic=topic
        )
        guild.channels.append(channel)
        return channel

    def add_dm(self, user: FakeUser) -> FakeChannel:
        """Open a direct-message channel between ``user`` and the bot."""
        channel = FakeChannel(id=self.new_id(), name="", guild_id="", type=DM_CHANNEL, recipient=user)
        self.dms.append(channel)
        return channel

    def guild_of(self, channel: FakeChannel) -> FakeGuild | None:
        """Return the guild a channel is in (None for a DM)."""
        return next((g for g in self.guilds if g.id == channel.guild_id), None)

    def get_channel(self, channel_id: str) -> FakeChannel | None:
        """Return the channel with this id, if it exists."""
        channels = [c for g in self.guilds for c in g.channels] + self.dms
        return next((c for c in channels if c.id == channel_id), None)

    def get_user(self, user_id: str) -> FakeUser | None:
        """Return the guild member with this id, if it exists."""
        return next((u for g in self.guilds for u in g.members if u.id == user_id), None)
