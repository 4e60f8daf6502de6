"""The briefing a channel gets each morning: what changed, the top stories, the figures that moved.

A briefing fits the room it is posted in. A Discord embed holds 4,096 characters of description and 6,000 in
all, so the briefing counts what it says (links and dates included, at their rendered length) and ends with
"and N more stories" rather than cutting a sentence or spilling onto a second page. It says how fresh its news
is, and plainly when the newest article is old.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import numpy as np

from briefings.corpus import FUTURE_TOLERANCE, Corpus
from briefings.digests import Digest, build_digest
from briefings.figures import FigureChange
from briefings.history import BriefingRecord
from briefings.stories import Story, ranked_stories
from briefings.summaries import CitedSentence, Summary, matching_sentences, said_in, summarize_sentences
from briefings.summarizers import LengthBudget

DEFAULT_STORIES = 5
SENTENCES_PER_STORY = 2
CHANGED_SENTENCES = 3
FIRST_WINDOW = timedelta(days=1)  # a first briefing's "what changed" covers the day before it
CHANGES_SHARE = 0.5  # "what changed" takes at most this share of the room: the top stories need the rest
STALE_AFTER = timedelta(days=2)  # a daily briefing whose newest article is older than this has no fresh news
# Characters a rendered citation takes beyond its outlet name and link: separators and a date ("21 February 2025"
# or a Discord timestamp, 16 characters either way).
CITATION_ALLOWANCE = 24
SHORT_CREDIT = 24  # "— all 5 sources", "— the same sources": a credit the story's heading already gives


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
    now: datetime | None = None  # when the briefing was made (the wall clock), to say how old its news is
    newest_article_id: str | None = None  # the newest article it took into account

    @property
    def age(self) -> timedelta | None:
        """Return how old the newest article was when the briefing was made."""
        if self.now is None or self.covered_until is None:
            return None
        return max(self.now - self.covered_until, timedelta(0))

    @property
    def is_stale(self) -> bool:
        """Tell whether the newest article is too old to be news for a daily briefing."""
        age = self.age
        return age is not None and age > STALE_AFTER

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

    `now` is the wall clock, so the briefing can say how old its newest article is (a briefing as of an earlier
    moment is made as of then). With it, an article dated more than a day after it is not news yet (it is left out,
    so the briefing is never "as of 2099"), and the briefing never records coverage beyond `now`.
    """
    made = min(now, as_of) if now is not None and as_of is not None else now
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
    newest = max((a for a in visible if a.published), key=lambda a: (a.published, a.id), default=None)
    covered_until = newest.published if newest is not None else None
    if covered_until is not None and now is not None:
        covered_until = min(covered_until, now)
    already = last.sentences if last else frozenset()
    since = _since(last, until)
    about: set[int] | None = None
    if topic:
        about = {int(i) for i in matching_sentences(corpus.index, topic)}
        if not about:
            return Briefing(until, since, None, (), 0, covered_until, last is None, made,
                            newest.id if newest else None)
    topical = {corpus.index.sentences[i].article_id for i in about} if about is not None else None
    ranked = [story for story in ranked_stories(corpus, until)
              if (since is None or last is None or _has_news(corpus, story, since))
              and (topical is None or topical.intersection(story.article_ids))]
    # A headline-less story is named by its lead sentence: "what changed" does not say that sentence again.
    headlines = frozenset(story.headline_sentence for story in ranked[: max_stories * 2] if story.headline_sentence)
    changes = None
    if since is not None:
        changes = build_digest(corpus, since, until, topic=topic,
                               budget=LengthBudget(sentences=CHANGED_SENTENCES), already_said=already | headlines)
    changes = _within(corpus, changes, room.text * CHANGES_SHARE)
    used = _length_of_changes(corpus, changes)
    briefs: list[StoryBrief] = []
    shown = 0
    for story in ranked:
        if len(briefs) == max_stories:
            break
        summary = _story_summary(corpus, story, already | _said(changes), about)
        if not summary.sentences:
            continue
        length = _length_of_story(corpus, story, summary.sentences)
        while used + length > room.text and changes is not None and changes.contrasts:
            # a top story outranks a reversal: as in _within, reversals give way first
            changes = replace(changes, contrasts=changes.contrasts[:-1])
            used = _length_of_changes(corpus, changes) + sum(_length_of_story(corpus, b.story, b.summary.sentences)
                                                             for b in briefs)
        if used + length > room.text:
            break  # it would not fit whole: "and N more" instead of cutting a sentence
        briefs.append(StoryBrief(story, summary))
        used += length
        shown += 1
    return Briefing(until, since, changes, tuple(briefs), len(ranked) - shown, covered_until, last is None, made,
                    newest.id if newest else None)


def _since(last: BriefingRecord | None, until: datetime | None) -> datetime | None:
    if last is not None and last.covered_until is not None:
        return last.covered_until + timedelta(microseconds=1)
    return until - FIRST_WINDOW if until is not None else None


def _has_news(corpus: Corpus, story: Story, since: datetime) -> bool:
    return any((corpus.get(a).published or since) >= since for a in story.article_ids if a not in corpus.backfill)


def _story_summary(corpus: Corpus, story: Story, already: frozenset[str], about: set[int] | None) -> Summary:
    return summarize_story(corpus, story, LengthBudget(sentences=SENTENCES_PER_STORY), already, about)


def summarize_story(corpus: Corpus, story: Story, budget: LengthBudget, already: frozenset[str] = frozenset(),
                    about: set[int] | None = None) -> Summary:
    """Summarise one story, leaving out what was said already and the lead sentence its headline shows."""
    index = corpus.index
    skip = already | ({story.headline_sentence} if story.headline_sentence else frozenset())
    ids = np.asarray([n for n in index.sentences_of(story.article_ids).tolist()
                      if not said_in(index.sentences[n], skip) and (about is None or n in about)],
                     dtype=np.int64)
    return summarize_sentences(index, ids, budget)


def _said(changes: Digest | None) -> frozenset[str]:
    if changes is None:
        return frozenset()
    return frozenset([s.text for s in changes.sentences] + [c.after.text for c in changes.contrasts])


def _length_of_story(corpus: Corpus, story: Story, sentences: tuple[CitedSentence, ...]) -> int:
    heading = len(story.headline) + _link_length(corpus, story.headline_article_id) + 70  # numbers, counts, dates
    outlets = sum(len(outlet) + 2 for outlet in story.outlets)
    total = heading + outlets
    previous: frozenset[str] | None = None
    for sentence in sentences:
        # A sentence that all the story's outlets carry, or the same ones as the sentence before, gets a short credit.
        carried = frozenset(corpus.get(a).outlet for a in sentence.article_ids)
        short = (story.sources > 1 and carried == frozenset(story.outlets)) or carried == previous
        total += _length_of_sentence(corpus, sentence) if not short else \
            _length_of_sentence(corpus, sentence, credit=SHORT_CREDIT)
        previous = carried
    return total


def _within(corpus: Corpus, changes: Digest | None, room: float) -> Digest | None:
    """Trim "what changed" to the room it may take: reversals go first, then the last new sentences."""
    while changes is not None and _length_of_changes(corpus, changes) > room:
        if changes.contrasts:
            changes = replace(changes, contrasts=changes.contrasts[:-1])
        elif changes.sentences:
            changes = replace(changes, sentences=changes.sentences[:-1])
        elif changes.figures:
            changes = replace(changes, figures=changes.figures[:-1])
        else:
            break
    return changes


def _length_of_changes(corpus: Corpus, changes: Digest | None) -> int:
    if changes is None:
        return 0
    sentences = sum(_length_of_sentence(corpus, s) for s in changes.sentences)
    contrasts = sum(_length_of_sentence(corpus, c.before) + _length_of_sentence(corpus, c.after) + 20
                    for c in changes.contrasts)
    figures = sum(len(f.subject) + len(f.before) + len(f.after) + 40
                  + citation_length(corpus, (f.before_article_id, *f.before_also_in))
                  + citation_length(corpus, (f.after_article_id,)) for f in changes.figures)
    return sentences + contrasts + figures


def _length_of_sentence(corpus: Corpus, sentence: CitedSentence, credit: int | None = None) -> int:
    # Markdown escaping may double a character; the bullet, the credit's dash and italics, the blank line.
    text = len(sentence.text) + sum(sentence.text.count(ch) for ch in "*_~`|\\<>[]#") + 12
    return text + (credit if credit is not None else citation_length(corpus, sentence.article_ids))


def citation_length(corpus: Corpus, article_ids: tuple[str, ...]) -> int:
    """Return at most how many characters a citation of these articles takes once rendered: one per outlet."""
    seen: set[str] = set()
    total = 0
    for article_id in article_ids:
        article = corpus.get(article_id)
        if article.outlet in seen:
            continue
        seen.add(article.outlet)
        total += len(article.outlet) + _link_length(corpus, article_id) + CITATION_ALLOWANCE
    return total


def _link_length(corpus: Corpus, article_id: str) -> int:
    url = corpus.get(article_id).url
    return len(url) + 4 if url else 0
