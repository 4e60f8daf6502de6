"""The briefing a channel gets: the top stories, each with a headline, cited sentences and its outlets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from briefings.corpus import Corpus
from briefings.stories import Story, ranked_stories
from briefings.summaries import Summary, summarize_sentences
from briefings.summarizers import LengthBudget

DEFAULT_STORIES = 5
SENTENCES_PER_STORY = 3


@dataclass(frozen=True, slots=True)
class StoryBrief:
    """One story of a briefing and its short summary."""

    story: Story
    summary: Summary


@dataclass(frozen=True, slots=True)
class Briefing:
    """The top stories as of a moment, and how many more there were."""

    as_of: datetime | None
    stories: tuple[StoryBrief, ...]
    more_stories: int


def build_briefing(corpus: Corpus, as_of: datetime | None = None, max_stories: int = DEFAULT_STORIES,
                   sentences_per_story: int = SENTENCES_PER_STORY) -> Briefing:
    """Build the briefing: top stories by sources and recency, each summarised in a few cited sentences."""
    ranked = ranked_stories(corpus, as_of)
    index = corpus.index
    budget = LengthBudget(sentences=sentences_per_story)
    briefs = []
    for story in ranked[:max_stories]:
        members = set(story.article_ids)
        ids = np.asarray([number for number, sentence in enumerate(index.sentences) if sentence.article_id in members])
        briefs.append(StoryBrief(story, summarize_sentences(index, ids, budget)))
    return Briefing(as_of or corpus.latest, tuple(briefs), max(len(ranked) - max_stories, 0))
