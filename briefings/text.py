"""Sentence splitting and word normalisation, offline.

Sentences are found by Bling Fire, whose model ships inside its wheel: sumy's default tokenizer would
need NLTK's punkt data, which cannot be downloaded on an air-gapped server. Every sentence is returned
as a character span of the text it came from, so what we print is always a verbatim substring.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from importlib import resources
from types import ModuleType

log = logging.getLogger(__name__)

# Words are letters, digits and inner apostrophes/hyphens/points ("U.S.", "vice-premier", "295.4").
_WORD = re.compile(r"[^\W_](?:[\w'’.\-]*[^\W_])?")
# Bling Fire sometimes ends a sentence at a title or month abbreviation ("... 2025. Mr. Bessent ..."):
# these always precede a name or a day, so a sentence never ends with one.
_BEFORE_NAME = re.compile(r"(?:^|\s)(?:Mr|Mrs|Ms|Dr|Prof|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Capt|Rev|St|Messrs|"
                          r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$")
_CLOSERS = "\"'”’)]"
_FINAL = (".", "!", "?", "…")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) character spans of the sentences of one paragraph of text."""
    if not text.strip():
        return []
    import blingfire  # noqa: PLC0415 - a native library, loaded only by the code that splits text

    spans: list[tuple[int, int]] = []
    for start, end in _offsets(blingfire, text):
        if end <= start:
            continue
        if spans and _BEFORE_NAME.search(text[max(spans[-1][0], spans[-1][1] - 8) : spans[-1][1]]):
            spans[-1] = (spans[-1][0], end)  # "Mr." or "Feb." ended no sentence: rejoin what follows
        else:
            spans.append((start, end))
    return spans


def _offsets(blingfire: ModuleType, text: str) -> list[tuple[int, int]]:
    """Locate Bling Fire's sentences in the text.

    Its own offsets function maps bytes to characters in a Python loop (most of the load time of a large
    corpus); its sentences differ from the text only in white space, so finding them is much faster.
    """
    offsets: list[tuple[int, int]] = []
    cursor = 0
    for sentence in blingfire.text_to_sentences(text).split("\n"):
        if not sentence:
            continue
        start = text.find(sentence, cursor)
        if start >= 0:
            end = start + len(sentence)
        else:
            pattern = r"\s+".join(re.escape(word) for word in sentence.split())
            match = re.compile(pattern).search(text, cursor)
            if match is None:  # not a white-space difference after all: ask Bling Fire for its offsets
                return [tuple(span) for span in blingfire.text_to_sentences_and_offsets(text)[1]]
            start, end = match.span()
        offsets.append((start, end))
        cursor = end
    return offsets


def ends_like_sentence(text: str) -> bool:
    """Tell whether text ends with sentence-final punctuation (headings and cut-off lines do not)."""
    # Not a regular expression: an end-anchored search rescans the line from every position.
    return text.rstrip().rstrip(_CLOSERS).endswith(_FINAL)


def words(text: str) -> list[str]:
    """Return the words of text, as written."""
    return _WORD.findall(text)


@cache
def stop_words() -> frozenset[str]:
    """Return the English stop words that ship with sumy."""
    listing = resources.files("sumy").joinpath("data/stopwords/english.txt").read_text(encoding="utf-8")
    return frozenset(word.strip() for word in listing.splitlines() if word.strip())


class Normalizer:
    """Map words to stemmed, lower-case terms, skipping stop words; remembers each word it has seen."""

    def __init__(self) -> None:
        import snowballstemmer  # noqa: PLC0415

        self._stemmer = snowballstemmer.stemmer("english")
        self._stop = stop_words()
        self._memo: dict[str, str] = {}

    def term(self, word: str) -> str:
        """Return the term for one word, or '' when it carries no meaning of its own."""
        known = self._memo.get(word)
        if known is not None:
            return known
        lowered = word.lower().replace("’", "'")
        if lowered.endswith("'s"):
            lowered = lowered[:-2]
        lowered = lowered.replace(".", "") if not _is_number(lowered) else lowered
        if lowered in self._stop or len(lowered) < 2 and not lowered.isdigit():
            result = ""
        else:
            result = str(self._stemmer.stemWord(lowered))
        self._memo[word] = result
        return result

    def terms(self, text: str) -> list[str]:
        """Return the meaningful terms of text in order."""
        memo = self._memo
        found: list[str] = []
        for word in _WORD.findall(text):
            term = memo.get(word)
            if term is None:
                term = self.term(word)
            if term:
                found.append(term)
        return found


def _is_number(word: str) -> bool:
    return any(ch.isdigit() for ch in word)

