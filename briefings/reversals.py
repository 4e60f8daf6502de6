"""Reversals: a new statement that denies, retracts, cancels or overturns a specific earlier claim of the story.

Precision comes first. A new sentence is a candidate only when it carries a reversal cue aimed at something (a
report denied, a moratorium overturned, a dividend cancelled, talks that collapsed, a chief executive replaced by
someone named, a sentence quashed on appeal, "not ... after all", a speaker's "had not been suspended"): a negation
word alone ("urged residents not to panic") never is, nor a question, a wish, a condition, history told again
("last August"), a denial told in passing ("Labour, which denies ..."), how others see it ("seen as a U-turn") or a
state of mind ("was not worried"). What a denial denies is what the claim must say: a cause or a motive denied
("resigned because of a clash", "was designed to keep taxes down") the claim must give, and a report denied what
the report says of its subject ("would devalue degrees"); a replacement undoes a claim that the one replaced stays.
The earlier claim must share the specific words the cue is aimed at (the words around the cue, weighted by how rare
they are in the corpus, the thing undone itself or a word for the same thing) and most of the new sentence's rare
words, must not carry a cue itself, and must come from an article of the same story (TF-IDF cosine of the two
articles), so a blog about AI in hospitals is never set against Gaza patients who could not reach one. Each claim
and each new statement appear in one pair at most, compared by their words, so the copies of one wire story give
one reversal.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
from scipy import sparse

from briefings.corpus import Sentence
from briefings.index import CorpusIndex, IntArray

MAX_REVERSALS = 3
MAX_CANDIDATES = 150  # cue sentences examined in one window, leading sentences first
MAX_CLAIMS = 50  # earlier sentences examined for each, the closest first
CLAIM_OVERLAP = 0.1  # share of the new sentence's (IDF-weighted) terms the earlier claim must hold
SCOPE_WORDS = 6  # words before an active cue that name who undoes the claim
OBJECT_WORDS = 8  # words on the side of the cue that say what it is aimed at
MIN_SHARED = 2  # terms the two sentences share at least
MIN_TARGET_SHARED = 2  # ... of which this many among the words the cue is aimed at
SUBJECT_TERMS = 3  # ... or, failing a name or a rare term among them, this many
HEAD_TERMS = 2  # the first terms of what a cue undoes, of which the claim must hold one
TARGET_SHARE = 0.4  # ... holding this (IDF-weighted) share of those words
RARE_IDF_SHARE = 0.5  # a shared term counts as specific when its IDF is above this share of the corpus maximum
CLAIM_REPEATED = 0.3  # share of the claim's (IDF-weighted) terms the new statement must repeat
AIMED_ALONE = 0.5  # ... unless the cue names the claim ("reports that") and it holds this share of what is denied
SAME_UNDOING = 0.5  # share of what a new statement undoes that one already shown undoes, for it to be the same
SPAN_AIMED = 0.6  # ... held to the part of it that holds the shared terms when it holds this share of the target
SPAN_TERMS = 8  # ... a part of at least this many terms
PREDICATE_SHARE = 0.5  # share of what a named report says (its words but the names) the claim must hold
RESTATED = 0.6  # share of a claim's terms the new statement repeats, with its undoer, for it to be the same report

_OBJECTS = (r"(?:talks|negotiations|deal|agreement|accord|cease-?fire|truce|coalition|bid|plan|plans|efforts?|"
            r"attempts?|operation|procedure|kill|hat|dome|cap|merger|takeover|sale|offer|initiative|roadmap|"
            r"proposals?|mediation)")
_BANS = (r"(?:ban|bans|warnings?|restrictions?|embargo|moratorium|curfew|emergency|sanctions?|blockade|freeze|"
         r"no-fly zone|order|injunction|suspension|advisory|recommendation|alert)")
_CLAIMS = r"(?:claims?|reports?|allegations?|accusations?|rumou?rs?|suggestions?|accounts?|stor(?:y|ies))"
_RULINGS = (r"(?:bans?|moratorium|ruling|decision|law|verdict|conviction|sentence|order|injunction|result|policy|"
            r"rules?|regulations?|measures?|decree|appointment|licen[cs]e|permit|contract|deal|charges?|visas?)")
_OVERTURNS = (r"(?:overturn(?:ed|s)?|quash(?:ed|es)|struck down|strikes down|tossed out|rescind(?:ed|s)|revok(?:ed|es)|"
              r"reversed)")
_OVERTURN_CUE = re.compile(_OVERTURNS, re.IGNORECASE)
_RULING_WORDS = re.compile(rf"\b{_RULINGS}\b", re.IGNORECASE)
# Each pattern names a way one statement undoes another; the words it matches are the cue. A denial is of a claim
# ("denied that ...", "denied claims", "denied breaking", "claims, denied by BP"), not "denied bail" or a plea
# ("denies manslaughter"); an overturning is of a ruling, ban or law, not of "police vehicles".
_CUES = re.compile(
    r"\b(?:den(?:ied|ies|y|ying)(?:,? (?:on \w+|\w+ly))?,? (?:that|there|it|this|any|having|being|"
    rf"(?:the |these |those |such |all )?(?:\w+ )?{_CLAIMS}|\w+ing)\b|den(?:ied|ies) by|"
    r"(?:been|was|were) denied\b(?! (?:bail|access|entry|permission|visas?|a |an |the |them|him|her|treatment))|"
    rf"(?:dismiss|reject)(?:ed|s) (?:the |these |those |such |all )?(?:\w+ )?{_CLAIMS}|"  # noqa: E501
    r"refut(?:ed|es)|retract(?:ed|s|ion)|backtrack(?:ed|s)?|backed down|u-turn|"
    rf"{_OVERTURNS} (?:[\w'’-]+ ){{0,4}}?{_RULINGS}|{_RULINGS} (?:[\w'’-]+ ){{0,3}}?(?:was|were|has been|had been|is) "
    rf"{_OVERTURNS}|"
    r"contradict(?:s|ed)?|cancel(?:l?ed|s)|(?<=would )cancel|(?<=will )cancel|called off|scrapped|"
    r"abandon(?:ed|s)?|postponed|withdr(?:ew|awn) from|"
    r"replac(?:ed|es|ing) (?:by|with)|to be replaced|never (?:in custody|happened)|"
    rf"{_OBJECTS}[\"”’']? (?:have |has |had )?(?:collapsed|failed|broke down|broken down)|"
    rf"lifted (?:the |its |their |a )?(?:\w+ ){{0,3}}{_BANS}|"
    rf"{_BANS}\b(?:[^.,;]{{0,50}}? )?(?:has been |had been |was |were |have been |is )?lifted|"
    r"(?:licen[cs]e|membership|drilling|talks) (?:\w+ ){0,3}suspended|dropped (?:the |its |all )?(?:charges?|plans?|"
    r"bid|case|claims?)|(?:were|was) dropped from)\b"
    r"|\bnot\b[^.]{0,60}\bafter all\b"
    r"|\bnever (?:said|claimed|stated) (?:that|it|we|I|he|she|they|there)\b"
    r"|\b(?:appeals? court|court of appeals?|on appeal)\b[^.]{0,40}?\b(?:freed|acquitted|cleared|released)\b"
    rf"|\b(?:confound(?:ed|ing|s)|counter(?:ed|ing|s)|contrary to) (?:the |earlier |previous |initial )*{_CLAIMS}\b"
    # a speaker's denial of what the claim says happened: "insisted the treaty had not been suspended", "the
    # government 'didn't block Facebook'" (the claim must say it was done: the same verb, not negated)
    r"|\b(?:did not|didn[’']t|had not|hadn[’']t|has not|hasn[’']t|have not|haven[’']t|was not|wasn[’']t|"
    r"were not|weren[’']t)(?: been)? (?P<negated>[a-z]+)\b"
    # "any reports that China and the US were nearing a deal were 'fake news'"
    rf"|\b{_CLAIMS}\b[^.]{{0,100}}\b(?:were|was|are|is)\s+"
    r"[\"“‘']?(?:fake news|false|untrue|not true|baseless|groundless|unfounded|nonsense)",
    re.IGNORECASE,
)
# A negated verb that reports no deed ("did not comment", "was not allowed") is no denial of a claim.
_NOT_DONE = {"say", "said", "comment", "commented", "respond", "responded", "reply", "replied", "return",
             "returned", "know", "known", "want", "wanted", "need", "needed", "see", "seen", "think", "believe",
             "believed", "expect", "expected", "elaborate", "specify", "specified", "disclose", "disclosed",
             "confirm", "confirmed", "mention", "mentioned", "identify", "identified", "name", "named", "allowed",
             "given", "able", "been", "be", "have", "get", "go", "come", "make", "take", "give", "provide",
             "provided", "release", "immediately", "yet", "clear", "informed", "told", "asked", "invited",
             "involved", "concerned", "interested", "surprised", "aware", "authorized", "authorised", "prepared",
             "required", "intended", "planned", "decided", "finished", "completed", "happen", "happened", "plan",
             "intend", "mean", "meant", "used", "use", "allow", "seem", "seemed", "appear", "appeared", "receive",
             "received", "heard", "hear", "found", "find", "changed", "change", "affected", "reached", "reach",
             # a state of mind ("was not worried by his opponents") is how someone feels, not a deed denied
             "worried", "pleased", "happy", "upset", "disappointed", "bothered", "impressed", "convinced",
             "satisfied", "scared", "frightened", "alarmed", "shocked", "troubled", "fazed", "deterred", "daunted",
             "discouraged", "persuaded", "sure", "certain", "keen", "afraid", "unhappy"}
_NO_SUBJECT = {"it", "he", "she", "they", "we", "i", "you", "this", "that", "these", "those", "who", "which", "there",
               "what", "one", "others", "many", "some", "all", "both", "so", "as", "but", "and", "or", "also", "still"}
_BACKGROUND = re.compile(r"\s*(?:Before|Prior to|Until|Years ago|Decades ago)\b")
_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")
_SPEECH = re.compile(r"\b(?:said|says|say|told|tells|insisted|insists|denied|denies|stated|states|maintained|"
                     r"maintains|added|adds|argued|argues|according to|stressed|stresses)\b", re.IGNORECASE)
# A cue that is negated, wished or hypothetical undoes nothing: "not going to abandon", "would deny", "asked for
# the event to be canceled".
_UNDONE_NOT = {"not", "never", "no", "none", "nor", "would", "could", "might", "may", "should", "can", "cannot",
               "dare", "refused", "refuse", "refuses", "to", "if", "whether", "unless"}
# The words of a cue that say it undoes (the rest of a cue, "travel warnings", "licence", is what it undoes).
_CUE_VERBS = re.compile(
    r"den\w*|refut\w*|retract\w*|rescind\w*|revok\w*|overturn\w*|quash\w*|struck|strikes|tossed|down|out|off|revers\w*|"
    r"backtrack\w*|backed|u-turn|contradict\w*|cancel\w*|called|scrap\w*|abandon\w*|postpon\w*|suspend\w*|withdr\w*|"
    r"lift\w*|dropped|dismiss\w*|reject\w*|replac\w*|longer|never|failed|revis\w*|downwards?|upwards?|"
    r"confound\w*|counter\w*|contrary|freed|acquitted|cleared|released|appeals?|court|collapsed|broke|broken|false|untrue|true|"
    r"baseless|groundless|unfounded|nonsense|fake|news|after|all",
    re.IGNORECASE,
)
# Cues that undo a plan; the earlier sentence must then announce one.
_CANCELS = re.compile(r"cancel|called off|scrapped|postponed|suspended|abandon|withdr", re.IGNORECASE)
_PLAN = re.compile(r"\b(?:will|plans?|planned|planning|scheduled|due to|to be held|expected to|set to|"
                   r"intends?|agreed to|announced|joined|going to)\b",
                   re.IGNORECASE)
# Words that undo something anywhere in a sentence: an earlier sentence holding one reports an undoing (the sales
# "suspended", the law "ruled unconstitutional"); it is never the claim that a new statement undoes.
_UNDOES = re.compile(
    r"\b(?:den(?:ied|ies|y|ying)|refut\w*|retract\w*|rescind\w*|revok\w*|overturn\w*|quash\w*|struck down|"
    r"tossed out|revers(?:ed|es|al)|backtrack\w*|backed down|contradict\w*|cancel\w*|call(?:ed|s)? off|scrap(?:ped|s)|"
    r"abandon\w*|postpon\w*|suspend\w*|halt(?:ed|s|ing)?|withdr[ae]w\w*|lift(?:ed|s|ing)?|no longer|"
    r"unconstitutional|dropped|g[ai]ve(?:n)? up|giving up)\b",
    re.IGNORECASE,
)
# A claim that itself says something did not happen is a denial, not what a new statement denies.
_DENIES = re.compile(r"\b(?:did|does|do|has|have|had|is|are|was|were)(?:n[’']t| not)\b", re.IGNORECASE)
_BE = {"is", "are", "was", "were", "be", "been", "being"}
_MODALS = {"will", "would", "could", "can", "may", "might", "should", "must", "has", "have", "had"}
# ("which" is not among them: "a payment on Monday, which has now been cancelled" names what it cancels)
_PRONOUNS = (["it"], ["this"], ["that"], ["they"], ["these"], ["those"], ["he"], ["she"])
# A modal in the words before a cue of its clause: "It should be repealed and replaced".
_HYPOTHETICAL = {"should", "would", "could", "must", "might", "may", "if", "unless", "whether"}
# "said it would cancel the dividend": a decision announced, not a hypothetical
_ANNOUNCED = re.compile(r"\b(?:said|says|announced|decided)\s+(?:that\s+)?(?:it|he|she|they|we)\s+(?:would|will)\s*$",
                        re.IGNORECASE)
# A claim named by "the claim(s)", "these reports": what it said is in another sentence.
_CLAIM_NAMED_ELSEWHERE = re.compile(rf"\b(?:the|these|those|such)(?: (?:latest|new|recent|earlier|previous|fresh|"
                                    rf"same|initial|original|further|latter|former))? {_CLAIMS}$", re.IGNORECASE)
# A cue in a clause that states a condition undoes nothing yet.
_CONDITION = {"if", "unless", "whether", "whenever"}
# A cue whose verb is wished or foretold: "the embargo to be lifted", "the ban should be lifted".
_UNREALISED = re.compile(r"(?<=\w)\s+(?:to|should|must|could|would|might|may|can)\s+be\b", re.IGNORECASE)
# What follows a denial when it is said of the denier: "denied reports that she ...", "denies plying".
_OF_DENIER = re.compile(r"(?:\s+(?:that|claiming|suggesting))?\s+(?:he|she)\b", re.IGNORECASE)
# Titles before a name, which name nobody in particular ("Mr Jackson denies ...": the denier is Jackson).
_TITLES = ("Mr", "Mrs", "Ms", "Miss", "Dr", "Sir", "Lord", "Lady", "Dame", "Prof", "President", "Prime", "Minister")
# Words before a denial that make it a standing one, not news: "has repeatedly denied", "has always denied".
_STANDING = {"repeatedly", "consistently", "always", "long", "continually", "previously", "strenuously"}
# Words after a cue that report it rather than name what it undoes ("denied the claim, saying ...").
_SAYING = ("say", "says", "said", "saying", "claim", "claims", "report", "reports", "allegation", "allegations")
# ("widely seen as a U-turn": how others read it, not a word or plan undone)
_HEDGES = re.compile(r"\b(?:seem(?:s|ed)?|appear(?:s|ed)? to|suggest(?:s|ed)?|speculat\w*|rumou?r\w*|"
                     r"(?:seen|regarded|viewed|described|interpreted|branded|billed|painted) as)\b", re.IGNORECASE)
# (a comma between digits is a thousands separator: "5,000 barrels a day")
_CLAUSE_END = re.compile(r"(?<!\d),|,(?!\d)|[;:()\"“”]|\s[-–—]\s|"
                         r"\b(?:and|but|while|whereas|which|who|because|although|after)\b")
_STOP_WORDS = {"the", "a", "an", "it", "its", "this", "that", "there", "any", "all", "these", "those", "such", "of"}
# Words that point to what another sentence said ("retracted that apology", "any such dispute").
_ANAPHORA = {"that", "this", "these", "those", "such"}
# Words of a cue's object that name no thing: days, months, numbers, plans ("was due on Monday").
_WHEN = re.compile(r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|today|tonight|yesterday|tomorrow|week|month|year|"
                   r"january|february|march|april|may|june|july|august|september|october|november|december|"
                   r"due|scheduled|expected|planned|now|earlier|later|\d[\d.,]*|bn|m|million|billion|"
                   r"hours?|days?|weeks?|months?|years?|minutes?",
                   re.IGNORECASE)
_ADVERBS = {"now", "also", "already", "since", "later", "then", "officially", "reportedly", "all"}
# Cues by which someone undoes their own plan or word (as against a denial or a court's overturning).
_OWN = re.compile(r"retract|withdr|cancel|called off|scrap|abandon|postpon|backtrack|backed down|u-turn|dropped|"
                  r"lifted|no longer|suspended", re.IGNORECASE)
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
    return find_cue(text) is not None


def find_cue(text: str, year: int | None = None) -> re.Match[str] | None:
    """Return the first reversal cue of a sentence.

    A negated verb is a cue only in a speaker's words ("insisted the treaty had not been suspended", "told CNN the
    government 'didn't block Facebook'"), and only a verb of something done: not "did not comment", "was not clear".
    """
    if text.rstrip().endswith("?") or _BACKGROUND.match(text):
        return None  # a question, or what was so before the story: "Before the spill, the administration lifted"
    for cue in _CUES.finditer(text):
        if year is not None and any(int(y) < year for y in _YEAR.findall(" ".join(
                _WORD.findall(text[: cue.start()])[-6:]))):
            continue  # "In September 2004 the United States lifted economic sanctions" (in 2011): history
        negated = cue.group("negated")
        if negated is None:
            if re.search(r"replac", cue.group(0), re.IGNORECASE) and not re.match(
                    r"(?:\s+\w+){0,2}?\s+[A-Z]", text[cue.end() :]):
                continue  # "replaced with the original": a thing swapped, not a post handed to someone
            if re.match(r"contradict", cue.group(0), re.IGNORECASE) and not re.match(
                    rf"(?:\s+[\w'’-]+){{0,4}}?\s+(?:{_CLAIMS}|statements?|testimony|assertions?|findings?|[A-Z])",
                    text[cue.end() :]):
                continue  # "statements that contradict their principles": no claim or person contradicted
            return cue
        word = negated.lower()
        done = word.endswith(("ed", "en", "wn")) or cue.group(0).lower().startswith("did")
        if done and not word.endswith("ly") and word not in _NOT_DONE and _SPEECH.search(text[: cue.start()]) and \
                _negated_subject(text, cue) is not None:
            return cue
    return None


def _passive_of(index: CorpusIndex, text: str, verb: set[int]) -> bool:
    """Tell whether a sentence says, in the passive, that the verb was done ("Twitter was blocked in Egypt")."""
    words = _WORD.findall(text)
    return any(_terms(index, word) & verb and _BE.intersection(w.lower() for w in words[max(i - 2, 0) : i])
               and not _NEGATION.intersection(w.lower() for w in words[max(i - 3, 0) : i])
               for i, word in enumerate(words))


def _year(index: CorpusIndex, sentence: int) -> int | None:
    """Return the year the article of a sentence was published in, if it is dated."""
    published = float(index.published[index.sentence_article[sentence]])
    return datetime.fromtimestamp(published, UTC).year if published == published else None


def _negated_subject(text: str, cue: re.Match[str]) -> str | None:
    """Return the word a negated verb is said of ("the treaty had not been suspended"), unless it is a pronoun."""
    # the quote that opens the speaker's words is not the end of the clause: the government "didn't block Facebook"
    before = _WORD.findall(_CLAUSE_END.split(text[: cue.start()].rstrip(" \"“‘'"))[-1])[-2:]
    if not before or before[-1].lower() in _NO_SUBJECT or _SPEECH.fullmatch(before[-1]):
        return None
    return str(before[-1])


def find_reversals(index: CorpusIndex, fresh: Sequence[int], known_ids: IntArray,
                   same_story: SameStory | None = None) -> list[Reversal]:
    """Pair new sentences that undo something with the earlier claim of the story they undo.

    The claim is read before (`known_ids`) or said earlier in the window: a sentence of `fresh` from an article
    published before the new statement's (a weekly digest holds both the claim of Monday and Thursday's denial).
    """
    was_read = np.zeros(len(index.sentences), dtype=bool)
    was_read[np.asarray(known_ids, dtype=np.int64)] = True
    cued = [(sentence, cue) for sentence in fresh if (cue := find_cue(index.sentences[sentence].text,
                                                                      _year(index, sentence)))]
    # a copy of what was read is not news (found through the postings: the texts read are not all made)
    candidates = [(s, cue) for s, cue in cued if not index.holds_text(index.sentences[s].text, was_read)]
    candidates.sort(key=lambda item: (index.sentences[item[0]].position, item[0]))
    candidates = _one_per_copy(index, candidates)[:MAX_CANDIDATES]
    window = np.asarray(sorted({int(s) for s in fresh}), dtype=np.int64)
    pool = np.union1d(np.asarray(known_ids, dtype=np.int64), window)
    if not candidates or pool.size == 0:
        return []
    published = index.published[index.sentence_article]
    idf = index.idf
    rare = RARE_IDF_SHARE * float(idf.max()) if idf.size else 0.0
    claims = [_terms(index, index.sentences[s].text) for s, _ in candidates]
    targets = [_target(index, index.sentences[s].text, cue) for s, cue in candidates]
    heads = [_heads(index, index.sentences[s].text, cue) for s, cue in candidates]
    # a cue that names the claim it denies ("reports that ... were fake news") may be set beside a longer claim
    named = [re.search(rf"\b{_CLAIMS}\b", cue.group(0), re.IGNORECASE) is not None for _, cue in candidates]
    firsts = [_first_head(index, index.sentences[s].text, cue) for s, cue in candidates]
    nouns = [_undone_noun(index, index.sentences[s].text, cue) for s, cue in candidates]
    claimant = [_claimant(index, index.sentences[s].text) for s, _ in candidates]

    appeal = [re.search(r"appeal", cue.group(0), re.IGNORECASE) is not None for _, cue in candidates]
    # what a denied report or clause says of its subject ("claims government plans ... would devalue degrees")
    predicates = [_predicate(index, index.sentences[s].text, cue) for s, cue in candidates]
    # a denial of why something was done: the cause or the motive is what the claim must give
    reasons = [_reason(index, index.sentences[s].text, cue) for s, cue in candidates]
    motives = [_DENIAL.match(cue.group(0)) is not None and
               _MOTIVE_DENIED.search(" ".join(_clause_after(index.sentences[s].text, cue))) is not None
               for s, cue in candidates]
    # a negated verb and what it is said of: the claim must say both ("Italy suspended a treaty")
    negated = [_terms(index, cue.group("negated")) | _terms(index, _negated_subject(index.sentences[s].text, cue) or "")
               if cue.group("negated") else None for s, cue in candidates]
    # ... but a doer who "didn't block" it is not named by a claim that it "was blocked": the verb suffices there
    doers = [_terms(index, cue.group("negated")) if cue.group("negated") and cue.group(0).lower().startswith("did")
             else None for _, cue in candidates]
    ruling = [_terms(index, " ".join(_RULING_WORDS.findall(cue.group(0)))) if _OVERTURN_CUE.search(cue.group(0))
              else set() for _, cue in candidates]
    # what is undone, named in the claim in other words too ("capture", "detained")
    widened = [_widen(index, t) for t in targets]
    titles = _terms(index, " ".join(_TITLES))
    # Only the sentences that hold a term of a new statement or of what it undoes have any weight in common with
    # it: found through the postings, the same weights as comparing with every sentence of the pool.
    in_pool = np.zeros(len(index.sentences), dtype=bool)
    in_pool[pool] = True
    pool = index.holding_any(np.asarray([t for terms in (*claims, *widened) for t in terms], dtype=np.int64), in_pool)
    read = was_read[pool]
    present = sparse.csr_matrix(index.sentence_rows(pool) > 0, dtype=np.float64)
    weights = _weights(idf, claims)
    shared_weight = (weights @ present.T).tocsr()
    aimed_weight = (_weights(idf, widened) @ present.T).tocsr()
    aimed_weight.sort_indices()
    totals = np.asarray(weights.sum(axis=1)).ravel()
    scored: list[tuple[float, int, int, str]] = []
    for row, (sentence, cue) in enumerate(candidates):
        lo, hi = shared_weight.indptr[row], shared_weight.indptr[row + 1]
        score = shared_weight.data[lo:hi] / (totals[row] or 1.0)
        earlier_rows = shared_weight.indices[lo:hi]
        # said before the new statement: read before the window, or from an article of an earlier day in it
        earlier = read[earlier_rows] | (published[pool[earlier_rows]] < published[sentence])
        target = targets[row]
        target_weight = float(idf[list(target)].sum()) if target else 0.0
        alo, ahi = aimed_weight.indptr[row], aimed_weight.indptr[row + 1]
        aimed_at, aimed_data = aimed_weight.indices[alo:ahi], aimed_weight.data[alo:ahi]
        aimed_row = np.zeros(earlier_rows.size)
        if aimed_at.size:  # no earlier sentence holds what the cue is aimed at: every share stays 0
            slot = np.minimum(np.searchsorted(aimed_at, earlier_rows), aimed_at.size - 1)
            aimed_row = np.minimum(np.where(aimed_at[slot] == earlier_rows, aimed_data[slot], 0.0) /
                                   (target_weight or 1.0), 1.0)
        # a long new statement shares little of itself with the claim: holding what the cue undoes is enough
        keep = ((score >= CLAIM_OVERLAP) | (aimed_row >= TARGET_SHARE)) & earlier
        earlier_rows, score, aimed_row = earlier_rows[keep], score[keep], aimed_row[keep]
        text = index.sentences[sentence].text
        clause = [w.lower() for w in _WORD.findall(re.split(r"[,;:()\"“”]", text[: cue.start()])[-1])]
        head = text[: cue.start()]
        if re.match(r"contradict", cue.group(0), re.IGNORECASE):
            head = re.sub(r"\b(?:seem|appear)\w*\s+to\s*$", "", head)  # what "seems to contradict" a report
        if (_UNDONE_NOT.intersection(w.lower() for w in _WORD.findall(head)[-3:]) or
                _HYPOTHETICAL.intersection(clause[-5:])) and not _ANNOUNCED.search(text[: cue.start()]) or \
                re.search(r"n[’']t\W*(?:\w+\W+)?$", text[: cue.start()]):
            continue  # "not going to abandon", "would deny", "urged to cancel", "didn't deny"
        if re.search(r"\b(?:when|whenever|if|unless)\b(?:\W+\w+){0,12}\W*$", text[: cue.start()], re.IGNORECASE):
            continue  # "when just about anybody contradicts Dick Cheney's views": what happens, not what happened
        if _CONDITION.intersection(clause):
            continue  # "It does not matter if they are found guilty ... and the current decision is reversed"
        if _CLAIM_NAMED_ELSEWHERE.search(cue.group(0)) and re.match(r"\s*(?:[,.;:]|[-–—]\s|and\b|but\b)",
                                                                     text[cue.end() :]) and \
                not any(w.lower() in _NEGATION or w.lower().endswith(("n't", "n’t"))
                        for w in _WORD.findall(text[cue.end() :])):
            continue  # "rejected the claims, saying: 'The attorney general made it clear ...'": the claim is told
            # in another sentence, and no denial of it here ("denied the claim, saying it had not blocked") says what
        if _UNREALISED.search(cue.group(0)):
            continue  # "he expected the embargo to be lifted": foretold or asked for, not done
        if _STANDING.intersection(w.lower() for w in _WORD.findall(text[: cue.start()])[-3:]):
            continue  # "has repeatedly denied": a standing denial, not news of one
        if clause[:1] in (["which"], ["who"]) and _DENIAL.match(cue.group(0)) and not _passive(text, cue):
            continue  # "Labour, which denies engaging in personal campaigning": what the one named stands by, told
            # in passing, not news of a denial
        cue_words = _WORD.findall(cue.group(0))
        if [w.lower() for w in _WORD.findall(text[: cue.start()])[-1:]] in _DETERMINERS and \
                _CUE_VERBS.fullmatch(cue_words[0]) and cue_words[0].lower().endswith(("ed", "en", "wn")):
            continue  # "the abandoned flying pigs posters": a thing undone before, named in passing
        if _PAST_TIME.search(" ".join([*_WORD.findall(text[: cue.start()])[-SCOPE_WORDS:], cue.group(0),
                                       _CLAUSE_END.split(text[cue.end() :], maxsplit=1)[0]])):
            continue  # "withdrew from the Athens Olympics last August": history told again
        following = [w.lower() for w in _WORD.findall(text[cue.end() :])[:5]]
        ends_in_verb = _CUE_VERBS.fullmatch(_WORD.findall(cue.group(0))[-1]) is not None
        if not cue.group(0).lower().startswith("den") and ends_in_verb and following[:1] and \
                following[0] in _ANAPHORA or "such" in following:
            continue  # "retracted that apology", "denies any such dispute": what is undone is said elsewhere
        before_cue = [w.lower() for w in _WORD.findall(text[: cue.start()])[-2:]]
        if before_cue[-1:] == ["be"] and before_cue[:1] not in (["will"], ["shall"]):
            continue  # "requested that the program ... be canceled": asked for, not done
        if _HEDGES.search(" ".join(_WORD.findall(text[: cue.start()])[-SCOPE_WORDS:])) and \
                not re.match(r"contradict", cue.group(0), re.IGNORECASE):
            continue  # "seemed to suggest that Hayward was being withdrawn": a guess, later qualified (but what
            # "seems to contradict" a report is set against it)
        following = _WORD.findall(text[cue.end() :])[:4]
        following = following[1:] if following[:1] in (["by"], ["with"]) else following[:3]
        successor = _names(index, " ".join(following), first=True, sentence=text) if "replac" in cue.group(0).lower() \
            else set()
        if re.match(r"\s*(?:and|but|or)\b|\s*[,.;]", text[cue.end() :]) and \
                cue.group(0).lower().endswith((" that", " this", " it")):
            continue  # "deny that and say ...": what is denied is in another sentence
        agent = _terms(index, _agent_of(text, cue))  # who denies, cancels or overturns it
        if _passive(text, cue) and [w for w in _WORD.findall(text[: cue.start()].lower())[-4:]
                                    if w not in _BE | _ADVERBS | _MODALS][-1:] in _PRONOUNS:
            continue  # "this has now been denied": what was denied is in another sentence
        # Who cancels, withdraws, retracts or lifts something undoes their own plan or word: the claim names them.
        undoer = _names(index, _agent_of(text, cue), first=len(_WORD.findall(text[: cue.start()])) > SCOPE_WORDS,
                        sentence=text) if _OWN.search(cue.group(0)) and not cue.group("negated") else set()
        if undoer and _SPEECH.search(text[: cue.start()]):
            # who reports it may be who the claim names: "the US State Department said that the CDC had lifted the
            # recommendation" undoes the State Department's advisory
            undoer |= _names(index, text[: cue.start()], sentence=text)
        names = _names(index, text)
        names_new = _name_stems(text)
        # what a report named before what it says ("denied reports that ...") says of whom it is about
        predicate_weight = float(idf[list(target - names)].sum()) if re.search(
            rf"\b{_CLAIMS}$", cue.group(0), re.IGNORECASE) else 0.0
        # "Kim Clijsters has denied reports that she has pulled out", "Mr Jackson denies plying a boy": what is
        # denied is said of the denier, so the claim names them (Agassi's withdrawal is not hers)
        of_denier = (_OF_DENIER.match(text[cue.end() :]) is not None or cue.group(0).lower().endswith("ing")) and \
            cue.group(0).lower().startswith(("den", "reject", "dismiss"))
        denier = _names(index, _agent_of(text, cue), first=len(_WORD.findall(text[: cue.start()])) > SCOPE_WORDS,
                        sentence=text) - titles if of_denier else set()
        for rank in np.lexsort((-score, -aimed_row))[:MAX_CLAIMS].tolist():
            claim = int(pool[int(earlier_rows[rank])])
            claim_text = index.sentences[claim].text
            if (negated[row] is None and _undoes(claim_text)) or _DENIES.search(claim_text) or \
                    _WISH_CLAIM.search(claim_text):
                continue  # the earlier sentence undoes or denies something itself: a report of the same undoing
            if _CANCELS.search(cue.group(0)) and negated[row] is None and not _PLAN.search(claim_text):
                continue  # a cancellation undoes a plan: "the sale is scheduled", not "flights were full"
            terms = set(index.terms_of(claim).tolist())
            shared = claims[row] & terms
            aimed = {t for t in target if _widen(index, {t}) & terms}
            shared |= {a for t in aimed for a in _widen(index, {t}) & terms}  # the same thing in other words
            if not _widen(index, heads[row]) & terms:
                continue  # the claim must hold what is undone itself: "retracts assurances", not "Lehr testifies"
            if firsts[row] is not None and firsts[row] not in terms:
                continue  # "denied any dispute": the claim must speak of a dispute
            if ruling[row] and not ruling[row] & terms:
                continue  # what is overturned is a ruling, ban or law the claim names: "the law", not "health care"
            aimed_share = float(idf[list(aimed)].sum()) / target_weight if target_weight else 0.0
            if aimed <= names and not target <= names:
                continue  # "Her name was Eman al-Obeidy": the claim names who it is about, not what they did
            if _negates(index, claim_text, aimed):
                continue  # "infected by other people and not by pigs" is no claim that it came from pigs
            if nouns[row] and not _widen(index, nouns[row]) & terms:
                continue  # "retracted his apology": the claim speaks of the apology
            if appeal[row] and not _CONVICTED.search(claim_text):
                continue  # freed on appeal: the claim is the sentence or conviction
            if len(shared) < MIN_SHARED or len(aimed) < min(MIN_TARGET_SHARED, len(target)) or \
                    aimed_share < TARGET_SHARE:
                continue  # the claim must say what the cue is aimed at, not only share the story's words
            if (said_of := negated[row]) is not None and not said_of <= terms and \
                    not ((verb := doers[row]) and verb <= terms and _passive_of(index, claim_text, verb)):
                continue  # "had not been suspended": the claim says it was suspended
            if names_new and (claim_names := _name_stems(claim_text)) and not names_new & claim_names:
                continue  # each names someone or somewhere the other does not: Syria's protesters, not Iran's
            if claimant[row] and not claimant[row] & terms:
                continue  # "Saif al-Islam's claim ... false": the claim is Saif al-Islam's
            if "replac" in cue.group(0).lower() and not _STAYS.search(claim_text):
                continue  # a replacement undoes a claim that the one replaced stays ("no intention of stepping
                # down"), not a sentence about them ("thanked Ms Mohd-Saaid for her services")
            if predicates[row] and not _widen(index, predicates[row]) & terms:
                continue  # "dismissed claims government plans to get 50% of young people into university would
                # devalue degrees": the claim must say what is denied of the plans, not only name plans and people
            if reasons[row] and _coverage(idf, reasons[row], reasons[row] & terms) < REASON_SHARE:
                continue  # "denied that Santini resigned because of a clash of personalities": the claim must give
                # that cause, not only the resignation ("resigned for personal reasons")
            if motives[row] and not _MOTIVE.search(claim_text):
                continue  # "dismissed a suggestion the move was designed to keep council taxes down": the claim must
                # say what the move is for, not only speak of council taxes
            if successor and _DEPARTS.search(claim_text):
                continue  # "odds that Hayward will be forced to leave": the same change foretold, not undone
            if successor & terms:
                continue  # the claim already names the successor: it reports the same change
            if predicate_weight and float(idf[list(aimed - names)].sum()) < \
                    PREDICATE_SHARE * predicate_weight:
                continue  # "denied reports that Gordon Brown is preparing to oust Alan Milburn": the claim must say
                # what the report says of Brown (to oust Milburn), not only name him
            if denier and not denier & terms and _names(index, claim_text, sentence=claim_text) - titles:
                continue  # the claim names someone else than the one who denies it of themselves ("He has broken
                # that cease-fire" may be of the Libyan government)
            if denier and not denier & terms and not _OF_ONE.intersection(w.lower() for w in _WORD.findall(claim_text)):
                continue  # "denied that he was increasing taxes": a claim that names no one is of the denier only
                # through a word for one ("He has broken that cease-fire"), not "They can have no credibility until
                # they can say how they would fund ..." or "The opposition will reject that"
            if undoer and not undoer & terms:
                continue  # "Bill Paul scrapped plans to open a restaurant" is not the protesters' planned rally
            # (a word for the same thing is the thing, not one more word of the subject: "initiatives" for "plans")
            said = {t for t in aimed if ({t} | _spellings(index).get(t, set())) & terms}
            if len(said) < SUBJECT_TERMS and not any(idf[t] >= rare or t in names for t in aimed) and \
                    not (aimed == target and any(idf[t] >= rare and t in names for t in shared)):
                continue  # the same subject: a name or a rare term of what is undone, in the claim
            repeated = _coverage(idf, terms, shared)
            if repeated < CLAIM_REPEATED and len(aimed) >= MIN_TARGET_SHARED and aimed_share >= SPAN_AIMED:
                repeated = _span_coverage(index, claim_text, shared)  # a long claim: the part it speaks of
            if repeated < CLAIM_REPEATED and not (named[row] and aimed_share >= AIMED_ALONE):
                continue  # the claim is about something else that shares a few of its words
            if agent and agent <= terms and _coverage(idf, terms, shared) >= RESTATED:
                continue  # the undoer's own words reported again ("blamed rebels for breaking the ceasefire")
            if same_story is not None and not same_story(index.sentences[claim].article_id,
                                                         index.sentences[sentence].article_id):
                continue
            scored.append((aimed_share + float(score[rank]), sentence, claim, cue.group(0)))
    return _pairs(index, scored, dict(zip([s for s, _ in candidates], targets, strict=True)))


def _pairs(index: CorpusIndex, scored: list[tuple[float, int, int, str]], targets: dict[int, set[int]]
           ) -> list[Reversal]:
    """Keep the best pair of each claim and of each new statement, copies of one text counting as one.

    A new statement that undoes what one already shown undoes ("Mr Galloway has denied allegations that he
    profited from Iraqi oil sales" after "denying any involvement in Iraqi oil trades") is the same reversal told
    again: it is not set beside the next best claim.
    """
    reversals: list[Reversal] = []
    used: set[str] = set()
    undone: list[set[int]] = []
    idf = index.idf
    for _, sentence, earlier, cue in sorted(scored, key=lambda item: -item[0]):
        keys = (_copy_key(index.sentences[sentence].text), _copy_key(index.sentences[earlier].text))
        if used.intersection(keys):
            continue
        target = targets[sentence]
        if any(_coverage(idf, target, target & other) >= SAME_UNDOING for other in undone):
            continue
        undone.append(target)
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
    """Return the terms of a text, with the other spelling of each hyphenated one ("cease-fire", "ceasefire")."""
    found = _plain_terms(index, text)
    spellings = _spellings(index)
    return found.union(*(spellings[t] for t in found if t in spellings)) if spellings else found


def _plain_terms(index: CorpusIndex, text: str) -> set[int]:
    return {index.vocabulary[t] for t in index.normalizer.terms(text) if t in index.vocabulary}


_SPELLINGS: weakref.WeakKeyDictionary[CorpusIndex, dict[int, set[int]]] = weakref.WeakKeyDictionary()


def _spellings(index: CorpusIndex) -> dict[int, set[int]]:
    """Return, for each term written with a hyphen and also without ("deep-water", "deepwater"), the other one.

    An irregular verb's forms are one term too ("broken", "broke", "break"): a denial of breaking a ceasefire
    speaks of the ceasefire the claim says was broken.
    """
    known = _SPELLINGS.get(index)
    if known is None:
        vocabulary = index.vocabulary
        known = {}
        pairs = [(term, term.replace("-", "")) for term in vocabulary if "-" in term]
        for forms in _IRREGULAR:
            stems = [t for t in index.normalizer.terms(forms)]
            pairs += [(stems[0], other) for other in stems[1:]]
        for term, other in pairs:
            if term != other and term in vocabulary and other in vocabulary:
                known.setdefault(vocabulary[term], set()).add(vocabulary[other])
                known.setdefault(vocabulary[other], set()).add(vocabulary[term])
        _SPELLINGS[index] = known
    return known


# The forms of common irregular verbs of news (the stemmer leaves them apart).
_IRREGULAR = ("break broke broken", "take took taken", "give gave given", "shoot shot", "flee fled", "fight fought",
              "hold held", "strike struck", "sell sold", "buy bought", "catch caught", "leave left", "keep kept",
              "see saw seen", "begin began begun", "win won", "lose lost", "speak spoke spoken", "steal stole stolen",
              "write wrote written", "drive drove driven", "fall fell fallen", "send sent", "spend spent",
              "build built", "pay paid", "make made", "meet met", "lead led", "hide hid hidden", "throw threw thrown",
              "blow blew blown", "withdraw withdrew withdrawn", "freeze froze frozen", "rise rose risen",
              "bring brought", "seek sought", "sink sank sunk", "run ran", "come came", "go went gone",
              "know knew known", "tell told", "find found", "think thought", "choose chose chosen")


# A claim that someone stays in a post, which their replacement undoes.
_STAYS = re.compile(r"\b(?:remain\w*|stay\w*|(?:keep\w*|kept|retain\w*) (?:his|her|their|the) (?:job|post|seat|role|"
                    r"place|position|title)s?)\b|"
                    r"\b(?:no|not|never|n[’']t)\b[^.;]{0,40}?\b(?:leav\w*|step\w* down|quit\w*|resign\w*|go)\b",
                    re.IGNORECASE)
# The words by which a claim that names no one speaks of the one a denial is said of ("that he ...").
_OF_ONE = {"he", "she", "him", "his", "her", "it", "its"}
# Denials, as against cancellations and overturnings.
_DENIAL = re.compile(r"den|reject|dismiss", re.IGNORECASE)
_DETERMINERS = (["the"], ["a"], ["an"], ["this"], ["that"], ["these"], ["those"], ["its"], ["his"], ["her"],
                ["their"], ["our"], ["my"], ["your"])
# A time long enough ago that what it dates is the story's history ("last August"; "last week" may be news).
_PAST_TIME = re.compile(r"\blast (?:year|season|summer|winter|spring|autumn|january|february|march|april|may|june|"
                        r"july|august|september|october|november|december)\b", re.IGNORECASE)
# What a denied clause gives as the cause of what it tells ("resigned because of a clash of personalities"): the
# clause ends at "because" (_CLAUSE_END), and what follows it is the cause.
_CAUSE = re.compile(r"\s*because(?: of)?\s+", re.IGNORECASE)
REASON_SHARE = 0.5  # (IDF-weighted) share of a denied cause the claim must hold
# A motive denied ("the move was designed to keep council taxes down") and a claim that gives one.
_MOTIVE_DENIED = re.compile(r"\b(?:is|was|were|are|been|being)\s+(?:\w+ly\s+)?(?:designed|intended|meant|aimed|"
                            r"calculated|timed)\s+(?:to|at)\b", re.IGNORECASE)
_MOTIVE = re.compile(r"\b(?:design\w*|intend\w*|intent\w*|meant|aim\w*|calculat\w*|timed|purpose\w*|"
                     r"in order to|so as to|motiv\w*|ploy|bid to|attempt\w* to)\b", re.IGNORECASE)


# The auxiliaries after which a denied clause says what it says of its subject.
_AUXILIARIES = {"would", "will", "could", "can", "may", "might", "should", "must", "is", "are", "was", "were", "has",
                "have", "had"}
PREDICATE_WORDS = 6  # words of what a denied clause says, after its auxiliary
REPORT_WORDS = 16  # words after a denial in which its clause's auxiliary is sought


def _predicate(index: CorpusIndex, text: str, cue: re.Match[str]) -> set[int]:
    """Return the terms of what a denied report or clause says of its subject, after its auxiliary.

    "dismissed claims government plans to get 50% of young people into university would devalue degrees" ->
    devalue, degrees. Empty for a cue that is no denial of a clause, or a clause with no auxiliary near it.
    """
    if not _DENIAL.match(cue.group(0)) or _passive(text, cue) or \
            not re.search(rf"(?:\bthat|{_CLAIMS})$", cue.group(0), re.IGNORECASE):
        return set()
    after = _SCARE_QUOTES.sub(r"\1", text[cue.end() :])
    words = _WORD.findall(re.split(r"[,;:()\"“”]|\s[-–—]\s", after, maxsplit=1)[0])[:REPORT_WORDS]
    at = next((i for i, word in enumerate(words) if word.lower() in _AUXILIARIES), None)
    if at is None or at == 0:
        return set()
    said = _WORD.findall(_CLAUSE_END.split(" ".join(words[at + 1 :]), maxsplit=1)[0])[:PREDICATE_WORDS]
    return _terms(index, " ".join(w for w in said if not _WHEN.fullmatch(w) and w.lower() not in _AUXILIARIES)) - \
        _terms(index, " ".join(("be", "been", "being", "not", *_SAYING)))


def _reason(index: CorpusIndex, text: str, cue: re.Match[str]) -> set[int]:
    """Return the terms of the cause a denied clause gives for what it tells, if it gives one right after it.

    "denied that coach Jacques Santini resigned because of a clash of personalities" -> clash, personalities.
    """
    if not _DENIAL.match(cue.group(0)) or _passive(text, cue):
        return set()
    after = _LIST_COMMA.sub(" ", _SCARE_QUOTES.sub(r"\1", text[cue.end() :]))
    told = _CLAUSE_END.split(after, maxsplit=1)[0]
    cause = _CAUSE.match(after[len(told) :])
    if not told.strip() or cause is None:
        return set()
    rest = after[len(told) + cause.end() :]
    words = _WORD.findall(_CLAUSE_END.split(rest, maxsplit=1)[0])[:OBJECT_WORDS]
    return _plain_terms(index, " ".join(words)) - _terms(index, " ".join(_SAYING))


_DEPARTS = re.compile(r"\b(?:leav\w*|left|step\w* down|quit\w*|resign\w*|depart\w*|oust\w*|fired|sacked|"
                      r"replac\w*|successor|succeed\w*|exit)\b", re.IGNORECASE)
_WISH_CLAIM = re.compile(r"\b(?:should|must|ought to)\b", re.IGNORECASE)
_CONVICTED = re.compile(r"\b(?:sentenc\w*|convict\w*|verdict|jail(?:ed)?|prison|guilty|ruling|ruled)\b", re.IGNORECASE)
_NEGATION = {"not", "no", "never", "nor", "without"}
# Words that end the noun phrase a cue is aimed at ("lifted travel warnings about Mexico": warnings).
_PHRASE_END = {"of", "on", "in", "to", "for", "about", "from", "with", "at", "by", "over", "against", "into", "after",
               "before", "since", "until", "due", "that", "which", "who", "and", "or", "but", "as", "because", "amid",
               "following", "under", "while", "when", "this", "last", "next", "earlier", "later", "scheduled"}
# The same thing named another way, for the thing a cue undoes (a small list of the commonest in news).
_SAME_THING = ("warning warnings warned advice advised advisory advisories recommendation recommendations",
               "capture captured arrest arrested detention detained custody", "moratorium ban",
               "roadmap plan initiative proposal deal",
               "apology apologies", "ceasefire truce", "estimate estimates figure figures",
               "payment payments payout payouts dividend dividends", "trip visit tour", "sale sales auction")


def _name_stems(text: str) -> set[str]:
    """Return the first four letters of each name a sentence gives (Italy and Italian alike), dates left out."""
    words = _WORD.findall(text)
    if sum(w[:1].isupper() for w in words) > len(words) / 2:
        return set()  # a headline in title case names nothing by its capitals
    return {w[:4].lower() for w in words[1:] if w[:1].isupper() and len(w) >= 4 and not _WHEN.fullmatch(w)}


def _widen(index: CorpusIndex, terms: set[int]) -> set[int]:
    """Return terms with their other spellings and the words that name the same thing."""
    spellings = _spellings(index)
    return terms.union(*(spellings.get(t, set()) | _alike(index, t) for t in terms))


def _alike(index: CorpusIndex, term: int) -> set[int]:
    """Return the terms that name the same thing as a term (_SAME_THING), itself left out."""
    return _groups(index).get(term, set())


_GROUPS: weakref.WeakKeyDictionary[CorpusIndex, dict[int, set[int]]] = weakref.WeakKeyDictionary()


def _groups(index: CorpusIndex) -> dict[int, set[int]]:
    known = _GROUPS.get(index)
    if known is None:
        known = {}
        for group in _SAME_THING:
            terms = {index.vocabulary[t] for t in index.normalizer.terms(group) if t in index.vocabulary}
            for term in terms:
                known.setdefault(term, set()).update(terms - {term})
        _GROUPS[index] = known
    return known


def _negates(index: CorpusIndex, text: str, aimed: set[int]) -> bool:
    """Tell whether a claim negates one of the terms it shares with what is undone ("and not by pigs")."""
    words = _WORD.findall(text)
    for i, word in enumerate(words):
        if _terms(index, word) & aimed and _NEGATION.intersection(w.lower() for w in words[max(i - 3, 0) : i]):
            return True
    return False


_CLAIMANT = re.compile(rf"((?:[\w.-]+\s+){{0,2}}[\w.-]+)(?:'s|’s)\s+(?:\w+\s+)?{_CLAIMS}\b|"
                       rf"\b{_CLAIMS}\s+(?:made\s+)?by\s+((?:[\w.-]+\s*){{1,4}})")


def _claimant(index: CorpusIndex, text: str) -> set[int]:
    """Return the names of whose claim a sentence speaks of ("Saif al-Islam's claim", "claims by Medvedev")."""
    found = _CLAIMANT.search(text)
    if not found:
        return set()
    words = _WORD.findall(found.group(1) or found.group(2) or "")
    return _terms(index, " ".join(w for w in words if any(c.isupper() for c in w)))


def _undone_noun(index: CorpusIndex, text: str, cue: re.Match[str]) -> set[int]:
    """Return the head noun of what an active cancel, withdraw, lift or overturn cue is aimed at, with its synonyms.

    "retracted his apology to BP CEO Tony Hayward" -> apology; "lifted travel warnings about Mexico" -> warnings.
    None for a denial (what it denies is a claim or a clause) or a cue whose object comes before it.
    """
    if cue.group("negated") or not (_OWN.search(cue.group(0)) or _OVERTURN_CUE.search(cue.group(0))) or \
            _passive(text, cue) or re.search(rf"\b{_CLAIMS}\b", cue.group(0), re.IGNORECASE):
        return set()
    words = _WORD.findall(cue.group(0))
    tail = [w for w in words if not _CUE_VERBS.fullmatch(w) and w.lower() not in _STOP_WORDS | _PHRASE_END]
    phrase = [] if tail else _WORD.findall(text[cue.end() :])[:OBJECT_WORDS]
    head = tail[-1:] if tail else []
    for word in phrase:
        if word.lower() in _PHRASE_END or _WHEN.fullmatch(word):
            break
        head = [word]
    if not head or head[0].lower() in _STOP_WORDS or head[0][:1].isupper() or \
            re.fullmatch(_CLAIMS, head[0], re.IGNORECASE):
        return set()
    synonyms = next((group for group in _SAME_THING if head[0].lower() in group.split()), head[0])
    return _terms(index, synonyms)


_WISHED = re.compile(r"\b(?:urg(?:e|ed|es|ing)|call(?:ed|s|ing)? (?:on|for)|demand(?:ed|s|ing)?|ask(?:ed|s|ing)?|"
                     r"should|would|could|might|may|if|whether|unless|wants?|wanted|pressed|pressing|unlikely|"
                     r"not|no)\b", re.IGNORECASE)


def _undoes(text: str) -> bool:
    """Tell whether a sentence reports an undoing itself (not one asked for: "urge you to ... cancel")."""
    for found in (*_UNDOES.finditer(text), *_CUES.finditer(text)):
        # (a wish governs the verbs joined to it: "We urge you to halt your planned dividend payout and cancel")
        if not _WISHED.search(" ".join(_WORD.findall(re.split(r"[.;:]", text[: found.start()])[-1])[-12:])):
            return True
    return False


def _span_coverage(index: CorpusIndex, text: str, shared: set[int]) -> float:
    """Return the (IDF-weighted) share of the part of a claim from its first shared term to its last that they make up.

    The part has at least SPAN_TERMS terms: a long claim whose one clause is what the new statement undoes is held
    to that clause; shared terms spread over the whole claim are held to all of it.
    """
    vocabulary = index.vocabulary
    sequence = [vocabulary[t] for t in index.normalizer.terms(text) if t in vocabulary]
    where = [i for i, t in enumerate(sequence) if t in shared]
    if not where:
        return 0.0
    first, last = where[0], where[-1]
    while last - first + 1 < SPAN_TERMS and (first > 0 or last < len(sequence) - 1):
        first, last = max(first - 1, 0), min(last + 1, len(sequence) - 1)
    span = set(sequence[first : last + 1])
    return _coverage(index.idf, span, shared & span)


def _coverage(idf: npt.NDArray[np.float64], terms: set[int], shared: set[int]) -> float:
    """Return the (IDF-weighted) share of a claim's terms that the new statement repeats."""
    total = float(idf[list(terms)].sum()) if terms else 0.0
    return float(idf[list(shared)].sum()) / total if total else 0.0


def _passive(text: str, cue: re.Match[str]) -> bool:
    """Tell whether the cue is passive ("the sale was cancelled", "claims, denied by BP"): its object precedes it."""
    before = _WORD.findall(text[: cue.start()].lower())[-2:]
    after = _WORD.findall(text[cue.end() :].lower())[:1]
    words = _WORD.findall(cue.group(0).lower())
    # ("denied being leaned on" is active: the denier's gerund, not the cue's passive)
    return bool(_BE.intersection(before)) or bool(_BE.intersection(words[:2]) - {"being"}) or \
        (after == ["by"] and len(words) == 1) or words[-1:] == ["by"]


def _said_before(text: str, cue: re.Match[str]) -> str | None:
    """Return the clause a cue that points back ("said the claims were false") is aimed at: the one before "but".

    "The government said its forces had retaken Bir al-Ghanam but a rebel spokesman said the claims were false".
    """
    if not re.match(rf"{_CLAIMS}\b", cue.group(0), re.IGNORECASE) or \
            _WORD.findall(text[: cue.start()])[-1:] not in (["the"], ["these"], ["those"], ["such"], ["The"]):
        return None
    parts = re.split(r"\bbut\b|;", text[: cue.start()])
    return parts[-2] if len(parts) > 1 else ""


def _object_of(text: str, cue: re.Match[str]) -> str:
    """Return the words the cue is aimed at: after an active cue, around a passive one."""
    said = _said_before(text, cue)
    if said is not None:
        return said
    before = _WORD.findall(text[: cue.start()])[-OBJECT_WORDS:]
    if _passive(text, cue):
        after = _WORD.findall(text[cue.end() :])
        if _WORD.findall(cue.group(0))[-1:] == ["by"] or after[:1] == ["by"]:
            # "a charge denied by the coalition which says ...": what follows is the denier's; "claims, denied by
            # BP, that it lobbied ..." go on to say what is denied
            that = [i for i, w in enumerate(after[:8]) if w.lower() == "that"]
            after = after[that[0] + 1 :] if that else []
        return " ".join([*before, cue.group(0), *after[:OBJECT_WORDS]])
    return " ".join([cue.group(0), *_clause_after(text, cue)])


# A word or two in quotes inside a clause is the writer's, not a quotation that ends it: 'had devolved into a
# "stalemate," insisting ...'
_SCARE_QUOTES = re.compile(r"[\"“]((?:[\w'’-]+[ ,.]?){1,3})[\"”]")

# The commas of a list ("Facebook, Twitter or any other website") do not end the clause.
_LIST_COMMA = re.compile(r"(?<=[\w'’]),(?=\s+[\w'’-]+(?:\s+[\w'’-]+)?,?\s+(?:or|and)\b)")

# A claim a cue names, followed by what it said: what the claim said is what is undone.
_REPORTED = re.compile(rf"[^.;]{{0,120}}?\b(?:{_CLAIMS}|statements?|testimony|assertions?|findings?)\b[^.;]{{0,100}}?,?"
                       r"\s+(?:which|that)\s+(?:has\s+|had\s+)?(?:said|says|claimed|claims|stated|states|found|"
                       r"reported|concluded)\s+(?:that\s+)?(?P<said>.*)", re.IGNORECASE | re.DOTALL)


def _clause_after(text: str, cue: re.Match[str]) -> list[str]:
    """Return the words after a cue up to the end of its clause, at most OBJECT_WORDS.

    "denied it came from pigs in Mexico, and pork producers ..." stops at the comma; the words go past it when
    those before it only report ("denied the claim, saying it had not blocked Facebook").
    """
    after = _LIST_COMMA.sub(" ", _SCARE_QUOTES.sub(r"\1", text[cue.end() :]))
    reported = _REPORTED.match(after)
    if reported:
        after = reported.group("said")  # "contradicts a statement from the government, which has said that ..."
    words = _WORD.findall(_CLAUSE_END.split(after, maxsplit=1)[0])[:OBJECT_WORDS]
    if all(w.lower() in _SAYING or w.lower() in _STOP_WORDS for w in words) and \
            not all(w.lower() in _SAYING or w.lower() in _STOP_WORDS for w in _WORD.findall(cue.group(0))[1:]):
        return words  # the cue holds what it undoes itself ("lifted travel warnings")
    if all(w.lower() in _SAYING or w.lower() in _STOP_WORDS for w in words):
        return _WORD.findall(text[cue.end() :])[:OBJECT_WORDS]
    return words


def _agent_of(text: str, cue: re.Match[str]) -> str:
    """Return who undoes the claim: the words before an active cue (none for a passive one)."""
    return "" if _passive(text, cue) else " ".join(_WORD.findall(text[: cue.start()])[-SCOPE_WORDS:])


_NAME_PART = re.compile(r"-[A-Z]")  # al-Obeidy, al-Islam


def _names(index: CorpusIndex, text: str, first: bool = False, sentence: str | None = None) -> set[int]:
    """Return the terms of the capitalised words of a text (names: Hayward, NOAA); its first word only if `first`.

    A sentence in title case (a headline) names nothing by its capitals.
    """
    whole = _WORD.findall(sentence if sentence is not None else text)
    if sum(w[:1].isupper() for w in whole) > len(whole) / 2:
        return set()
    words = _WORD.findall(text)[0 if first else 1 :]
    return _terms(index, " ".join(w for w in words if w[:1].isupper() or _NAME_PART.search(w)))


def _target(index: CorpusIndex, text: str, cue: re.Match[str]) -> set[int]:
    """Return the terms of what a cue undoes, without the words that say it undoes ("lifted", "denied")."""
    when = {t for w in _WORD.findall(text) if _WHEN.fullmatch(w) for t in _terms(index, w)}
    aimed = _object_of(text, cue)
    own = [w.lower() for w in _clause_after(text, cue) if w.lower() not in _STOP_WORDS | _PHRASE_END]
    if not _passive(text, cue) and len(own) <= 2 and own[:1] and own[0] in _POSSESSIVE:
        # "Saif al-Islam told a crowd ..., confounding reports of his capture": an event named by its noun alone is
        # of the one the sentence names ("having used force against his people" says more than who)
        aimed += " " + " ".join(w for w in _WORD.findall(text[: cue.start()])[1:] if w[:1].isupper())
    return _plain_terms(index, aimed) - _cue_words(index, cue) - _terms(index, " ".join(_SAYING)) - when


_POSSESSIVE = {"his", "her", "their"}
_CLAIM_NOUNS = re.compile(rf"\b{_CLAIMS}\b", re.IGNORECASE)


def _cue_words(index: CorpusIndex, cue: re.Match[str]) -> set[int]:
    """Return the terms of a cue's words that say it undoes, and of the claim it names ("rejected suggestions").

    What the earlier sentence must hold is what was claimed (a lobbying effort by BP), not the word for a claim.
    """
    words = _CUE_VERBS.findall(cue.group(0)) + _CLAIM_NOUNS.findall(cue.group(0))
    return _terms(index, " ".join(words))


def _weights(idf: npt.NDArray[np.float64], rows: list[set[int]]) -> sparse.csr_matrix:
    """Return one row of IDF weights for each set of terms."""
    row_ids = np.repeat(np.arange(len(rows)), [len(r) for r in rows])
    columns = np.asarray([t for r in rows for t in r], dtype=np.int64)
    return sparse.csr_matrix((idf[columns], (row_ids, columns)), shape=(len(rows), idf.size))


def _heads(index: CorpusIndex, text: str, cue: re.Match[str]) -> set[int]:
    """Return the first terms of what a cue undoes: its own object words, then the nearest words on the object side.

    "retracts assurances over success of cleanup" is aimed at assurances and success, not at the name that follows.
    """
    verbs = _cue_words(index, cue) | _terms(index, " ".join(_SAYING))
    verbs |= {t for w in _WORD.findall(text) if _WHEN.fullmatch(w) for t in _terms(index, w)}
    words = _WORD.findall(cue.group(0))
    said = _said_before(text, cue)
    if said is not None:
        return _first_terms(index, _WORD.findall(said), verbs)
    if _passive(text, cue):
        words += list(reversed(_WORD.findall(text[: cue.start()])[-OBJECT_WORDS:]))
        by = _WORD.findall(cue.group(0))[-1:] == ["by"] or _WORD.findall(text[cue.end() :])[:1] == ["by"]
        if by and cue.group(0).lower().startswith("den"):  # "claims, denied by BP, that it lobbied ..."
            return _first_terms(index, words, verbs) | _first_terms(index, _WORD.findall(text[cue.end() :]), verbs)
    else:
        words += _clause_after(text, cue)
    return _first_terms(index, words, verbs)


def _first_terms(index: CorpusIndex, words: list[str], leave_out: set[int]) -> set[int]:
    heads: list[int] = []
    for word in words:
        for term in _terms(index, word):
            if term not in leave_out and term not in heads:
                heads.append(term)
    return set(heads[:HEAD_TERMS])


def _first_head(index: CorpusIndex, text: str, cue: re.Match[str]) -> int | None:
    """Return the noun a denial of "any" or "the" thing names ("denied any dispute"), if the cue ends so."""
    if not re.search(r"\b(?:any|the)$", cue.group(0), re.IGNORECASE):
        return None
    terms = [t for w in _WORD.findall(text[cue.end() :])[:2] for t in _terms(index, w)]
    return terms[0] if terms else None
