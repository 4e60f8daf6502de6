"""The language an article is written in, as an ISO 639-1 code, found offline.

py3langid (a maintained fork of langid.py, Lui and Baldwin 2012) names the language; its model ships inside
the package. It was chosen over lingua and CLD2 by measurement (README, "Languages"): as accurate on real
pages, small, and quick to load. English, most of what Briefbot reads, is recognised first by a cheaper test
(English function words that other languages do not write), so an English corpus never loads the model.
"""

from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "en"
SAMPLE_CHARS = 1_000  # the start of the text: as accurate as the whole text on the real pages measured
# Words common in English and rare in other languages' text (not "is", "to", "for", "on", "was", "an", "as",
# "at", "have", "will", "also": Dutch, Polish, Scandinavian, French, German or Portuguese write them too).
# In the first 600 characters they are at least 6% of the words of 2,224 of the 2,225 BBC articles (median
# 19%), and at most 2.6% in the German, Spanish, French, Polish, Portuguese and Norwegian pages measured.
_ENGLISH_MARKERS = frozenset(
    "the and of that with which from would their were this said it its are has had his they not but who there "
    "than when what about into out could should after more".split()
)
ENGLISH_SHARE = 0.06
# In the first 300 characters, 10% or more: 95% of the BBC articles; the other languages' pages, 2.6% at most.
QUICK_SHARE = 0.10
_QUICK_CHARS = 300
ASCII_ENGLISH_SHARE = 0.02
NAMES_SHARE = 0.5
_TEST_CHARS = 600
_MIN_TEST_WORDS = 20
# Codes that name one written language twice: Norwegian Bokmål and Nynorsk share stemmer and stop words.
_SAME_AS = {"nb": "no", "nn": "no"}
_CODE = re.compile(r"[A-Za-z]{2,3}")


def detect_language(text: str) -> str:
    """Return the language of text as an ISO 639-1 code; English when there is no text to tell by."""
    if reads_as_english(text):
        return DEFAULT_LANGUAGE
    sample = text[:SAMPLE_CHARS]
    if not any(character.isalpha() for character in sample):
        return DEFAULT_LANGUAGE
    import py3langid  # noqa: PLC0415 - the model loads (about 1 s, 75 MiB) only when non-English text appears

    code = str(py3langid.classify(sample)[0])
    return _SAME_AS.get(code, code)


def reads_as_english(text: str) -> bool:
    """Tell, cheaply, whether text is plainly English (the model decides everything else)."""
    quick = text[:_QUICK_CHARS].lower().split()  # most English settles here, at half the cost
    if len(quick) >= _MIN_TEST_WORDS and sum(map(_ENGLISH_MARKERS.__contains__, quick)) >= QUICK_SHARE * len(quick):
        return True
    start = text[:_TEST_CHARS]
    words = start.lower().split()
    if len(words) < _MIN_TEST_WORDS:
        return False
    markers = sum(map(_ENGLISH_MARKERS.__contains__, words))
    if markers >= ENGLISH_SHARE * len(words):
        return True
    # Plain ASCII with a few English words, or a list of names (a team sheet): the languages written in ASCII
    # letters alone (Dutch, Indonesian, Swahili...) use these markers far less, and names have no language.
    if not start.isascii():
        return False
    names = sum(1 for word in start.split() if word[:1].isupper())
    return markers >= ASCII_ENGLISH_SHARE * len(words) or names >= NAMES_SHARE * len(words)


def language_code(value: str) -> str | None:
    """Read a declared language ("de", "pt-BR", "zh_Hans") as an ISO 639-1 code; None when it is not one."""
    primary = re.split(r"[-_]", value.strip(), maxsplit=1)[0]
    if not _CODE.fullmatch(primary):
        return None
    code = primary.lower()
    return _SAME_AS.get(code, code)


def same_language(first: str, second: str) -> bool:
    """Tell whether two articles' languages allow them into one story (translations are kept apart too)."""
    return first == second
