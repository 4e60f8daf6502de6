"""Concept-coverage summarization: choose the sentences that cover the most important word pairs.

The method follows Gillick and Favre's concept model (ICSI, TAC 2008-2009): a "concept" is a pair of
neighbouring content words, weighted by how many documents mention it, and a summary is the set of
sentences that covers the most concept weight within its length. We select greedily by weight gained per
word (Lin and Bilmes, 2010, show greedy is near-optimal for such coverage functions), with a prior for
early sentences (news puts the essentials first), for recent ones and for central ones (similar to the
centroid of the input: Radev et al., 2004).
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from briefings.arrays import ranges
from briefings.summarizers._base import LengthBudget

# How much a sentence's position and recency raise its gain; how gain is traded against length.
POSITION_WEIGHT = 6.0
RECENCY_WEIGHT = 0.25
LENGTH_EXPONENT = 0.0
CENTRALITY_WEIGHT = 6.0
# How much a sentence's support (how many other articles of the input report it, briefings.summaries) raises its
# gain: x (1 + SUPPORT_WEIGHT x ln(1 + support)), so the second and third articles count most.
SUPPORT_WEIGHT = 0.5
UNIGRAM_WEIGHT = 0.5  # single words matter too, less than pairs: they keep small inputs from tying
# Gillick and Favre drop concepts found in fewer than three of ten documents; with the centroid prior above,
# keeping every concept scored better on held-out clusters (README, "Benchmarks"), and stories are often
# told by one outlet.
MIN_DOCUMENTS = 1
# A concept the reader already knows counts again when this many of the input's documents report it: several
# outlets repeating a toll or a deal on the day are evidence that it is that day's news, not background.
REREPORTED = 2
REDUNDANT = 0.4  # Jaccard overlap of terms at which a sentence mostly repeats a chosen one


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence that may enter the summary, with what the selection needs to know of it."""

    terms: tuple[int, ...]
    documents: frozenset[int]  # every document that carries this sentence (or a near copy)
    position: int  # its position in its document, 0 first
    words: int
    recency: float = 0.0  # 1.0 for the newest input, 0.0 for the oldest
    centrality: float = 0.0  # cosine similarity to the input's centroid (Radev et al.'s centroid score)
    penalty: frozenset[tuple[int, ...]] = frozenset()  # concepts the reader already knows
    prose: float = 1.0  # how much it reads as news prose (briefings.prose): line-ups, promos, captions rank below
    novelty: float = 1.0  # 1 - redundancy with what the reader has read (an update summary's MMR penalty)
    support: float = 0.0  # how many other documents report the same claim (soft count, briefings.summaries)


@dataclass(frozen=True, slots=True)
class Selection:
    """The chosen candidates (indices, in the order chosen) and, optionally, a cut last sentence."""

    chosen: tuple[int, ...]
    cut: tuple[int, int] | None = None  # (candidate, words kept) when a word budget cut a sentence


def concepts_of(terms: Sequence[int]) -> set[tuple[int, ...]]:
    """Return a sentence's concepts: its term pairs and its single terms."""
    pairs: set[tuple[int, ...]] = {(a, b) for a, b in zip(terms, terms[1:], strict=False)}
    return pairs | {(term,) for term in terms}


def concept_weights(candidates: Sequence[Candidate], known: frozenset[tuple[int, ...]] = frozenset(),
                    min_documents: int = MIN_DOCUMENTS) -> dict[tuple[int, ...], float]:
    """Weigh each concept by how many documents carry it (single document: how often it occurs)."""
    documents = set().union(*(candidate.documents for candidate in candidates)) if candidates else set()
    spread: Counter[tuple[int, ...]] = Counter()
    if len(documents) > 1:
        seen: set[tuple[tuple[int, ...], int]] = set()
        for candidate in candidates:
            for concept in concepts_of(candidate.terms):
                for document in candidate.documents:
                    if (concept, document) not in seen:
                        seen.add((concept, document))
                        spread[concept] += 1
        floor = min_documents if len(documents) > min_documents else 1
    else:
        for candidate in candidates:
            spread.update(concepts_of(candidate.terms))
        floor = 1
    weights: dict[tuple[int, ...], float] = {}
    for concept, count in spread.items():
        if concept in known and count < REREPORTED:
            continue  # what the reader already knows earns nothing (the update-summary idea) unless re-reported
        scale = UNIGRAM_WEIGHT if len(concept) == 1 else 1.0
        if count >= floor:
            weights[concept] = scale * count
    return weights


def select(candidates: Sequence[Candidate], budget: LengthBudget,
           known: frozenset[tuple[int, ...]] = frozenset(), min_documents: int = MIN_DOCUMENTS) -> Selection:
    """Greedily choose the candidates that cover the most concept weight within the budget."""
    table = _ConceptTable(candidates, known, min_documents)
    factors = np.asarray([(1.0 + POSITION_WEIGHT / (1.0 + candidate.position) + RECENCY_WEIGHT * candidate.recency
                           + CENTRALITY_WEIGHT * candidate.centrality) * candidate.prose * candidate.novelty
                          * (1.0 + SUPPORT_WEIGHT * math.log1p(candidate.support))
                          / math.pow(max(candidate.words, 1), LENGTH_EXPONENT) for candidate in candidates])
    term_sets: dict[int, set[int]] = {}

    def terms(item: int) -> set[int]:
        found = term_sets.get(item)
        if found is None:
            found = term_sets[item] = set(candidates[item].terms)
        return found

    # Lazy greedy (Minoux's accelerated greedy): a score can only fall as coverage grows, so a stale
    # score that still tops the heap after being refreshed is the true best; most sentences are never rescored.
    heap = list(zip((-factors * table.gains()).tolist(), range(len(candidates)), strict=True))
    heapq.heapify(heap)
    chosen: list[int] = []
    words = 0
    while heap:
        stale, item = heapq.heappop(heap)
        if not budget.fits(words, len(chosen), candidates[item].words):
            continue
        fresh = float(factors[item] * table.gain(item))
        if fresh <= 0.0:
            continue
        if heap and fresh < -heap[0][0]:
            heapq.heappush(heap, (-fresh, item))
            continue
        if any(_overlap(terms(item), terms(other)) >= REDUNDANT for other in chosen):
            continue
        chosen.append(item)
        table.cover(item)
        words += candidates[item].words
        if not budget.fits(words, len(chosen), 1):
            break
    return Selection(tuple(chosen), _cut(candidates, table, budget, words, chosen))


class _ConceptTable:
    """The candidates' concepts as integer keys, weighed as concept_weights does, with what is covered so far.

    Arrays rather than sets of tuples: the weights and every gain come from a few NumPy operations.
    """

    def __init__(self, candidates: Sequence[Candidate], known: frozenset[tuple[int, ...]],
                 min_documents: int = MIN_DOCUMENTS) -> None:
        width = 1 + max((max(c.terms, default=-1) for c in candidates), default=-1)
        width = max(width, 1 + max((max(concept) for concept in known if concept), default=-1)) + 1
        # Term t is t + 1; a single term's key is (t + 1) * width, a pair's (a + 1) * width + b + 1.
        lengths = np.asarray([len(candidate.terms) for candidate in candidates], dtype=np.int64)
        terms = np.fromiter((term for c in candidates for term in c.terms), dtype=np.int64,
                            count=int(lengths.sum())) + 1
        owners = np.repeat(np.arange(len(candidates), dtype=np.int64), lengths)
        follows = owners[1:] == owners[:-1]  # a pair never spans two sentences
        keys = np.concatenate([owners * width * width + terms * width,
                               (owners[1:] * width * width + terms[:-1] * width + terms[1:])[follows]])
        keys = np.unique(keys)  # each concept once a candidate
        self.owner = keys // (width * width)
        unique, self.concept = np.unique(keys % (width * width), return_inverse=True)
        self.concept = self.concept.astype(np.int64).ravel()
        counts = np.bincount(self.owner, minlength=len(candidates))
        self.offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        documents = sorted(set().union(*(candidate.documents for candidate in candidates))) if candidates else []
        if len(documents) > 1:  # in how many documents each concept occurs
            number = {document: position for position, document in enumerate(documents)}
            spans = np.asarray([len(candidate.documents) for candidate in candidates], dtype=np.int64)
            carried = np.fromiter((number[d] for c in candidates for d in c.documents), dtype=np.int64,
                                  count=int(spans.sum()))
            starts = np.concatenate([[0], np.cumsum(spans)[:-1]]).astype(np.int64)
            entry_docs = ranges(starts[self.owner], spans[self.owner])
            pairs = np.unique(np.repeat(self.concept, spans[self.owner]) * len(documents) + carried[entry_docs])
            spread = np.bincount(pairs // len(documents), minlength=unique.size).astype(np.float64)
        else:  # one document: in how many of its sentences
            spread = np.bincount(self.concept, minlength=unique.size).astype(np.float64)
        scale = np.where(unique % width == 0, UNIGRAM_WEIGHT, 1.0)
        self.weights = scale * spread
        if len(documents) > min_documents:
            self.weights[spread < min_documents] = 0.0
        if known:
            known_keys = np.asarray([(c[0] + 1) * width + (c[1] + 1 if len(c) > 1 else 0) for c in known if c],
                                    dtype=np.int64)
            # What the reader already knows earns nothing, unless several documents report it again.
            self.weights[np.isin(unique, known_keys) & (spread < REREPORTED)] = 0.0
        self.uncovered = self.weights.copy()

    def gains(self) -> npt.NDArray[np.float64]:
        """Return every candidate's uncovered concept weight."""
        return np.bincount(self.owner, weights=self.uncovered[self.concept],
                           minlength=self.offsets.size - 1).astype(np.float64)

    def gain(self, item: int) -> float:
        """Return one candidate's uncovered concept weight."""
        return float(self.uncovered[self.concept[self.offsets[item] : self.offsets[item + 1]]].sum())

    def cover(self, item: int) -> None:
        """Mark a chosen candidate's concepts as covered."""
        self.uncovered[self.concept[self.offsets[item] : self.offsets[item + 1]]] = 0.0


def _cut(candidates: Sequence[Candidate], table: _ConceptTable, budget: LengthBudget, words: int,
         chosen: list[int]) -> tuple[int, int] | None:
    if not budget.truncate or budget.words is None or words >= budget.words:
        return None
    left = budget.words - words
    taken = set(chosen)
    rest = [item for item in range(len(candidates)) if item not in taken and candidates[item].words > left]
    if not rest:
        return None
    gains = table.gains()
    best = max(rest, key=lambda item: (gains[item], -item))
    return best, left


def _overlap(left: set[int], right: set[int]) -> float:
    union = len(left | right)
    return len(left & right) / union if union else 0.0
