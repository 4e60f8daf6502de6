"""Find sentences that several outlets carry in nearly the same words (wire copy, light edits)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from briefings.arrays import ranges
from briefings.index import CorpusIndex, IntArray

# Two sentences are one when their sets of terms overlap this much (Jaccard). Wire copies edited by
# different desks ("Mr Bessent" / "Bessent", "Friday" / "Feb 21") score 0.6-0.9; paraphrases score below.
SAME_SENTENCE = 0.6


def group_duplicates(index: CorpusIndex, sentence_ids: Sequence[int] | IntArray) -> list[list[int]]:
    """Group near-identical sentences; each group is sorted, its first sentence the earliest in the corpus.

    Two sentences are compared only when they share two term bigrams, and all such pairs at once (a story told
    by sixty outlets holds tens of thousands of them); copies are joined transitively (connected components).
    """
    ids = np.asarray(sentence_ids, dtype=np.int64)
    if ids.size == 0:
        return []
    rows, terms = _terms(index, ids)
    left, right = _pairs_sharing_bigrams(index, ids, rows, terms)
    if left.size:
        present = sparse.csr_matrix((np.ones(rows.size, dtype=np.float32), (rows, terms)),
                                    shape=(ids.size, max(len(index.vocabulary), 1)))
        present.sum_duplicates()
        present.data[:] = 1.0  # term sets, not counts
        sizes = np.diff(present.indptr)
        shared = np.asarray(present[left].multiply(present[right]).sum(axis=1), dtype=np.float64).ravel()
        union = sizes[left] + sizes[right] - shared
        same = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0) >= SAME_SENTENCE
        left, right = left[same], right[same]
    labels = _components(ids.size, left, right)
    groups: dict[int, list[int]] = {}
    for label, sentence in zip(labels.tolist(), ids.tolist(), strict=True):
        groups.setdefault(label, []).append(sentence)
    return sorted((sorted(group) for group in groups.values()), key=lambda group: group[0])


def _components(count: int, left: IntArray, right: IntArray) -> IntArray:
    """Label the connected components of a graph given by its edges: each node gets its component's least node.

    Labels are lowered along every edge and then read through (each node takes its label's label) until nothing
    changes: a few passes for the small graphs of copies (scipy's csgraph would load scipy.linalg for this).
    """
    labels = np.arange(count, dtype=np.int64)
    while left.size:
        lowest = np.minimum(labels[left], labels[right])
        lowered = labels.copy()
        np.minimum.at(lowered, left, lowest)
        np.minimum.at(lowered, right, lowest)
        while True:  # read through: a label's own label, until each label is a root
            through = lowered[lowered]
            if np.array_equal(through, lowered):
                break
            lowered = through
        if np.array_equal(lowered, labels):
            break
        labels = lowered
    return labels


def _terms(index: CorpusIndex, ids: IntArray) -> tuple[IntArray, IntArray]:
    """Return the term ids of these sentences, flat, with the position in ids each belongs to."""
    starts = index.offsets[ids]
    lengths = index.offsets[ids + 1] - starts
    return np.repeat(np.arange(ids.size, dtype=np.int64), lengths), index.term_ids[ranges(starts, lengths)].astype(
        np.int64)


def _pairs_sharing_bigrams(index: CorpusIndex, ids: IntArray, rows: IntArray, terms: IntArray
                           ) -> tuple[IntArray, IntArray]:
    """Return the pairs of positions in ids (left < right) whose sentences share at least two term bigrams."""
    within = rows[:-1] == rows[1:]
    if not within.any():
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    vocabulary = max(len(index.vocabulary), 1)
    owners = rows[:-1][within]
    columns = np.unique(terms[:-1][within] * vocabulary + terms[1:][within], return_inverse=True)[1]
    matrix = sparse.csr_matrix((np.ones(owners.size, dtype=np.float32), (owners, columns)),
                               shape=(ids.size, int(columns.max()) + 1))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0  # each bigram once per sentence
    shared = sparse.triu(matrix @ matrix.T, k=1).tocoo()
    keep = shared.data >= 2
    return shared.row[keep].astype(np.int64), shared.col[keep].astype(np.int64)
