"""Extractive summaries across articles: every sentence verbatim, each credited to all who carry it."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt
from scipy import sparse

from briefings.corpus import Article, Corpus, Sentence
from briefings.duplicates import group_duplicates
from briefings.index import CorpusIndex, IntArray, normalised_rows
from briefings.prose import LIST, prose_weights
from briefings.sentence_runs import position_of
from briefings.summarizers import COVERAGE, SumySummarizer
from briefings.summarizers._base import LengthBudget, take_within
from briefings.summarizers.coverage import MIN_DOCUMENTS, Candidate, select
from briefings.text import first_words, word_count
from briefings.topics import suggest_topics, topic_sentences

log = logging.getLogger(__name__)

# Beyond this many candidate sentences, the newest and earliest-placed are kept: it bounds the work
# for a common topic in a month of news without changing what a reader would be shown first.
MAX_CANDIDATES = 2_500
MIN_WORDS, MAX_WORDS = 5, 80  # shorter is a fragment or a caption; longer is a run-on list
# Another article supports a sentence when its closest sentence has at least this TF-IDF cosine with it: the same
# claim in other words (0.3 let shared story words count, 0.5 missed rewordings; bench/timeline.py, README).
SUPPORT_COSINE = 0.4
# A wire story's first sentence opens with its dateline: the place, often the date and time, and the agency
# ("LONDON | Wed Apr 29, 2009 11:17 am BST LONDON (Reuters) - ", "MEXICO CITY, April 24 (Reuters) - ",
# "WASHINGTON (AP) -- ", "BEIJING, Jan. 3 (Xinhua) -- "), and pages run the headline or the story's bullet points in
# before it. A summary quotes an article's first sentence from where the story's own words start, counts those words
# against its budget and weighs them as prose (briefings.prose): on Timeline17 (bench/timeline.py) the dateline took
# 8-15 of a 100-word summary's words whenever a wire lead was chosen, and a headline, byline or bullet points run in
# before it weighed the story's lead as page text (103 of 685 wire leads: "BP says oil spill costs $350 million so
# far, shares hit LONDON | Mon May 10, 2010 7:51 am EDT LONDON (Reuters) - Oil major BP Plc said ..."). The sentence
# is still ranked by all its words: the places and the agency are what the day's wire stories share (ranked without
# them, the TAC-like batches scored 9.68 against 10.14; bench/README).
_WIRE_DATELINE = re.compile(r"\((?:Reuters|AP|AFP|CNN|UPI|Xinhua|Bloomberg|dpa|ANSA|EFE|PTI|IANS|Kyodo|Yonhap)\)"
                            r"\s*(?:-{1,2}|–|—|_)\s+")
DATELINE_WORDS = 40  # a dateline (with what was run in before it) ends within this many words of the start


def story_start(text: str) -> int:
    """Return where a lead sentence's own words start: after a wire dateline and what was run in before it, or 0."""
    marker = _WIRE_DATELINE.search(text) if "(" in text else None
    if marker is None or word_count(text[: marker.start()]) > DATELINE_WORDS or \
            word_count(text[marker.end():]) < MIN_WORDS:
        return 0
    return marker.end()


def quoted(sentence: Sentence) -> str:
    """Return what a summary quotes of a sentence: all of it, or of an article's first, what follows its dateline."""
    return sentence.text[story_start(sentence.text):] if sentence.position == 0 else sentence.text


def said_in(sentence: Sentence, said: frozenset[str]) -> bool:
    """Tell whether a sentence was said already (`said` holds what summaries quoted, or whole sentences)."""
    return sentence.text in said or (sentence.position == 0 and bool(said) and quoted(sentence) in said)


class NothingToReport(LookupError):
    """Nothing in the corpus matches; `suggestions` lists topics that do exist."""

    def __init__(self, message: str, suggestions: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.suggestions = tuple(suggestions)


@dataclass(frozen=True, slots=True)
class CitedSentence:
    """A summary sentence: verbatim text of `article_id`, also carried (nearly word for word) by `also_in`."""

    text: str
    article_id: str
    also_in: tuple[str, ...] = ()
    truncated: bool = False  # True when a word budget cut it (the text is then a verbatim prefix)
    story_id: str | None = None  # the story it was chosen for, in a summary across stories

    @property
    def article_ids(self) -> tuple[str, ...]:
        """Return every article that carries the sentence, the quoted one first."""
        return (self.article_id, *self.also_in)


@dataclass(frozen=True, slots=True)
class Summary:
    """Sentences in reading order, with the articles they were drawn from."""

    sentences: tuple[CitedSentence, ...]
    article_ids: tuple[str, ...]
    topic: str | None = None

    @property
    def word_count(self) -> int:
        """Count the words of the summary."""
        return sum(word_count(sentence.text) for sentence in self.sentences)


def summarize_sentences(index: CorpusIndex, sentence_ids: Sequence[int] | IntArray, budget: LengthBudget,
                        known: frozenset[tuple[int, ...]] = frozenset(),
                        novelty: Callable[[IntArray], npt.NDArray[np.float64]] | None = None,
                        min_documents: int = MIN_DOCUMENTS) -> Summary:
    """Summarise a set of corpus sentences: group copies, choose by concept coverage, order for reading.

    `novelty` scales each sentence's gain (1: all new to the reader); with several documents, concepts found in
    fewer than `min_documents` of them earn nothing.
    """
    ids = _usable(index, np.asarray(sentence_ids, dtype=np.int64))
    groups, prose = _news_first(index, group_duplicates(index, ids))
    candidates = _candidates(index, groups, prose, novelty)
    selection = select(candidates, budget, known, min_documents)
    picked = list(selection.chosen)
    if selection.cut is not None:
        picked.append(selection.cut[0])
    picked.sort(key=lambda item: groups[item][0])  # corpus order: chronological, then by position
    sentences = []
    for item in picked:
        cut = selection.cut[1] if selection.cut is not None and selection.cut[0] == item else None
        sentences.append(_cited(index, groups[item], cut))
    articles = sorted({int(index.sentence_article[i]) for i in ids})
    return Summary(tuple(sentences), tuple(index.articles[number].id for number in articles))


def summarize_topic(corpus: Corpus, topic: str | None, budget: LengthBudget) -> Summary:
    """Summarise what the corpus says about a topic (only sentences that mention it), or all of it."""
    index = corpus.index
    if topic is None or not topic.strip():
        return summarize_across_stories(corpus, np.arange(len(index.sentences)), budget)
    ids = matching_sentences(index, topic)
    if ids.size == 0:
        raise NothingToReport(f"nothing in the corpus mentions {topic!r}", suggest_topics(index, topic))
    summary = summarize_across_stories(corpus, ids, budget)
    return Summary(summary.sentences, summary.article_ids, topic.strip())


def summarize_across_stories(corpus: Corpus, sentence_ids: Sequence[int] | IntArray, budget: LengthBudget) -> Summary:
    """Summarise sentences that span several stories: each story's best sentences in turn, leading stories first.

    One pool would let a story told by four outlets crowd out a later development told by one; taking
    the stories in turn (Lin and Bilmes's diversity reward, in its simplest form) gives each its say.
    """
    from dataclasses import replace  # noqa: PLC0415

    from briefings.stories import ranked_stories, story_ranks  # noqa: PLC0415 - scipy-heavy; loaded when needed

    index = corpus.index
    ids = _usable(index, np.asarray(sentence_ids, dtype=np.int64))
    per_story: list[list[CitedSentence]] = []
    wanted = budget.sentences or max((budget.words or 0) // 15, 1)
    # The leading stories among those the sentences come from: found from the sentences, not by walking every story.
    ranks = story_ranks(corpus)[index.sentence_article[ids]]
    order = np.argsort(ranks, kind="stable")
    by_rank = ranks[order]
    leading = np.unique(ranks)[:wanted]
    ranked = ranked_stories(corpus) if leading.size else []
    for rank in leading.tolist():
        members = ids[order[np.searchsorted(by_rank, rank, side="left") : np.searchsorted(by_rank, rank, side="right")]]
        story = ranked[rank]
        picked = summarize_sentences(index, members, LengthBudget(sentences=wanted)).sentences
        per_story.append([replace(cited, story_id=story.id) for cited in picked])
    chosen = _in_turn(per_story, budget)
    # Grouped by story, leading story first, so that each sentence is read with its story's heading (one word can
    # name different things in different stories); in reading order within a story.
    rank = {story[0].story_id: number for number, story in enumerate(per_story) if story}
    chosen.sort(key=lambda cited: (rank.get(cited.story_id, len(rank)), corpus_position(corpus, cited)))
    return Summary(tuple(chosen), tuple(sorted({a for cited in chosen for a in cited.article_ids})))


def _in_turn(per_story: list[list[CitedSentence]], budget: LengthBudget) -> list[CitedSentence]:
    chosen: list[CitedSentence] = []
    words = 0
    queues = [list(sentences) for sentences in per_story]
    while any(queues):
        for queue in queues:
            while queue:
                cited = queue.pop(0)
                count = word_count(cited.text)
                if budget.fits(words, len(chosen), count):
                    chosen.append(cited)
                    words += count
                    break
                if budget.sentences is not None:
                    return chosen
            if budget.sentences is not None and len(chosen) >= budget.sentences:
                return chosen
    if budget.truncate and budget.words is not None and words < budget.words:
        leftover = [cited for story in per_story for cited in story if cited not in chosen]
        if leftover:
            first = leftover[0]
            chosen.append(CitedSentence(first_words(first.text, budget.words - words), first.article_id,
                                        first.also_in, truncated=True, story_id=first.story_id))
    return chosen


def corpus_position(corpus: Corpus, cited: CitedSentence) -> tuple[int, int]:
    """Return where a cited sentence stands in the corpus (article order, then position): reading order."""
    article = corpus.get(cited.article_id)
    order = corpus.number(article.id)
    position = next((s.position for s in article.sentences if cited.text in s.text), 0)
    return order, position


def matching_sentences(index: CorpusIndex, topic: str) -> IntArray:
    """Return the sentences that mention the topic (see `briefings.topics.topic_sentences`)."""
    return topic_sentences(index, topic)


def _usable(index: CorpusIndex, ids: IntArray) -> IntArray:
    """Keep the sentences of a usable length; beyond MAX_CANDIDATES, the newest articles' leading ones.

    The candidates are ordered first and counted in that order, so a common word's tens of thousands of
    sentences cost a sort, not a word count each.
    """
    if ids.size <= MAX_CANDIDATES:
        lengths = index.word_counts(ids)
        return ids[(lengths >= MIN_WORDS) & (lengths <= MAX_WORDS)] if ids.size else ids
    published = np.nan_to_num(index.published[index.sentence_article[ids]], nan=0.0)
    positions = np.fromiter((position_of(index.sentences, i) for i in ids.tolist()), dtype=np.int64, count=ids.size)
    ordered = ids[np.lexsort((positions, -published))]  # newest articles first, then their leading sentences
    kept: list[IntArray] = []
    found = 0
    for start in range(0, ordered.size, MAX_CANDIDATES):
        chunk = ordered[start : start + MAX_CANDIDATES]
        lengths = index.word_counts(chunk)
        usable = chunk[(lengths >= MIN_WORDS) & (lengths <= MAX_WORDS)][: MAX_CANDIDATES - found]
        kept.append(usable)
        found += usable.size
        if found >= MAX_CANDIDATES:
            break
    return np.sort(np.concatenate(kept))


def _news_first(index: CorpusIndex, groups: list[list[int]]) -> tuple[list[list[int]], list[float]]:
    """Weigh each group's sentence as prose, leaving out line-ups and tables whenever there is prose to choose.

    A list of names covers many rare terms, so a small weight alone does not keep it out of a short summary. What is
    weighed is what would be quoted (a wire lead without its dateline and what was run in before it).
    """
    weights = prose_weights([quoted(index.sentences[group[0]]) for group in groups])
    kept = [number for number, weight in enumerate(weights) if weight > LIST]
    if not kept or len(kept) == len(groups):
        return groups, weights
    return [groups[number] for number in kept], [weights[number] for number in kept]


def _candidates(index: CorpusIndex, groups: list[list[int]], prose: list[float],
                novelty: Callable[[IntArray], npt.NDArray[np.float64]] | None = None) -> list[Candidate]:
    leaders = [group[0] for group in groups]
    stamps = np.nan_to_num(index.published[index.sentence_article[np.asarray(leaders, dtype=np.int64)]],
                           nan=0.0).tolist() if groups else []
    words = index.word_counts(np.asarray(leaders, dtype=np.int64)).tolist()
    for number, leader in enumerate(leaders):  # the words quoted are the words counted
        if position_of(index.sentences, leader) == 0 and (start := story_start(text := index.sentences[leader].text)):
            words[number] = word_count(text[start:])
    oldest, newest = (min(stamps), max(stamps)) if stamps else (0.0, 0.0)
    span = newest - oldest
    centrality = _centrality(index, leaders)
    support = _support(index, groups)
    new = novelty(np.asarray(leaders, dtype=np.int64)) if novelty is not None else np.ones(len(groups))
    return [
        Candidate(
            terms=tuple(index.terms_of(group[0]).tolist()),
            documents=frozenset(int(index.sentence_article[i]) for i in group),
            position=min(position_of(index.sentences, i) for i in group),
            words=count,
            recency=(stamp - oldest) / span if span > 0 else 0.0,
            centrality=float(central),
            prose=form,
            novelty=float(fresh),
            support=float(backing),
        )
        for group, stamp, count, central, form, fresh, backing in zip(groups, stamps, words, centrality, prose, new,
                                                                      support, strict=True)
    ]


def _support(index: CorpusIndex, groups: list[list[int]]) -> npt.NDArray[np.float64]:
    """Return how many other articles of the input report what each group's sentence says (a soft count).

    An article supports a sentence by its closest sentence (TF-IDF cosine, the input's own document frequencies),
    counted by that cosine when it reaches SUPPORT_COSINE; a verbatim copy (a group's other articles) counts 1.
    A claim several articles make in their own words is the input's news; page colour, a caption or an aside is
    said by one.
    """
    support = np.zeros(len(groups))
    leaders = np.asarray([group[0] for group in groups], dtype=np.int64)
    owners = index.sentence_article[leaders].astype(np.int64) if groups else leaders
    if len(groups) < 2 or np.unique(owners).size < 2:
        return support
    vectors = normalised_rows(index.sentence_rows(leaders) @ sparse.diags(index.idf))
    similar = (vectors @ vectors.T).tocoo()
    keep = (similar.data >= SUPPORT_COSINE) & (owners[similar.row] != owners[similar.col])
    rows, articles, values = similar.row[keep].astype(np.int64), owners[similar.col[keep]], similar.data[keep]
    # A group's copies: each article carrying one supports it fully; its own article never does.
    copies = [(number, int(index.sentence_article[member])) for number, group in enumerate(groups)
              for member in group[1:]]
    if copies:
        copy_rows, copy_articles = np.asarray(copies, dtype=np.int64).T
        mine = copy_articles != owners[copy_rows]
        rows = np.concatenate([rows, copy_rows[mine]])
        articles = np.concatenate([articles, copy_articles[mine]])
        values = np.concatenate([values, np.ones(int(mine.sum()))])
    if rows.size == 0:
        return support
    # Each article counts once for a sentence, by its closest sentence.
    width = int(owners.max(initial=0)) + 1
    width = max(width, int(articles.max(initial=0)) + 1)
    keys = rows * width + articles
    order = np.lexsort((-values, keys))
    keys, values = keys[order], values[order]
    first = np.concatenate([[True], keys[1:] != keys[:-1]])
    np.add.at(support, keys[first] // width, values[first])
    return support


def _centrality(index: CorpusIndex, sentence_ids: list[int]) -> npt.NDArray[np.float64]:
    """Return each sentence's cosine similarity to the centroid of all of them (TF-IDF weighted)."""
    if not sentence_ids:
        return np.zeros(0)
    vectors = normalised_rows(index.sentence_rows(sentence_ids) @ sparse.diags(index.idf))
    centroid = np.asarray(vectors.sum(axis=0)).ravel()
    norm = math.sqrt(float(np.square(centroid).sum())) or 1.0  # not linalg.norm: BLAS threads cost ms when busy
    return np.asarray(vectors @ (centroid / norm)).ravel()


def _cited(index: CorpusIndex, group: list[int], cut_to_words: int | None) -> CitedSentence:
    sentence = index.sentences[group[0]]
    others: list[str] = []
    for member in group[1:]:
        article_id = index.sentences[member].article_id
        if article_id != sentence.article_id and article_id not in others:
            others.append(article_id)
    text = quoted(sentence)
    text = text if cut_to_words is None else first_words(text, cut_to_words)
    return CitedSentence(text, sentence.article_id, tuple(others), truncated=cut_to_words is not None)


def _timestamp(moment: datetime | None) -> float:
    return moment.timestamp() if moment is not None else 0.0


def summarize_articles(articles: Sequence[Article], budget: LengthBudget, algorithm: str = COVERAGE) -> Summary:
    """Summarise the given articles (one or several) with a chosen algorithm."""
    if algorithm == COVERAGE:
        index = Corpus(tuple(articles)).index
        return summarize_sentences(index, np.arange(len(index.sentences)), budget)
    pool = [sentence for article in articles for sentence in article.sentences
            if MIN_WORDS <= sentence.word_count <= MAX_WORDS]
    ranked = SumySummarizer(algorithm).rank(pool)
    chosen = take_within(ranked, budget)
    cited = [CitedSentence(sentence.text, sentence.article_id) for sentence in chosen]
    words = sum(sentence.word_count for sentence in chosen)
    if budget.truncate and budget.words is not None and words < budget.words:
        rest = next((sentence for sentence in ranked if sentence not in chosen), None)
        if rest is not None:
            chosen.append(rest)
            cited.append(CitedSentence(first_words(rest.text, budget.words - words), rest.article_id, truncated=True))
    order = {article.id: number for number, article in enumerate(articles)}
    ranked_cited = sorted(zip(chosen, cited, strict=True), key=lambda pair: (order[pair[0].article_id],
                                                                             pair[0].position))
    return Summary(tuple(item for _, item in ranked_cited), tuple(article.id for article in articles))
