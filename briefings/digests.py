"""'What changed': what the articles of a window say that the articles before it did not.

This is the update-summary task (TAC 2008-2009): the reader knows the earlier articles. We leave out
new sentences that restate an earlier one, give no weight to word pairs the reader has already seen
(Gillick and Favre's update system removed such concepts), and add two things a reader scans for: figures
that moved, and statements that reverse or deny an earlier one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt
from scipy import sparse

from briefings.corpus import Corpus, Sentence
from briefings.figures import FigureChange, SameStory, changed_figures
from briefings.index import CorpusIndex, IntArray, normalised_rows
from briefings.reversals import find_reversals
from briefings.summaries import CitedSentence, NothingToReport, matching_sentences, summarize_sentences
from briefings.summarizers import LengthBudget
from briefings.topics import suggest_topics

# What the reader knows is a redundancy penalty, never a filter (MMR, Carbonell and Goldstein, 1998): a window
# sentence's gain is scaled by 1 - REDUNDANCY x how much of it the reader has read (see _novelty); a sentence of
# the last briefing counts as read. On Timeline17 (bench/timeline.py) a softer penalty, or zeroing the word pairs
# read before as Gillick and Favre's update system did, both let marginal sentences lead because they were new.
REDUNDANCY = 0.5
SUPPORT = 2  # in a window of several articles, what one article alone says earns nothing (Gillick and Favre)
# Terms in more than this share of the earlier sentences (and in more than COMMON_FLOOR of them) say too little to
# compare by and cost the most: a month of one story has "oil" in a third of its sentences.
COMMON_TERMS, COMMON_FLOOR = 0.02, 100


@dataclass(frozen=True, slots=True)
class Contrast:
    """A new statement set beside the earlier one it reverses or denies."""

    before: CitedSentence
    after: CitedSentence


@dataclass(frozen=True, slots=True)
class Digest:
    """What changed in a window: new sentences, figures that moved, and reversals."""

    since: datetime
    until: datetime | None
    topic: str | None
    sentences: tuple[CitedSentence, ...]
    figures: tuple[FigureChange, ...]
    contrasts: tuple[Contrast, ...]
    new_article_ids: tuple[str, ...]
    known_article_ids: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        """Tell whether nothing changed."""
        return not (self.sentences or self.figures or self.contrasts)


def build_digest(corpus: Corpus, since: datetime, until: datetime | None = None, topic: str | None = None,
                 budget: LengthBudget | None = None, already_said: frozenset[str] = frozenset()) -> Digest:
    """Say what the articles published in [since, until] add to those published before `since`.

    `already_said` holds sentences a previous briefing posted; they are not said again.
    """
    budget = budget or LengthBudget(sentences=5)
    index = corpus.index
    published = index.published
    with np.errstate(invalid="ignore"):  # undated articles (NaN) are in neither window
        backfill = np.asarray([article.id in corpus.backfill for article in index.articles], dtype=bool)
        new_mask = (published >= since.timestamp()) & (published <= (until.timestamp() if until else np.inf))
        known_mask = (published < since.timestamp()) | (backfill & new_mask)
        new_mask &= ~backfill
    new_ids = index.sentences_of_articles(new_mask)
    known_ids = index.sentences_of_articles(known_mask)
    if topic:
        about = matching_sentences(index, topic)
        if about.size == 0:
            raise NothingToReport(f"nothing in the corpus mentions {topic!r}", suggest_topics(index, topic))
        new_ids = np.intersect1d(new_ids, about)
    known = _Known.of(index, known_ids)
    unsaid = np.asarray([int(i) for i in new_ids if index.sentences[int(i)].text not in already_said], dtype=np.int64)
    said_ids = _sentences_with_texts(index, known_ids, new_ids, already_said)
    summary = summarize_sentences(index, unsaid, budget, known=known.concepts(index, unsaid.tolist()),
                                  min_documents=SUPPORT,
                                  novelty=lambda ids: _novelty(index, ids, known, known_ids, said_ids))
    new_articles = [index.articles[n] for n in np.flatnonzero(new_mask)]
    known_articles = [index.articles[n] for n in np.flatnonzero(known_mask)]
    same_story = SameStory(index.article_vectors, {article.id: n for n, article in enumerate(index.articles)})
    figures = changed_figures(known_articles, new_articles, same_story)
    if topic:
        figures = [f for f in figures if _mentions(index, topic, f.before_sentence, f.after_sentence)]
        # About a topic, the articles counted are those that mention it (issue 13: "3847 new articles" about oil).
        mentioning = np.zeros(len(index.articles), dtype=bool)
        mentioning[index.sentence_article[about]] = True
        new_articles = [index.articles[n] for n in np.flatnonzero(new_mask & mentioning)]
        known_articles = [index.articles[n] for n in np.flatnonzero(known_mask & mentioning)]
    return Digest(
        since=since,
        until=until,
        topic=topic,
        sentences=summary.sentences,
        figures=tuple(figures),
        # a reversal repeats the words of the claim it undoes, so it is sought among every sentence not said yet
        contrasts=tuple(_contrasts(index, unsaid.tolist(), known_ids, same_story)),
        new_article_ids=tuple(a.id for a in new_articles),
        known_article_ids=tuple(a.id for a in known_articles),
    )


def _sentences_with_texts(index: CorpusIndex, known_ids: IntArray, new_ids: IntArray, texts: frozenset[str]
                          ) -> IntArray:
    """Return the corpus sentences whose text a previous briefing posted (the reader has read them there)."""
    if not texts:
        return np.zeros(0, dtype=np.int64)
    pool = np.union1d(known_ids, new_ids)
    return np.asarray([int(i) for i in pool if index.sentences[int(i)].text in texts], dtype=np.int64)


def _novelty(index: CorpusIndex, ids: IntArray, known: _Known, known_ids: IntArray, said_ids: IntArray
             ) -> npt.NDArray[np.float64]:
    """Return 1 - REDUNDANCY x how much of each sentence the reader has read.

    How much is read is the largest of three measures: the TF-IDF cosine with the closest sentence read (the same
    claim, reworded), the share of its word pairs read anywhere before (the same words, spread over several), and
    the share of its words read before (a paraphrase). A long story's history holds most words, which lowers every
    sentence alike; what the measures set apart is a sentence that brings words, pairs or a claim of its own.
    """
    read = np.union1d(known_ids, said_ids)
    if ids.size == 0 or read.size == 0:
        return np.ones(ids.size)
    pairs_read, words_read = known.shares(index, ids)
    terms = index.sentence_terms
    frequency = np.bincount(terms[read].indices, minlength=terms.shape[1])
    weights = np.where(frequency > max(COMMON_TERMS * read.size, COMMON_FLOOR), 0.0, index.idf)
    scale = sparse.diags(weights)
    candidates = normalised_rows((terms[ids] @ scale).tocsr())
    history = normalised_rows((terms[read] @ scale).tocsr()).T.tocsc()
    closest = np.zeros(ids.size)
    for start in range(0, ids.size, 512):  # blocks bound the memory of the similarity matrix
        block = (candidates[start:start + 512] @ history).tocsr()
        if block.nnz:
            closest[start:start + 512] = block.max(axis=1).toarray().ravel()
    read_share = np.maximum(np.maximum(closest, pairs_read), words_read)
    return np.asarray(1.0 - REDUNDANCY * np.clip(read_share, 0.0, 1.0), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class _Known:
    """What the reader has already read, as flags over terms and a sorted array of term-pair keys."""

    terms: npt.NDArray[np.bool_]
    pairs: IntArray

    @classmethod
    def of(cls, index: CorpusIndex, known_ids: IntArray) -> _Known:
        sentence_known = np.zeros(len(index.sentences), dtype=bool)
        sentence_known[known_ids] = True
        token_known = sentence_known[index.token_sentence]
        terms = np.zeros(max(len(index.vocabulary), 1), dtype=bool)
        terms[index.term_ids[token_known]] = True
        keys = index.bigram_keys
        pairs = np.unique(keys[token_known[:-1] & (keys >= 0)]) if keys.size else keys
        return cls(terms, pairs)

    def shares(self, index: CorpusIndex, ids: IntArray) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Return, for each sentence, the share of its word pairs and the share of its words already read."""
        if ids.size == 0:
            return np.zeros(0), np.zeros(0)
        chosen = np.zeros(len(index.sentences), dtype=bool)
        chosen[ids] = True
        tokens = np.flatnonzero(chosen[index.token_sentence])
        owner = np.searchsorted(ids, index.token_sentence[tokens])  # position in ids of each token's sentence
        words = np.bincount(owner, minlength=ids.size)
        familiar = np.bincount(owner, weights=self.terms[index.term_ids[tokens]], minlength=ids.size)
        keys = index.bigram_keys[tokens[tokens < index.bigram_keys.size]]
        pair_owner = owner[: keys.size]
        valid = keys >= 0
        slot = np.minimum(np.searchsorted(self.pairs, keys), max(self.pairs.size - 1, 0))
        seen = valid & (self.pairs.size > 0) & (self.pairs[slot] == keys if self.pairs.size else False)
        pairs = np.bincount(pair_owner[valid], minlength=ids.size)
        repeated = np.bincount(pair_owner, weights=seen, minlength=ids.size)
        with np.errstate(invalid="ignore", divide="ignore"):
            familiar_share = np.where(words > 0, familiar / words, 1.0)
            repeated_share = np.where(pairs > 0, repeated / pairs, familiar_share)
        return repeated_share, familiar_share

    def concepts(self, index: CorpusIndex, ids: list[int]) -> frozenset[tuple[int, ...]]:
        """Return the word pairs of these sentences that the reader has already read."""
        vocabulary = max(len(index.vocabulary), 1)
        found: set[tuple[int, ...]] = set()
        for sentence in ids:
            keys = index.bigram_keys[int(index.offsets[sentence]) : max(int(index.offsets[sentence + 1]) - 1, 0)]
            keys = keys[keys >= 0]
            if keys.size == 0 or self.pairs.size == 0:
                continue
            slot = np.minimum(np.searchsorted(self.pairs, keys), self.pairs.size - 1)
            for key in keys[self.pairs[slot] == keys].tolist():
                found.add((key // vocabulary, key % vocabulary))
        return frozenset(found)


def _contrasts(index: CorpusIndex, window: list[int], known_ids: IntArray, same_story: SameStory) -> list[Contrast]:
    """Set each new statement that undoes an earlier claim of its story beside that claim (briefings.reversals)."""
    return [Contrast(_cite(r.before), _cite(r.after)) for r in find_reversals(index, window, known_ids, same_story)]


def _cite(sentence: Sentence) -> CitedSentence:
    return CitedSentence(sentence.text, sentence.article_id)


def _mentions(index: CorpusIndex, topic: str, *sentences: Sentence) -> bool:
    terms = set(index.normalizer.terms(topic))
    return all(terms <= set(index.normalizer.terms(sentence.text)) for sentence in sentences)
