"""Group articles into stories: the copies of one wire story, and the reports of one event, are one story.

The grouping is single-pass clustering as in topic detection and tracking (Allan et al., 1998): articles
are taken in publication order, and each joins the open story it is most similar to on average (group-
average linkage, which does not chain unrelated articles the way single linkage does), if that story is
recent enough; otherwise it starts a new story.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from scipy import sparse

from briefings.arrays import ranges
from briefings.cleaning import is_furniture
from briefings.corpus import Article, Corpus
from briefings.index import CorpusIndex, IntArray, normalised_rows
from briefings.languages import same_language

log = logging.getLogger(__name__)

SAME_STORY = 0.2  # mean TF-IDF cosine to a story's articles at which an article joins it
SIGNATURE_TERMS = 200  # a long article is compared on its most distinctive terms only
STORY_WINDOW = timedelta(days=4)  # a story is open for new copies this long after its last article
HEADLINE_CHARACTERS = 90  # a lead sentence used as a headline is cut to this, at a word boundary
FOLLOWS = 0.15  # centroid cosine at which a later story is taken as a development of an earlier one
RECENCY_HALF_LIFE = timedelta(days=1)  # in the briefing, a day-old story counts half as much as a new one
_NEVER = datetime.min.replace(tzinfo=UTC)
# Open stories an article is compared with, for each of its terms: the newest that use it. Enough for news
# (a story an article belongs to shares its distinctive terms with few others); it bounds the work per article.
CANDIDATES_PER_TERM = 64
_BLOCK = 256  # articles assigned together: their similarities with the candidates come from one product
# A grown corpus recomputes only the stories new articles touch; the others keep centroids weighed with the idf of
# when they were made. Once the corpus has grown by this share since every centroid was computed, all are again.
REFRESH = 0.05


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


@dataclass(frozen=True, slots=True)
class StoryTable:
    """A corpus's stories with what grouped them: members by article number, centrality, the story each follows."""

    stories: tuple[Story, ...]
    members: tuple[tuple[int, ...], ...]
    centrality: npt.NDArray[np.float64]  # each article's cosine to its story's centroid
    follows: tuple[int | None, ...]
    # Each story's normalised summed vector, kept so that a grown corpus recomputes only the stories it touched.
    centroids: sparse.csr_matrix | None = None
    basis: int = 0  # how many articles there were when every centroid was last computed (with that idf)


def group_stories(corpus: Corpus) -> StoryTable:
    """Group the corpus into stories, in order of their first article."""
    articles = corpus.articles
    if not articles:
        return StoryTable((), (), np.zeros(0), ())
    vectors = _signatures(corpus.index)
    return _finish(corpus.index, vectors, [tuple(group) for group in _cluster(articles, vectors)])


def grow_stories(table: StoryTable, previous: tuple[Article, ...], corpus: Corpus) -> StoryTable | None:
    """Continue a grouping with the articles a corpus added to `previous` (whose grouping `table` is).

    Single-pass clustering is incremental: the new articles are compared with the stories open when they came,
    the earlier articles keep their stories. Only when every new article comes after the earlier ones in
    publication order; otherwise (None) the corpus is grouped anew.
    """
    articles = corpus.articles
    known = len(previous)
    if len(articles) < known or any(a is not b for a, b in zip(articles[:known], previous, strict=False)):
        return None
    if not known or len(table.members) == 0:
        return None
    if table.centroids is not None and len(articles) <= (1.0 + REFRESH) * table.basis:
        return _grow(table, known, corpus)
    vectors = _signatures(corpus.index)
    published = [article.published for article in articles]
    languages = [article.language for article in articles]
    grouping = StoryGrouping.resume(table.members, vectors[:known], published[:known], languages[:known])
    grouping.add(vectors[known:], published[known:], languages[known:])
    return _finish(corpus.index, vectors, [tuple(group) for group in grouping.members],
                   {story.article_ids: story for story in table.stories})


def _grow(table: StoryTable, known: int, corpus: Corpus) -> StoryTable:
    """Continue a grouping whose centroids are kept: only the open window and the stories touched are computed.

    The open stories' sums are made again from their recent members (with the corpus's idf now, as a fresh
    grouping would weigh them), the new articles assigned, and the stories they joined or started get their
    centroid, centrality and name again; the stories' links are recomputed from the first block they touched.
    """
    assert table.centroids is not None  # noqa: S101 - the caller checked
    index, articles = corpus.index, corpus.articles
    published = [article.published for article in articles]
    languages = [article.language for article in articles]
    stamps = np.asarray([moment.timestamp() if moment else -np.inf for moment in published[:known]])
    cutoff = stamps[-1] - STORY_WINDOW.total_seconds() if np.isfinite(stamps[-1]) else -np.inf
    recent = int(np.searchsorted(stamps, cutoff, side="left"))  # earlier articles count in no open story's sum
    window = article_signatures(index, np.arange(recent, len(articles)))
    width = window.shape[1]
    before = sparse.vstack([sparse.csr_matrix((recent, width)), window[: known - recent]]).tocsr()
    grouping = StoryGrouping.resume(table.members, before, published[:known], languages[:known])
    assigned = grouping.add(window[known - recent :], published[known:], languages[known:])
    members = [tuple(group) for group in grouping.members]
    touched = np.unique(np.asarray(assigned, dtype=np.int64))
    numbers, owners, vectors, fresh = _centroids_of(index, [members[int(story)] for story in touched])
    old = table.centroids.copy()
    old.resize((old.shape[0], width))  # the vocabulary only grows
    kept = np.setdiff1d(np.arange(old.shape[0]), touched)
    stacked = sparse.vstack([old[kept], fresh]).tocsr()
    centroids = stacked[np.argsort(np.concatenate([kept, touched]), kind="stable")].tocsr()
    centrality = np.concatenate([table.centrality, np.zeros(len(articles) - known)])
    centrality[numbers] = np.asarray(vectors.multiply(fresh[owners]).sum(axis=1)).ravel()
    first = int(touched.min()) // _FOLLOW_BLOCK * _FOLLOW_BLOCK if touched.size else len(members)
    follows = _follows(centroids, first, table.follows)
    finished = _table(index, members, centrality, follows, {story.article_ids: story for story in table.stories})
    return replace(finished, centroids=centroids, basis=table.basis)


def _centroids_of(index: CorpusIndex, groups: list[tuple[int, ...]]
                  ) -> tuple[IntArray, IntArray, sparse.csr_matrix, sparse.csr_matrix]:
    """Return the members of some stories, the story of each, their signatures and the stories' centroids."""
    numbers = np.asarray([n for group in groups for n in group], dtype=np.int64)
    vectors = article_signatures(index, numbers)
    owners = np.repeat(np.arange(len(groups)), [len(group) for group in groups])
    summed = sparse.csr_matrix((np.ones(numbers.size), (owners, np.arange(numbers.size))),
                               shape=(len(groups), numbers.size)) @ vectors
    return numbers, owners, vectors, normalised_rows(summed.tocsr())


def with_centroids(table: StoryTable, index: CorpusIndex) -> StoryTable:
    """Return the table with its stories' centroids (one kept between commands has none), ready to grow cheaply."""
    if table.centroids is not None or not table.members:
        return table
    vectors = _signatures(index)
    count = vectors.shape[0]
    story_of = np.zeros(count, dtype=np.int64)
    for number, group in enumerate(table.members):
        story_of[list(group)] = number
    owners = sparse.csr_matrix((np.ones(count), (story_of, np.arange(count))), shape=(len(table.members), count))
    return replace(table, centroids=normalised_rows((owners @ vectors).tocsr()), basis=count)


def article_signatures(index: CorpusIndex, numbers: IntArray) -> sparse.csr_matrix:
    """Return the signatures of some articles (by number, in order) as `_signatures` makes every article's.

    Counted from their own term ids: a few articles cost a few, not the whole corpus's matrices.
    """
    first = np.searchsorted(index.sentence_article, numbers, side="left")
    last = np.searchsorted(index.sentence_article, numbers, side="right")
    starts, ends = index.offsets[first], index.offsets[last]
    terms = index.term_ids[ranges(starts, ends - starts)]
    owners = np.repeat(np.arange(numbers.size, dtype=np.int64), ends - starts)
    width = max(len(index.vocabulary), 1)
    counts = sparse.csr_matrix((np.ones(terms.size), (owners, terms)), shape=(numbers.size, width))
    counts.sum_duplicates()
    counts.data = (1.0 + np.log(counts.data)) * index.idf[counts.indices]
    return _top_terms(normalised_rows(counts))


def _finish(index: CorpusIndex, vectors: sparse.csr_matrix, members: list[tuple[int, ...]],
            known: dict[tuple[str, ...], Story] | None = None) -> StoryTable:
    """Name, date and link the stories of a grouping."""
    count = vectors.shape[0]
    story_of = np.zeros(count, dtype=np.int64)
    for number, group in enumerate(members):
        story_of[list(group)] = number
    owners = sparse.csr_matrix((np.ones(count), (story_of, np.arange(count))), shape=(len(members), count))
    centroids = normalised_rows((owners @ vectors).tocsr())
    follows = _follows(centroids)
    # Each article's cosine to its story's centroid, all at once.
    centrality = np.asarray(vectors.multiply(centroids[story_of]).sum(axis=1)).ravel()
    return replace(_table(index, members, centrality, follows, known), centroids=centroids, basis=count)


def _table(index: CorpusIndex, members: list[tuple[int, ...]], centrality: npt.NDArray[np.float64],
           follows: list[int | None], known: dict[tuple[str, ...], Story] | None = None,
           names: list[Naming] | None = None) -> StoryTable:
    """Make the stories of a grouping; a story `known` by the same articles is kept as it was (not named again)."""
    stories: list[Story] = []
    for number, group in enumerate(members):
        ids = tuple(index.articles[n].id for n in group)
        same = known.get(ids) if known else None
        stories.append(same if same is not None else _story(index, list(group), centrality[list(group)],
                                                            names[number] if names else None))
    linked = []
    for story, earlier in zip(stories, follows, strict=True):
        target = stories[earlier].id if earlier is not None else None
        linked.append(story if story.follows == target else replace(story, follows=target))
    return StoryTable(tuple(linked), tuple(members), centrality, tuple(follows))


Naming = tuple[str, str, bool, str | None]  # headline, the article it is from, whether cut, the lead sentence


def naming(story: Story) -> Naming:
    """Return how a story is named, to keep with it (restored by restore_table without choosing again)."""
    return story.headline, story.headline_article_id, story.headline_cut, story.headline_sentence


def restore_table(index: CorpusIndex, members: npt.NDArray[np.int64], counts: npt.NDArray[np.int64],
                  centrality: npt.NDArray[np.float64], follows: npt.NDArray[np.int64],
                  names: list[Naming] | None = None) -> StoryTable:
    """Rebuild a story table kept as arrays (every article in one story); ValueError when they do not agree."""
    articles = len(index.articles)
    if members.ndim != 1 or counts.ndim != 1 or int(counts.sum()) != members.size or members.size != articles \
            or np.any(counts <= 0) or centrality.shape != (articles,) or follows.shape != counts.shape \
            or not np.array_equal(np.sort(members), np.arange(articles)) \
            or np.any((follows < -1) | (follows >= np.arange(counts.size))) \
            or (names is not None and len(names) != counts.size):
        raise ValueError("the story arrays do not agree with the index")
    bounds = np.concatenate([[0], np.cumsum(counts)]).tolist()
    flat = members.tolist()
    groups = [tuple(flat[bounds[i] : bounds[i + 1]]) for i in range(counts.size)]
    if names is not None:
        held = {article.id for article in index.articles}
        names = [(str(h), str(a), bool(c), None if t is None else str(t)) for h, a, c, t in names]
        if any(article not in held for _, article, _, _ in names):
            raise ValueError("a story is named from an article the index does not hold")
    return _table(index, groups, centrality.astype(np.float64),
                  [None if int(f) < 0 else int(f) for f in follows], names=names)


def restrict(table: StoryTable, numbers: npt.NDArray[np.int64], index: CorpusIndex, *,
             centroids: bool = False) -> StoryTable:
    """Return a corpus's stories restricted to some of its articles (by number, in order), numbered in `index`.

    A story left with none of its articles goes; one that lost some is named and dated again from the rest.
    With `centroids` (a corpus that will grow: the bot's, after articles expired), the table keeps the stories'
    centroids, each story that lost articles getting its centroid again from the rest, so that the next new
    articles take the cheap path; the corpus counts as changed by what left (`basis`).
    """
    renumber = np.full(table.centrality.size, -1, dtype=np.int64)
    renumber[numbers] = np.arange(numbers.size)
    members: list[tuple[int, ...]] = []
    kept_as: dict[int, int] = {}
    for story, group in enumerate(table.members):
        remaining = tuple(int(n) for n in renumber[list(group)] if n >= 0)
        if remaining:
            kept_as[story] = len(members)
            members.append(remaining)
    follows: list[int | None] = [None] * len(members)
    for story, new in kept_as.items():
        earlier = table.follows[story]
        follows[new] = kept_as.get(earlier) if earlier is not None else None
    restricted = _table(index, members, table.centrality[numbers], follows,
                        known={story.article_ids: story for story in table.stories})
    if not centroids or table.centroids is None or not members:
        return restricted
    stories = np.fromiter(kept_as, dtype=np.int64, count=len(kept_as))  # the old number of each story kept
    kept = table.centroids[stories]
    kept.resize((kept.shape[0], len(index.vocabulary)))
    shrunk = np.asarray([new for story, new in kept_as.items() if len(members[new]) != len(table.members[story])],
                        dtype=np.int64)
    if shrunk.size:
        fresh = _centroids_of(index, [members[int(new)] for new in shrunk])[3]
        whole = np.setdiff1d(np.arange(len(members)), shrunk)
        stacked = sparse.vstack([kept[whole], fresh]).tocsr()
        kept = stacked[np.argsort(np.concatenate([whole, shrunk]), kind="stable")].tocsr()
    left = table.centrality.size - numbers.size
    return replace(restricted, centroids=kept.tocsr(), basis=max(table.basis - left, 0))


def ranked_stories(corpus: Corpus, as_of: datetime | None = None) -> list[Story]:
    """Order stories for a briefing: by number of sources, discounted by age.

    Without `as_of` the order is remembered with the corpus (it never changes): every topic summary reads it.
    """
    if as_of is None:
        known = corpus.__dict__.get("_ranked_stories")
        if known is None:
            known = corpus.__dict__["_ranked_stories"] = tuple(_ranked(corpus, None))
        return list(known)
    return _ranked(corpus, as_of)


def story_ranks(corpus: Corpus) -> IntArray:
    """Return, for each article number, the rank of its story in `ranked_stories(corpus)` (remembered too)."""
    known = corpus.__dict__.get("_story_ranks")
    if known is None:
        known = np.zeros(len(corpus), dtype=np.int64)
        for rank, story in enumerate(ranked_stories(corpus)):
            known[[corpus.number(article_id) for article_id in story.article_ids]] = rank
        corpus.__dict__["_story_ranks"] = known
    return known


def _ranked(corpus: Corpus, as_of: datetime | None) -> list[Story]:
    now = as_of or corpus.latest
    published = [story.last_published for story in corpus.stories]
    if as_of is not None:
        stories = [story for story, when in zip(corpus.stories, published, strict=True)
                   if when is None or when <= as_of]
    else:
        stories = list(corpus.stories)

    # An undated story (no date in its feed, page or text) ranks as old as the oldest dated one, never as the
    # newest: otherwise every undated page would outrank the day's four-source story.
    oldest = min((when for story in stories if (when := story.last_published) is not None), default=None)

    def weight(story: Story) -> float:
        when = story.last_published or oldest
        if now is None or when is None:
            return float(story.sources)
        age = max((now - when) / RECENCY_HALF_LIFE, 0.0)
        return story.sources * math.pow(0.5, age)

    return sorted(stories, key=lambda story: (-weight(story), -len(story.article_ids), story.id))


def _signatures(index: CorpusIndex) -> sparse.csr_matrix:
    """Keep each article's most distinctive terms: cheaper to compare, and less noise from common words."""
    return _top_terms(index.article_vectors.copy())


def _top_terms(vectors: sparse.csr_matrix) -> sparse.csr_matrix:
    """Keep each row's SIGNATURE_TERMS largest weights (in place), and normalise the rows again."""
    for row in np.flatnonzero(np.diff(vectors.indptr) > SIGNATURE_TERMS).tolist():
        start, end = vectors.indptr[row], vectors.indptr[row + 1]
        values = vectors.data[start:end]
        cutoff = np.partition(values, -SIGNATURE_TERMS)[-SIGNATURE_TERMS]
        values[values < cutoff] = 0.0
    vectors.eliminate_zeros()
    return normalised_rows(vectors)


def _cluster(articles: tuple[Article, ...], vectors: sparse.csr_matrix) -> list[list[int]]:
    """Return the article numbers of each story; articles are in publication order already."""
    grouping = StoryGrouping()
    grouping.add(vectors, [article.published for article in articles], [article.language for article in articles])
    return grouping.members


class StoryGrouping:
    """Single-pass clustering state: each story's members, its summed vector while open, when it was last seen.

    Group-average similarity needs no article-by-article comparison: the summed cosines of an article to a story's
    members are its dot product with their summed vector. As the grouping always had it, members published more
    than `STORY_WINDOW` before the article count for nothing (a story drifts) while the mean still divides by all
    of them; so a story's sum holds its recent members only, and old members are subtracted as time moves on.
    An article is compared only with candidate stories: for each of its terms, the `CANDIDATES_PER_TERM` newest
    open stories that use it. Work per article is bounded, whatever the number of look-alike articles, and adding
    articles later continues the same pass (incremental by nature).
    """

    def __init__(self) -> None:
        self.members: list[list[int]] = []
        self._last_seen: list[float] = []  # POSIX time of each story's newest article (-inf when undated)
        self._language: list[str] = []
        self._open = np.zeros(0, dtype=np.int64)  # story numbers still open, oldest first
        self._sums: sparse.csr_matrix | None = None  # one row per open story: its recent members' summed vectors
        self._articles = 0
        self._chunks: list[tuple[int, sparse.csr_matrix]] = []  # (first article number, vectors) as added
        self._dates: list[npt.NDArray[np.float64]] = []
        self._story_of: list[int] = []
        self._recent_from = 0  # articles before this number no longer count in any sum

    @classmethod
    def resume(cls, members: tuple[tuple[int, ...], ...], vectors: sparse.csr_matrix,
               published: list[datetime | None], languages: list[str]) -> StoryGrouping:
        """Rebuild the state of a grouping whose result is `members`, to add more articles to it later."""
        grouping = cls()
        dates = np.asarray([moment.timestamp() if moment else -np.inf for moment in published], dtype=np.float64)
        story_of = np.zeros(len(dates), dtype=np.int64)
        for story, group in enumerate(members):
            story_of[list(group)] = story
        grouping.members = [list(group) for group in members]
        grouping._last_seen = [float(dates[list(group)].max()) for group in members]
        grouping._language = [languages[group[0]] for group in members]
        grouping._story_of = story_of.tolist()
        grouping._articles = len(dates)
        grouping._chunks = [(0, vectors)]
        grouping._dates = [dates]
        cutoff = (dates[-1] - STORY_WINDOW.total_seconds()) if dates.size and np.isfinite(dates[-1]) else -np.inf
        last_seen = np.asarray(grouping._last_seen, dtype=np.float64)
        grouping._open = np.flatnonzero(last_seen >= cutoff).astype(np.int64)
        grouping._recent_from = int(np.searchsorted(dates, cutoff, side="left"))
        row_of = np.full(len(members), -1, dtype=np.int64)
        row_of[grouping._open] = np.arange(grouping._open.size)
        numbers = np.arange(grouping._recent_from, len(dates))
        rows = row_of[story_of[numbers]]
        kept = rows >= 0
        owners = sparse.csr_matrix((np.ones(int(kept.sum())), (rows[kept], numbers[kept])),
                                   shape=(grouping._open.size, len(dates)))
        grouping._sums = (owners @ vectors).tocsr()
        return grouping

    def add(self, vectors: sparse.csr_matrix, published: list[datetime | None], languages: list[str]) -> list[int]:
        """Assign articles (in publication order, after those added before) to stories; return each one's story."""
        dates = np.asarray([moment.timestamp() if moment else -np.inf for moment in published], dtype=np.float64)
        stories: list[int] = []
        if self._sums is None:
            self._sums = sparse.csr_matrix((0, vectors.shape[1]), dtype=np.float64)
        elif self._sums.shape[1] < vectors.shape[1]:  # new terms since: the vocabulary only grows
            self._sums.resize((self._sums.shape[0], vectors.shape[1]))
        self._chunks.append((self._articles, vectors))
        self._dates.append(dates)
        for start in range(0, vectors.shape[0], _BLOCK):
            end = min(start + _BLOCK, vectors.shape[0])
            if np.isfinite(dates[start]):
                self._forget_before(dates[start] - STORY_WINDOW.total_seconds())
            assigned = self._add_block(vectors[start:end], dates[start:end], languages[start:end])
            self._story_of.extend(assigned)
            stories.extend(assigned)
            self._articles += end - start
        return stories

    def _forget_before(self, cutoff: float) -> None:
        """Close the stories last seen before `cutoff`, and subtract older members from the open stories' sums."""
        assert self._sums is not None  # noqa: S101
        if self._open.size:
            still = np.asarray(self._last_seen, dtype=np.float64)[self._open] >= cutoff
            if not still.all():
                self._open, self._sums = self._open[still], self._sums[np.flatnonzero(still)]
        all_dates = np.concatenate(self._dates)
        until = int(np.searchsorted(all_dates[: self._articles], cutoff, side="left"))
        if until <= self._recent_from:
            return
        row_of = np.full(len(self.members), -1, dtype=np.int64)
        row_of[self._open] = np.arange(self._open.size)
        numbers = np.arange(self._recent_from, until)
        rows = row_of[np.asarray(self._story_of, dtype=np.int64)[numbers]]
        kept = rows >= 0  # members of closed stories: their sums are gone already
        if kept.any():
            old = sparse.csr_matrix((np.ones(int(kept.sum())), (rows[kept], np.flatnonzero(kept))),
                                    shape=(self._open.size, numbers.size))
            removed = (old @ self._vectors(self._recent_from, until)).tocsr()
            removed.resize(self._sums.shape)  # vectors added before the vocabulary last grew are narrower
            sums = (self._sums - removed).tocsr()
            sums.data[np.abs(sums.data) < 1e-9] = 0.0  # what was subtracted whole is gone, not a rounding residue
            sums.eliminate_zeros()
            self._sums = sums
        self._recent_from = until

    def _vectors(self, start: int, end: int) -> sparse.csr_matrix:
        """Return the vectors of the articles numbered start to end, across the chunks they were added in."""
        parts = [chunk[max(start - first, 0) : max(min(end - first, chunk.shape[0]), 0)]
                 for first, chunk in self._chunks if first < end and first + chunk.shape[0] > start]
        width = max(part.shape[1] for part in parts)
        for part in parts:
            if part.shape[1] < width:
                part.resize((part.shape[0], width))
        return sparse.vstack(parts).tocsr()

    def _add_block(self, block: sparse.csr_matrix, dates: npt.NDArray[np.float64], languages: list[str]) -> list[int]:
        assert self._sums is not None  # noqa: S101 - set by add
        window = STORY_WINDOW.total_seconds()
        last_seen = np.asarray(self._last_seen, dtype=np.float64)
        candidates = _newest_per_term(block, self._sums, CANDIDATES_PER_TERM)
        known = candidates.size
        exact = (block @ self._sums[candidates].T).toarray() if known else np.zeros((block.shape[0], 0))
        within = (block @ block.T).toarray()  # the block's articles with each other
        # Columns: the candidate stories, then the stories this block starts (at most one an article).
        width = known + block.shape[0]
        column_story = np.full(width, -1, dtype=np.int64)
        column_story[:known] = self._open[candidates]
        sizes = np.zeros(width)
        sizes[:known] = [len(self.members[story]) for story in column_story[:known].tolist()]
        seen = np.full(width, -np.inf)
        seen[:known] = last_seen[column_story[:known]]
        spoken = [self._language[story] for story in column_story[:known].tolist()]
        names = sorted(set(spoken) | set(languages))
        spoken_code = np.full(width, -1, dtype=np.int64)
        spoken_code[:known] = [names.index(language) for language in spoken]
        column_of = np.zeros(block.shape[0], dtype=np.int64)
        used = known
        for row in range(block.shape[0]):
            totals = np.zeros(used)
            totals[:known] = exact[row]
            if row:
                np.add.at(totals, column_of[:row], within[row, :row])
            joinable = np.asarray([same_language(languages[row], name) for name in names], dtype=bool)
            eligible = joinable[spoken_code[:used]] & (sizes[:used] > 0)
            if np.isfinite(dates[row]):
                eligible &= dates[row] - seen[:used] <= window
            scores = np.where(eligible, totals / np.maximum(sizes[:used], 1.0), -1.0)
            best = int(np.argmax(scores)) if used else -1
            if best < 0 or scores[best] < SAME_STORY:
                best, used = used, used + 1
                column_story[best] = len(self.members)
                spoken_code[best] = names.index(languages[row])
                self.members.append([])
                self._last_seen.append(float(dates[row]))
                self._language.append(languages[row])
            story = int(column_story[best])
            self.members[story].append(self._articles + row)
            sizes[best] += 1.0
            seen[best] = max(seen[best], float(dates[row]))
            self._last_seen[story] = max(self._last_seen[story], float(dates[row]))
            column_of[row] = best
        self._update_sums(block, candidates, column_story[:used], column_of)
        return [int(story) for story in column_story[column_of]]

    def _update_sums(self, block: sparse.csr_matrix, candidates: IntArray, column_story: IntArray,
                     column_of: IntArray) -> None:
        """Add the block's vectors to their stories' sums; the stories it started become open rows."""
        assert self._sums is not None  # noqa: S101
        started = len(column_story) - candidates.size
        rows = np.concatenate([candidates, np.arange(self._open.size, self._open.size + started)]).astype(np.int64)
        owner = sparse.csr_matrix((np.ones(len(column_of)), (rows[column_of], np.arange(len(column_of)))),
                                  shape=(self._open.size + started, block.shape[0]))
        grown = self._sums.copy()
        grown.resize((self._open.size + started, self._sums.shape[1]))
        self._sums = (grown + owner @ block).tocsr()
        self._open = np.concatenate([self._open, column_story[candidates.size :]])


def _newest_per_term(queries: sparse.csr_matrix, pool: sparse.csr_matrix, per_term: int) -> IntArray:
    """Return the rows of `pool` (oldest first) that are among the `per_term` newest to share a term with a query."""
    if pool.shape[0] == 0 or queries.nnz == 0:
        return np.zeros(0, dtype=np.int64)
    by_term = pool.tocsc()
    by_term.sort_indices()
    terms = np.unique(queries.indices)
    ends = by_term.indptr[terms + 1]
    starts = np.maximum(by_term.indptr[terms], ends - per_term)
    positions = ranges(starts.astype(np.int64), (ends - starts).astype(np.int64))
    return np.unique(by_term.indices[positions]).astype(np.int64)


_FOLLOW_BLOCK = 512  # stories linked together: their similarities with the earlier ones come from one product


def _follows(centroids: sparse.csr_matrix, start: int = 0, known: tuple[int | None, ...] = ()) -> list[int | None]:
    """For each story, the most similar earlier story, if similar enough to be its background.

    Compared, as articles are with stories, only with the newest earlier stories that share a term with it.
    From `start` (a multiple of the block) on; the links before it are `known`'s.
    """
    result: list[int | None] = list(known[:start])
    by_term = centroids.tocsc()
    by_term.sort_indices()
    for begin in range(start, centroids.shape[0], _FOLLOW_BLOCK):
        end = min(begin + _FOLLOW_BLOCK, centroids.shape[0])
        rows = centroids[begin:end]
        earlier = _newest_before(rows, by_term, end, CANDIDATES_PER_TERM)
        similar = (rows @ centroids[earlier].T).toarray() if earlier.size else np.zeros((end - begin, 0))
        for row in range(end - begin):
            story = begin + row
            allowed = earlier < story
            scores = np.where(allowed, similar[row], -1.0)
            best = int(np.argmax(scores)) if scores.size else -1
            # Ties go to the latest earlier story, as before.
            if best >= 0 and scores[best] >= FOLLOWS:
                ties = np.flatnonzero(scores == scores[best])
                result.append(int(earlier[ties[-1]]))
            else:
                result.append(None)
    return result


def _newest_before(queries: sparse.csr_matrix, by_term: sparse.csc_matrix, end: int, per_term: int) -> IntArray:
    """Return the rows before `end` (oldest first) among the `per_term` newest of them to share a term with a query.

    `by_term` is the pool by columns, rows sorted: what `_newest_per_term` finds in the pool's first `end` rows.
    """
    if end == 0 or queries.nnz == 0:
        return np.zeros(0, dtype=np.int64)
    terms = np.unique(queries.indices)
    below = np.concatenate([[0], np.cumsum(by_term.indices < end)])
    starts = by_term.indptr[terms].astype(np.int64)
    ends = starts + (below[by_term.indptr[terms + 1]] - below[starts])
    starts = np.maximum(starts, ends - per_term)
    return np.unique(by_term.indices[ranges(starts, ends - starts)]).astype(np.int64)


def _story(index: CorpusIndex, group: list[int], centrality: npt.NDArray[np.float64],
           named: Naming | None = None) -> Story:
    articles = [index.articles[number] for number in group]
    outlets: list[str] = []
    for article in articles:
        if article.outlet not in outlets or article.source is None:
            outlets.append(article.outlet)
    if named is not None:
        headline, lead_id, cut, sentence = named
    else:
        # The headline is a real one (never a sentence promoted to a title, never page furniture such as a
        # byline) from the most typical article; a story without one is named by the start of its lead sentence.
        titled = [article.has_headline and not _furniture(article.title) for article in articles]
        ranked = sorted(range(len(articles)), key=lambda i: (not titled[i], -centrality[i], i))
        lead = articles[ranked[0]]
        headline, lead_id, cut, sentence = lead.title, lead.id, False, None
        if not titled[ranked[0]] and lead.sentences:
            sentence = lead.sentences[0].text
            headline, cut = shorten(sentence, HEADLINE_CHARACTERS)
    dates = [article.published for article in articles if article.published is not None]
    return Story(
        id=articles[0].id,
        article_ids=tuple(article.id for article in articles),
        outlets=tuple(outlets),
        headline=headline,
        headline_article_id=lead_id,
        first_published=min(dates) if dates else None,
        last_published=max(dates) if dates else None,
        headline_cut=cut,
        headline_sentence=sentence,
    )


@lru_cache(maxsize=1 << 17)
def _furniture(title: str) -> bool:
    """Tell whether a title is page furniture (remembered: each story's titles are looked at on every regrouping)."""
    return is_furniture(title)


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
