"""The briefing a channel gets each morning: what changed, the top stories, the figures that moved.

A briefing fits the room it is posted in. A Discord embed holds 4,096 characters of description and 6,000 in
all, so the briefing counts what it says and ends with "and N more stories" rather than cutting a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from briefings.corpus import FUTURE_TOLERANCE, Corpus
from briefings.digests import Digest, build_digest
from briefings.figures import FigureChange
from briefings.history import BriefingRecord
from briefings.stories import Story, ranked_stories
from briefings.summaries import CitedSentence, Summary, matching_sentences, summarize_sentences
from briefings.summarizers import LengthBudget

DEFAULT_STORIES = 5
SENTENCES_PER_STORY = 2
CHANGED_SENTENCES = 3
FIRST_WINDOW = timedelta(days=1)  # a first briefing's "what changed" covers the day before it
CITATION_ALLOWANCE = 60  # characters a rendered citation takes beside its sentence


@dataclass(frozen=True, slots=True)
class Room:
    """How much text the destination holds."""

    characters: int = 6_000
    description: int = 4_096
    furniture: int = 400  # title, footer and the markup the renderer adds around sentences

    @property
    def text(self) -> int:
        """Return how many characters of sentences and citations fit: all of it goes in the description."""
        return min(self.characters, self.description) - self.furniture


DISCORD_EMBED = Room()


@dataclass(frozen=True, slots=True)
class StoryBrief:
    """One story of a briefing and its short summary."""

    story: Story
    summary: Summary


@dataclass(frozen=True, slots=True)
class Briefing:
    """What a destination is told: changes since its last briefing, top stories, moved figures."""

    as_of: datetime | None
    since: datetime | None  # where "what changed" starts
    changes: Digest | None
    stories: tuple[StoryBrief, ...]
    more_stories: int
    covered_until: datetime | None
    first: bool  # no earlier briefing was recorded for the destination

    @property
    def figures(self) -> tuple[FigureChange, ...]:
        """Return the figures that moved since the last briefing."""
        return self.changes.figures if self.changes else ()

    @property
    def is_empty(self) -> bool:
        """Tell whether there is nothing to post."""
        return not self.stories and (self.changes is None or self.changes.is_empty)

    def said(self) -> frozenset[str]:
        """Return every sentence the briefing says, for the record."""
        sentences = [s.text for item in self.stories for s in item.summary.sentences]
        if self.changes:
            sentences += [s.text for s in self.changes.sentences]
            sentences += [c.after.text for c in self.changes.contrasts]
        return frozenset(sentences)

    def record(self, destination: str, posted_at: datetime, previous: BriefingRecord | None) -> BriefingRecord:
        """Describe this briefing for the log; sentences said before stay remembered."""
        earlier = previous.sentences if previous else frozenset()
        return BriefingRecord(destination, posted_at, self.covered_until, earlier | self.said())


def build_briefing(corpus: Corpus, as_of: datetime | None = None, last: BriefingRecord | None = None,
                   max_stories: int = DEFAULT_STORIES, room: Room = DISCORD_EMBED,
                   topic: str | None = None, now: datetime | None = None) -> Briefing:
    """Build the briefing for a destination whose last briefing is `last` (None: its first), optionally on a topic.

    With `now`, an article dated more than a day after it is not news yet (it is left out, so the briefing is never
    "as of 2099"), and the briefing never records coverage beyond `now`.
    """
    horizon = now + FUTURE_TOLERANCE if now is not None else None
    if now is not None and last is not None:
        last = last.repaired(now)
    dated = [a.published for a in corpus if a.published is not None and (horizon is None or a.published <= horizon)]
    until = as_of or max(dated, default=None)
    if until is not None and horizon is not None:
        until = min(until, horizon)
    if last is not None and last.covered_until is not None and until is not None and last.covered_until > until:
        last = None  # briefing as of a moment before the last briefing: that one has not happened yet
    visible = [a for a in corpus if a.published is None or until is None or a.published <= until]
    if len(visible) < len(corpus):
        corpus = Corpus(tuple(visible), corpus.backfill)  # as of an earlier moment: later articles do not exist yet
    covered_until = max((a.published for a in visible if a.published), default=None)
    if covered_until is not None and now is not None:
        covered_until = min(covered_until, now)
    already = last.sentences if last else frozenset()
    since = _since(last, until)
    about: set[int] | None = None
    if topic:
        about = {int(i) for i in matching_sentences(corpus.index, topic)}
        if not about:
            return Briefing(until, since, None, (), 0, covered_until, last is None)
    changes = None
    if since is not None:
        changes = build_digest(corpus, since, until, topic=topic,
                               budget=LengthBudget(sentences=CHANGED_SENTENCES), already_said=already)
    used = _length_of_changes(changes)
    topical = {corpus.index.sentences[i].article_id for i in about} if about is not None else None
    ranked = [story for story in ranked_stories(corpus, until)
              if (since is None or last is None or _has_news(corpus, story, since))
              and (topical is None or topical.intersection(story.article_ids))]
    briefs: list[StoryBrief] = []
    shown = 0
    for story in ranked:
        if len(briefs) == max_stories:
            break
        summary = _story_summary(corpus, story, already | _said(changes), about)
        if not summary.sentences:
            continue
        length = _length_of_story(story, summary.sentences)
        if used + length > room.text:
            break  # it would not fit whole: "and N more" instead of cutting a sentence
        briefs.append(StoryBrief(story, summary))
        used += length
        shown += 1
    return Briefing(until, since, changes, tuple(briefs), len(ranked) - shown, covered_until, last is None)


def _since(last: BriefingRecord | None, until: datetime | None) -> datetime | None:
    if last is not None and last.covered_until is not None:
        return last.covered_until + timedelta(microseconds=1)
    return until - FIRST_WINDOW if until is not None else None


def _has_news(corpus: Corpus, story: Story, since: datetime) -> bool:
    return any((corpus.get(a).published or since) >= since for a in story.article_ids if a not in corpus.backfill)


def _story_summary(corpus: Corpus, story: Story, already: frozenset[str], about: set[int] | None) -> Summary:
    index = corpus.index
    ids = np.asarray([n for n in index.sentences_of(story.article_ids).tolist()
                      if index.sentences[n].text not in already and (about is None or n in about)], dtype=np.int64)
    return summarize_sentences(index, ids, LengthBudget(sentences=SENTENCES_PER_STORY))


def _said(changes: Digest | None) -> frozenset[str]:
    if changes is None:
        return frozenset()
    return frozenset([s.text for s in changes.sentences] + [c.after.text for c in changes.contrasts])


def _length_of_story(story: Story, sentences: tuple[CitedSentence, ...]) -> int:
    return len(story.headline) + 40 + sum(len(s.text) + CITATION_ALLOWANCE * len(s.article_ids) for s in sentences)


def _length_of_changes(changes: Digest | None) -> int:
    if changes is None:
        return 0
    sentences = sum(len(s.text) + CITATION_ALLOWANCE * len(s.article_ids) for s in changes.sentences)
    contrasts = sum(len(c.before.text) + len(c.after.text) + 2 * CITATION_ALLOWANCE for c in changes.contrasts)
    figures = sum(len(f.subject) + len(f.before) + len(f.after) + 2 * CITATION_ALLOWANCE for f in changes.figures)
    return sentences + contrasts + figures
