"""Find sentences that several outlets carry in nearly the same words (wire copy, light edits)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from briefings.index import CorpusIndex, IntArray

# Two sentences are one when their sets of terms overlap this much (Jaccard). Wire copies edited by
# different desks ("Mr Bessent" / "Bessent", "Friday" / "Feb 21") score 0.6-0.9; paraphrases score below.
SAME_SENTENCE = 0.6


def group_duplicates(index: CorpusIndex, sentence_ids: Sequence[int] | IntArray) -> list[list[int]]:
    """Group near-identical sentences; each group is sorted, its first sentence the earliest in the corpus."""
    ids = np.asarray(sentence_ids, dtype=np.int64)
    parent = list(range(len(ids)))

    def root(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    term_sets = [frozenset(index.terms_of(int(sentence)).tolist()) for sentence in ids]
    for left, right in _pairs_sharing_bigrams(index, ids):
        union = len(term_sets[left] | term_sets[right])
        if union and len(term_sets[left] & term_sets[right]) / union >= SAME_SENTENCE:
            parent[root(left)] = root(right)
    groups: dict[int, list[int]] = {}
    for position, sentence in enumerate(ids):
        groups.setdefault(root(position), []).append(int(sentence))
    return sorted((sorted(group) for group in groups.values()), key=lambda group: group[0])


def _pairs_sharing_bigrams(index: CorpusIndex, ids: IntArray) -> list[tuple[int, int]]:
    """Return the pairs of positions in ids whose sentences share at least two term bigrams."""
    vocabulary = max(len(index.vocabulary), 1)
    rows: list[IntArray] = []
    keys: list[IntArray] = []
    for position, sentence in enumerate(ids):
        terms = index.terms_of(int(sentence)).astype(np.int64)
        if terms.size < 2:
            continue
        pairs = np.unique(terms[:-1] * vocabulary + terms[1:])
        rows.append(np.full(pairs.size, position, dtype=np.int64))
        keys.append(pairs)
    if not rows:
        return []
    columns, inverse = np.unique(np.concatenate(keys), return_inverse=True)
    matrix = sparse.csr_matrix(
        (np.ones(inverse.size, dtype=np.float32), (np.concatenate(rows), inverse)), shape=(len(ids), columns.size)
    )
    shared = sparse.triu(matrix @ matrix.T, k=1).tocoo()
    keep = shared.data >= 2
    return list(zip(shared.row[keep].tolist(), shared.col[keep].tolist(), strict=True))
