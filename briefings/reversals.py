"""Reversals: a new statement that denies, retracts, cancels or overturns a specific earlier claim of the story.

Precision comes first. A new sentence is a candidate only when it carries a reversal cue aimed at something (a
report denied, a moratorium overturned, a dividend cancelled, talks that collapsed, a chief executive replaced,
"no longer", "not ... after all"): a negation word alone ("urged residents not to panic") never is. The earlier
claim must share the specific words the cue is aimed at (the words around the cue, weighted by how rare they are in
the corpus) and most of the new sentence's rare words, must not carry a cue itself, and must come from an article
of the same story (TF-IDF cosine of the two articles), so a blog about AI in hospitals is never set against Gaza
patients who could not reach one. Each claim and each new statement appear in one pair at most, compared by their
words, so the copies of one wire story give one reversal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from briefings.corpus import Sentence
from briefings.index import CorpusIndex, IntArray

MAX_REVERSALS = 3
MAX_CANDIDATES = 150  # cue sentences examined in one window, leading sentences first
CLAIM_OVERLAP = 0.25  # share of the new sentence's (IDF-weighted) terms the earlier claim must hold
SCOPE_WORDS = 6  # words either side of the cue that say what it is aimed at
MIN_SHARED = 3  # terms the two sentences share at least
MIN_SPECIFIC = 3  # ... of which this many rare in the corpus (names, the thing denied)
MIN_SCOPE_SHARED = 2  # ... of which this many around the cue
RARE_IDF_SHARE = 0.5  # a shared term counts as specific when its IDF is above this share of the corpus maximum

_OBJECTS = (r"(?:talks|negotiations|deal|agreement|accord|cease-?fire|truce|coalition|bid|plan|plans|efforts?|"
            r"attempts?|operation|procedure|kill|hat|dome|cap|merger|takeover|sale|offer)")
_BANS = (r"(?:ban|bans|warnings?|restrictions?|embargo|moratorium|curfew|emergency|sanctions?|blockade|freeze|"
         r"no-fly zone|order|injunction|suspension)")
# Each pattern names a way one statement undoes another; the words it matches are the cue.
_CUES = re.compile(
    r"\b(?:den(?:ied|ies|y|ying)|refut(?:ed|es)|retract(?:ed|s|ion)|rescind(?:ed|s)|revok(?:ed|es)|"
    r"overturn(?:ed|s)?|quash(?:ed|es)|struck down|tossed out|reversed|backtrack(?:ed|s)?|backed down|u-turn|"
    r"contradict(?:s|ed)?|cancel(?:l?ed|s)|called off|scrapped|abandon(?:ed|s)?|postponed|withdr(?:ew|awn) from|"
    r"replac(?:ed|es|ing) (?:by|with)|to be replaced|no longer|never (?:in custody|happened|said)|"
    rf"{_OBJECTS} (?:have |has |had )?(?:collapsed|failed|broke down|broken down)|"
    rf"(?:had|has|have) failed|lifted (?:the |its |their |a )?(?:\w+ ){{0,3}}{_BANS}|"
    rf"{_BANS} (?:has been |had been |was |were |have been |is )?lifted|"
    r"(?:licen[cs]e|membership|drilling|talks) (?:\w+ ){0,3}suspended|dropped (?:the |its |all )?(?:charges?|plans?|"
    r"bid|case|claims?)|(?:were|was) dropped from)\b"
    r"|\bnot\b[^.]{0,60}\bafter all\b"
    # "any reports that China and the US were nearing a deal were 'fake news'"
    r"|\b(?:reports?|claims?|allegations?|rumou?rs?|suggestions?|accounts?)\b[^.]{0,100}\b(?:were|was|are|is)\s+"
    r"[\"“‘']?(?:fake news|false|untrue|not true|baseless|groundless|unfounded|nonsense)",
    re.IGNORECASE,
)
# Cues that undo a plan; the earlier sentence must then announce one.
_CANCELS = re.compile(r"cancel|called off|scrapped|postponed|suspended|abandon|withdr", re.IGNORECASE)
_PLAN = re.compile(r"\b(?:will|would|plans?|planned|planning|scheduled|due to|to be held|expected to|set to|"
                   r"intends?|agreed to|announced|joined|hopes?|going to|attempt|try|trying|continue)\b",
                   re.IGNORECASE)
_WORD = re.compile(r"[\w'’-]+")
_COPY_WORD = re.compile(r"[a-z0-9]+")

SameStory = Callable[[str, str], bool]


@dataclass(frozen=True, slots=True)
class Reversal:
    """A new statement and the earlier claim it undoes."""

    before: Sentence
    after: Sentence
    cue: str  # the words that undo it: "denied", "overturned", "no longer"


def has_cue(text: str) -> bool:
    """Tell whether a sentence carries a reversal cue (a bare negation does not)."""
    return _CUES.search(text) is not None


def find_reversals(index: CorpusIndex, fresh: Sequence[int], known_ids: IntArray,
                   same_story: SameStory | None = None) -> list[Reversal]:
    """Pair new sentences that undo something with the earlier claim of the story they undo."""
    known_texts = {index.sentences[int(k)].text for k in known_ids}  # a copy of what was read is not news
    candidates = [(sentence, cue) for sentence in fresh if index.sentences[sentence].text not in known_texts
                  and (cue := _CUES.search(index.sentences[sentence].text))]
    candidates.sort(key=lambda item: (index.sentences[item[0]].position, item[0]))
    candidates = _one_per_copy(index, candidates)[:MAX_CANDIDATES]
    if not candidates or known_ids.size == 0:
        return []
    idf = index.idf
    rare = RARE_IDF_SHARE * float(idf.max()) if idf.size else 0.0
    claims = [_terms(index, index.sentences[s].text) for s, _ in candidates]
    scopes = [_terms(index, _scope(index.sentences[s].text, cue)) for s, cue in candidates]
    rows = np.repeat(np.arange(len(candidates)), [len(c) for c in claims])
    columns = np.asarray([t for c in claims for t in c], dtype=np.int64)
    weights = sparse.csr_matrix((idf[columns], (rows, columns)), shape=(len(candidates), idf.size))
    present = sparse.csr_matrix(index.sentence_terms[known_ids] > 0, dtype=np.float64)
    shared_weight = (weights @ present.T).tocsr()
    totals = np.asarray(weights.sum(axis=1)).ravel()
    scored: list[tuple[float, int, int, str]] = []
    for row, (sentence, cue) in enumerate(candidates):
        lo, hi = shared_weight.indptr[row], shared_weight.indptr[row + 1]
        score = shared_weight.data[lo:hi] / (totals[row] or 1.0)
        earlier_rows = shared_weight.indices[lo:hi][score >= CLAIM_OVERLAP]
        score = score[score >= CLAIM_OVERLAP]
        for rank in np.argsort(-score)[:20].tolist():
            earlier = int(known_ids[int(earlier_rows[rank])])
            text = index.sentences[earlier].text
            if _CUES.search(text):
                continue  # the earlier sentence undoes something itself: it is not the claim
            if _CANCELS.search(cue.group(0)) and not _PLAN.search(text):
                continue  # a cancellation undoes a plan: "the sale is scheduled", not "flights were full"
            terms = set(index.terms_of(earlier).tolist())
            shared = claims[row] & terms
            specific = [t for t in shared if idf[t] >= rare]
            if len(shared) < MIN_SHARED or len(specific) < MIN_SPECIFIC or len(scopes[row] & terms) < MIN_SCOPE_SHARED:
                continue
            if same_story is not None and not same_story(index.sentences[earlier].article_id,
                                                         index.sentences[sentence].article_id):
                continue
            scored.append((float(score[rank]), sentence, earlier, cue.group(0)))
    return _pairs(index, scored)


def _pairs(index: CorpusIndex, scored: list[tuple[float, int, int, str]]) -> list[Reversal]:
    """Keep the best pair of each claim and of each new statement, copies of one text counting as one."""
    reversals: list[Reversal] = []
    used: set[str] = set()
    for _, sentence, earlier, cue in sorted(scored, key=lambda item: -item[0]):
        keys = (_copy_key(index.sentences[sentence].text), _copy_key(index.sentences[earlier].text))
        if used.intersection(keys):
            continue
        used.update(keys)
        reversals.append(Reversal(index.sentences[earlier], index.sentences[sentence], cue))
        if len(reversals) == MAX_REVERSALS:
            break
    return reversals


def _one_per_copy(index: CorpusIndex, candidates: list[tuple[int, re.Match[str]]]) -> list[tuple[int, re.Match[str]]]:
    """Keep one sentence of each text: a wire story's copies say one thing once."""
    seen: set[str] = set()
    kept = []
    for sentence, cue in candidates:
        key = _copy_key(index.sentences[sentence].text)
        if key not in seen:
            seen.add(key)
            kept.append((sentence, cue))
    return kept


def _copy_key(text: str) -> str:
    return " ".join(_COPY_WORD.findall(text.lower()))


def _scope(text: str, cue: re.Match[str]) -> str:
    """Return the words around a cue: what it denies or cancels."""
    before = _WORD.findall(text[: cue.start()])[-SCOPE_WORDS:]
    after = _WORD.findall(text[cue.end() :])[:SCOPE_WORDS]
    return " ".join([*before, cue.group(0), *after])  # "reports that ... were fake news" holds what it denies


def _terms(index: CorpusIndex, text: str) -> set[int]:
    return {index.vocabulary[t] for t in index.normalizer.terms(text) if t in index.vocabulary}
