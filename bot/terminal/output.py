"""Domain results as JSON (for scripts) and as text (for people: rich in a terminal, plain when piped)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:  # annotations only: a summary need not load the digest and briefing modules
    from briefings.briefing import Briefing
    from briefings.corpus import Article, Corpus
    from briefings.digests import Digest
    from briefings.figures import FigureChange
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
        "story_id": sentence.story_id,
    }


def articles_json(corpus: Corpus, article_ids: Iterable[str]) -> dict[str, Any]:
    """Describe the articles that a result cites."""
    return {article_id: _article_json(corpus.get(article_id)) for article_id in article_ids}


def summary_json(summary: Summary, corpus: Corpus) -> dict[str, Any]:
    """Describe a summary: its sentences and the articles they cite."""
    cited = dict.fromkeys(article_id for sentence in summary.sentences for article_id in sentence.article_ids)
    by_id = {story.id: story for story in corpus.stories} if any(s.story_id for s in summary.sentences) else {}
    story_ids = dict.fromkeys(s.story_id for s in summary.sentences if s.story_id in by_id)
    return {
        "topic": summary.topic,
        "sentences": [sentence_json(sentence, corpus) for sentence in summary.sentences],
        "words": summary.word_count,
        "articles": articles_json(corpus, cited),
        "stories": [story_json(by_id[story_id]) for story_id in story_ids if story_id is not None],
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
        "headline_cut": story.headline_cut,
    }


def briefing_json(briefing: Briefing, corpus: Corpus) -> dict[str, Any]:
    """Describe a briefing: what changed, each top story with its cited sentences, and the moved figures."""
    return {
        "now": iso(briefing.now),
        "stale": briefing.is_stale,
        "as_of": iso(briefing.as_of),
        "since": iso(briefing.since),
        "first": briefing.first,
        "changes": digest_json(briefing.changes, corpus) if briefing.changes else None,
        "stories": [
            {**story_json(item.story), "sentences": [sentence_json(s, corpus) for s in item.summary.sentences]}
            for item in briefing.stories
        ],
        "more_stories": briefing.more_stories,
        "figures": [figure_json(figure, corpus) for figure in briefing.figures],
    }


def figure_json(figure: FigureChange, corpus: Corpus) -> dict[str, Any]:
    """Describe a figure that moved, with the sentences and articles that give each value."""
    return {
        "subject": figure.subject,
        "before": figure.before,
        "after": figure.after,
        "before_article_id": figure.before_article_id,
        "after_article_id": figure.after_article_id,
        "before_text": figure.before_sentence.text,
        "after_text": figure.after_sentence.text,
        "before_also_in": list(figure.before_also_in),
        "before_citation": corpus.get(figure.before_article_id).citation,
        "after_citation": corpus.get(figure.after_article_id).citation,
        "direction": figure.direction,
        "measure": figure.measure,
        "unit": figure.unit,
    }


def digest_json(digest: Digest, corpus: Corpus) -> dict[str, Any]:
    """Describe what changed: new sentences, moved figures and reversals, with the articles they cite."""
    cited = [a for s in digest.sentences for a in s.article_ids]
    cited += [a for c in digest.contrasts for a in (c.before.article_id, c.after.article_id)]
    cited += [a for f in digest.figures for a in (f.before_article_id, f.after_article_id, *f.before_also_in)]
    return {
        "since": iso(digest.since),
        "until": iso(digest.until),
        "topic": digest.topic,
        "sentences": [sentence_json(sentence, corpus) for sentence in digest.sentences],
        "figures": [figure_json(figure, corpus) for figure in digest.figures],
        "contrasts": [{"before": sentence_json(c.before, corpus), "after": sentence_json(c.after, corpus)}
                      for c in digest.contrasts],
        "new_articles": list(digest.new_article_ids),
        "known_articles": len(digest.known_article_ids),
        "articles": articles_json(corpus, dict.fromkeys(cited)),
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
        "date_only": article.date_only,
    }
