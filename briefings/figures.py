"""Figures that moved: the same measure, reported with one value before and another since.

A figure is a number with its unit (per cent, money, a count with a scale), what it measures (the nearest
measurable noun: tariffs, deficit, growth) and who it belongs to (the first country or institution named in
its clause). Two figures are compared only when all three agree, so a $295.4 billion deficit is never set
against a 145 per cent tariff, and a tariff imposed by Washington never against one imposed by Beijing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from briefings.corpus import Article, Sentence

_PERCENT = r"(?P<pct>\d+(?:\.\d+)?)\s?(?:%|per\s?cent\b|percent\b|percentage points?\b)"
_MONEY = (r"(?P<cur>US\$|\$|£|€|¥)\s?(?P<amount>\d+(?:[.,]\d+)*)\s?"
          r"(?P<scale>bn\b|billion\b|m\b|million\b|trillion\b|tn\b)?")
_COUNT = r"(?P<count>\d+(?:\.\d+)?)\s(?P<count_scale>million|billion|trillion)\b"
_FIGURE = re.compile(rf"(?P<qualifier>(?:up to|as much as|at least|more than|nearly|about|around) )?"
                     rf"(?:{_PERCENT}|{_MONEY}|{_COUNT})")
_CLAUSE_BREAK = re.compile(r";|—|–| - |:|, while |, but ")
_AND = re.compile(r",? and ")
_WORD = re.compile(r"[A-Za-z][\w.'’-]*")

# What a figure can measure, and the name it is reported under. Synonyms are the ones newswire uses.
MEASURES: dict[str, str] = {
    **dict.fromkeys(["tariff", "tariffs", "duty", "duties", "levy", "levies", "customs"], "tariffs"),
    **dict.fromkeys(["deficit", "deficits"], "deficit"),
    **dict.fromkeys(["surplus", "surpluses"], "surplus"),
    **dict.fromkeys(["growth", "grew", "expanded", "gdp", "economy"], "growth"),
    **dict.fromkeys(["inflation"], "inflation"),
    **dict.fromkeys(["unemployment", "jobless"], "unemployment"),
    **dict.fromkeys(["rate", "rates"], "rate"),
    **dict.fromkeys(["profit", "profits", "earnings"], "profit"),
    **dict.fromkeys(["sales", "revenue", "revenues", "turnover"], "sales"),
    **dict.fromkeys(["price", "prices"], "price"),
    **dict.fromkeys(["stake", "shares", "share"], "shares"),
    **dict.fromkeys(["exports"], "exports"),
    **dict.fromkeys(["imports"], "imports"),
    **dict.fromkeys(["tax", "taxes"], "tax"),
    **dict.fromkeys(["debt"], "debt"),
    **dict.fromkeys(["budget", "spending"], "spending"),
}
# Who a figure belongs to: capitals and demonyms stand for their country.
ACTORS: dict[str, str] = {
    **dict.fromkeys(["US", "U.S.", "USA", "America", "American", "Americans", "Washington"], "US"),
    **dict.fromkeys(["China", "Chinese", "Beijing", "PRC"], "China"),
    **dict.fromkeys(["UK", "U.K.", "Britain", "British", "London"], "UK"),
    **dict.fromkeys(["EU", "Brussels", "European"], "EU"),
    **dict.fromkeys(["Japan", "Japanese", "Tokyo"], "Japan"),
    **dict.fromkeys(["Canada", "Canadian", "Ottawa"], "Canada"),
    **dict.fromkeys(["Mexico", "Mexican"], "Mexico"),
    **dict.fromkeys(["India", "Indian", "Delhi"], "India"),
    **dict.fromkeys(["Russia", "Russian", "Moscow"], "Russia"),
    **dict.fromkeys(["Germany", "German", "Berlin"], "Germany"),
    **dict.fromkeys(["France", "French", "Paris"], "France"),
}
_DIGIT = re.compile(r"\d")
_WINDOW = 6  # how many words from the number its measure may stand


@dataclass(frozen=True, slots=True)
class Figure:
    """A number in a sentence, with what it measures and whose it is."""

    measure: str
    actor: str
    unit: str
    value: float
    display: str  # "10%", "up to 15%", "$295.4bn"
    sentence: Sentence

    @property
    def key(self) -> tuple[str, str, str]:
        """Return what makes two figures comparable: actor, measure and unit."""
        return (self.actor, self.measure, self.unit)


@dataclass(frozen=True, slots=True)
class FigureChange:
    """A measure whose value moved between the known articles and the new ones."""

    subject: str  # "US tariffs"
    before: str
    after: str
    before_sentence: Sentence
    after_sentence: Sentence
    before_also_in: tuple[str, ...] = ()  # other known articles that give the same old value

    @property
    def before_article_id(self) -> str:
        """Name the article that gives the old value."""
        return self.before_sentence.article_id

    @property
    def after_article_id(self) -> str:
        """Name the article that gives the new value."""
        return self.after_sentence.article_id


def extract_figures(sentence: Sentence) -> list[Figure]:
    """Return the figures of a sentence whose measure and owner can be told; the others are left out."""
    figures = []
    previous: re.Match[str] | None = None
    previous_measure: str | None = None
    for match in _FIGURE.finditer(sentence.text):
        clause_start, clause_end = _clause_around(sentence.text, match.start(), match.end())
        # "tariffs of 145 per cent and Beijing responded with 125 per cent": an "and" after a figure starts
        # a new clause, whose figure measures the same thing unless it names its own measure.
        coordinated = None
        if previous is not None and previous.end() >= clause_start:
            coordinated = next(iter(reversed(list(_AND.finditer(sentence.text, previous.end(), match.start())))), None)
        if coordinated is not None:
            clause_start = coordinated.end()
        before = sentence.text[clause_start : match.start()]
        after = sentence.text[match.end() : clause_end]
        measure = _measure(before, after) or (previous_measure if coordinated is not None else None)
        actor = _actor(before)
        previous, previous_measure = match, measure
        if measure is None or actor is None:
            continue
        unit, value, display = _unit_and_value(match)
        figures.append(Figure(measure, actor, unit, value, display, sentence))
    return figures


@lru_cache(maxsize=65_536)
def article_figures(article: Article) -> tuple[Figure, ...]:
    """Return every figure of an article (remembered: a month of articles is compared again each day)."""
    return tuple(figure for sentence in article.sentences if _DIGIT.search(sentence.text)
                 for figure in extract_figures(sentence))


def changed_figures(known: Iterable[Article], new: Iterable[Article]) -> list[FigureChange]:
    """Compare the figures of the known articles with those of the new ones; return the measures that moved."""
    old_figures = [figure for article in known for figure in article_figures(article)]
    new_articles = sorted(new, key=lambda article: (article.published or datetime.min.replace(tzinfo=UTC), article.id))
    latest: dict[tuple[str, str, str], Figure] = {}
    for article in new_articles:
        for figure in article_figures(article):
            latest[figure.key] = figure  # the newest report of each measure wins
    changes = []
    for key, after in latest.items():
        previous = [figure for figure in old_figures if figure.key == key]
        if not previous:
            continue
        # The value most sources gave (a campaign threat once mentioned does not outvote the tariff in force).
        support = Counter(figure.value for figure in {(f.value, f.sentence.article_id): f for f in previous}.values())
        value = max(support, key=lambda v: (support[v], _last_seen(previous, v)))
        if value == after.value:
            continue
        carriers = [figure for figure in previous if figure.value == value]
        before = carriers[0]
        others = tuple(dict.fromkeys(f.sentence.article_id for f in carriers[1:] if f.sentence.article_id
                                     != before.sentence.article_id))
        changes.append(FigureChange(f"{key[0]} {key[1]}", before.display, after.display, before.sentence,
                                    after.sentence, others))
    return changes


def _clause_around(text: str, start: int, end: int) -> tuple[int, int]:
    clause_start = 0
    for brk in _CLAUSE_BREAK.finditer(text, 0, start):
        clause_start = brk.end()
    following = _CLAUSE_BREAK.search(text, end)
    return clause_start, following.start() if following else len(text)


def _measure(before: str, after: str) -> str | None:
    """Return the nearest measurable noun within a few words of the number, if any."""
    left = [word.lower().rstrip(".") for word in _WORD.findall(before)][-_WINDOW:]
    right = [word.lower().rstrip(".") for word in _WORD.findall(after)][:_WINDOW]
    candidates = [(len(left) - i, MEASURES[w]) for i, w in enumerate(left) if w in MEASURES]
    candidates += [(i + 1, MEASURES[w]) for i, w in enumerate(right) if w in MEASURES]
    return min(candidates)[1] if candidates else None


def _actor(before: str) -> str | None:
    """Return the first country or institution named in the clause before the number."""
    for word in _WORD.findall(before):
        actor = ACTORS.get(word) or ACTORS.get(word.rstrip(".’'s"))
        if actor is not None:
            return actor
    return None


def _unit_and_value(match: re.Match[str]) -> tuple[str, float, str]:
    qualifier = match["qualifier"] or ""
    if match["pct"] is not None:
        value = float(match["pct"])
        return "%", value, f"{qualifier}{_number(value)}%"
    if match["amount"] is not None:
        scale = {"bn": "bn", "billion": "bn", "m": "m", "million": "m", "trillion": "tn", "tn": "tn"}.get(
            (match["scale"] or "").lower(), "")
        currency = "$" if match["cur"] == "US$" else match["cur"]
        value = float(match["amount"].replace(",", ""))
        return f"{currency}{scale}", value, f"{qualifier}{currency}{_number(value)}{scale}"
    scale = match["count_scale"]
    value = float(match["count"])
    return scale, value, f"{qualifier}{_number(value)} {scale}"


def _number(value: float) -> str:
    return f"{value:g}"


def _last_seen(figures: list[Figure], value: float) -> int:
    return max(index for index, figure in enumerate(figures) if figure.value == value)
