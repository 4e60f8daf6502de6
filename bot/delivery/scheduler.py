"""Posting scheduled briefings: once per schedule and day, on time, through restarts and outages.

APScheduler (3.x, in the bot's event loop) wakes us at each schedule's next run, computed by the pure
`briefings.scheduling.next_digest_at`. A sweep every minute, and one at start-up, catches up what a sleeping
or restarting bot missed: a run at most the grace period late is posted late; a later one is recorded as
skipped and the next briefing says so. Every post first claims its (schedule, day) row in the database, so a
timer and a sweep, or two overlapping start-ups, never post the same run twice; a claim abandoned by a crash
mid-post is resumed only after checking whether the post went out.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.ingestion.live import LiveCorpus
from bot.storage.database import Storage
from briefings.briefing import Briefing, build_briefing
from briefings.corpus import Corpus
from briefings.filters import KeywordFilter
from briefings.scheduling import DigestSchedule, Run, decide, next_digest_at

log = logging.getLogger(__name__)

SWEEP_EVERY = timedelta(minutes=1)


class PostError(Exception):
    """The destination refused the post (gone, no permission); the message says why, for the admin."""


class EmptyBriefing(Exception):  # noqa: N818 - a reason not to post, not a failure
    """A test post was asked for, but the briefing the channel would get is empty (it holds the briefing)."""

    def __init__(self, briefing: Briefing) -> None:
        super().__init__("the briefing would be empty")
        self.briefing = briefing


@dataclass(frozen=True, slots=True)
class Delivery:
    """A briefing to post for a schedule's run, with notes for the reader (a skipped day, a test)."""

    schedule: DigestSchedule
    run: Run
    briefing: Briefing
    notes: tuple[str, ...] = ()
    test: bool = False
    corpus: Corpus | None = None  # what the briefing was built from: the schedule's server's corpus, filtered

    @property
    def marker(self) -> str:
        """Identify the run in the posted message, so a restarted bot can tell whether it went out."""
        return f"schedule {self.schedule.id} · {self.run.day.isoformat()}" + (" · test" if self.test else "")


class Poster(Protocol):
    """Where scheduled briefings go: a Discord channel, or the terminal."""

    async def post(self, delivery: Delivery) -> int:
        """Post the briefing; return the message id (0 where there is none). Raise PostError if refused."""

    async def find(self, delivery: Delivery) -> int | None:
        """Return the id of an earlier post of this run, if it went out (used after a crash mid-post).

        The post cannot be older than the run's due time, so everything posted since then is searched.
        """


class ScheduleRunner:
    """Arms a timer per schedule and posts each run exactly once."""

    def __init__(self, storage: Storage, poster: Poster, live: LiveCorpus, grace: timedelta, engine: Executor,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 owns: Callable[[int], bool] | None = None) -> None:
        self.storage = storage
        # Which servers' schedules this process runs (with --shards: its shards' servers; otherwise all).
        self.owns = owns or (lambda guild_id: True)
        self.poster = poster
        self.live = live
        self.grace = grace
        self.engine = engine
        self.clock = clock
        self.instance = secrets.token_hex(8)  # tells this process's claims from another's
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._lock = asyncio.Lock()
        self._swept = False
        # APScheduler wants at least a second (BRIEFBOT_SCHEDULE_GRACE_MINUTES may be 0: no late posts at all).
        self._misfire_grace = max(1, int(grace.total_seconds()))

    def start(self) -> None:
        """Arm every schedule and the sweep; run a first sweep at once (catch-up after downtime)."""
        self.scheduler.start()
        # APScheduler's default misfire grace is 1 s, which silently drops a daily job after a short stall;
        # our own grace applies instead, and the sweep is the safety net.
        self.scheduler.add_job(self.sweep, IntervalTrigger(seconds=SWEEP_EVERY.total_seconds()), id="sweep",
                               replace_existing=True, coalesce=True, max_instances=1,
                               misfire_grace_time=self._misfire_grace,
                               next_run_time=self.clock())
        for schedule in self._own(self.storage.schedules()):
            self.arm(schedule)

    def stop(self) -> None:
        """Stop the timers (a post in progress finishes)."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def arm(self, schedule: DigestSchedule) -> Run | None:
        """Set (or reset) the timer for a schedule's next run."""
        job_id = f"schedule-{schedule.id}"
        if schedule.paused or not self.owns(schedule.guild_id):
            self.disarm(schedule.id)
            return None
        run = next_digest_at(schedule, self.clock())
        if self.scheduler.running:
            self.scheduler.add_job(self.fire, DateTrigger(run_date=run.due), args=[schedule.id], id=job_id,
                                   replace_existing=True, coalesce=True,
                                   misfire_grace_time=self._misfire_grace)
        return run

    def disarm(self, schedule_id: int) -> None:
        """Remove a schedule's timer."""
        job = self.scheduler.get_job(f"schedule-{schedule_id}") if self.scheduler.running else None
        if job is not None:
            job.remove()

    async def fire(self, schedule_id: int) -> None:
        """Timer callback: post what the schedule owes now, then arm its next run."""
        schedule = self.storage.schedule(schedule_id)
        if schedule is None or not self.owns(schedule.guild_id):
            return
        await self.catch_up(schedule)
        self.arm(self.storage.schedule(schedule_id) or schedule)

    async def sweep(self) -> None:
        """Catch up every schedule of this process's servers (late posts inside the grace, skips beyond it)."""
        schedules = self._own(self.storage.schedules())
        for schedule in schedules:
            try:
                await self.catch_up(schedule)
            except Exception:  # one schedule's trouble must not stop the others
                log.exception("schedule %s: catching up failed", schedule.id)
        if not self._swept:
            self._swept = True
            log.info("caught up %d schedule%s after start-up", len(schedules), "" if len(schedules) == 1 else "s")

    def _own(self, schedules: list[DigestSchedule]) -> list[DigestSchedule]:
        return [schedule for schedule in schedules if self.owns(schedule.guild_id)]

    async def catch_up(self, schedule: DigestSchedule) -> None:
        """Post the schedule's latest run if it is due and not done; record runs missed beyond the grace."""
        async with self._lock:
            now = self.clock()
            decision = decide(schedule, now, self.storage.done_days(schedule.id), self.grace)
            for missed in decision.missed:
                if await self._went_out_before_a_crash(schedule, missed):
                    continue
                reason = (f"Briefbot was not running at {missed.due:%H:%M} UTC and came back more than "
                          f"{_hours(self.grace)} later")
                self.storage.finish_run(schedule.id, missed.day, "skipped", reason=reason)
                log.warning("schedule %s: skipped %s: %s", schedule.id, missed.day, reason)
            if decision.post is not None:
                await self._post(schedule, decision.post)

    async def post_test(self, schedule: DigestSchedule) -> int:
        """Post a briefing for the schedule now, marked as a test; it is not recorded as a run."""
        run = Run(self.clock().date(), self.clock())
        briefing, corpus = await self.preview(schedule)
        if briefing.is_empty:
            raise EmptyBriefing(briefing)
        return await self.poster.post(Delivery(schedule, run, briefing, ("This is a test of the schedule.",),
                                               test=True, corpus=corpus))

    async def _post(self, schedule: DigestSchedule, run: Run) -> None:
        """Post a run exactly once, whenever the process dies.

        What the post says is held in the database before it is posted; marking the run posted records it, in one
        transaction. A claim left by a dead process is resumed by first looking for its post in the channel (every
        message since the run was due, however busy the channel): found, the run is marked posted and the held
        briefing recorded; not found, it is posted now.
        """
        claim = self.storage.claim_run(schedule.id, run.day, self.instance)
        if claim is None:
            return  # posted, skipped, or being posted by another process
        briefing, corpus = await self.preview(schedule)
        delivery = Delivery(schedule, run, briefing, self._notes(schedule, run), corpus=corpus)
        if claim == "resumed":
            existing = await self.poster.find(delivery)
            if existing is not None:
                log.info("schedule %s: the %s briefing went out before a restart", schedule.id, run.day)
                self.storage.finish_run(schedule.id, run.day, "posted", message_id=existing)
                return
        destination = schedule.destination
        self.storage.hold_briefing(schedule.id, run.day,
                                   briefing.record(destination, self.clock(), self.storage.last(destination)))
        try:
            message_id = await self.poster.post(delivery)
        except PostError as error:
            self.storage.finish_run(schedule.id, run.day, "failed", reason=str(error))
            updated = self.storage.record_failure(schedule.id, str(error))
            log.warning("schedule %s: could not post to channel %s: %s%s", schedule.id, schedule.channel_id, error,
                        " (paused after repeated failures)" if updated and updated.paused else "")
            if updated is not None and updated.paused:
                self.disarm(schedule.id)
            return
        self.storage.finish_run(schedule.id, run.day, "posted", message_id=message_id)
        self.storage.record_success(schedule.id)
        log.info("schedule %s: posted the %s briefing to %s", schedule.id, run.day, schedule.channel_id)

    async def _went_out_before_a_crash(self, schedule: DigestSchedule, run: Run) -> bool:
        """Tell (and record) whether a run held for posting by a process that died went out after all.

        Without this, a crash just after posting followed by a long outage would mark the day skipped, and the
        next briefing would repeat what that post said.
        """
        if not self.storage.is_held(schedule.id, run.day):
            return False
        nothing = Briefing(None, None, None, (), 0, None, first=False)  # only the run's marker is looked for
        existing = await self.poster.find(Delivery(schedule, run, nothing))
        if existing is None:
            return False
        log.info("schedule %s: the %s briefing went out before a crash", schedule.id, run.day)
        self.storage.finish_run(schedule.id, run.day, "posted", message_id=existing)
        return True

    async def preview(self, schedule: DigestSchedule) -> tuple[Briefing, Corpus]:
        """Build what the schedule would post now (not recorded), and the corpus it was built from.

        A server's schedule reads that server's corpus (the folder and its feeds; the terminal's, everything),
        kept to the schedule's include and exclude keywords.
        """
        return await asyncio.get_running_loop().run_in_executor(self.engine, lambda: self.briefing_for(schedule))

    def briefing_for(self, schedule: DigestSchedule) -> tuple[Briefing, Corpus]:
        """Build the schedule's briefing now, and the corpus it reads (on the engine thread: it may index)."""
        last = self.storage.last(schedule.destination)
        corpus = self.live.server(schedule.guild_id) if schedule.guild_id else self.live.current
        corpus = KeywordFilter(schedule.include, schedule.exclude).apply(corpus)
        return build_briefing(corpus, last=last, topic=schedule.topic, now=self.clock()), corpus

    def next_for(self, guild_id: int, channel_id: int) -> DigestSchedule | None:
        """Return the schedule that posts next in a channel (None if none does)."""
        now = self.clock()
        armed = [(next_digest_at(s, now).due, s.id, s) for s in self.storage.schedules(guild_id)
                 if s.channel_id == channel_id and not s.paused]
        return min(armed)[2] if armed else None

    def _notes(self, schedule: DigestSchedule, run: Run) -> tuple[str, ...]:
        notes = []
        for day, status, reason in self.storage.runs(schedule.id):
            if status == "posted":
                break  # only what happened since the last briefing that went out
            if status == "skipped" and day < run.day:
                notes.append(f"The briefing for {_day(day)} was skipped: {reason}.")
        return tuple(reversed(notes))


def _day(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B}"


def _hours(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours:g} hour{'s' if hours != 1 else ''}"
