"""Group articles into stories: the copies of one wire story, and the reports of one event, are one story.

The grouping is single-pass clustering as in topic detection and tracking (Allan et al., 1998): articles
are taken in publication order, and each joins the open story it is most similar to on average (group-
average linkage, which does not chain unrelated articles the way single linkage does), if that story is
recent enough; otherwise it starts a new story.
"""

from __future__ import annotations

import logging
import math
from bisect import bisect_left
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import numpy as np
from scipy import sparse

from briefings.cleaning import is_furniture
from briefings.corpus import Article, Corpus
from briefings.index import CorpusIndex, normalised_rows
from briefings.languages import same_language

log = logging.getLogger(__name__)

SAME_STORY = 0.2  # mean TF-IDF cosine to a story's articles at which an article joins it
SIGNATURE_TERMS = 200  # a long article is compared on its most distinctive terms only
STORY_WINDOW = timedelta(days=4)  # a story is open for new copies this long after its last article
HEADLINE_CHARACTERS = 90  # a lead sentence used as a headline is cut to this, at a word boundary
FOLLOWS = 0.15  # centroid cosine at which a later story is taken as a development of an earlier one
RECENCY_HALF_LIFE = timedelta(days=1)  # in the briefing, a day-old story counts half as much as a new one
_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Story:
    """Articles that report one story, with its sources and date span."""

    id: str
    article_ids: tuple[str, ...]  # in publication order
    outlets: tuple[str, ...]  # distinct outlets, in order of first report
    headline: str
    headline_article_id: str
    first_published: datetime | None
    last_published: datetime | None
    follows: str | None = None  # the earlier story this one develops, if any
    headline_cut: bool = False  # the headline is the start of the lead sentence, cut at a word (shown with "…")
    headline_sentence: str | None = None  # the lead sentence a headline-less story is named by (said once, there)

    @property
    def sources(self) -> int:
        """Count the distinct outlets that carry the story."""
        return len(self.outlets)


def group_stories(corpus: Corpus) -> tuple[Story, ...]:
    """Group the corpus into stories, in order of their first article."""
    articles = corpus.articles
    if not articles:
        return ()
    index = corpus.index
    vectors = _signatures(index)
    members = _cluster(articles, vectors)
    centroids = normalised_rows(sparse.vstack([sparse.csr_matrix(vectors[group].sum(axis=0)) for group in members]))
    follows = _follows(centroids)
    stories = [_story(index, vectors, group, centroids[number]) for number, group in enumerate(members)]
    return tuple(
        replace(story, follows=stories[earlier].id) if earlier is not None else story
        for story, earlier in zip(stories, follows, strict=True)
    )


def ranked_stories(corpus: Corpus, as_of: datetime | None = None) -> list[Story]:
    """Order stories for a briefing: by number of sources, discounted by age."""
    now = as_of or corpus.latest
    published = [story.last_published for story in corpus.stories]
    if as_of is not None:
        stories = [story for story, when in zip(corpus.stories, published, strict=True)
                   if when is None or when <= as_of]
    else:
        stories = list(corpus.stories)

    def weight(story: Story) -> float:
        if now is None or story.last_published is None:
            return float(story.sources)
        age = max((now - story.last_published) / RECENCY_HALF_LIFE, 0.0)
        return story.sources * math.pow(0.5, age)

    return sorted(stories, key=lambda story: (-weight(story), -len(story.article_ids), story.id))


def _signatures(index: CorpusIndex) -> sparse.csr_matrix:
    """Keep each article's most distinctive terms: cheaper to compare, and less noise from common words."""
    vectors = index.article_vectors.copy()
    for row in range(vectors.shape[0]):
        start, end = vectors.indptr[row], vectors.indptr[row + 1]
        if end - start > SIGNATURE_TERMS:
            values = vectors.data[start:end]
            cutoff = np.partition(values, -SIGNATURE_TERMS)[-SIGNATURE_TERMS]
            values[values < cutoff] = 0.0
    vectors.eliminate_zeros()
    return normalised_rows(vectors)


def _cluster(articles: tuple[Article, ...], vectors: sparse.csr_matrix) -> list[list[int]]:
    """Return the article numbers of each story; articles are in publication order already."""
    dates = [article.published or _NEVER for article in articles]
    story_of: list[int] = []
    members: list[list[int]] = []
    last_seen: list[datetime] = []
    block = 256
    for block_start in range(0, len(articles), block):
        block_end = min(block_start + block, len(articles))
        window_start = bisect_left(dates, dates[block_start] - STORY_WINDOW) if dates[block_start] != _NEVER else 0
        similar = (vectors[block_start:block_end] @ vectors[window_start:block_end].T).tocsr()
        for row, article in enumerate(range(block_start, block_end)):
            totals: dict[int, float] = {}
            start, end = similar.indptr[row], similar.indptr[row + 1]
            for column, value in zip(similar.indices[start:end], similar.data[start:end], strict=True):
                other = window_start + int(column)
                if other < article:
                    story = story_of[other]
                    totals[story] = totals.get(story, 0.0) + float(value)
            best, best_score = -1, SAME_STORY
            for story, total in totals.items():
                score = total / len(members[story])
                is_open = dates[article] == _NEVER or dates[article] - last_seen[story] <= STORY_WINDOW
                if is_open and score >= best_score and _may_join(articles, article, members[story]):
                    best, best_score = story, score
            if best < 0:
                best = len(members)
                members.append([])
                last_seen.append(dates[article])
            members[best].append(article)
            story_of.append(best)
            last_seen[best] = max(last_seen[best], dates[article])
    return members


def _may_join(articles: tuple[Article, ...], article: int, story: list[int]) -> bool:
    """Tell whether an article may join a story: never one in another language (issue 14)."""
    return same_language(articles[article].language, articles[story[0]].language)


def _follows(centroids: sparse.csr_matrix) -> list[int | None]:
    """For each story, the most similar earlier story, if similar enough to be its background."""
    result: list[int | None] = []
    block = 512
    for start in range(0, centroids.shape[0], block):
        end = min(start + block, centroids.shape[0])
        similar = (centroids[start:end] @ centroids[:end].T).tocsr()
        for row in range(end - start):
            story = start + row
            lo, hi = similar.indptr[row], similar.indptr[row + 1]
            best, best_score = None, FOLLOWS
            for column, value in zip(similar.indices[lo:hi], similar.data[lo:hi], strict=True):
                if int(column) < story and float(value) >= best_score:
                    best, best_score = int(column), float(value)
            result.append(best)
    return result


def _story(index: CorpusIndex, vectors: sparse.csr_matrix, group: list[int], centroid: sparse.csr_matrix) -> Story:
    articles = [index.articles[number] for number in group]
    outlets: list[str] = []
    for article in articles:
        if article.outlet not in outlets or article.source is None:
            outlets.append(article.outlet)
    centrality = np.asarray((vectors[group] @ centroid.T).todense()).ravel()
    # The headline is a real one (never a sentence promoted to a title, never page furniture such as a byline)
    # from the most typical article; a story without one is named by the start of its lead sentence.
    titled = [article.has_headline and not is_furniture(article.title) for article in articles]
    ranked = sorted(range(len(articles)), key=lambda i: (not titled[i], -centrality[i], i))
    lead = articles[ranked[0]]
    headline, cut, sentence = lead.title, False, None
    if not titled[ranked[0]] and lead.sentences:
        sentence = lead.sentences[0].text
        headline, cut = shorten(sentence, HEADLINE_CHARACTERS)
    dates = [article.published for article in articles if article.published is not None]
    return Story(
        id=articles[0].id,
        article_ids=tuple(article.id for article in articles),
        outlets=tuple(outlets),
        headline=headline,
        headline_article_id=lead.id,
        first_published=min(dates) if dates else None,
        last_published=max(dates) if dates else None,
        headline_cut=cut,
        headline_sentence=sentence,
    )


def shorten(text: str, limit: int) -> tuple[str, bool]:
    """Cut text at the last word boundary within `limit` characters; say whether it was cut (never add words)."""
    if len(text) <= limit:
        return text, False
    cut = text[: limit + 1].rsplit(" ", 1)[0].rstrip(" ,;:–—-") if " " in text[:limit] else text[:limit]
    return cut, True




def stories_matching(corpus: Corpus, query: str) -> list[Story]:
    """Return the stories about a query, leading stories first: headlines that name it, then articles that do.

    Words match whole or by stem ("oil" finds "oil", never "toilet").
    """
    from briefings.topics import clean_topic, topic_sentences  # noqa: PLC0415 - topics import the index lazily

    index = corpus.index
    wanted = set(index.normalizer.terms(clean_topic(query)))
    if not wanted:
        return []
    mentioned = {index.articles[int(n)].id for n in np.unique(index.sentence_article[topic_sentences(index, query)])}
    in_headline: list[Story] = []
    in_text: list[Story] = []
    for story in ranked_stories(corpus):
        if wanted <= set(index.normalizer.terms(story.headline)):
            in_headline.append(story)
        elif mentioned.intersection(story.article_ids):
            in_text.append(story)
    return in_headline + in_text
