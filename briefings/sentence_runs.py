"""Sentences held as places in their articles' texts, made into Sentence objects only when one is read.

A kept corpus of 10,000 articles holds 170,000 sentences; making an object of each is most of loading it, while
a command reads a few thousand. `SentencePool` keeps them as arrays (the text each is in, where it starts and
ends, its article and position) and makes a sentence the first time it is asked for; `SentenceRuns` is a
sequence of sentences made of pieces of pools and of ordinary tuples, so that an index can be sliced, grown by a
few articles or subset without reading every sentence. Both read as tuples of sentences (equal to them, hashed
as them, pickled as them).
"""

from __future__ import annotations

import operator
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, SupportsIndex, overload

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from briefings.corpus import Sentence

    Numbers = npt.NDArray[np.integer[Any]]

# Sentences a pool keeps made (the oldest made goes first): a summary reads a few thousand again and again, while
# keeping every one made would hold a second copy of the corpus's text (1.6 million objects, 490 MiB, at 100,000
# articles once something had read them all).
MADE_KEPT = 1 << 16


class SentencePool:
    """Sentences as places: sentence i is texts[piece[i]][start[i]:end[i]], of article_ids[owner[i]]."""

    __slots__ = ("_bodies", "_ends", "_ids", "_made", "_owners", "_pieces", "_positions", "_starts", "_texts")

    def __init__(self, texts: Sequence[str], pieces: Numbers, starts: Numbers, ends: Numbers, owners: Numbers,
                 article_ids: Sequence[str], positions: Numbers, bodies: Numbers) -> None:
        self._texts, self._pieces, self._starts, self._ends = texts, pieces, starts, ends
        self._owners, self._ids, self._positions, self._bodies = owners, article_ids, positions, bodies
        self._made: dict[int, Sentence] = {}

    def __len__(self) -> int:
        return len(self._pieces)

    def sentence(self, number: int) -> Sentence:
        """Return one sentence (the same object while it is among the last MADE_KEPT made, else an equal one)."""
        made = self._made.get(number)
        if made is None:
            from briefings.corpus import Sentence  # noqa: PLC0415 - corpus imports this module

            text = self._texts[int(self._pieces[number])][int(self._starts[number]) : int(self._ends[number])]
            if len(self._made) >= MADE_KEPT:
                del self._made[next(iter(self._made))]
            made = self._made[number] = Sentence(text, self._ids[int(self._owners[number])],
                                                 int(self._positions[number]))
        return made

    def position(self, number: int) -> int:
        """Return one sentence's position in its article, without making the sentence."""
        return int(self._positions[number])

    def text(self, number: int) -> str:
        """Return one sentence's text, without making the sentence."""
        return self._texts[int(self._pieces[number])][int(self._starts[number]) : int(self._ends[number])]

    def places(self, start: int, end: int, body: str) -> tuple[Numbers, Numbers, Numbers, npt.NDArray[np.bool_]] | None:
        """Return where one article's sentences (start to end) are in its body.

        Their starts, ends and positions, and which are kept as texts of their own (not in the body); None unless
        `body` is the text they are places in.
        """
        if end <= start:
            return None
        owner = int(self._owners[start])
        if int(self._owners[end - 1]) != owner or self._texts[int(self._bodies[owner])] is not body:
            return None
        own = self._pieces[start:end] != self._bodies[owner]
        return (self._starts[start:end].copy(), self._ends[start:end].copy(), self._positions[start:end].copy(),
                own)


_Run = tuple["SentencePool | Sequence[Sentence]", int, int]  # where the sentences are, from, to


class SentenceRuns(Sequence["Sentence"]):
    """A sequence of sentences made of runs of pools (read lazily) and of ordinary sequences."""

    __slots__ = ("_bounds", "_runs")

    def __init__(self, runs: Sequence[_Run]) -> None:
        merged: list[_Run] = []
        for source, start, end in runs:
            if end <= start:
                continue
            if merged and merged[-1][0] is source and merged[-1][2] == start:
                merged[-1] = (source, merged[-1][1], end)
            else:
                merged.append((source, start, end))
        self._runs = merged
        bounds = [0]
        for _, start, end in merged:
            bounds.append(bounds[-1] + end - start)
        self._bounds = bounds

    @classmethod
    def of_pool(cls, pool: SentencePool, start: int = 0, end: int | None = None) -> SentenceRuns:
        """Return sentences start to end of a pool (all of them by default)."""
        runs = cls.__new__(cls)  # one run: nothing to merge (made for each article of a kept corpus)
        stop = len(pool) if end is None else end
        runs._runs = [(pool, start, stop)] if stop > start else []
        runs._bounds = [0, stop - start] if stop > start else [0]
        return runs

    def __len__(self) -> int:
        return self._bounds[-1]

    @overload
    def __getitem__(self, index: SupportsIndex) -> Sentence: ...

    @overload
    def __getitem__(self, index: slice) -> SentenceRuns: ...

    def __getitem__(self, index: SupportsIndex | slice) -> Sentence | SentenceRuns:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return SentenceRuns([(tuple(self[i] for i in range(start, stop, step)), 0,
                                      len(range(start, stop, step)))])
            return SentenceRuns(self._pieces(start, stop))
        number = operator.index(index)
        if number < 0:
            number += len(self)
        if not 0 <= number < len(self):
            raise IndexError("sentence index out of range")
        run = bisect_right(self._bounds, number) - 1 if len(self._runs) > 1 else 0
        source, start, _ = self._runs[run]
        offset = start + number - self._bounds[run]
        return source.sentence(offset) if isinstance(source, SentencePool) else source[offset]

    def _pieces(self, start: int, stop: int) -> list[_Run]:
        pieces: list[_Run] = []
        if stop <= start:
            return pieces
        first = bisect_right(self._bounds, start) - 1
        for run in range(first, len(self._runs)):
            base = self._bounds[run]
            if base >= stop:
                break
            source, begin, end = self._runs[run]
            low, high = max(start - base, 0), min(stop - base, end - begin)
            pieces.append((source, begin + low, begin + high))
        return pieces

    def __iter__(self) -> Iterator[Sentence]:
        for source, start, end in self._runs:
            if isinstance(source, SentencePool):
                for number in range(start, end):
                    yield source.sentence(number)
            else:
                yield from source[start:end]

    def texts(self) -> Iterator[str]:
        """Yield the sentences' texts in order, without making a sentence kept as a place."""
        for source, start, end in self._runs:
            if isinstance(source, SentencePool):
                yield from map(source.text, range(start, end))
            else:
                yield from (sentence.text for sentence in source[start:end])

    def position(self, index: int) -> int:
        """Return a sentence's position in its article, without making a sentence kept as a place."""
        run = bisect_right(self._bounds, index) - 1 if len(self._runs) > 1 else 0
        source, start, _ = self._runs[run]
        offset = start + index - self._bounds[run]
        return source.position(offset) if isinstance(source, SentencePool) else source[offset].position

    def pool_run(self) -> tuple[SentencePool, int, int] | None:
        """Return the pool and range these sentences are, when they are one run of one pool."""
        if len(self._runs) == 1 and isinstance(self._runs[0][0], SentencePool):
            pool, start, end = self._runs[0]
            return pool, start, end  # type: ignore[return-value]
        return None

    def runs(self) -> list[_Run]:
        """Return the runs (where each stretch of sentences is kept)."""
        return list(self._runs)

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if not isinstance(other, Sequence) or isinstance(other, str) or len(other) != len(self):
            return False
        return all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"SentenceRuns({len(self)} sentences)"

    def __reduce__(self) -> tuple[Any, ...]:
        return tuple, (tuple(self),)


def sentence_texts(sentences: Sequence[Sentence]) -> Iterator[str]:
    """Yield the texts of these sentences (of runs kept as places: without making a sentence object)."""
    if isinstance(sentences, SentenceRuns):
        yield from sentences.texts()
    else:
        for sentence in sentences:
            yield sentence.text


def position_of(sentences: Sequence[Sentence], number: int) -> int:
    """Return a sentence's position in its article (of runs kept as places: without making the sentence)."""
    return sentences.position(number) if isinstance(sentences, SentenceRuns) else sentences[number].position


def join_sentences(parts: Sequence[Sequence[Sentence]]) -> Sequence[Sentence]:
    """Return these sequences of sentences as one: a tuple, or runs when any part is kept as places."""
    if not any(isinstance(part, SentenceRuns) for part in parts):
        return tuple(sentence for part in parts for sentence in part)
    runs: list[_Run] = []
    for part in parts:
        if isinstance(part, SentenceRuns):
            runs.extend(part.runs())
        elif len(part):
            runs.append((part, 0, len(part)))
    return SentenceRuns(runs)


def take_sentences(sentences: Sequence[Sentence], numbers: Numbers) -> Sequence[Sentence]:
    """Return the sentences at these numbers (in this order): a tuple, or runs of the same pools when kept as places."""
    if not isinstance(sentences, SentenceRuns):
        return tuple(sentences[int(n)] for n in numbers)
    import numpy as np  # noqa: PLC0415

    wanted = np.asarray(numbers, dtype=np.int64)
    if wanted.size == 0:
        return ()
    breaks = np.flatnonzero(np.diff(wanted) != 1) + 1  # where a stretch of consecutive numbers ends
    firsts = np.concatenate([[0], breaks]).tolist()
    lasts = np.concatenate([breaks, [wanted.size]]).tolist()
    runs: list[_Run] = []
    for first, last in zip(firsts, lasts, strict=True):
        runs.extend(sentences._pieces(int(wanted[first]), int(wanted[last - 1]) + 1))  # noqa: SLF001 - this class
    return SentenceRuns(runs)
