"""Which Discord shards this process runs (`briefbot run --shards 0-1/4`), and so which servers are its own.

Discord sends a server's events to one shard: `(guild_id >> 22) % shard_count`
(https://discord.com/developers/docs/events/gateway#sharding). A bot in many servers splits its shards across
processes; each process answers its shards' servers and runs their schedules. Nothing here imports discord.py, so
the command line can check the option before loading it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_SHARDS = 16_384  # far beyond any bot Briefbot serves; a typo such as 0/40000000 is refused, not launched

_SPEC = re.compile(r"(?P<ids>\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*)/(?P<count>\d+)")


class ShardError(ValueError):
    """A --shards value that cannot be used; the message says how to write one."""


@dataclass(frozen=True, slots=True)
class Shards:
    """Shard ids this process runs, out of how many the bot runs in all."""

    ids: tuple[int, ...]
    count: int

    @classmethod
    def parse(cls, text: str) -> Shards:
        """Read `0-1/4` (shards 0 and 1 of 4), `2/4`, or `0,2/4`; raise ShardError if it is not a shard set."""
        match = _SPEC.fullmatch(text.strip().replace(" ", ""))
        if match is None:
            raise ShardError(f"{text!r} is not a shard set: write IDS/COUNT, e.g. 0-1/4 (shards 0 and 1 of 4), "
                             "2/4 or 0,2/4")
        count = int(match["count"])
        if not 1 <= count <= MAX_SHARDS:
            raise ShardError(f"the shard count must be 1 to {MAX_SHARDS:,}, not {count}")
        ids: set[int] = set()
        for part in match["ids"].split(","):
            first, _, last = part.partition("-")
            low, high = int(first), int(last or first)
            if low > high:
                raise ShardError(f"the shard range {part} runs backwards: write {high}-{low}")
            if high >= count:
                raise ShardError(f"shard {high} does not exist with {count} shards: ids run from 0 to {count - 1}")
            ids.update(range(low, high + 1))
        return cls(tuple(sorted(ids)), count)

    def owns(self, guild_id: int) -> bool:
        """Tell whether a server's events (and so its schedules) belong to this process's shards."""
        return (guild_id >> 22) % self.count in self.ids

    def __str__(self) -> str:
        return f"{','.join(str(i) for i in self.ids)}/{self.count}"
