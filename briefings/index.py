"""The term index over every sentence of the corpus, so that topics and stories need no rescans."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from scipy import sparse

from briefings.arrays import IntArray, ranges
from briefings.corpus import Article, Sentence
from briefings.sentence_runs import join_sentences, take_sentences
from briefings.text import Normalizer, normalizer_for

log = logging.getLogger(__name__)

__all__ = ["CorpusIndex", "IntArray", "normalised_rows"]

SCANS_BEFORE_POSTINGS = 8  # lookups answered by a scan of the term ids; then the postings are built


class Postings(NamedTuple):
    """For each term, the sentences that hold it: term t's are indices[indptr[t]:indptr[t + 1]], in order."""

    indptr: npt.NDArray[np.int32] | npt.NDArray[np.int64]
    indices: npt.NDArray[np.int32] | npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class CorpusIndex:
    """Every sentence of the corpus as a sequence of term ids, with postings from terms to sentences."""

    articles: tuple[Article, ...]
    sentences: Sequence[Sentence]  # a tuple, or runs of a kept corpus's sentences (made when read)
    sentence_article: IntArray  # article number of each sentence
    offsets: IntArray  # sentence i's term ids are term_ids[offsets[i]:offsets[i + 1]]
    term_ids: npt.NDArray[np.int32]
    vocabulary: dict[str, int]
    normalizer: Normalizer  # for the default language (English)
    # One vocabulary for every language: names and numbers are shared, each language's stop words are dropped
    # by its own normalizer, and stories never mix languages (stories._cluster), so terms are not tagged.
    normalizers: dict[str, Normalizer] = field(default_factory=dict)

    @classmethod
    def build(cls, articles: Sequence[Article], normalizer: Normalizer | None = None,
              known: CorpusIndex | None = None) -> CorpusIndex:
        """Index the sentences of these articles.

        With `known`, an index built before, the articles it holds (the same objects) are not read again: their
        term ids are copied, so adding a few articles to a large corpus costs those few (incremental indexing).
        """
        normalizer = normalizer or (known.normalizer if known is not None else Normalizer())
        normalizers = dict(known.normalizers) if known is not None else {}
        normalizers.setdefault(normalizer.language, normalizer)
        vocabulary: dict[str, int] = dict(known.vocabulary) if known is not None else {}
        held: dict[int, int] = {}  # id() of an article the known index holds -> its number there
        if known is not None:
            held = {id(article): number for number, article in enumerate(known.articles)}
            first = np.searchsorted(known.sentence_article, np.arange(len(known.articles) + 1))
        sentences: list[Sequence[Sentence]] = []
        owners: list[IntArray] = []
        pieces: list[npt.NDArray[np.int32]] = []
        lengths: list[IntArray] = []
        prefix = 0  # the known index's articles, in its order, at the start: copied whole (articles appended)
        if known is not None:
            while prefix < min(len(articles), len(known.articles)) and articles[prefix] is known.articles[prefix]:
                prefix += 1
            end = int(first[prefix])
            sentences.append(known.sentences[:end])
            pieces.append(known.term_ids[: known.offsets[end]])
            lengths.append(np.diff(known.offsets[: end + 1]))
            owners.append(known.sentence_article[:end])
        for number, article in enumerate(articles[prefix:], start=prefix):
            old = held.get(id(article))
            if known is not None and old is not None and known.articles[old] is article:
                start, end = int(first[old]), int(first[old + 1])
                sentences.append(known.sentences[start:end])
                pieces.append(known.term_ids[known.offsets[start] : known.offsets[end]])
                lengths.append(np.diff(known.offsets[start : end + 1]))
                owners.append(np.full(end - start, number, dtype=np.int64))
                continue
            terms = _normalizer(normalizers, article.language).terms
            counts: list[int] = []
            flat: list[int] = []
            for sentence in article.sentences:
                ids = [vocabulary.setdefault(term, len(vocabulary)) for term in terms(sentence.text)]
                flat.extend(ids)
                counts.append(len(ids))
            sentences.append(article.sentences)
            pieces.append(np.asarray(flat, dtype=np.int32))
            lengths.append(np.asarray(counts, dtype=np.int64))
            owners.append(np.full(len(counts), number, dtype=np.int64))
        every_length = np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64)
        offsets = np.zeros(every_length.size + 1, dtype=np.int64)
        np.cumsum(every_length, out=offsets[1:])
        built = cls(
            articles=tuple(articles),
            sentences=join_sentences(sentences),
            sentence_article=np.concatenate(owners) if owners else np.zeros(0, dtype=np.int64),
            offsets=offsets,
            term_ids=np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int32),
            vocabulary=vocabulary,
            normalizer=normalizer,
            normalizers=normalizers,
        )
        if known is not None and prefix == len(known.articles) and "article_frequency" in known.__dict__ and \
                not any(id(article) in held for article in articles[prefix:]):
            # Only new articles after the known ones: their terms are added to the known counts (no matrix rebuilt).
            start = int(offsets[int(first[prefix])]) if prefix else 0
            added = built.term_ids[start:].astype(np.int64)
            whose = np.repeat(built.sentence_article[int(first[prefix]) :], np.diff(offsets[int(first[prefix]) :]))
            width = max(len(vocabulary), 1)
            pairs = np.unique(whose * width + added)  # each term once an article
            frequency = np.zeros(width)
            frequency[: known.article_frequency.size] = known.article_frequency
            frequency += np.bincount(pairs % width, minlength=width)
            built.__dict__["article_frequency"] = frequency
        return built

    def subset(self, article_numbers: IntArray) -> CorpusIndex:
        """Return the index of some of these articles (numbers in corpus order), sharing the vocabulary and text.

        No text is read again: the term arrays are sliced, so a view costs memory for its own term ids only.
        """
        numbers = np.asarray(article_numbers, dtype=np.int64)
        keep = np.zeros(len(self.articles), dtype=bool)
        keep[numbers] = True
        sentences = np.flatnonzero(keep[self.sentence_article])
        renumber = np.cumsum(keep) - 1
        starts, ends = self.offsets[sentences], self.offsets[sentences + 1]
        lengths = ends - starts
        offsets = np.zeros(sentences.size + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        return CorpusIndex(
            articles=tuple(self.articles[int(n)] for n in numbers),
            sentences=take_sentences(self.sentences, sentences),
            sentence_article=renumber[self.sentence_article[sentences]],
            offsets=offsets,
            term_ids=self.term_ids[ranges(starts, lengths)],
            vocabulary=self.vocabulary,
            normalizer=self.normalizer,
            normalizers=self.normalizers,
        )

    def word_counts(self, sentence_ids: IntArray) -> IntArray:
        """Return the word counts of these sentences (counted once per sentence, remembered with the index)."""
        counts = self._word_counts
        wanted = counts[sentence_ids]
        missing = sentence_ids[wanted < 0]
        if missing.size:
            counted = np.fromiter((self.sentences[i].word_count for i in missing.tolist()), dtype=np.int32,
                                  count=missing.size)
            counts[missing] = counted
            wanted = counts[sentence_ids]
        return wanted.astype(np.int64)

    @cached_property
    def _word_counts(self) -> npt.NDArray[np.int32]:
        return np.full(len(self.sentences), -1, dtype=np.int32)  # -1: not counted yet

    def terms_of(self, sentence: int) -> npt.NDArray[np.int32]:
        """Return the term ids of one sentence, in order."""
        return self.term_ids[self.offsets[sentence] : self.offsets[sentence + 1]]

    def query_terms(self, text: str, language: str | None = None) -> list[int] | None:
        """Map words to term ids (as a language reads them); None when a meaningful word never occurs."""
        terms = (self.normalizer if language is None else self.normalizer_for(language)).terms(text)
        ids = [self.vocabulary.get(term) for term in terms]
        if not terms or any(term_id is None for term_id in ids):
            return None
        return [term_id for term_id in ids if term_id is not None]

    def normalizer_for(self, language: str) -> Normalizer:
        """Return the normalizer that reads this language's words."""
        return _normalizer(self.normalizers, language)

    @cached_property
    def article_languages(self) -> dict[str, npt.NDArray[np.bool_]]:
        """Return, for each language of the corpus, a mask over article numbers of the articles written in it."""
        codes = [article.language for article in self.articles]
        return {language: np.asarray([code == language for code in codes], dtype=bool) for language in set(codes)}

    def sentences_matching(self, text: str) -> IntArray:
        """Return the sentences that hold every meaningful word of text, each language reading it its own way."""
        languages = self.article_languages
        if len(languages) <= 1:
            terms = self.query_terms(text, next(iter(languages), None))
            return self.sentences_with(terms) if terms is not None else np.zeros(0, dtype=np.int64)
        found: list[IntArray] = []
        for language, mask in languages.items():
            terms = self.query_terms(text, language)
            if terms is not None:
                rows = self.sentences_with(terms)
                found.append(rows[mask[self.sentence_article[rows]]])
        return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)

    @cached_property
    def _scans(self) -> list[int]:
        return []  # the lookups answered by scanning the term ids, before the postings were built

    @cached_property
    def published(self) -> npt.NDArray[np.float64]:
        """Return each article's publication time as a POSIX timestamp (NaN when undated)."""
        return np.asarray([a.published.timestamp() if a.published else np.nan for a in self.articles])

    def sentences_of(self, article_ids: Iterable[str]) -> IntArray:
        """Return the sentences of the articles with these ids, in corpus order."""
        wanted = set(article_ids)
        return self.sentences_of_articles(np.asarray([article.id in wanted for article in self.articles], dtype=bool))

    def sentences_of_articles(self, article_mask: npt.NDArray[np.bool_]) -> IntArray:
        """Return the sentences of the articles selected by a boolean mask over article numbers."""
        return np.flatnonzero(article_mask[self.sentence_article]).astype(np.int64)

    def sentence_rows(self, sentence_ids: Sequence[int] | IntArray) -> sparse.csr_matrix:
        """Return the term counts of these sentences, one row each (in this order), made from their term ids.

        The rows of the sentence-by-term matrix, without the matrix: held whole it cost 127 MiB at 100,000
        articles, while a summary reads a few thousand rows.
        """
        ids = np.asarray(sentence_ids, dtype=np.int64)
        starts = self.offsets[ids]
        lengths = self.offsets[ids + 1] - starts
        indptr = np.zeros(ids.size + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        matrix = sparse.csr_matrix((np.ones(int(indptr[-1]), dtype=np.float32), self.term_ids[ranges(starts, lengths)],
                                    indptr), shape=(ids.size, max(len(self.vocabulary), 1)))
        matrix.sum_duplicates()
        return matrix

    def _sentence_terms(self) -> sparse.csr_matrix:
        """Return the whole sentence-by-term count matrix (made for the postings and the article counts, not kept)."""
        shape = (len(self.sentences), max(len(self.vocabulary), 1))
        data = np.ones(len(self.term_ids), dtype=np.float32)
        # Copies: scipy sorts and merges the index arrays in place, and term order must survive (word pairs).
        matrix = sparse.csr_matrix((data, self.term_ids.copy(), self.offsets.copy()), shape=shape)
        matrix.sum_duplicates()
        return matrix

    @cached_property
    def postings(self) -> Postings:
        """Return, for each term, the sentences that hold it (the term-by-sentence matrix without its counts)."""
        matrix = self._sentence_terms().tocsc()
        return Postings(matrix.indptr, matrix.indices)

    def sentences_with(self, term_ids: Sequence[int]) -> IntArray:
        """Return the sentences that contain every one of these terms, in corpus order."""
        if "postings" not in self.__dict__ and len(self._scans) < SCANS_BEFORE_POSTINGS:
            # A command that asks once or twice: a scan of the term ids costs milliseconds, the postings a matrix.
            self._scans.append(len(term_ids))
            hits: IntArray | None = None
            for term_id in set(term_ids):
                places = np.flatnonzero(self.term_ids == term_id)
                rows = np.unique(np.searchsorted(self.offsets, places, side="right") - 1).astype(np.int64)
                hits = rows if hits is None else np.intersect1d(hits, rows, assume_unique=True)
                if hits.size == 0:
                    break
            return hits if hits is not None else np.zeros(0, dtype=np.int64)
        postings = self.postings
        found: IntArray | None = None
        for term_id in sorted(set(term_ids), key=lambda t: postings.indptr[t + 1] - postings.indptr[t]):
            rows = postings.indices[postings.indptr[term_id] : postings.indptr[term_id + 1]].astype(np.int64)
            found = rows if found is None else np.intersect1d(found, rows, assume_unique=True)
            if found.size == 0:
                break
        return np.sort(found) if found is not None else np.zeros(0, dtype=np.int64)

    def holding_any(self, term_ids: IntArray, among: npt.NDArray[np.bool_]) -> IntArray:
        """Return the sentences selected by `among` (a mask over sentences) that hold any of these terms, in order.

        Candidate retrieval through the postings: a sentence that holds none of a query's terms has a dot product
        of 0 with it, so comparing a query with these sentences alone gives every nonzero similarity there is.
        """
        postings = self.postings
        terms = np.unique(np.asarray(term_ids, dtype=np.int64))
        starts = postings.indptr[terms].astype(np.int64)
        held = np.zeros(len(self.sentences), dtype=bool)
        held[postings.indices[ranges(starts, postings.indptr[terms + 1] - starts)]] = True
        return np.flatnonzero(held & among).astype(np.int64)

    def sentence_frequency(self, among: npt.NDArray[np.bool_]) -> IntArray:
        """Return in how many of the sentences selected by `among` (a mask over sentences) each term occurs."""
        postings = self.postings
        counted = np.zeros(postings.indices.size + 1, dtype=np.int64)
        np.cumsum(among[postings.indices], out=counted[1:])
        return counted[postings.indptr[1:]] - counted[postings.indptr[:-1]]

    @cached_property
    def first_copies(self) -> IntArray:
        """Return, for each sentence, the first sentence whose term ids are the same, in order (itself when first).

        The copies of a wire story repeat sentences word for word: a comparison that needs each distinct row once
        (the closest sentence read) reads the first copy alone. A hash of the term ids groups the sentences, and
        each is checked against its group's first, term by term: a hash that collides never joins two sentences.
        """
        lengths = np.diff(self.offsets)
        count = lengths.size
        within = np.arange(self.term_ids.size, dtype=np.int64) - np.repeat(self.offsets[:-1], lengths)
        with np.errstate(over="ignore"):  # the hash wraps around 2**64 on purpose
            mixed = (self.term_ids.astype(np.uint64) + np.uint64(1)) * \
                (within.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(0xD6E8FEB86659FD93))
            summed = np.zeros(mixed.size + 1, dtype=np.uint64)
            np.cumsum(mixed, out=summed[1:])
            hashes = summed[self.offsets[1:]] - summed[self.offsets[:-1]]
        del within, mixed, summed
        order = np.lexsort((np.arange(count), hashes, lengths))
        starts = np.ones(count, dtype=bool)
        starts[1:] = (np.diff(lengths[order]) != 0) | (np.diff(hashes[order]) != 0)
        firsts = np.empty(count, dtype=np.int64)
        firsts[order] = order[np.maximum.accumulate(np.where(starts, np.arange(count), 0))]
        copies = np.flatnonzero(firsts != np.arange(count))
        if copies.size:  # the exact check: every term of a copy equals its first's
            differs = self.term_ids[ranges(self.offsets[copies], lengths[copies])] != \
                self.term_ids[ranges(self.offsets[firsts[copies]], lengths[copies])]
            wrong = np.zeros(differs.size + 1, dtype=np.int64)
            np.cumsum(differs, out=wrong[1:])
            ends = np.cumsum(lengths[copies])
            collided = copies[(wrong[ends] - wrong[ends - lengths[copies]]) > 0]
            firsts[collided] = collided  # its own first: never read as a copy of another
        return firsts

    def holds_text(self, text: str, among: npt.NDArray[np.bool_]) -> bool:
        """Tell whether a sentence selected by `among` (a mask over sentences) reads exactly `text`.

        Found through the postings, not by reading every selected sentence's text: a sentence of that text holds
        its terms as its language reads them, in order, so only the sentences holding its rarest term are read.
        """
        lengths = np.diff(self.offsets)
        for language, articles in self.article_languages.items():
            terms = [self.vocabulary.get(term) for term in self.normalizer_for(language).terms(text)]
            if any(term is None for term in terms):
                continue  # a word no sentence holds
            wanted = np.asarray(terms, dtype=np.int32)
            if wanted.size:
                postings = self.postings
                rarest = int(min(wanted.tolist(), key=lambda t: postings.indptr[t + 1] - postings.indptr[t]))
                rows = postings.indices[postings.indptr[rarest] : postings.indptr[rarest + 1]].astype(np.int64)
            else:
                rows = np.flatnonzero(lengths == 0)
            rows = rows[among[rows] & articles[self.sentence_article[rows]] & (lengths[rows] == wanted.size)]
            if any(np.array_equal(self.terms_of(int(row)), wanted) and self.sentences[int(row)].text == text
                   for row in rows.tolist()):
                return True
        return False

    def article_terms(self) -> sparse.csr_matrix:
        """Return the article-by-term count matrix (made when asked, not kept: 119 MiB at 100,000 articles)."""
        sentences = len(self.sentences)
        owners = sparse.csr_matrix(
            (np.ones(sentences, dtype=np.float32), (self.sentence_article, np.arange(sentences))),
            shape=(len(self.articles), sentences),
        )
        return (owners @ self._sentence_terms()).tocsr()

    @cached_property
    def article_frequency(self) -> npt.NDArray[np.float64]:
        """Return in how many articles each term occurs."""
        return _frequency(self.article_terms())

    @cached_property
    def idf(self) -> npt.NDArray[np.float64]:
        """Return smoothed inverse document frequencies over articles."""
        total = len(self.articles)
        return np.asarray(np.log((1.0 + total) / (1.0 + self.article_frequency)) + 1.0)

    @cached_property
    def article_vectors(self) -> sparse.csr_matrix:
        """Return L2-normalised TF-IDF vectors of the articles (sublinear term frequency)."""
        counts = self.article_terms()
        if "article_frequency" not in self.__dict__:  # a fresh index: counted from the same matrix, made once
            self.__dict__["article_frequency"] = _frequency(counts)
        matrix = counts.astype(np.float64)
        del counts
        matrix.data = 1.0 + np.log(matrix.data)
        matrix = matrix @ sparse.diags(self.idf)
        return normalised_rows(matrix.tocsr())


def _frequency(article_terms: sparse.csr_matrix) -> npt.NDArray[np.float64]:
    return np.bincount(article_terms.indices, minlength=article_terms.shape[1]).astype(np.float64)


def _normalizer(normalizers: dict[str, Normalizer], language: str) -> Normalizer:
    known = normalizers.get(language)
    if known is None:
        known = normalizers[language] = normalizer_for(language)
    return known


def normalised_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """Scale each row to unit length (empty rows stay empty)."""
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return (sparse.diags(1.0 / norms) @ matrix).tocsr()
