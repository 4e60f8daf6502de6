"""Domain results as JSON (for scripts) and as text (for people: rich in a terminal, plain when piped)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TextIO

from briefings.briefing import Briefing
from briefings.corpus import Article, Corpus
from briefings.stories import Story
from briefings.summaries import CitedSentence, Summary


def iso(moment: datetime | None) -> str | None:
    """Write a moment as ISO 8601, or None."""
    return moment.isoformat() if moment is not None else None


def sentence_json(sentence: CitedSentence, corpus: Corpus) -> dict[str, Any]:
    """Describe one cited sentence."""
    return {
        "text": sentence.text,
        "article_id": sentence.article_id,
        "also_in": list(sentence.also_in),
        "truncated": sentence.truncated,
        "citations": [corpus.get(article_id).citation for article_id in sentence.article_ids],
    }


def articles_json(corpus: Corpus, article_ids: Iterable[str]) -> dict[str, Any]:
    """Describe the articles that a result cites."""
    return {article_id: _article_json(corpus.get(article_id)) for article_id in article_ids}


def summary_json(summary: Summary, corpus: Corpus) -> dict[str, Any]:
    """Describe a summary: its sentences and the articles they cite."""
    cited = dict.fromkeys(article_id for sentence in summary.sentences for article_id in sentence.article_ids)
    return {
        "topic": summary.topic,
        "sentences": [sentence_json(sentence, corpus) for sentence in summary.sentences],
        "words": summary.word_count,
        "articles": articles_json(corpus, cited),
    }


def story_json(story: Story) -> dict[str, Any]:
    """Describe a story."""
    return {
        "id": story.id,
        "articles": list(story.article_ids),
        "sources": story.sources,
        "outlets": list(story.outlets),
        "headline": story.headline,
        "first_published": iso(story.first_published),
        "last_published": iso(story.last_published),
        "follows": story.follows,
    }


def briefing_json(briefing: Briefing, corpus: Corpus) -> dict[str, Any]:
    """Describe a briefing: each top story with its cited sentences."""
    return {
        "as_of": iso(briefing.as_of),
        "stories": [
            {**story_json(item.story), "sentences": [sentence_json(s, corpus) for s in item.summary.sentences]}
            for item in briefing.stories
        ],
        "more_stories": briefing.more_stories,
    }


def print_json(data: dict[str, Any], stream: TextIO | None = None) -> None:
    """Print JSON for scripts."""
    print(json.dumps(data, ensure_ascii=False, indent=2), file=stream or sys.stdout)


def _article_json(article: Article) -> dict[str, Any]:
    return {
        "title": article.title,
        "source": article.source,
        "published": iso(article.published),
        "url": article.url,
        "citation": article.citation,
    }
