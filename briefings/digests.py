"""'What changed': what the articles of a window say that the articles before it did not.

This is the update-summary task (TAC 2008-2009): the reader knows the earlier articles. We leave out
new sentences that restate an earlier one, give no weight to word pairs the reader has already seen
(Gillick and Favre's update system removed such concepts), and add two things a reader scans for: figures
that moved, and statements that reverse or deny an earlier one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from briefings.corpus import Article, Corpus, Sentence
from briefings.figures import FigureChange, changed_figures
from briefings.index import CorpusIndex, IntArray
from briefings.summaries import CitedSentence, NothingToReport, matching_sentences, summarize_sentences
from briefings.summarizers import LengthBudget
from briefings.topics import suggest_topics

# A new sentence that shares this share of its terms with one earlier sentence restates it.
RESTATES = 0.6
KNOWN_WORDS = 0.75  # ... or whose terms the earlier articles hold this share of
MAX_CONTRASTS = 3
CONTRAST_OVERLAP = 0.2  # share of a denial's (IDF-weighted) words that an earlier statement must share
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][\w'’-]*")
# Words that deny, reverse or cancel: a new sentence with one of them, close to an earlier sentence
# without it, is a reversal worth setting beside what was said before.
_DENIAL = re.compile(
    r"\b(?:no|not|never|none|nor|denied|denies|deny|denying|fake news|false|rejected|rejects|refused|refuses|"
    r"cancel(?:led|s)?|halted|suspended|reversed|scrapped|withdrew|abandoned|no longer|collapsed)\b",
    re.IGNORECASE,
)


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
    new_articles = [a for a in corpus if a.published is not None and a.published >= since
                    and (until is None or a.published <= until)]
    known_articles = [a for a in corpus if a.published is not None and a.published < since]
    new_numbers = _article_numbers(index, new_articles)
    known_numbers = _article_numbers(index, known_articles)
    new_ids = _sentences_of(index, new_numbers)
    known_ids = _sentences_of(index, known_numbers)
    if topic:
        about = matching_sentences(index, topic)
        if about.size == 0:
            raise NothingToReport(f"nothing in the corpus mentions {topic!r}", suggest_topics(index, topic))
        new_ids = np.intersect1d(new_ids, about)
    known_terms = set(index.term_ids[np.concatenate([np.arange(index.offsets[i], index.offsets[i + 1])
                                                     for i in known_ids.tolist()] or [np.zeros(0, np.int64)])].tolist())
    fresh = [int(i) for i in new_ids if not _restates(index, int(i), known_ids, known_terms)
             and index.sentences[int(i)].text not in already_said]
    known = _known_concepts(index, known_ids)
    summary = summarize_sentences(index, fresh, budget, known=known)
    figures = changed_figures(known_articles, new_articles)
    if topic:
        figures = [f for f in figures if _mentions(index, topic, f.before_sentence, f.after_sentence)]
    contrasts = _contrasts(index, fresh, known_ids)
    return Digest(
        since=since,
        until=until,
        topic=topic,
        sentences=summary.sentences,
        figures=tuple(figures),
        contrasts=tuple(contrasts),
        new_article_ids=tuple(a.id for a in new_articles),
        known_article_ids=tuple(a.id for a in known_articles),
    )


def _article_numbers(index: CorpusIndex, articles: list[Article]) -> IntArray:
    wanted = {article.id for article in articles}
    return np.asarray([n for n, article in enumerate(index.articles) if article.id in wanted], dtype=np.int64)


def _sentences_of(index: CorpusIndex, article_numbers: IntArray) -> IntArray:
    return np.flatnonzero(np.isin(index.sentence_article, article_numbers)).astype(np.int64)


def _restates(index: CorpusIndex, sentence: int, known_ids: IntArray, known_terms: set[int]) -> bool:
    """Tell whether a new sentence says again what was known: one earlier sentence, or the earlier articles."""
    if known_ids.size == 0:
        return False
    terms = np.unique(index.terms_of(sentence))
    if terms.size == 0:
        return True
    # Paraphrase ("agreed to keep up communications") shares little with any one sentence but uses only
    # words the reader has already read; a new fact brings words of its own (a figure, a name, a verb).
    # A denial in familiar words ("no negotiations") is the opposite of a restatement.
    familiar = sum(1 for term in terms.tolist() if term in known_terms) / terms.size
    if familiar >= KNOWN_WORDS and not _DENIAL.search(index.sentences[sentence].text):
        return True
    overlap = index.sentence_terms[known_ids][:, terms]
    shared = np.asarray((overlap > 0).sum(axis=1)).ravel()
    return bool(shared.max() / terms.size >= RESTATES)


def _known_concepts(index: CorpusIndex, known_ids: IntArray) -> frozenset[tuple[int, ...]]:
    """Return the word pairs the reader has already read."""
    pairs: set[tuple[int, ...]] = set()
    for sentence in known_ids.tolist():
        terms = index.terms_of(sentence).tolist()
        pairs.update(zip(terms, terms[1:], strict=False))
    return frozenset(pairs)


def _contrasts(index: CorpusIndex, fresh: list[int], known_ids: IntArray) -> list[Contrast]:
    """Pair each new denial with the earlier statement it most resembles, if it resembles one enough."""
    idf = index.idf
    affirmative = [earlier for earlier in known_ids.tolist() if not _DENIAL.search(index.sentences[earlier].text)]
    scored: list[tuple[float, int, int]] = []
    for sentence in fresh:
        if not _DENIAL.search(index.sentences[sentence].text):
            continue
        terms = _claim_terms(index, sentence)
        weight = sum(idf[t] for t in terms) or 1.0
        for earlier in affirmative:
            shared = terms & _claim_terms(index, earlier)
            # Shared rare words (a deal, negotiations, a name) tie two statements together more than common ones.
            score = sum(idf[t] for t in shared) / weight
            if len(shared) >= 3 and score >= CONTRAST_OVERLAP:
                scored.append((score, sentence, earlier))
    contrasts: list[Contrast] = []
    used: set[int] = set()
    for _, sentence, earlier in sorted(scored, key=lambda item: -item[0]):
        if sentence in used or earlier in used:
            continue  # each statement appears in one pair at most
        used.update((sentence, earlier))
        contrasts.append(Contrast(_cite(index.sentences[earlier]), _cite(index.sentences[sentence])))
        if len(contrasts) == MAX_CONTRASTS:
            break
    return contrasts


def _claim_terms(index: CorpusIndex, sentence: int) -> set[int]:
    """Return the terms of what a sentence claims, without its names: who speaks is not what is said."""
    words = [w for w in _LOWER_WORD.findall(index.sentences[sentence].text)]
    return {index.vocabulary[t] for t in index.normalizer.terms(" ".join(words)) if t in index.vocabulary}


def _cite(sentence: Sentence) -> CitedSentence:
    return CitedSentence(sentence.text, sentence.article_id)


def _mentions(index: CorpusIndex, topic: str, *sentences: Sentence) -> bool:
    terms = set(index.normalizer.terms(topic))
    return all(terms <= set(index.normalizer.terms(sentence.text)) for sentence in sentences)
