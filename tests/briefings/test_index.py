"""Candidate retrieval through the postings gives what comparing with every sentence gives (real Timeline17 text)."""

from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
import pytest
from scipy import sparse

from briefings.corpus import Corpus
from briefings.digests import COMMON_FLOOR, COMMON_TERMS, COPY, COPY_TERMS, READ_AGAIN, REDUNDANCY, _novelty
from briefings.index import CorpusIndex, normalised_rows
from tests.conftest import timeline17_story

DAY = datetime(2009, 5, 1, tzinfo=UTC)  # swine flu: a week of coverage read before it, the day's after


@pytest.fixture(scope="module")
def swine_flu() -> tuple[CorpusIndex, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    corpus, _ = Corpus.from_folder(timeline17_story("swine_flu") / "articles")
    corpus = Corpus(tuple(a for a in corpus if a.published and a.published < DAY.replace(day=3)))
    index = corpus.index
    published = index.published[index.sentence_article]
    read = np.flatnonzero(published < DAY.timestamp()).astype(np.int64)
    window = np.flatnonzero(published >= DAY.timestamp()).astype(np.int64)
    assert read.size > 5_000 and window.size > 1_000  # enough text for the two ways to differ if they could
    return index, read, window


def _mask(index: CorpusIndex, ids: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    mask = np.zeros(len(index.sentences), dtype=bool)
    mask[ids] = True
    return mask


def _all_pairs_novelty(index: CorpusIndex, ids: npt.NDArray[np.int64], read: npt.NDArray[np.int64],
                       shown: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """The digest's novelty computed the plain way: every sentence read, and every one shown, compared with each."""
    known = index.sentence_rows(read)
    frequency = np.bincount(known.indices, minlength=known.shape[1])
    weights = np.where(frequency > max(COMMON_TERMS * read.size, COMMON_FLOOR), 0.0, index.idf)
    scale = sparse.diags(weights)
    candidates = normalised_rows((index.sentence_rows(ids) @ scale).tocsr())
    history = normalised_rows((known @ scale).tocsr()).T.tocsc()
    closest = np.clip((candidates @ history).tocsr().max(axis=1).toarray().ravel(), 0.0, 1.0)
    block = (candidates @ normalised_rows((index.sentence_rows(shown) @ scale).tocsr()).T).tocsr()
    to_shown = np.clip(block.max(axis=1).toarray().ravel(), 0.0, 1.0)
    nearest = np.asarray(block.argmax(axis=1)).ravel()
    copies = to_shown >= COPY
    for number in np.flatnonzero(copies).tolist():
        own, other = index.terms_of(int(ids[number])), index.terms_of(int(shown[nearest[number]]))
        copies[number] = np.intersect1d(own, other).size >= COPY_TERMS
    return np.asarray((1.0 - REDUNDANCY * closest) * np.where(copies, READ_AGAIN, 1.0))


def test_the_sentences_found_through_the_postings_are_exactly_those_with_a_nonzero_similarity(swine_flu):
    index, read, window = swine_flu
    query = index.sentence_rows(window[:300])
    similar = (query @ index.sentence_rows(read).T).tocsc()
    expected = read[np.flatnonzero(np.diff(similar.indptr))]
    found = index.holding_any(query.indices, _mask(index, read))
    assert found.size < read.size  # some sentences read share no word with these: they were not compared
    assert np.array_equal(found, expected)


def test_a_sentences_frequency_among_those_read_counts_each_sentence_once(swine_flu):
    index, read, _ = swine_flu
    rows = index.sentence_rows(read)  # duplicates summed: one entry a sentence and term
    assert np.array_equal(index.sentence_frequency(_mask(index, read)),
                          np.bincount(rows.indices, minlength=rows.shape[1]))


def test_the_digests_novelty_through_the_postings_equals_comparing_with_every_sentence_read(swine_flu):
    index, read, window = swine_flu
    # what a last briefing showed: sentences read that the day's articles run again word for word, and others
    texts = {index.sentences[int(i)].text for i in window}
    again = [int(i) for i in read if index.sentences[int(i)].text in texts and index.sentences[int(i)].word_count > 12]
    shown = np.asarray(sorted(again[:5] + read[:20:4].tolist()), dtype=np.int64)
    novelty = _novelty(index, window, read, shown)
    assert np.array_equal(novelty, _all_pairs_novelty(index, window, read, shown))
    assert (novelty < 1.0).sum() > window.size // 2  # most of the day's sentences restate something read
    assert (novelty <= READ_AGAIN).any()  # copies of sentences shown, whose gain is scaled by READ_AGAIN
    # sentences read but not shown give the graded penalty alone, never READ_AGAIN
    assert np.all(_novelty(index, window, read) >= 1.0 - REDUNDANCY)


def test_a_text_is_found_among_the_sentences_read_exactly_when_one_of_them_reads_it(swine_flu):
    index, read, window = swine_flu
    texts = {index.sentences[int(i)].text for i in read}
    was_read = _mask(index, read)
    answers = [index.holds_text(index.sentences[int(i)].text, was_read) for i in window]
    assert answers == [index.sentences[int(i)].text in texts for i in window]
    assert 0 < sum(answers) < len(answers)  # wire copies read before, and sentences of the day's own
    first = index.sentences[int(read[0])].text
    assert index.holds_text(first, was_read)
    assert not index.holds_text(first.replace(" ", "  ", 1), was_read)  # the same words, not the same text


def test_each_sentences_first_copy_is_the_first_sentence_with_the_same_words(swine_flu):
    index, _, _ = swine_flu
    first: dict[tuple[int, ...], int] = {}
    expected = [first.setdefault(tuple(index.terms_of(n).tolist()), n) for n in range(len(index.sentences))]
    assert index.first_copies.tolist() == expected
    assert sum(n != f for n, f in enumerate(expected)) > 300  # wire copies: the same sentence in several outlets
