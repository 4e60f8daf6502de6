"""Sentence splitting, word counts and word normalisation, offline, per language.

Sentences are found by Bling Fire, whose model ships inside its wheel: sumy's default tokenizer would
need NLTK's punkt data, which cannot be downloaded on an air-gapped server. Every sentence is returned
as a character span of the text it came from, so what we print is always a verbatim substring. Bling Fire
splits Chinese and Japanese at 。！？ too; Thai, written without sentence punctuation, is split by
pythainlp's CRF model (crfcut), which ships inside its wheel.

Chinese and Japanese are written without spaces: a run of their characters is indexed as overlapping
character bigrams (as Lucene's CJKAnalyzer does; Kwok 1997 found bigrams as good as a word segmenter for
retrieval), and counted as one word per two characters.
"""

from __future__ import annotations

import logging
import os
import re
from functools import cache
from importlib import resources
from types import ModuleType
from typing import Any

log = logging.getLogger(__name__)

# Words are letters, digits and inner apostrophes/hyphens/points ("U.S.", "vice-premier", "295.4").
_WORD = re.compile(r"[^\W_](?:[\w'’.\-]*[^\W_])?")
# Bling Fire sometimes ends a sentence at a title or month abbreviation ("... 2025. Mr. Bessent ..."):
# these always precede a name or a day, so a sentence never ends with one.
_BEFORE_NAME = re.compile(r"(?:^|\s)(?:Mr|Mrs|Ms|Dr|Prof|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Capt|Rev|St|Messrs|"
                          r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$")
_CLOSERS = "\"'”’)]」』）］】〕〗》〉»›"
# Sentence terminals (Unicode's Sentence_Terminal, UAX #29), the common ones: Latin, CJK (full and half
# width), Arabic and Urdu, Devanagari and Bengali (danda), Ethiopic, Myanmar.
_FINAL = (".", "!", "?", "…", "。", "！", "？", "｡", "．", "؟", "۔", "।", "॥", "።", "။", "‼", "⁇", "⁈", "⁉")
# Bling Fire leaves these inside a sentence: split after each (followed by white space) as well.
_UNSPLIT_FINAL = re.compile(r"[।॥።။۔](?=\s)")
# Closing marks Bling Fire sometimes leaves at the start of the next sentence ("努力。\n”然后", "essayer.\n» Puis");
# never an opening mark in any language, unlike straight quotes or “ (German closes with it).
_LEADING_CLOSERS = "”」』）］】〕〗》〉»›"
_GUILLEMET_OPENER = {"»": "«", "›": "‹"}
# German writes day ordinals with a point ("am 3. Mai"), which Bling Fire takes for a full stop.
_ORDINAL_END = re.compile(r"(?:^|\s)\d{1,2}\.$")
_GERMAN_MONTH = re.compile(r"(?:Jan(?:uar)?|Jänner|Feb(?:ruar)?|Feber|März|Mär|Apr(?:il)?|Mai|Jun[i]?|Jul[i]?|"
                           r"Aug(?:ust)?|Sep(?:t(?:ember)?)?|Okt(?:ober)?|Nov(?:ember)?|Dez(?:ember)?)\b")
# Scripts written without spaces between words: Han, kana (and half-width katakana), Thai.
_CJK = "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0002fa1f"
_CJK_OR_HANGUL = _CJK + "\uac00-\ud7af\u1100-\u11ff\u3130-\u318f"
_THAI = "\u0e00-\u0e7f"
_UNSPACED = re.compile(f"[{_CJK}{_THAI}]")
_CJK_RUN = re.compile(f"[{_CJK}]+")
_THAI_RUN = re.compile(f"[{_THAI}]+")
_HAS_WORD = re.compile(r"[^\W_]")
_BIGRAM_SPLIT = re.compile(f"([{_CJK_OR_HANGUL}]+)")
# Letters per word: Chinese and Japanese words average under two characters; Thai words 4.1 code points
# (the word frequencies of the Thai National Corpus, as pythainlp ships them).
CJK_CHARS_PER_WORD = 2
THAI_CHARS_PER_WORD = 4
THAI = "th"
UNSPACED_LANGUAGES = frozenset({"zh", "ja", THAI})


def split_sentences(text: str, language: str = "en") -> list[tuple[int, int]]:
    """Return the (start, end) character spans of the sentences of one paragraph of text."""
    if not text.strip():
        return []
    if language == THAI:
        return _thai_sentences(text)
    import blingfire  # noqa: PLC0415 - a native library, loaded only by the code that splits text

    spans: list[tuple[int, int]] = []
    for start, end in _offsets(blingfire, text):
        if end <= start:
            continue
        if spans and (_BEFORE_NAME.search(text[max(spans[-1][0], spans[-1][1] - 8) : spans[-1][1]])
                      or language == "de" and _german_ordinal_date(text, spans[-1], start)):
            spans[-1] = (spans[-1][0], end)  # "Mr." or "am 3." ended no sentence: rejoin what follows
        elif spans and text[start] in _LEADING_CLOSERS and _closes_previous(text, spans[-1], start):
            closed = start + len(text[start:end]) - len(text[start:end].lstrip(_LEADING_CLOSERS))
            spans[-1] = (spans[-1][0], closed)  # the closing quote belongs to the sentence it closes
            rest = closed + len(text[closed:end]) - len(text[closed:end].lstrip())
            if rest < end:
                spans.append((rest, end))
        else:
            spans.append((start, end))
    if language != "en" and not text.isascii() and _UNSPLIT_FINAL.search(text):
        spans = [piece for span in spans for piece in _split_after(text, span, _UNSPLIT_FINAL)]
    return spans


def _german_ordinal_date(text: str, previous: tuple[int, int], start: int) -> bool:
    """Tell whether Bling Fire's sentence break before `start` follows a day ordinal ("am 3." then "Mai")."""
    ending = text[max(previous[0], previous[1] - 8) : previous[1]]
    return bool(_ORDINAL_END.search(ending)) and bool(_GERMAN_MONTH.match(text, start))


def _closes_previous(text: str, previous: tuple[int, int], start: int) -> bool:
    """Tell whether the sentence at `start` opens with the closing mark of the quote the previous one opened."""
    mark = text[start]
    if text[previous[1] : start].strip():
        return False
    opener = _GUILLEMET_OPENER.get(mark)  # German opens with » and closes with «: only close what was opened
    if opener is None:
        return True
    before = text[previous[0] : previous[1]]
    return before.count(opener) > before.count(mark)


def _split_after(text: str, span: tuple[int, int], marks: re.Pattern[str]) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    start = span[0]
    for match in marks.finditer(text, span[0], span[1]):
        pieces.append((start, match.end()))
        start = match.end() + len(text[match.end():span[1]]) - len(text[match.end():span[1]].lstrip())
    if start < span[1]:
        pieces.append((start, span[1]))
    return pieces


@cache
def _pythainlp_tokenize() -> ModuleType:
    """Return pythainlp's tokenizers, loaded only for Thai text and read-only: its models ship in the wheel.

    Otherwise importing pythainlp creates a `pythainlp-data` folder in the user's home for data it would download.
    """
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
    import pythainlp.tokenize  # noqa: PLC0415

    return pythainlp.tokenize


def _thai_sentences(text: str) -> list[tuple[int, int]]:
    """Split Thai with pythainlp's CRF sentence model (Thai marks sentences with spaces, which also part clauses)."""
    sent_tokenize = _pythainlp_tokenize().sent_tokenize

    spans: list[tuple[int, int]] = []
    cursor = 0
    for sentence in sent_tokenize(text, engine="crfcut"):
        stripped = str(sentence).strip()
        start = text.find(stripped, cursor) if stripped else -1
        if start < 0:
            continue
        spans.append((start, start + len(stripped)))
        cursor = start + len(stripped)
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
    # French sets its closing guillemet off with a space ("soutenir. »").
    return text.rstrip().rstrip(_CLOSERS).rstrip(" \u00a0\u202f").endswith(_FINAL)


def words(text: str) -> list[str]:
    """Return the words of text, as written."""
    return _WORD.findall(text)


def counts_as_sentence(text: str, language: str = "en") -> bool:
    """Tell whether a stripped span is a sentence: it ends like one (Thai needs no mark) and has three words."""
    if language not in UNSPACED_LANGUAGES:
        return ends_like_sentence(text) and len(text.split()) >= 3
    return (ends_like_sentence(text) or language == THAI) and word_count(text) >= 3


def word_count(text: str) -> int:
    """Count the words of text: white-space words, and for Chinese, Japanese and Thai, characters per word."""
    if text.isascii() or _UNSPACED.search(text) is None:
        return len(text.split())
    cjk = sum(len(run) for run in _CJK_RUN.findall(text))
    thai = sum(len(run) for run in _THAI_RUN.findall(text))
    spaced = sum(1 for token in _THAI_RUN.sub(" ", _CJK_RUN.sub(" ", text)).split() if _HAS_WORD.search(token))
    return spaced + -(-cjk // CJK_CHARS_PER_WORD) + -(-thai // THAI_CHARS_PER_WORD)


def first_words(text: str, count: int) -> str:
    """Return the verbatim start of text that holds `count` words, as word_count counts them."""
    if count <= 0:
        return ""
    if word_count(text) <= count:
        return text
    if text.isascii() or _UNSPACED.search(text) is None:
        match = re.match(r"\s*(?:\S+\s+){%d}\S+" % (count - 1), text)  # noqa: UP031 - a regex quantifier
        return match.group(0).strip() if match else text
    low, high = 1, len(text)  # the shortest prefix that holds `count` words
    while low < high:
        middle = (low + high) // 2
        if word_count(text[:middle]) >= count:
            high = middle
        else:
            low = middle + 1
    return text[:low].strip()


# ISO 639-1 code -> sumy's stop-word list and Snowball's stemmer (either may be missing for a language).
_SUMY_STOP_WORDS = {
    "ar": "arabic", "cs": "czech", "de": "german", "el": "greek", "en": "english", "es": "spanish", "fr": "french",
    "he": "hebrew", "it": "italian", "ja": "japanese", "ko": "korean", "pl": "polish", "pt": "portuguese",
    "sk": "slovak", "sv": "swedish", "th": "thai", "uk": "ukrainian", "zh": "chinese",
}
_SNOWBALL = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "cs": "czech", "da": "danish", "nl": "dutch",
    "en": "english", "eo": "esperanto", "et": "estonian", "fi": "finnish", "fr": "french", "de": "german",
    "el": "greek", "hi": "hindi", "hu": "hungarian", "id": "indonesian", "ga": "irish", "it": "italian",
    "lt": "lithuanian", "ne": "nepali", "no": "norwegian", "nb": "norwegian", "nn": "norwegian", "fa": "persian",
    "pl": "polish", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian", "st": "sesotho",
    "es": "spanish", "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}
_STOP_WORDS_CODE = {"no": "nb"}  # python-stop-words files Norwegian under Bokmål's code
# Elided articles and pronouns joined by an apostrophe ("l'économie", "dell'Italia"): the word is what follows,
# as Lucene's ElisionFilter has it for French, Italian and Catalan.
_ELISIONS = {
    "fr": frozenset("l m t qu n s j d c jusqu quoiqu lorsqu puisqu".split()),
    "it": frozenset("c l all dall dell nell sull coll pell gl agl dagl degl negl sugl un m t s v d".split()),
    "ca": frozenset("d l m n s t".split()),
}


@cache
def stop_words(language: str = "en") -> frozenset[str]:
    """Return a language's stop words: sumy's list, and for other languages than English, python-stop-words' too.

    sumy's lists are short and miss common words ("de" and "que" in Spanish); English keeps sumy's alone, whose
    list leaves content words alone (python-stop-words' English list holds "billion", "computer", "year").
    """
    words: set[str] = set()
    name = _SUMY_STOP_WORDS.get(language)
    if name is not None:
        listing = resources.files("sumy").joinpath(f"data/stopwords/{name}.txt").read_text(encoding="utf-8")
        words.update(word.strip().lower() for word in listing.splitlines() if word.strip())
    if language != "en":
        import stop_words as python_stop_words  # noqa: PLC0415 - only for articles in other languages

        try:
            words.update(word.lower() for word in python_stop_words.get_stop_words(_STOP_WORDS_CODE.get(language,
                                                                                                          language)))
        except python_stop_words.StopWordError:
            pass  # no list for this language: its words are all kept
    return frozenset(words)


class Normalizer:
    """Map words to stemmed, lower-case terms, skipping stop words; remembers each word it has seen."""

    def __init__(self, language: str = "en") -> None:
        import snowballstemmer  # noqa: PLC0415

        self.language = language
        algorithm = _SNOWBALL.get(language)
        self._stemmer: Any = snowballstemmer.stemmer(algorithm) if algorithm else None
        self._stop = stop_words(language)
        self._elisions = _ELISIONS.get(language, frozenset())
        self._memo: dict[str, str] = {}

    def term(self, word: str) -> str:
        """Return the term for one word, or '' when it carries no meaning of its own."""
        known = self._memo.get(word)
        if known is not None:
            return known
        lowered = word.lower().replace("’", "'")
        if lowered.endswith("'s"):
            lowered = lowered[:-2]
        if self._elisions and "'" in lowered and lowered.split("'", 1)[0] in self._elisions:
            lowered = lowered.split("'", 1)[1]
        lowered = lowered.replace(".", "") if not _is_number(lowered) else lowered
        if lowered in self._stop or len(lowered) < 2 and not lowered.isdigit():
            result = ""
        elif self._stemmer is None:
            result = lowered
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


class BigramNormalizer(Normalizer):
    """Chinese, Japanese and Korean: runs of their characters become overlapping character bigrams."""

    def __init__(self, language: str) -> None:
        super().__init__(language)
        self._runs: dict[str, tuple[str, ...]] = {}

    def terms(self, text: str) -> list[str]:
        """Return the bigrams of each CJK run, and the terms of any other words, in order."""
        found: list[str] = []
        for word in _WORD.findall(text):
            terms = self._runs.get(word)
            if terms is None:
                terms = self._runs[word] = tuple(self._word_terms(word))
            found.extend(terms)
        return found

    def _word_terms(self, word: str) -> list[str]:
        terms: list[str] = []
        for number, part in enumerate(_BIGRAM_SPLIT.split(word)):
            if not part:
                continue
            if number % 2 == 0:  # not CJK: a number or a Latin name inside the run
                term = self.term(part)
                if term:
                    terms.append(term)
            elif len(part) == 1:
                terms.append(part)
            else:
                terms.extend(part[i : i + 2] for i in range(len(part) - 1))
        return terms


class ThaiNormalizer(Normalizer):
    """Thai: words from pythainlp's dictionary segmenter (newmm), without sumy's Thai stop words."""

    def terms(self, text: str) -> list[str]:
        """Return the meaningful terms of text in order."""
        if _THAI_RUN.search(text) is None:
            return super().terms(text)
        found: list[str] = []
        for token in _pythainlp_tokenize().word_tokenize(text, engine="newmm", keep_whitespace=False):
            for word in _WORD.findall(token):
                term = self.term(word)
                if term:
                    found.append(term)
        return found


def normalizer_for(language: str) -> Normalizer:
    """Return a new normalizer for an ISO 639-1 language code."""
    if language in ("zh", "ja", "ko"):
        return BigramNormalizer(language)
    if language == THAI:
        return ThaiNormalizer(language)
    return Normalizer(language)


def _is_number(word: str) -> bool:
    return any(ch.isdigit() for ch in word)

