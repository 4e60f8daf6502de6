"""The topics a corpus really holds: names and subjects that readers can ask about."""

from __future__ import annotations

import difflib
import re
import weakref
from collections import Counter
from dataclasses import dataclass

from briefings.index import CorpusIndex

# "Scott Bessent", "He Lifeng", "Xi Jinping", "Treasury": runs of capitalised words not opening a sentence.
_NAME = re.compile(r"(?<=[a-z,;:] )(?:[A-Z][\w'’-]+)(?: (?:[A-Z][\w'’-]+)){0,2}")


@dataclass(frozen=True, slots=True)
class Topic:
    """A name or subject, as the corpus writes it, and how many articles mention it."""

    name: str
    articles: int


def corpus_topics(index: CorpusIndex, limit: int = 200) -> tuple[Topic, ...]:
    """Return the corpus's topics, most widely reported first."""
    return _topics(index)[:limit]


def suggest_topics(index: CorpusIndex, query: str, limit: int = 5) -> tuple[str, ...]:
    """Return topics that resemble the query, or the most reported ones when none does."""
    topics = _topics(index)
    names = {topic.name.lower(): topic.name for topic in topics}
    close = difflib.get_close_matches(query.strip().lower(), list(names), n=limit, cutoff=0.6)
    starts = [name for lowered, name in names.items() if lowered.startswith(query.strip().lower()[:3])]
    chosen = [names[lowered] for lowered in close] + [name for name in starts if name.lower() not in close]
    if not chosen:
        chosen = [topic.name for topic in topics]
    return tuple(dict.fromkeys(chosen))[:limit]


def complete_topics(index: CorpusIndex, prefix: str, limit: int = 25) -> tuple[str, ...]:
    """Return topics that start with (or contain) the typed text, for autocompletion."""
    typed = prefix.strip().lower()
    topics = _topics(index)
    first = [topic.name for topic in topics if topic.name.lower().startswith(typed)]
    then = [topic.name for topic in topics if typed in topic.name.lower() and not topic.name.lower().startswith(typed)]
    return tuple((first + then)[:limit])


# Per index, and only while the index lives: a cache keyed strongly would keep replaced corpora in memory.
_CACHE: weakref.WeakKeyDictionary[CorpusIndex, tuple[Topic, ...]] = weakref.WeakKeyDictionary()


def _topics(index: CorpusIndex) -> tuple[Topic, ...]:
    cached = _CACHE.get(index)
    if cached is None:
        cached = _CACHE[index] = _count_topics(index)
    return cached


def _count_topics(index: CorpusIndex) -> tuple[Topic, ...]:
    names: Counter[str] = Counter()
    words: Counter[str] = Counter()
    spelling: dict[str, Counter[str]] = {}
    normalizer = index.normalizer
    for article in index.articles:
        seen_names: set[str] = set()
        seen_terms: set[str] = set()
        for sentence in article.sentences:
            seen_names.update(match.group(0) for match in _NAME.finditer(sentence.text))
            for word in re.findall(r"[A-Za-z][a-z]{3,}", sentence.text):
                term = normalizer.term(word)
                if term and term not in seen_terms:
                    seen_terms.add(term)
                    spelling.setdefault(term, Counter())[word.lower()] += 1
        names.update(seen_names)
        words.update(seen_terms)
    total = max(len(index.articles), 1)
    common = max(total // 2, 2)  # words in over half the articles ("said", "year") name no topic
    scored = [Topic(name, count) for name, count in names.items() if len(name) > 2]
    scored += [
        Topic(spelling[term].most_common(1)[0][0], count)
        for term, count in words.items()
        if count <= common or total < 10
    ]
    best: dict[str, Topic] = {}
    for topic in scored:
        key = topic.name.lower()
        if key not in best or topic.articles > best[key].articles:
            best[key] = topic
    # Names first among equals: a reader asks about "Bessent" more often than about "communication".
    return tuple(sorted(best.values(), key=lambda t: (-t.articles, not t.name[:1].isupper(), t.name.lower())))
