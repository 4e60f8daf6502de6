"""How much a candidate sentence reads as news prose rather than page text that slipped through as a sentence.

Web news keeps things that split like sentences but are not the story: line-ups and tables ("J Robinson (capt);
M Cueto, J Noon..."), bylines and credits, programme and page promotions ("join Adrian and Christine in the
studio"), and captions or headlines run into the sentence that follows them ("U2 and Jay-Z record song for Haiti
U2 and Jay-Z duetted..."). Summaries never drop a sentence for its form (citations stay verbatim and a short
text may have nothing better); they rank such sentences below news by a weight in (0, 1].

Each test is a property of form, in any story: how many of the words are lowercase (prose is mostly lowercase
words; names, line-ups and title-case headlines are not), digits and list separators, headlines stamped with
their age ("- 3 hrs ago"), a phrase said twice in one sentence, a clause that starts with a capital mid-sentence
where no punctuation ends the previous one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Container, Sequence
from functools import lru_cache
from itertools import islice

PROSE = 1.0
RUN_IN = 0.5  # a caption or headline run into a sentence, or a teaser question: often the news itself, badly read
PROMOTION = 0.2  # a programme or page promotion, a byline or a credit
LIST = 0.1  # a line-up, a table or a list of names: no news sentence at all
MIN_WORDS_FOR_SHARES = 6  # shorter texts are judged by their words, not by shares of them
HEADLINE_WORDS = 12  # a run-in headline or caption is this long at most

_TOKEN = re.compile(r"\S+")
_PUNCTUATION = ".,;:!?\"'“”‘’()[]"
_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d[\d.,:%]*")
_SEPARATORS = re.compile(r"[;|•·*\t]|\s[-–—]\s")
_SLUG = re.compile(r"^\s*(?:UPDATE|WRAPUP|FACTBOX|TIMELINE|SNAP|FLASH|RPT|CORRECTED)\b[ \d-]*")  # wire slugs
_BYLINE = re.compile(r"^\s*(?:by|reporting by|written by|edited by|additional reporting by|compiled by)\s+[A-Z]"
                     r"|\b(?:contributed to this report|all rights reserved|copyright\s+(?:©\s*)?\d{4}|"
                     r"image caption|media playback|photo(?:graph)?\s*:|picture\s*:|video\s*:)", re.IGNORECASE)
_PROMOTION = re.compile(
    r"\b(?:in the studio|tune in|catch up|on iplayer|iplayer|podcast|click (?:here|on)|follow us|on twitter|"
    r"on facebook|sign up|subscribe|share this|e-?mail (?:this|a friend)|watch (?:live|now|the video|online)|"
    r"listen (?:live|now|again|online)|live coverage|send us your|your (?:comments|views|pictures)|"
    r"have your say|calls? (?:cost|charged|from)|charged at|premium rate|terms and conditions|"
    r"is on (?:bbc|itv|channel|radio|sky)|will be (?:shown|broadcast) on|presented by|you can (?:also )?donate|"
    r"make a donation|donate (?:via|to|online|at|by|now)|by telephoning|payable to|text \w+ to \d+)\b",
    re.IGNORECASE,
)
# Literal pieces of the two patterns above: a text with none of them is neither, and most texts have none (a
# substring test is far cheaper than the patterns' alternations).
_CUES = ("by ", "contributed", "rights reserved", "copyright", "caption", "playback", "photo", "picture", "video",
         "studio", "tune in", "catch up", "iplayer", "podcast", "click", "follow us", "twitter", "facebook",
         "sign up", "subscribe", "share this", "mail", "watch", "listen", "live coverage", "send us", "your ",
         "have your say", "call", "charged", "premium rate", "terms and", "is on ", "will be ", "presented by",
         "donat", "payable", "telephoning", "text ")
# "... troop surge as rescue teams pull back - 3 hrs ago The Scotsman Haiti: Survivor freed ... - 11 hrs ago": a
# list of linked headlines, each stamped with its age, run together as one sentence.
_AGO = re.compile(r"\b\d+\s+(?:secs?|seconds?|mins?|minutes?|hrs?|hours?|days?|weeks?)\s+ago\b", re.IGNORECASE)
_TEASER = re.compile(r"^[^\"“”'‘’]*\?\s*$")  # a question outside any quotation: a teaser or a headline
# "the web Minutes after", "to survive Doctors treating", "orphaned Haitians A Cambridge-based charity": a clause
# that starts with a capital where no punctuation ended the one before.
_LOWER_RUN = re.compile(r"\b([a-z][a-z'’-]{2,}) ([A-Z][a-z'’-]+)(?= [a-z])|\b([A-Za-z][a-z'’-]{2,}) (An?)(?= \w)")
# Words after which a capitalised word is a name or a title, not a new clause.
_NAMING = frozenset(
    "the a an of in on at to for from by with and or as said says told say near into about than like against "
    "over after before during under via per between among president minister secretary governor senator mayor "
    "chairman chief director spokesman spokeswoman spokesperson general judge king queen prince princess pope "
    "ambassador commander captain sir lord lady dr mr mrs ms professor rev saint st called named".split()
)


def prose_weights(texts: Sequence[str]) -> list[float]:
    """Weigh each text: 1.0 for news prose, less for line-ups, promotions, bylines and run-in captions.

    The texts are read together: a capitalised word mid-sentence starts a run-in clause when the same word is
    written in lowercase elsewhere in them ("the web Minutes after the earthquake", where "minutes" is a word).
    """
    tokens = [_WORD.findall(text) for text in texts]
    lowercase = {word for words in tokens for word in words if word[:1].islower()}
    return [_weight(text, words, lowercase) for text, words in zip(texts, tokens, strict=True)]


def prose_weight(text: str, lowercase: set[str] | frozenset[str] = frozenset()) -> float:
    """Weigh one text (see `prose_weights`); `lowercase` holds words seen in lowercase nearby."""
    return _weight(text, _WORD.findall(text), lowercase)


def _weight(text: str, words: list[str], lowercase: set[str] | frozenset[str]) -> float:
    if not words:
        return LIST
    if len(words) >= MIN_WORDS_FOR_SHARES:
        alphabetic = [word for word in words if not word[0].isdigit()]
        lower = sum(word[:1].islower() for word in alphabetic)
        digits = len(words) - len(alphabetic)
        separators = len(_SEPARATORS.findall(text)) + text.count(",")
        if lower < 0.3 * len(words) or digits > 0.4 * len(words) or separators > 0.3 * len(words):
            return LIST
    if " ago" in text and len(_AGO.findall(text)) >= 2:
        return LIST
    folded = text.lower()
    if (any(cue in folded for cue in _CUES) and (_BYLINE.search(text) or _PROMOTION.search(text))) or \
            _SLUG.match(text):
        return PROMOTION
    # Each run-in (a caption, then a headline, then the story) weighs again: the more pieces, the less it reads.
    run_ins = (_repeats_a_phrase(words) + _clauses_started_mid_sentence(text, lowercase) + text[:1].islower()
               + bool(_TEASER.search(text)))
    return float(RUN_IN**run_ins)


def _repeats_a_phrase(words: Sequence[str]) -> bool:
    """Tell whether two of the opening words come again: a headline or caption said again by what it leads."""
    folded = [word.lower() for word in words]
    pairs = Counter(zip(folded, folded[1:], strict=False))
    opening = zip(folded[:HEADLINE_WORDS], folded[1:HEADLINE_WORDS], strict=False)
    return any(pairs[pair] > 1 and (len(pair[0]) > 3 or len(pair[1]) > 3) for pair in opening)


def lowercase_words(text: str) -> set[str]:
    """Return the words a text writes in lowercase (what `run_in_starts` checks a capitalised word against)."""
    return {word.strip(_PUNCTUATION) for word in text.split() if word[:1].islower()}


class WrittenLowercase:
    """The words a text writes in lowercase, as `lowercase_words` gives them, each looked up only when asked.

    `run_in_starts` asks about the few capitalised words that may start a clause; making the set of every word of
    every article read (a set comprehension over the whole body) cost more than the rest of its checks.
    """

    __slots__ = ("_text", "_known")

    def __init__(self, text: str) -> None:
        self._text = text
        self._known: dict[object, bool] = {}

    def __contains__(self, word: object) -> bool:
        known = self._known.get(word)
        if known is None:
            known = self._known[word] = isinstance(word, str) and self._written(word)
        return known

    def _written(self, word: str) -> bool:
        """Tell whether a white-space token of the text is `word` with only punctuation after it."""
        if not word or not word[:1].islower() or word.strip(_PUNCTUATION) != word:
            return False  # never a token's word: a token starting lowercase keeps its first character
        text, size = self._text, len(word)
        found = text.find(word)
        while found >= 0:
            if found == 0 or text[found - 1].isspace():
                end = found + size
                while end < len(text) and not text[end].isspace() and text[end] in _PUNCTUATION:
                    end += 1
                if end == len(text) or text[end].isspace():
                    return True
            found = text.find(word, found + 1)
        return False


def fixed_run_in_starts(text: str) -> list[int] | None:
    """Return `run_in_starts(text, ...)` when it does not depend on the words around, else None.

    Most sentences may start a clause only at "A" or "An", or where their opening words come again, whatever the
    article writes elsewhere: such a sentence's pieces can be remembered with its paragraph.
    """
    candidates, restart = _run_in_candidates(text)
    if any(capital is not None for _, capital in candidates):
        return None
    starts = [start for start, _ in candidates]
    if restart is not None:
        starts.append(restart)
    return sorted(set(starts)) if starts else starts


def run_in_starts(text: str, lowercase: Container[str]) -> list[int]:
    """Return where a new clause starts inside a text that splits as one sentence (English).

    Pages run a caption or a headline into the sentence after it with no full stop ("Rescuers applaud as the
    children are pulled alive from the ruins A strong aftershock has rocked Haiti"); the offsets are where each
    piece begins, so that the story's own sentence can be quoted on its own, verbatim.
    """
    candidates, restart = _run_in_candidates(text)
    starts = [start for start, capital in candidates if capital is None or capital in lowercase]
    if restart is not None:
        starts.append(restart)
    return sorted(set(starts)) if starts else starts


@lru_cache(maxsize=1 << 15)
def _run_in_candidates(text: str) -> tuple[tuple[tuple[int, str | None], ...], int | None]:
    """Return what of `run_in_starts` does not depend on the words around: remembered, as wire copies repeat.

    The clauses a capital may start (where, and the capital in lowercase, or None for "A" and "An", which always
    start one), and where a headline's opening words are said again, if they are.
    """
    candidates = []
    for match in _LOWER_RUN.finditer(text):
        before, capital = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        if before.lower() not in _NAMING:
            candidates.append((match.start(2) if match.group(1) else match.start(4),
                               None if capital in ("A", "An") else capital.lower()))
    # A headline's opening words, said again by the sentence it leads: plain string searches (this runs on every
    # sentence an English article loads).
    folded = text.lower()
    opening = list(islice(_TOKEN.finditer(folded), HEADLINE_WORDS))
    for first, second in zip(opening, opening[1:], strict=False):
        if len(first.group()) > 3 or len(second.group()) > 3:
            pair = folded[first.start() : second.end()]
            again = folded.find(pair, second.end())
            if again > 0 and folded[again - 1] == " " and text[again].isupper():  # a restart, not a repetition
                return tuple(candidates), again
    return tuple(candidates), None


def _is_run_in(match: re.Match[str], lowercase: set[str] | frozenset[str]) -> bool:
    before, capital = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    return before.lower() not in _NAMING and (capital in ("A", "An") or capital.lower() in lowercase)


def _clauses_started_mid_sentence(text: str, lowercase: set[str] | frozenset[str]) -> int:
    """Count the capitalised common words that follow a word with no punctuation between them."""
    return sum(_is_run_in(match, lowercase) for match in _LOWER_RUN.finditer(text))
