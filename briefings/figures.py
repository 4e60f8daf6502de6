"""Figures that moved: the same measure of the same thing, given one value before and another since.

A figure is a value as the sentence writes it (a number, a range such as "between 100,000 and 200,000", with its
approximation kept: "more than 13,000"), its unit (per cent, a currency, barrels a day, or a plain count; its scale
is not part of it: "1.5 million" counts what "300,000" counted), the measure it counts (the noun phrase after the
number, "troops", "cases", "bodies"; for "people" and the like, what the verb frame says happened to them: "dead",
"homeless", "infected"; confirmed deaths apart from the estimated toll) and the subject it belongs to (a place or
country named with it: "in Mexico", "Canada has", "US troops"; a part or a list shares the subject of the figure
before it; a figure naming none is taken for the place the coverage gives that measure for, when one place
dominates). Two figures are compared only when measure, unit and subject all agree and their articles tell the same
story, so a death toll is never set against a count of bodies buried, a GDP growth rate against a trade surplus, or
a count in Canada against one in Mexico. Precision comes first: a figure whose measure cannot be told is left out,
and so is a pair whose values are too far apart to be one count, or a fall that nothing in its sentence explains.

What a figure is of is told by its qualifiers too, and two figures are compared only when they agree: the part of
a place ("the eastern part of Germany" is not Germany, "England and Wales" neither England nor Wales), the kind of
a rate or sum ("jobless rate", "core inflation", "trade deficit"; a bare "rate" takes the kind its sentence named
before it, or is left out), the thing a price is of ("$50.88 a barrel") and the time the value covers (a quarter,
a month, a year, "the year to"; for a flow, a named month or year: "$19.6bn in November" is a month's deficit).
A change ("closed up $1.26 at $50.88", "a 40% drop") is not a level, and a capital a figure is given in ("In
London") is the city, not the country it stands for when it acts. Two counts "worldwide" are of one event only
when their sentences share a name ("WHO"): the world is every story's place.

quantulum3 (0.10) was tried for the number parsing and not kept: 24 ms a sentence on 268 Timeline17 sentences
with digits (a day of a long story holds thousands), "between 20 and 40 billion dollars" comes out as
20,000,000,010 dollars, and a range ("between 100,000 and 200,000") as its midpoint, not as written. Tried again
(0.10.0, December 2026: it installs from the registry with its unit data and downloads nothing at run time): 42 ms a
sentence on the 84 sentences of bench/gold/figures.jsonl (1.7 s for the first), "More than 13,000" read as 13,000,
"a dozen" not read, "12,000-19 ,000 barrels a day" as "000 barrels"; it reads number words ("Three", "five", "Two
thousand"), but none of the gold's figures is written so.

A place the coverage gives a measure for is one at least RIVAL_ARTICLES articles name for it, or most of those
that name any: a town named once ("In Leogane, between 5,000 and 10,000 people were killed") does not stop
Haiti's toll from being the coverage's. A count of the places a thing reached ("has spread to 13 countries", "cases
in 21 states") is a measure of its own, and a count of countries is the world's.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from briefings.corpus import Article, Sentence
from briefings.sentence_runs import sentence_texts

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:\s?(?:million|billion|trillion|bn|m|tn)\b)"
# Approximations are kept as the sentence writes them: "more than 13,000" is not 13,000.
_QUALIFIER = (r"(?:more than|less than|fewer than|at least|up to|as many as|as much as|as high as|nearly|almost|"
              r"about|around|approximately|roughly|some|over|under|above|below|close to|just over|just under|"
              r"an estimated|estimated|anywhere between|between)")
_CURRENCY = r"(?:US\$|\$|£|€|¥)"
_VALUE = re.compile(
    rf"(?<![\w.,$£€¥-])(?:(?P<qualifier>{_QUALIFIER})\s+)?(?P<currency>{_CURRENCY})?\s?"
    rf"(?P<low>{_NUM})(?P<low_scale>{_SCALE})?"
    rf"(?:\s?(?P<joint>-|–|\bto\b|\band\b)\s?{_CURRENCY}?\s?(?P<high>{_NUM})(?P<high_scale>{_SCALE})?)?"
    rf"(?![\w-]|\.\d|,\d)",
    re.IGNORECASE,
)
_PER_THING = re.compile(r"\s*(?:a|an|per)\s+(?P<thing>barrel|gallon|litre|liter|tonne|ton|ounce|share|kilo|kilogram|"
                        r"pound|unit|head|person|hour|kilowatt-hour|kwh|megawatt-hour|mwh|therm|bushel)\b",
                        re.IGNORECASE)
_PERCENT = re.compile(r"\s?(?:%|per\s?cent\b|percent\b)", re.IGNORECASE)
_RATE_UNITS = re.compile(
    r"\s(?P<unit>barrels?|gallons?|litres?|liters?|tonnes?|tons?)(?:\s+of\s+(?:oil|crude|water|fuel|aid|food))?"
    r"(?:\s+(?:\w+\s+)?(?P<per>a|per|each|every)\s+(?P<period>day|week|month|year)|\s+(?P<bpd>bpd))?\b",
    re.IGNORECASE)
# "and it could take 90 days": a clause of its own, whose "could" is not the figure's
_CLAUSE_BREAK = re.compile(r";|—|–\s| - | -- |:|\band (?:it|he|she|they|we)\b|\(|\)|"
                           r", (?:while|but|and|whereas|although|as)\b|\bwhile\b|\bbut\b")
_WORD = re.compile(r"[A-Za-z][\w'’.-]*[\w]|[A-Za-z]")
_YEAR = re.compile(r"(?:1[89]|20)\d\d")
_YEAR_IN_TEXT = re.compile(r"(?<![\d,.])((?:1[89]|20)\d\d)(?!\d|,\d)")
_MONTHS = frozenset("january february march april may june july august september october november december "
                    "jan feb mar apr jun jul aug sep sept oct nov dec".split())
_NOT_PLACES = _MONTHS | frozenset("monday tuesday wednesday thursday friday saturday sunday this that".split())

# Heads that count people in general: what they count is what happened to them ("200,000 people died").
_PEOPLE = frozenset("people persons individuals residents others children men women adults citizens civilians "
                    "americans britons haitians mexicans egyptians libyans iraqis survivors victims".split())
# What happened to the people counted, in newswire's words, and the measure each stands for.
_OUTCOMES: dict[str, str] = {
    **dict.fromkeys("died dead killed deaths death fatalities perished toll".split(), "dead"),
    **dict.fromkeys("injured wounded hurt injuries".split(), "injured"),
    **dict.fromkeys("homeless displaced".split(), "homeless"),
    **dict.fromkeys("missing unaccounted".split(), "missing"),
    **dict.fromkeys("evacuated".split(), "evacuated"),
    **dict.fromkeys("arrested detained".split(), "arrested"),
    **dict.fromkeys("infected sickened".split(), "infected"),
}
# Modifiers between a number and its head: these say the count is only part of a total ("4,000 more troops",
# "40 other deaths", "59 new cases"), so it is never compared with a total.
_PARTIAL = frozenset("more additional extra further other new fresh another".split())
_KIND = frozenset("suspected probable possible".split())  # kept in the measure: suspected cases are not cases
_DROPPED_MODIFIERS = frozenset("reported known recorded official total".split())
# Confirmed counts are a measure of their own: "1,600 suspected cases" and "397 confirmed cases" are not one count.
_CONFIRMED = frozenset("confirmed laboratory-confirmed lab-confirmed".split())
_CONFIRMED_AFTER = re.compile(r"^(?:(?:have|has|had|are|were|was|is)\s+)?(?:been\s+)?(?:officially\s+)?confirmed\b",
                              re.IGNORECASE)
_KIND_BEFORE = re.compile(r"\b(suspected|probable|possible)\s+(?:in|of)\s+$", re.IGNORECASE)
_MODIFIERS = _PARTIAL | _KIND | _DROPPED_MODIFIERS | _CONFIRMED
# "has confirmed 109 cases"; not "to confirm cases after as many as 103 deaths"
_CONFIRMED_BEFORE = re.compile(r"\bconfirm(?:ed|s)\s+(?:a total of\s+|the\s+)?$", re.IGNORECASE)
# Verbs naming what happened to the people counted right after them: "has infected some 40,000 people".
_OUTCOME_VERBS: dict[str, str] = {
    **dict.fromkeys("killed killing kills".split(), "dead"),
    **dict.fromkeys("injured injuring wounded wounding".split(), "injured"),
    **dict.fromkeys("infected infecting sickened sickening".split(), "infected"),
    **dict.fromkeys("displaced displacing".split(), "homeless"),
    **dict.fromkeys("evacuated evacuating".split(), "evacuated"),
    **dict.fromkeys("arrested arresting detained detaining".split(), "arrested"),
}
# A value the window's sentence recalls rather than reports: "figures a week ago, when there were 17,410 cases"
_RECALLED = re.compile(r"\b(?:ago|previously|last week|last month|a week earlier|a day earlier|up from|down from|"
                       r"compared (?:with|to)|originally|at first|first (?:announced|reported|estimated|said))\b",
                       re.IGNORECASE)
# A question asks, it does not report: "Why is Mr Obama not taking such a tough stance with ... killing 25,000"
_QUESTION = re.compile(r"^\W*(?:(?:why|how|what|who|where|when)\s+(?:is|are|was|were|do|does|did|can|could|should|"
                       r"would|will|has|have)|(?:is|are|do|does|did|can|could|should|would|will|isn't|aren't)\s+(?:the|there|"
                       r"it|they|we|you|he|she|this|that))\b", re.IGNORECASE)
# A breakdown by place: "80 deaths from two hospitals in Cairo, 36 in Alexandria and 13 in Suez" gives Cairo's 80
_BREAKDOWN = re.compile(r"^[^\d.;]{0,60}?\bin\s+(?:the\s+)?(?P<name>[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*)?),\s+\d")
# "20 of the 149 reported fatalities have been confirmed": what the clause says is of the part, not the whole
_PARTITIVE_BEFORE = re.compile(r"(?:\d|\ball|\bmost|\bmany|\bhalf|\bnone|\bsome)\s+(?:of|out of)\s+(?:the\s+)?$",
                               re.IGNORECASE)
# Verbs that join a count to what happened to it: "300,000 made homeless", "more than 120 have died".
_LINKS = frozenset("made left were was are is have has had been feared believed thought reported now".split())
# One measure under two names. Marines are not: "3,500 soldiers and 2,200 marines" are two parts of one force.
_SYNONYMS = {"soldiers": "troops"}
# A count of bodies is a toll of those recovered or buried: "15,000 bodies had already been recovered and buried".
_RECOVERED = re.compile(r"\b(?:recover\w*|collect\w*|retriev\w*|bur(?:y|ied|ies|ying|ial\w*)|pulled|"
                        r"removed|found|identified|exhumed)\b", re.IGNORECASE)
# Places counted: what they share is told by the clause (_SPREAD: a disease or an outbreak reached them; _ADOPTED:
# a law, a ban or a treaty holds there)
_PLACE_COUNTS = frozenset("countries nations states provinces".split())
_SPREAD_BEFORE = re.compile(r"\b(?:spread\w*|found|detected|confirmed|reported|recorded|cases?|infect\w*|"
                            r"outbreaks?)\b(?:\s+[\w,'’-]+){0,5}?(?:\s+(?:to|in|across))?\s+(?:all\s+)?$",
                            re.IGNORECASE)  # "spread over 36 states": "over" is read with the number
_SPREAD_AFTER = re.compile(r"^(?:(?:have|has|had|now|officially|so far|all)\s+){0,3}(?:reported|confirmed|recorded)\s+"
                           r"(?:[\w,-]+\s+){0,3}?(?:cases?|infections?)\b", re.IGNORECASE)
_ADOPTED_AFTER = re.compile(r"^(?:\w+\s+){0,2}?(?:with|have|has|had|that|which)\b(?:\s+[\w-]+){0,4}?\s+"
                            r"(?:laws?|legali[sz]\w*|bans?|banned|allow\w*|permit\w*|ratified|adopted|passed|"
                            r"approved|signed)\b", re.IGNORECASE)
# Names that report a figure rather than own it: "WHO had confirmed 44,287 cases".
_REPORTER = re.compile(r"^[A-Z]{3,}$|\b(?:Organi[sz]ation|Agency|Ministry|Department|Centers?|Centres?|Council|"
                       r"Commission|Office|Service|Group|Company|Institute|Survey|Administration|Secretary|"
                       r"Officials?|Authorities|Watch|International|Amnesty|Cross|Crescent|Committee|Foundation|"
                       r"Society|Association|Programme|Program)\b")
_NOT_HEADS = frozenset(
    "a an the of to in on at by for from with and or is was were are be been has have had will would could may "
    "might can as that this these those which who per than its their his her our your it they we he she you i "
    "times years year days day hours hour minutes weeks week months month seconds am pm p.m a.m km miles mph "
    "feet metres meters kilometres kilometers degrees points magnitude percent cent".split())
# Rate units measure a flow; what flows is told by the clause's verb.
_FLOWS: dict[str, str] = {
    **dict.fromkeys("leak leaks leaking leaked spill spills spilling spilled flow flows flowing flowed gush gushing "
                    "gushed pour pouring poured escape escaping escaped spew spewing spewed coming".split(), "leaking"),
    **dict.fromkeys("collect collects collecting collected capture captures capturing captured siphon siphons "
                    "siphoning siphoned funnel funnels funnelling funneling funneled caught catch catching recover "
                    "recovering recovered".split(), "collected"),
    **dict.fromkeys("produce produces producing produced production output pump pumping pumps".split(), "produced"),
}
# Names a subject goes by: one name for a country whatever the outlet calls it.
_SUBJECT_ALIASES: dict[str, str] = {
    **dict.fromkeys(["US", "U.S.", "USA", "U.S.A.", "America", "American", "Americans", "United States",
                     "Washington"], "US"),
    **dict.fromkeys(["UK", "U.K.", "Britain", "British", "United Kingdom", "London"], "UK"),
    **dict.fromkeys(["China", "Chinese", "Beijing"], "China"),
    **dict.fromkeys(["EU", "European Union", "Brussels"], "EU"),
    **dict.fromkeys(["Japan", "Japanese", "Tokyo"], "Japan"),
    **dict.fromkeys(["Mexico", "Mexican"], "Mexico"),
    **dict.fromkeys(["Canada", "Canadian", "Ottawa"], "Canada"),
    **dict.fromkeys(["India", "Indian", "Delhi"], "India"),
    **dict.fromkeys(["Russia", "Russian", "Moscow"], "Russia"),
    **dict.fromkeys(["Germany", "German", "Berlin"], "Germany"),
    **dict.fromkeys(["France", "French", "Paris"], "France"),
    **dict.fromkeys(["world", "worldwide", "globally", "global"], "world"),
}
# A capital stands for its country when it acts ("Beijing responded with 125 per cent"), not where a figure is
# given for it ("in London", "in Washington").
_CAPITALS = frozenset("Washington London Beijing Brussels Tokyo Ottawa Delhi Moscow Berlin Paris".split())
# "deaths in Mexico", "cases confirmed in the UK"; not "killed 167 since detected in Mexico", "most in Mexico"
_SUBJECT_AFTER = re.compile(
    r"^\s*(?:(?!most\b|since\b|detected\b|first\b|emerged\b|originated\b|began\b|started\b|mostly\b)"
    r"(?![\w,'’-]*\d)[\w,'’-]+\s+){0,2}?(?:in|across|throughout|at)\s+(?:the\s+)?(?P<name>(?:[A-Z][\w.'’-]*\s?){1,3})"
    # "1,752 confirmed cases of swine flu across the UK": across and throughout name the place further away
    r"|^\s*(?:(?![\w,'’-]*\d)[\w,'’-]+\s+){0,5}?(?:across|throughout)\s+(?:the\s+)?(?P<far>(?:[A-Z][\w.'’-]*\s?){1,3})")
_SUBJECT_BEFORE = re.compile(
    r"(?P<name>(?:[A-Z][\w.'’-]*\s?){1,3})(?:'s|’s|,? which)?\s+(?:has|had|with|reported|recorded|confirmed|now has|"
    r"has had|has reported|has recorded|has confirmed|is reporting|is now reporting|reports)\s+(?:\w+\s+){0,2}$")
# "America has announced it is sending 4,000 more": who sends or adds a part of a total (extract_figures)
_ADDER = re.compile(r"(?:^|[,;]\s+|\b(?:Meanwhile|Now|Today)\s+)(?:the\s+)?(?P<name>[A-Z][\w.]*(?:\s[A-Z][\w.]*)?)"
                    r"\s+(?:has|have|had|is|was|will)?\s*(?:\w+\s+){0,4}?(?:sending|send|sent|deploying|deploy|deployed|"
                    r"adding|add|added|dispatching|dispatched)\s+(?:\w+\s+){0,2}$")
# "In Mexico, where up to 159 people have died", "Mexico, where as many as 159 deaths have been attributed"
_SUBJECT_WHERE = re.compile(r"(?P<name>(?:[A-Z][\w.'’-]*\s?){1,3}),\s+where\s+(?:[\w,'’-]+\s+){0,4}$")
# "more than 1,000 cases have been reported in 20 countries": a count over several countries is the world's
_COUNTRIES_AFTER = re.compile(r"^\s*(?:[\w,'’-]+\s+){0,8}?(?:in|across)\s+(?:some\s+|more than\s+|over\s+|at least\s+)?"
                              r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|many|dozens of)\s+"
                              r"(?:\w+\s+)?(?:countries|nations)\b", re.IGNORECASE)
# "taking the UK total to 1,604": the total named for a place
_TOTAL_OF_PLACE = re.compile(r"\bthe\s+(?P<name>[A-Z][\w.]*)\s+(?:total|toll|tally|count|number)\s+(?:\w+\s+){0,2}$")
# "US: one death, at least 109 confirmed cases": a place heading a list of figures
_LISTED = re.compile(r"(?:^|\s)(?P<name>(?:[A-Z][\w.'’-]*\s?){1,3}):\s*$")
# "21 countries had officially reported 1,085 cases"
_COUNTRIES_BEFORE = re.compile(r"\b\d+\s+(?:countries|nations)\s+(?:\w+\s+){0,3}$", re.IGNORECASE)
# Bodies that report the world's figures: a figure they give with no place named is the world's.
_WORLD_REPORTER = re.compile(r"^(?:WHO|UN|World Health Organi[sz]ation|United Nations)$")
# A part of a total just given belongs to the total's subject: "Mexico with 2,059 cases, including 56 deaths".
_PART_OF = re.compile(r"^[\s\w-]{0,40}?[\s,]+(?:including|of which|of whom|among them|among whom)\s+(?:\w+\s+){0,2}$",
                      re.IGNORECASE)
# "WHO had confirmed 44,287 cases of the new flu and 180 deaths": a list of figures shares its subject
_LISTED_WITH = re.compile(r"^[\s,]*(?:[a-z][\w-]*\s+){1,6}(?:and|with)\s+$")
_SUBJECT_IN_BEFORE = re.compile(r"\b(?:[Ii]n|across|throughout)\s+(?:the\s+)?(?P<name>(?:[A-Z][\w.'’-]*\s?){1,3})")
# A figure in a clause like these is a supposition, a capacity, a worst case or a yearly average, not a report of
# where the story's measure stands ("seasonal flu kills up to 500,000 people a year").
_HYPOTHETICAL = re.compile(r"\b(?:if|could|might|would|capacity|capable|worst[- ]case|scenario|predict\w*|"
                           r"forecast\w*|hopes?|aims?|target|goal|a year|every year|each year|per year|annually|"
                           r"last year|average year|typical year|can|able to|asked|plans?|planned|intends?|intended|"
                           r"expect\w*)\b|\?",
                           re.IGNORECASE)
_TOTAL_OF_BEFORE = re.compile(r"\b(?:raising|bringing|taking|pushing|lifting)\s+(?:the|its|their)\s+(?:[A-Z][\w.]*\s+)?"
                              r"(?:number|total|toll|tally|count|figure)\s+to\s+$", re.IGNORECASE)
_WORLDWIDE = re.compile(r"\b(?:worldwide|globally|around the world|across the world|in the world)\b", re.IGNORECASE)
_TOLL = re.compile(r"\btoll\b[^\d]{0,60}$", re.IGNORECASE)
_CHANGE_WORDS = re.compile(r"\b(?:rose|fell|grew|dropped|dropping|jumped|jumping|climbed|slipped|gained|gaining|lost|"
                           r"losing|up|down|increase|decrease|rise|rising|fall|falling|drop|by|boost\w*|cut\w*|"
                           r"plunged|plunging|slumped|soared|surged)\s+(?!to\b)(?:[\w.'’-]+\s+){0,3}$", re.IGNORECASE)
ARTICLES_AGREE = 0.08  # TF-IDF cosine of two articles at which they are taken to tell the same story
MAX_CHANGES = 5
DOMINANT = 0.75  # share of the articles naming a subject for a measure at which it is the coverage's (_sole_subjects)
RIVAL_ARTICLES = 3  # articles that must name a place for a measure before it is the coverage's (_sole_subjects)
STALE_DAYS = 7  # a sentence naming a day further back than this recalls the past (article_figures)
KNOWN_DAYS = 7  # how far back from the latest report a value given counts as known (not news) again
MAX_FACTOR = 10.0  # how far apart two values may be and still be one measure's update (_plausible_move)
# Measures that a running story reports again and again as it moves: tolls and casualties, cases, troops, people
# displaced, votes and seats, flows. A count of anything else ("49 vessels", "26 parts", "3,000 followers") is
# most often incidental, and two such counts in one story seldom count the same thing; they are left out.
TRACKED = frozenset(set(_OUTCOMES.values()) | set(
    "cases troops bodies refugees casualties votes seats prisoners hostages detainees migrants affected "
    "adopting".split()))
# What a money or percentage figure may be the level of: a level that outlets report and revise.
TRACKED_LEVELS = frozenset(
    "tariffs tariff duty duties deficit surplus debt budget fine fines compensation fund damages bill cost costs "
    "profit profits revenue revenues sales loss losses growth inflation unemployment rate rates price "
    "prices stake bailout package aid".split())


@dataclass(frozen=True, slots=True)
class Figure:
    """A value in a sentence, with its unit, the measure it counts and the subject it belongs to."""

    measure: str  # "dead", "confirmed cases", "troops", "barrels a day leaking"
    subject: str  # "Mexico", "US", "world", or "" when the sentence names none
    unit: str  # "%", "$bn", "barrels a day", "" for a plain count
    low: float
    high: float  # == low unless the value is a range
    display: str  # as written: "more than 13,000", "between 100,000 and 200,000", "$2.6bn"
    sentence: Sentence
    part: bool = False  # a part of a figure before it in the sentence that names no place ("..., including 72 deaths")
    period: str = ""  # what time the value covers: "month", "quarter", "year", "year to"...; "" when none is said

    @property
    def key(self) -> tuple[str, str, str]:
        """Return what makes two figures comparable: measure, unit and subject."""
        return (self.measure, self.base_unit, self.subject)

    @property
    def base_unit(self) -> str:
        """Return the unit without its scale: "1.5 million left homeless" counts what "300,000" counted."""
        return re.sub(r"\s?(?:m|bn|tn)(?=$| a )", "", self.unit)

    @property
    def value(self) -> float:
        """Return the value a range stands for (its midpoint), to tell a rise from a fall."""
        return (self.low + self.high) / 2

    @property
    def actor(self) -> str:
        """Return the subject (the name this field had before figures had measures of their own)."""
        return self.subject


@dataclass(frozen=True, slots=True)
class FigureChange:
    """A measure whose value moved between the known articles and the new ones."""

    subject: str  # "Mexico dead", "US troops"
    before: str
    after: str
    before_sentence: Sentence
    after_sentence: Sentence
    before_also_in: tuple[str, ...] = ()  # other known articles that give the same old value
    direction: str = "up"  # "up" or "down": the new value against the old
    measure: str = ""
    unit: str = ""

    @property
    def before_article_id(self) -> str:
        """Name the article that gives the old value."""
        return self.before_sentence.article_id

    @property
    def after_article_id(self) -> str:
        """Name the article that gives the new value."""
        return self.after_sentence.article_id

    @property
    def rose(self) -> bool:
        """Tell whether the value went up."""
        return self.direction == "up"


def extract_figures(sentence: Sentence) -> list[Figure]:
    """Return the figures of a sentence whose measure can be told; the others are left out."""
    text = re.sub(r"(\d) ,(\d{3})\b", r"\1,\2", sentence.text)  # "50,000-100 ,000": a detokeniser's space
    figures: list[Figure] = []
    counted: str | None = None  # what the previous number of the sentence counted, even a part of a total
    previous: str | None = None  # the subject of the previous number, even one whose measure is not told
    previous_end = previous_start = 0
    previous_level = False  # whether the previous number was a rate or sum read as a level
    for match in _VALUE.finditer(text):
        figure = _figure(text, match, sentence)
        between = text[previous_end : match.start()]
        # "tariffs of 145 per cent and Beijing responded with 125 per cent": a rate after "and" rates the same thing
        # a level; after a change it is a change too ("prices rose by 3% and 1.2% in the two regions")
        coordinated = previous_end > 0 and re.search(r"\band\b", between) and not re.search(r"\d", between) \
            and _PERCENT.match(text[match.end() :]) is not None and previous_level
        if figure is None and counted and (_TOTAL_OF_BEFORE.search(text[: match.start()]) or coordinated):
            # "sending 4,000 more troops, raising the number to 16,000": the total is of what was just counted, and
            # of whoever adds them ("America has announced it is sending 4,000 more troops")
            figure = _figure(text, match, sentence, counted)
            actor = _ADDER.search(text[: previous_start]) if figure is not None and not figure.subject else None
            if figure is not None and actor and actor["name"] in _SUBJECT_ALIASES:
                figure = replace(figure, subject=_SUBJECT_ALIASES[actor["name"]])
        if figure is not None and not figure.subject and previous_end > 0 and (_PART_OF.match(between)
                                                                               or _LISTED_WITH.match(between)):
            # "2,059 cases, including 56 deaths": Mexico's; a part of a total naming no place is where the total is
            # ("cases had climbed to 8,451, including 72 deaths": the world's, not the place the dead are mostly for)
            figure = replace(figure, subject=previous or "", part=not previous)
        if figure is not None:
            figures.append(figure)
        previous = figure.subject if figure is not None else _subject_of(text, match)
        head = figure.measure if figure is not None else _head(text[match.end() : match.end() + 120])[1]
        counted = _SYNONYMS.get(head, head) if head else counted
        previous_end, previous_start = match.end(), match.start()
        previous_level = figure is not None and (figure.unit == "%" or _is_money(figure.unit))
    return figures


def _subject_of(text: str, match: re.Match[str]) -> str:
    """Return the subject of a number whose measure is not told ("Mexico has 260 confirmed swine flu cases")."""
    clause_start, clause_end = _clause_around(text, match.start(), match.end())
    return _subject(text[clause_start : match.start()], text[match.end() : clause_end], lead=text[:clause_start])


def _figure(text: str, match: re.Match[str], sentence: Sentence, counted: str | None = None) -> Figure | None:
    low_text, high_text = match["low"], match["high"]
    if _not_a_quantity(text, match):
        return None
    clause_start, clause_end = _clause_around(text, match.start(), match.end())
    before = text[clause_start : match.start()]
    rest = text[match.end() : clause_end]
    unit, rest_after_unit = _unit(match, rest)
    if unit is None:
        return None
    low = _number(low_text, match["low_scale"] or match["high_scale"])
    high = _number(high_text, match["high_scale"]) if high_text else low
    joint = (match["joint"] or "").lower()
    if high_text and joint == "and" and (match["qualifier"] or "").lower() not in ("between", "anywhere between"):
        # "1,085 and 1,124": two figures, not a range; take the first alone
        high, high_text = low, None
    if high_text and re.search(r"\bfrom\s+$", before, re.IGNORECASE) and not re.search(r"\brange", before,
                                                                                        re.IGNORECASE):
        # "rose from 91 to 109": the value now is the second; the first is what it was
        low = high
        return _with_measure(sentence, before, rest_after_unit, unit, low, low,
                             _display(match, unit, only_high=True), counted, text[:clause_start])
    if high < low:
        return None
    return _with_measure(sentence, before, rest_after_unit, unit, low, high, _display(match, unit), counted,
                         text[:clause_start])


def _with_measure(sentence: Sentence, before: str, after: str, unit: str, low: float, high: float, display: str,
                  counted: str | None = None, lead: str = "") -> Figure | None:
    measure = counted or _measure(before, after, unit, lead)
    if measure is None or not _tracked(measure, unit) or _HYPOTHETICAL.search(before + " " + after) \
            or _QUESTION.match(sentence.text) \
            or _RECALLED.search(before) or _PARTITIVE_BEFORE.search(before):
        return None
    # a count of countries is the world's, whichever country the clause names ("died in the US and cases have now
    # been confirmed in 12 countries")
    subject = "world" if measure.split()[0] in ("countries", "nations") else _subject(
        before, after, unit == "%" or _is_money(unit), lead)
    if measure.endswith((" leaking", " collected")):
        # a leak is its well's, not the place it flows into or whoever estimates it ("leaking into the Gulf of
        # Mexico", "BP has estimated about 5,000 barrels a day"); production is a producer's
        subject = ""
    if not subject and (unit == "%" or _is_money(unit)):
        return None  # a rate or a sum with no owner named is not comparable with another
    period = "" if " a " in unit and not _is_money(unit) else _period(before, after, measure)
    return Figure(measure, subject, unit, low, high, display, sentence, period=period)


PERIOD_REACH = 50  # characters either side of a value read for the time it covers (_period)
_MONTH_NAMES = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
                r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)")
# The time a value covers, as the clause says it: a year's deficit is not a month's, nor a quarter's growth a
# year's. Checked in this order: "in the three months to September" is a quarter, not a month.
_PERIODS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("year to", re.compile(r"\b(?:year|12 months|twelve months)\s+(?:to|until|ending|ended)\b", re.IGNORECASE)),
    # not "for the first time in almost three months": that dates the level, it covers no time
    ("quarter", re.compile(rf"\bquarter(?:ly|s)?\b|\bQ[1-4]\b|\bthree-month\b|\b(?:in|over|for|during) the three "
                           rf"months\b|\bthree months (?:to|between|ending|ended|from|until)\b|\b{_MONTH_NAMES}\s*"
                           rf"[-–]\s*{_MONTH_NAMES}\b", re.IGNORECASE)),
    ("half", re.compile(r"\bhalf[- ]year\w*|\b(?:first|second)[- ]half\b|\bsix-month\b|\b(?:in|over|for|during) the "
                        r"six months\b|\binterim\b", re.IGNORECASE)),
    ("month", re.compile(r"\bmonthly\b|\bmonth-on-month\b|\b(?:a|per|each|every|in the|for the|over the|the past|"
                         r"the last)\s+month\b", re.IGNORECASE)),
    ("week", re.compile(r"\bweekly\b|\b(?:a|per|each|every|in the|for the|over the|the past|the last)\s+week\b|"
                        r"\bseven days\b", re.IGNORECASE)),
    ("day", re.compile(r"\bdaily\b|\b(?:a|per|each|every)\s+day\b|\b24 hours\b", re.IGNORECASE)),
    ("year", re.compile(r"\b(?:annual|annually|yearly|full[- ]year|per annum|a year|per year|for the year|fiscal year|"
                        r"financial year)\b", re.IGNORECASE)),
)
# A flow (a deficit, sales, growth) named with a month or a year covers it: "$19.6bn in November" is a month's
# deficit. A level (a rate, a price, a toll) named so is only dated: "the jobless rate in January".
_FLOWS_OVER = frozenset("deficit surplus growth sales profit profits revenue revenues loss losses".split())
_FLOW_PERIODS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("month", re.compile(rf"\b(?:in|for|during|of|over)\s+(?:early\s+|late\s+|mid-)?{_MONTH_NAMES}\b|"
                         rf"\b{_MONTH_NAMES}['’]s\b|\b(?:this|last|that|the)\s+month\b|\bmonth before\b")),
    ("year", re.compile(r"\b(?:in|for|during)\s+(?:19|20)\d\d\b|\b(?:this|last|that|the)\s+year\b|"
                        r"\byear before\b", re.IGNORECASE)),
)


def _period(before: str, after: str, measure: str) -> str:
    """Return the kind of time a value covers, as the words next to it say it ("" when they say none).

    Only the words near the value are read: "up to 159 people have died from the virus and ... a standstill over
    the past week" dates the standstill, not the toll.
    """
    clause = f"{before[-PERIOD_REACH:]} {after[:PERIOD_REACH]}"
    for kind, pattern in _PERIODS:
        if pattern.search(clause):
            return kind
    if measure.split()[-1] in _FLOWS_OVER:
        for kind, pattern in _FLOW_PERIODS:
            if pattern.search(clause):
                return kind
    return ""


def _is_money(unit: str) -> bool:
    return unit[:1] in ("$", "£", "€", "¥")


def _tracked(measure: str, unit: str) -> bool:
    if unit == "%" or _is_money(unit):
        return measure.split()[-1] in TRACKED_LEVELS  # "jobless rate", "trade deficit"
    if " a " in unit:
        return True  # a flow with what flows named: barrels a day leaking
    return measure.split()[-1] in TRACKED


def _not_a_quantity(text: str, match: re.Match[str]) -> bool:
    """Tell years, dates, clock times, ages and magnitudes from quantities."""
    low = match["low"]
    if match["currency"] is None and not match["low_scale"] and "," not in low and "." not in low and (
            _YEAR.fullmatch(low) or (len(low) == 4 and low.startswith("0"))):
        return True  # 2010, a year; 1850 or 0930 in a live blog, a time
    words_before = text[max(0, match.start() - 12) : match.start()].lower().split()
    if words_before and words_before[-1].strip(",.") in _MONTHS:
        return True  # "January 12"
    following = text[match.end() : match.end() + 12].lower().split()
    if following and following[0].strip(",.") in _MONTHS:
        return True  # "12 January"
    if text[match.end() : match.end() + 1] in (":", "-") or text[max(0, match.start() - 1) : match.start()] == ":":
        return True  # 10:30, "7.0-magnitude", "25-year-old"
    if re.match(r"\s*(?:-|–)?\s*magnitude\b", text[match.end() :], re.IGNORECASE):
        return True  # "the 7.0 magnitude earthquake"
    return bool(re.search(r"\b(?:magnitude|aged|age|No\.|number|page|flight|route|highway|another|further|extra|"
                          r"additional|a further|an extra|new)\s*$", text[: match.start()], re.IGNORECASE))


def _unit(match: re.Match[str], rest: str) -> tuple[str | None, str]:
    """Return the figure's unit and what follows it in the clause (None: a number that is not a quantity)."""
    scale = _scale_name(match["high_scale"] or match["low_scale"])
    if match["currency"]:
        currency = "$" if match["currency"].upper() == "US$" else match["currency"]
        per = _PER_THING.match(rest)
        if per:
            # a price is of so much of a thing: "$50.88 a barrel" is not "$1.50 a gallon" nor a sum
            return f"{currency}{scale} a {per['thing'].lower()}", rest[per.end() :]
        return f"{currency}{scale}", rest
    percent = _PERCENT.match(rest)
    if percent:
        return "%", rest[percent.end() :]
    rate = _RATE_UNITS.match(rest)
    if rate:
        unit = rate["unit"].lower().rstrip("s") + "s"
        if rate["period"] or rate["bpd"]:
            unit += f" a {rate['period'].lower() if rate['period'] else 'day'}"
        # what flows, when the unit holds it ("12,000 to 19,000 barrels leaking each day"), comes first
        inner = [word for word in rate.group().lower().split() if word in _FLOWS]
        return (f"{unit}{' ' + scale if scale else ''}"), " ".join(["", *inner]) + rest[rate.end() :]
    return (scale, rest)


def _measure(before: str, after: str, unit: str, lead: str = "") -> str | None:
    """Return the measure a figure counts, or None when it cannot be told."""
    if unit == "%":
        return _percent_measure(before, after, lead)
    if unit.startswith(("barrel", "gallon", "litre", "liter", "tonne", "ton")):
        if " a " not in unit:
            return None  # a stock ("139,000 barrels") is not a rate; precision first
        # the flow word nearest the number says what flows ("10,000 barrels a day are being caught")
        left = [(len(before) - m.start(), _FLOWS[m.group()]) for m in re.finditer(r"[a-z]+", before.lower())
                if m.group() in _FLOWS]
        right = [(m.start(), _FLOWS[m.group()]) for m in re.finditer(r"[a-z]+", after.lower()) if m.group() in _FLOWS]
        nearest = min(left + right, default=None)
        if re.match(r"^\W*(?:[\w-]+\s+){0,3}?for\s+(?:[\w-]+\s+)?(?:days|weeks|months)\b", after):
            return None  # "captured more than 2,000 barrels per day for ten days": a past period's flow
        return f"{unit} {nearest[1]}" if nearest else None
    if _is_money(unit):
        if (_changed(before) and not re.search(r"\b(?:at|to)\s+$", before)) or _CHANGE_AFTER.match(after):
            return None  # "oil prices closed up $1.26 at $50.88": $1.26 is a change, $50.88 the price
        return _level_measure(before, after, lead)
    modifiers, head, tail = _head(after)
    if head is None:
        return _outcome_before(before)
    if modifiers & _PARTIAL:
        return None
    kind_before = _KIND_BEFORE.search(before)  # "suspected in more than 380 deaths"
    kinds = " ".join(sorted((modifiers & _KIND) | ({kind_before[1].lower()} if kind_before else set()) | (
        {"confirmed"} if modifiers & _CONFIRMED or _CONFIRMED_BEFORE.search(before) else set())))
    if head in _OUTCOMES or head in _OUTCOMES.values():
        # "16 deaths have been confirmed", "7 confirmed deaths": the confirmed dead are not the estimated dead
        confirmed = kinds or ("confirmed" if _CONFIRMED_AFTER.match(tail) else "")
        return f"{confirmed} {_OUTCOMES.get(head, head)}".strip()
    if head == "cases":
        # outlets write a case count as "cases" or "confirmed cases" alike (the counts reported are of confirmed
        # cases: "nearly 30,000 cases globally", "WHO had confirmed 44,287 cases"); suspected ones stay apart
        kinds = " ".join(sorted(modifiers & _KIND))
    if head in _PEOPLE or head in ("workers", "soldiers", "troops", "marines", "police", "officers", "staff",
                                   "passengers", "protesters", "rebels", "miners", "crew"):
        outcome = _outcome_after(tail) or _outcome_before(before)
        if _outcome_before(before):
            outcome = _outcome_before(before)  # "killed at least 60 people in Mexico and infected ...": the dead
        if outcome == "dead" and re.search(r"^\W*\w+\s+(?:who|that)\b.*\bbur(?:ied|y)\b", after):
            return "bodies"  # "At least 70,000 people who died in the earthquake have already been buried"
        if head in _PEOPLE:
            return f"{kinds} {outcome}".strip() if outcome else None  # "200,000 people died" counts the dead
        if outcome:
            return f"{_SYNONYMS.get(head, head)} {outcome}"  # "11 workers killed", "188 staff missing"
    if head in _PLACE_COUNTS:
        # a count of places is a measure when the words next to it say what they share: "has spread to 13
        # countries", "21 countries had officially reported 1,085 cases", "states with such a law"; not "troops from
        # 20 countries" or "12 states reporting widespread flu activity"
        if _SPREAD_BEFORE.search(before) or _SPREAD_AFTER.match(tail):
            return f"{head} affected"
        return f"{head} adopting" if _ADOPTED_AFTER.match(tail) else None
    if head == "bodies" and not _RECOVERED.search(f"{before} {tail}"):
        return None  # bodies stacked at a morgue or lying in a street are a glimpse, not the count recovered
    return f"{kinds} {_SYNONYMS.get(head, head)}".strip()


def _head(after: str) -> tuple[set[str], str | None, str]:
    """Return the modifiers and head noun that follow a number, and the words after them."""
    words = _WORD.findall(after[:120])
    modifiers: set[str] = set()
    for index, word in enumerate(words[:4]):
        lower = word.lower()
        dead_bodies = lower == "dead" and index + 1 < len(words) and words[index + 1].lower() == "bodies"
        if lower in _MODIFIERS and word[:1].isupper():
            return modifiers, None, ""  # "toll reaches 80 Suspected cases reported": a headline run into text
        if lower in _MODIFIERS or word in _SUBJECT_ALIASES or dead_bodies:
            modifiers.add(lower)
            continue
        if lower in _LINKS:
            outcome = _outcome_after(" ".join(words[index : index + 6]))
            return modifiers, outcome, ""  # "300,000 made homeless", "120 have died"
        if word[:1].isupper() and lower not in _PEOPLE and lower not in ("marines",):
            return modifiers, None, ""  # "13 Downing Street", "5 Live": a name, not a count
        if lower in _NOT_HEADS or not lower.isalpha() and "-" not in lower:
            return modifiers, None, ""
        if not (lower.endswith("s") or lower in _OUTCOMES or lower in _PEOPLE or lower in ("staff", "personnel",
                                                                                            "police", "homeless")):
            return modifiers, None, ""  # a singular word after a number is seldom what it counts ("5 star")
        return modifiers, lower, " ".join(words[index + 1 : index + 7])
    return modifiers, None, ""


def _outcome_after(tail: str) -> str | None:
    for word in tail.lower().split():
        if word in _OUTCOMES:
            return _OUTCOMES[word]
    return None


def _outcome_before(before: str) -> str | None:
    """Return the outcome named just before a number: "killed 200", "the death toll rose to 110,000"."""
    if _TOLL.search(before) and not re.search(r"\d", before[before.lower().rfind("toll") :]):
        return "dead"
    words = [w.lower() for w in _WORD.findall(before)][-3:]
    for word in reversed(words):
        if word in _OUTCOME_VERBS or word == "left":
            return _OUTCOME_VERBS.get(word)  # "left 300,000 homeless": what follows says what happened
    return None


def _percent_measure(before: str, after: str, lead: str = "") -> str | None:
    """Return what a percentage is the level of ("a tariff of 25%", "25% tariffs").

    A change is not a level: "rose 5%", "a 40% drop in profits".
    """
    if _changed(before) or _CHANGE_AFTER.match(after):
        return None
    return _level_measure(before, after, lead, following=1)


_CHANGE_AFTER = re.compile(r"^\s*(?:[\w-]+\s+)?(?:rise|rises|fall|falls|drop|drops|increase|increases|decrease|"
                           r"decreases|jump|jumps|gain|gains|decline|declines|cut|cuts|slump|surge|surges|climb|"
                           r"reduction|hike|hikes|boost|plunge|slide|dip|rebound)\b", re.IGNORECASE)
_COORDINATED = re.compile(r"(?:[$£€¥]?\d[\d.,]*\s?(?:%|per\s?cent|bn|m|million|billion)?\s*,?\s+(?:and|or)\s+)+$",
                          re.IGNORECASE)


def _changed(before: str) -> bool:
    """Tell whether the words before a value make it a change ("rose 5%"), also after another ("rose by 3% and")."""
    return bool(_CHANGE_WORDS.search(before) or _CHANGE_WORDS.search(_COORDINATED.sub("", before)))


# Words before a level's noun that name a measure of its own: a jobless rate is not an interest rate, core inflation
# not inflation, a trade deficit not a budget deficit, youth unemployment not unemployment.
_SUB_MEASURES = frozenset("jobless unemployment inflation interest growth core headline underlying youth annual "
                          "annualised annualized base mortgage exchange tax savings lending borrowing trade budget "
                          "fiscal current-account account public federal import export house oil petrol fuel "
                          "crude consumer producer wholesale retail".split())
# One measure under its names: "the jobless rate", "the unemployment rate" and "unemployment" (as a rate) agree.
_LEVEL_NAMES = {
    **dict.fromkeys(["jobless rate", "unemployment rate", "jobless rates", "unemployment rates", "unemployment",
                     "jobless"], "unemployment rate"),
    **dict.fromkeys(["inflation rate", "inflation rates"], "inflation"),
    **dict.fromkeys(["growth rate", "growth rates"], "growth"),
    **dict.fromkeys(["interest rates"], "interest rate"),
    **dict.fromkeys(["annualised rate", "annualized rate"], "annual rate"),
    **dict.fromkeys(["annual inflation", "headline inflation"], "inflation"),
    **dict.fromkeys(["fiscal deficit"], "budget deficit"),
    **dict.fromkeys(["account deficit"], "current-account deficit"),
    **dict.fromkeys(["account surplus"], "current-account surplus"),
}
# A bare "rate" is the rate of what the sentence spoke of before it ("The brunt of the unemployment is still being
# felt ..., where the rate is 18.8%"); a rate nothing names is left out (a jobless rate and an interest rate are
# both "the rate").
_RATE_OF = re.compile(r"\b(unemployment|jobless|inflation|interest|growth|mortgage|exchange|tax|savings|"
                      r"lending)\b", re.IGNORECASE)


def _level_measure(before: str, after: str, lead: str, following: int = 4) -> str | None:
    """Return the level a rate or sum is given for, with the word that names its kind ("jobless rate").

    The level is the nearest such noun in the six words before the value, or else in the words after it
    ("25% tariffs").
    """
    words = [w.lower() for w in _WORD.findall(before)]
    position = next((n for n in range(len(words) - 1, max(len(words) - 7, -1), -1) if words[n] in TRACKED_LEVELS),
                    None)
    if position is None:
        words = [w.lower() for w in _WORD.findall(after[:60])[:following]]
        position = next((n for n, w in enumerate(words) if w in TRACKED_LEVELS), None)
        if position is None:
            return None
    noun = words[position]
    modifier = words[position - 1] if position > 0 and words[position - 1] in _SUB_MEASURES else ""
    if not modifier and noun in ("rate", "rates"):
        named = _RATE_OF.findall(lead + " " + before)
        if not named:
            return None
        modifier = named[-1].lower()
    name = f"{modifier} {noun}".strip()
    return _LEVEL_NAMES.get(name, name)


def _subject(before: str, after: str, level: bool = False, lead: str = "") -> str:
    """Return the place or country a figure belongs to, as one name; "" when the clause names none."""
    name = None
    if _COUNTRIES_AFTER.search(after) or _COUNTRIES_BEFORE.search(before):
        return "world"
    breakdown = _BREAKDOWN.match(after)
    if breakdown:
        return _SUBJECT_ALIASES.get(breakdown["name"], breakdown["name"])
    region = ""  # "the eastern part of Germany", "England and Wales": not the country's own figure
    located = False  # whether the name says where ("in London") rather than who ("London says")
    for pattern, text in ((_SUBJECT_AFTER, after), (_TOTAL_OF_PLACE, before), (_SUBJECT_WHERE, before),
                          (_SUBJECT_BEFORE, before), (_SUBJECT_IN_BEFORE, before), (_LISTED, lead)):
        found = pattern.search(text)
        if found is None:
            continue
        group = "name" if found["name"] else "far" if found.groupdict().get("far") else ""
        written = found[group] if group else None
        if written and written.split()[0].lower().strip(".,") not in _NOT_PLACES:
            name = written.strip()
            region = _region(text[: found.start(group)], name, text[found.start(group) + len(name) :])
            located = pattern in (_SUBJECT_AFTER, _SUBJECT_IN_BEFORE, _SUBJECT_WHERE)
            break
    first = _WORD.findall(after[:20])[:1]
    if name is None and first and first[0] in _SUBJECT_ALIASES:
        name = first[0]  # "10,000 US troops"
    if name is None and level:
        # "US President Donald Trump slapped tariffs of 145 per cent and Beijing responded with 125 per cent": the
        # country that acts in the clause (after its last "and") owns the figure
        clause_at = before.rfind(re.split(r"\band\b", before)[-1])
        clause = before[clause_at:]
        word = next((w for w in _WORD.finditer(clause) if w.group().rstrip(".") in _SUBJECT_ALIASES
                     and w.group().lower() not in ("world", "global")), None)
        if word is not None:
            name = word.group()
            name = name.rstrip(".") if name.rstrip(".") not in ("US", "UK") else name
            region = _region(clause[: word.start()], name, clause[word.start() + len(word.group()) :] + " " + after)
    if name is None and (_WORLDWIDE.search(" ".join(_WORD.findall(after)[:8])) or _WORLDWIDE.search(before[-30:])):
        return "world"
    if name is None:
        return ""
    name = re.sub(r"['’]s$", "", re.sub(r"^(?:The|A|In|At|On)\s+", "", name).strip().rstrip(".,"))  # "Moscow's"
    if _REPORTER.search(name) or _WORLD_REPORTER.match(name):
        return "world" if _WORLDWIDE.search(before + " " + after) or _WORLD_REPORTER.match(name) else ""
    if located and name in _CAPITALS:
        return name  # "In London, the area with the highest average house price": the city's, not the UK's
    subject = _SUBJECT_ALIASES.get(name, _SUBJECT_ALIASES.get(name.split()[0], name))
    if region.startswith("and "):
        other = region.removeprefix("and ")
        return f"{subject} and {_SUBJECT_ALIASES.get(other, other)}"  # "England and Wales" is neither alone
    return f"{region} {subject}" if region else subject


# A part of a place named before it ("the eastern part of Germany", "parts of northern England", "rural China")
_REGION_BEFORE = re.compile(
    r"\b(?:(?P<side>north|south|east|west|north-east|north-west|south-east|south-west|northern|southern|eastern|"
    r"western|central|north-eastern|north-western|south-eastern|south-western|rural|urban|coastal|inner|outer)"
    r"(?:\s+(?:part|parts|half|region|regions|areas?|provinces?|states?|regions|cities|towns))?"
    r"|(?P<part>parts?|regions?|areas?|provinces?|states?|cities|towns|much|most)(?:\s+of)?"
    r")(?:\s+of)?\s+(?:the\s+)?$", re.IGNORECASE)
# ... or after it: "Germany's east", "in Germany's eastern states"; a joint region: "England and Wales"
_REGION_AFTER = re.compile(
    r"^(?:['’]s\s+(?P<side>north|south|east|west|north-east|north-west|south-east|south-west|northern|southern|"
    r"eastern|western|central|north-eastern|north-western|south-eastern|south-western|rural|urban|coastal)\b"
    r"|\s*(?:and|&)\s+(?:the\s+)?(?P<other>[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*)?))")
_SIDES = {"north": "northern", "south": "southern", "east": "eastern", "west": "western", "north-east":
          "north-eastern", "north-west": "north-western", "south-east": "south-eastern", "south-west": "south-western"}


def _region(before: str, name: str, after: str) -> str:
    """Return what makes a named place a part of it or one of several ("eastern", "and Wales"); "" for the place."""
    if re.search(r"['’]s$", name):
        after = "'s" + after  # "Germany's east": the name was read with its "'s"
    found = _REGION_BEFORE.search(before) or _REGION_AFTER.match(after)
    if found is None:
        return ""
    if found.groupdict().get("other"):
        return f"and {found['other'].strip()}"
    side = found.groupdict().get("side")
    if side:
        return _SIDES.get(side.lower(), side.lower())
    return "part of"


def _clause_around(text: str, start: int, end: int) -> tuple[int, int]:
    clause_start = 0
    for brk in _CLAUSE_BREAK.finditer(text, 0, start):
        clause_start = brk.end()
    following = _CLAUSE_BREAK.search(text, end)
    return clause_start, following.start() if following else len(text)


def _scale_name(scale: str | None) -> str:
    word = (scale or "").strip().lower()
    return {"million": "m", "m": "m", "billion": "bn", "bn": "bn", "trillion": "tn", "tn": "tn"}.get(word, "")


def _number(text: str, scale: str | None) -> float:
    factor = {"m": 1e6, "bn": 1e9, "tn": 1e12}.get(_scale_name(scale), 1.0)
    return float(text.replace(",", "")) * factor


def _display(match: re.Match[str], unit: str, only_high: bool = False) -> str:
    """Return the value as the sentence writes it, with its unit ("more than 13,000", "12,000 to 19,000 bpd")."""
    written = match.group(0).strip()
    if only_high:
        written = re.split(r"\s?(?:-|–|\bto\b)\s?", written, maxsplit=1)[-1]
    if unit == "%":
        return f"{written}%"
    if unit.startswith(("barrel", "gallon", "litre", "liter", "tonne", "ton")):
        return f"{written} {unit.removesuffix(' m').removesuffix(' bn')}"
    if _is_money(unit) and " a " in unit:
        return f"{written} a {unit.split(' a ', 1)[1]}"  # "$50.88 a barrel"
    return written


def article_figures(article: Article) -> tuple[Figure, ...]:
    """Return every figure of an article (remembered: a month of articles is compared again each day)."""
    return _figures_of(_ByText(article))


class _ByText:
    """An article as the figures cache knows it: by its id, dates, language, title and text, hashed cheaply.

    An Article's own hash reads every sentence (its dataclass hash takes all fields), and a kept corpus makes its
    sentences only when read: hashing 100,000 articles for each digest made 1.6 million sentence objects.
    """

    __slots__ = ("article", "key")

    def __init__(self, article: Article) -> None:
        self.article = article
        self.key = (article.id, article.published, article.language, article.title, article.body)

    def __hash__(self) -> int:
        return hash(self.key)  # a str's hash is computed once and kept by the string

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _ByText) and self.key == other.key


# Larger than the largest corpus measured (100,000 articles): a digest reads every known article's figures, and
# a cache smaller than that is emptied by each pass over them (least recently used goes first).
@lru_cache(maxsize=1 << 17)
def _figures_of(keyed: _ByText) -> tuple[Figure, ...]:
    """Return every figure of an article.

    A sentence that names an earlier year than the article's, or a day more than STALE_DAYS before it, recalls the
    past ("the 2005 explosion killed 15 workers"; a wire story of "Apr 29, 2009" quoted on 18 May): its figures are
    not reports of where the story's measures stand and are left out. So is a sentence of a page's social feed or
    of a reader's numbered list ("@Faith_Saile... calls Chris #Christie", "18) Moscow airport suicide bombing: 35
    dead, 130 injured."): no report of the story's.
    """
    article = keyed.article
    sentences = article.sentences
    # the texts first: a kept corpus makes only the sentences that hold a figure, not every sentence of the article
    return tuple(figure for number, text in enumerate(sentence_texts(sentences)) if _has_digit(text)
                 and not _recalls_past(text, article.published) and not _SOCIAL.search(text)
                 for figure in _figures_in(sentences[number]))


def _figures_in(sentence: Sentence) -> tuple[Figure, ...]:
    """Return the figures of a sentence: its text's, read once for all the copies of a wire story that repeat it."""
    found = _figures_of_text(sentence.text)
    return found if not found or found[0].sentence == sentence else tuple(replace(f, sentence=sentence) for f in found)


@lru_cache(maxsize=1 << 17)
def _figures_of_text(text: str) -> tuple[Figure, ...]:
    # extract_figures reads the sentence's text alone; the sentence is only what each figure cites
    return tuple(extract_figures(Sentence(text, "", 0)))


def _has_digit(text: str) -> bool:
    """Tell whether a text holds a digit (as str.isdigit reads one, in any script).

    A regular expression for the common ASCII text: a character-by-character test cost tens of seconds over the
    1.6 million sentences of 100,000 articles.
    """
    return _ASCII_DIGIT.search(text) is not None if text.isascii() else any(map(str.isdigit, text))


_ASCII_DIGIT = re.compile(r"[0-9]")
_SOCIAL = re.compile(r"(?:^|\s)[@#][A-Za-z_]\w+|^\s*\d{1,2}\)\s")


_DAY_MONTH = re.compile(r"\b(?:(?P<day1>\d{1,2})\s+(?P<month1>[A-Z][a-z]{2,8})|(?P<month2>[A-Z][a-z]{2,8})\.?\s+"
                        r"(?P<day2>\d{1,2})(?!\d|,\d{3}))\b")
_MONTH_NUMBERS = {name: number for number, names in enumerate(
    ("jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july", "aug august",
     "sep sept september", "oct october", "nov november", "dec december"), start=1) for name in names.split()}


# A live blog's entry opens with its clock time: "1948 The authorities in Haiti have counted 9,000 to 10,000 dead"
_LIVE_TIME = re.compile(r"(?:[01]\d|2[0-3])[0-5]\d\s+(?:GMT\s+|BST\s+|ET\s+)?[A-Z\"“‘']")


def _recalls_past(text: str, published: datetime | None) -> bool:
    if published is None:
        return False
    if any(int(found[1]) < published.year and not (found.start() == 0 and _LIVE_TIME.match(text))
           for found in _YEAR_IN_TEXT.finditer(text)):
        return True
    for found in _DAY_MONTH.finditer(text):
        month = _MONTH_NUMBERS.get((found["month1"] or found["month2"]).lower())
        day = int(found["day1"] or found["day2"])
        if month is None or not 1 <= day <= 31:
            continue
        year = published.year if month <= published.month else published.year - 1  # "December 30" read in January
        try:
            named = datetime(year, month, day, tzinfo=published.tzinfo or UTC)
        except ValueError:
            continue
        if (published - named).days > STALE_DAYS:
            return True
    return False


def changed_figures(known: Iterable[Article], new: Iterable[Article],
                    same_story: SameStory | None = None) -> list[FigureChange]:
    """Compare the figures of the known articles with those of the new ones; return the measures that moved.

    The new value is the one most new articles give (the latest on a tie); the old one is the latest the known
    articles gave. A measure whose new value the known articles already gave is not news and is left out, and so
    is a pair whose two articles do not tell the same story (`same_story`, when given).
    """
    known_articles, new_articles = list(known), list(new)
    articles = {article.id: article for article in known_articles + new_articles}
    known_figures = [(article.published or datetime.min.replace(tzinfo=UTC), figure) for article in known_articles
                     for figure in article_figures(article)]
    new_figures = [figure for article in new_articles for figure in article_figures(article)]
    named = _sole_subjects([f for _, f in known_figures] + new_figures)
    # the places each kind of measure is given for ("dead": Mexico's confirmed dead, the US's dead...)
    places: dict[str, frozenset[str]] = {}
    for (measure, _), where in named.items():
        places[measure.split()[-1]] = places.get(measure.split()[-1], frozenset()) | where.subjects

    def _key(figure: Figure) -> tuple[str, str, str] | None:
        return _key_of(figure, named, articles, places)

    by_key: dict[tuple[str, str, str], list[tuple[datetime, Figure]]] = {}
    for moment, figure in known_figures:
        known_key = _key(figure)
        if known_key is not None:
            by_key.setdefault(known_key, []).append((moment, figure))
    window: dict[tuple[str, str, str], list[Figure]] = {}
    order = {article.id: (article.published or datetime.min.replace(tzinfo=UTC), article.id)
             for article in new_articles}
    for figure in new_figures:
        key = _key(figure)
        if key is not None and key in by_key:
            window.setdefault(key, []).append(figure)
    changes: list[tuple[int, FigureChange]] = []
    for key, figures in window.items():
        history = sorted(by_key[key], key=lambda item: item[0])
        # a value the history gave lately is not news; one it gave weeks before, and has moved on from since, is a
        # count that came round again ("at least 60" dead in Mexico on 25 April, 60 on 14 May)
        recently = history[-1][0] - timedelta(days=KNOWN_DAYS)
        known_values = {(f.low, f.high) for moment, f in history if moment >= recently}
        fresh = [f for f in figures if (f.low, f.high) not in known_values]
        if not fresh:
            continue
        support = Counter((f.low, f.high) for f in {(f.low, f.high, f.sentence.article_id): f for f in fresh}.values())
        latest = max(by_key[key], key=lambda item: item[0])[1]
        # the value most new articles give; on a tie the smallest move from the latest known value (a stale or
        # misread figure is most often far from it), then the latest; a value tied with it is taken when it gives
        # no move ("fewer than 10 confirmed deaths" beside 9, and "16 deaths have been confirmed")
        ranked = sorted(support, reverse=True, key=lambda v: (
            support[v], -abs(math.log(max(sum(v), 1) / max(latest.low + latest.high, 1))),
            max(order[f.sentence.article_id] for f in fresh if (f.low, f.high) == v)))
        found = None
        for best in (v for v in ranked if support[v] == support[ranked[0]]):
            found = _move(history, [f for f in fresh if (f.low, f.high) == best], order, same_story)
            if found is not None:
                break
        if found is None:
            continue
        before, after = found
        pairs = [(before, after)]
        # a count the window says was revised is news of its own beside the measure's main move ("A revised death
        # toll in Mexico gives a total of 101 deaths" the day others give "as many as 176")
        revised = [f for f in fresh if (f.low, f.high) != (after.low, after.high) and _REVISION.search(f.sentence.text)]
        second = _move(history, revised[:1], order, same_story) if revised else None
        if second is not None and second[0] is before:
            pairs.append(second)
        for before, after in pairs:
            others = tuple(dict.fromkeys(f.sentence.article_id for _, f in history if (f.low, f.high) ==
                                         (before.low, before.high) and f.sentence.article_id !=
                                         before.sentence.article_id))
            subject = " ".join(part for part in (key[2], key[0]) if part)
            changes.append((support[(after.low, after.high)], FigureChange(
                subject, before.display, after.display, before.sentence, after.sentence, others[:5],
                "up" if after.value > before.value else "down", key[0], after.unit)))
    # the measures most new articles give first; a count of the places a thing reached ("countries affected")
    # after the counts of the thing itself
    changes.sort(key=lambda item: (-item[0], item[1].measure.split()[0] in _PLACE_COUNTS))
    return [change for _, change in changes[:MAX_CHANGES]]


def _move(history: list[tuple[datetime, Figure]], giving: list[Figure], order: dict[str, tuple[datetime, str]],
          same_story: SameStory | None) -> tuple[Figure, Figure] | None:
    """Return the old figure and the new one that show a move to a new value, if its sentences give one.

    The old value is the latest the history gave that one of the new value's sentences can be set beside (the same
    event, the same story); on a tie, the latest such sentence. None when that is no move (the same value, a bound
    that holds it, a fall nothing explains).
    """
    paired: tuple[int, tuple[datetime, str], Figure, Figure] | None = None
    for after in sorted({f.sentence: f for f in giving}.values(), key=lambda f: order[f.sentence.article_id],
                        reverse=True):
        # an old approximation the new count fits is that count told roughly ("more than 230 people", then 231):
        # the move is from the count before it
        position = next((n for n in range(len(history) - 1, -1, -1) if not _rounded(history[n][1], after)
                         and _comparable(history[n][1], after, same_story)), None)
        if position is not None and (paired is None or position > paired[0]):
            paired = (position, order[after.sentence.article_id], history[position][1], after)
    if paired is None:
        return None
    _, _, before, after = paired
    if math.isclose(before.value, after.value) or _within_bound(before, after) or _unexplained_fall(before, after):
        return None
    return before, after


_APPROXIMATE = ("about", "around", "approximately", "roughly", "some", "nearly", "almost", "close to", "an estimated")


def _rounded(old: Figure, new: Figure) -> bool:
    """Tell whether an old value is the new exact count told roughly ("more than 230", "52,000"; 231, 52,160)."""
    if new.low != new.high or new.display[:1].isalpha() or old.low != old.high or old.low <= 0:
        return False
    written = old.display.lower()
    if written.startswith(_LOWER_BOUNDS):
        return old.low <= new.low <= old.low / ROUNDED_EXACT
    round_number = old.low % 10 ** max(len(str(int(old.low))) - 2, 1) == 0
    close = abs(new.low - old.low) <= (1 - ROUNDED_EXACT) * old.low
    return (written.startswith(_APPROXIMATE) or round_number) and close


ROUNDED_EXACT = 0.98  # how close an exact count is to the round or bounded value it makes precise (_rounded)


def _comparable(old: Figure, new: Figure, same_story: SameStory | None) -> bool:
    """Tell whether an old figure can be set beside a new one: the same event, a plausible move, the same story.

    Two figures that name the same place, in sentences that share a word besides it, are of one story even when
    their articles' words differ more than SameStory allows ("taking the UK total to 1,604" in a report on
    Scotland's cases, "1,752 confirmed cases of swine flu across the UK" in one on a death).
    """
    if old.period != new.period or not (_linked(old, new) and _plausible_move(old, new)):
        return False  # a year's deficit is not a month's
    if same_story is None or same_story(old.sentence.article_id, new.sentence.article_id):
        return True
    return bool(old.subject) and old.subject == new.subject and _shares_words(old, new)


_UPPER_BOUNDS = ("fewer than", "less than", "under", "below", "no more than")
_LOWER_BOUNDS = ("more than", "over", "above", "at least", "upwards of", "in excess of")
ROUNDED = 0.9  # a lower bound this close under the old value is the old value rounded (_within_bound)


def _within_bound(old: Figure, new: Figure) -> bool:
    """Tell whether the new value, a bound, holds the old one: "7 deaths" then "fewer than 10" is no move.

    Nor is a lower bound just under the old value ("more than 1,000" after 1,004). A lower bound further under is a
    move: "50,000 bodies collected" then "more than 25,000" is another official's lower count.
    """
    if new.display.lower().startswith(_LOWER_BOUNDS) and ROUNDED * old.low <= new.low <= old.low:
        return True  # "1,004 cases" then "more than 1,000 cases": the same count, rounded
    return new.display.lower().startswith(_UPPER_BOUNDS) and old.high <= new.high


_REVISION = re.compile(r"\b(?:revis\w*|downgrad\w*|correct(?:ed|ion)|scaled back|lowered)\b", re.IGNORECASE)
_REVISED = re.compile(r"\b(?:revis\w*|lower\w*|reduc\w*|cut|down|fell|fall\w*|dropped|drops?|correct\w*|"
                      r"downgrad\w*|scaled back|only)\b", re.IGNORECASE)


def _unexplained_fall(old: Figure, new: Figure) -> bool:
    """Tell a fall to an exact count that its sentence does not explain: most often an older or lagging report.

    Tolls, cases and the like rise as a story runs; an outlet's lower count the same week is mostly one that is
    behind ("664 confirmed cases in the UK" after the UK's 1,604). A fall is kept when the sentence says the
    figure was revised or cut ("A revised death toll in Mexico gives a total of 101") or gives a new estimate, a
    range or a bound ("50,000-100,000", "more than 25,000").
    """
    if new.value >= old.value or new.low != new.high or new.display[:1].isalpha():
        return False
    return not _REVISED.search(new.sentence.text)


def _plausible_move(old: Figure, new: Figure) -> bool:
    """Tell whether one value can be the other's update: within a factor of MAX_FACTOR of each other.

    Revised tolls, counts and flows move by a few times between reports (45,000-50,000 dead to between 100,000
    and 200,000; 1,000 barrels a day collected to 10,000); two values further apart are, far more often, counts of
    different things sharing a word ("188 missing" UN staff against "200,000 people unaccounted for"). Rates and
    sums are set by decision and may jump (tariffs of 10% raised to 145%): they are not held to it.
    """
    if new.unit == "%" or _is_money(new.unit):
        return True
    low, high = sorted((abs(old.value), abs(new.value)))
    return low > 0 and high / low <= MAX_FACTOR


_GENERIC = frozenset("people said says say according officials official reported report reports including "
                     "more than least about some total number figure figures".split())


def _content(sentence: Sentence) -> set[str]:
    words = {w.lower() for w in _WORD.findall(sentence.text) if len(w) >= 4}
    return {w for w in words if w not in _NOT_HEADS and w not in _GENERIC and w not in _OUTCOMES}


def _linked(old: Figure, new: Figure) -> bool:
    """Tell whether two sentences speak of the same event: a shared word, a shared large number, or one subject.

    A shared word is one besides the measure; a shared number one of another measure ("up to 200,000 have been
    killed" in both). "quake" and "earthquake" count as one word. A story's articles also recall other events
    ("the 2005 Texas City explosion killed 15 workers"); a toll of those shares no word with the toll of this one.
    """
    if old.subject and old.subject == new.subject and (old.subject != "world" or _names(old) & _names(new)):
        # the world is every story's place: two counts "worldwide" are one when a name ties them ("WHO"), not
        # "All 28 people detained globally" in one fraud inquiry and "At least 60 people were arrested worldwide" in
        # another
        return True
    if _large_numbers(old.sentence.text) & _large_numbers(new.sentence.text):
        return True
    return _shares_words(old, new)


def _names(figure: Figure) -> set[str]:
    """Return the names of a figure's sentence besides its first word and its subject ("WHO", "Fukuda")."""
    words = [re.sub(r"['’]s$", "", w) for w in _WORD.findall(figure.sentence.text)[1:]]
    return {w for w in words if w[:1].isupper() and _SUBJECT_ALIASES.get(w) != figure.subject}


def _shares_words(old: Figure, new: Figure) -> bool:
    """Tell whether two figures' sentences share a content word besides the measure ("quake" in "earthquake")."""
    measure_words = set(old.measure.split())
    a, b = _content(old.sentence) - measure_words, _content(new.sentence) - measure_words
    if a & b:
        return True
    return any(x in y or y in x for x in a for y in b if min(len(x), len(y)) >= 5)


def _large_numbers(text: str) -> set[str]:
    """Return the numbers of a sentence from 1,000 up, as written: ones that two sentences seldom share by chance."""
    return {n for n in re.findall(r"\d{1,3}(?:,\d{3})+", text)}


@dataclass(frozen=True, slots=True)
class _Named:
    """Where the coverage gives one measure: its subject (None: several) and every subject it is given for."""

    top: str | None
    subjects: frozenset[str]


def _sole_subjects(figures: list[Figure]) -> dict[tuple[str, str], _Named]:
    """Return, for each measure and unit the coverage names a subject for, where the coverage gives it.

    A subject named by at least DOMINANT of the articles that name one is the coverage's subject for that
    measure: "At least 5,000 people died" in coverage that puts the dead in Haiti, and once in Port-au-Prince, is
    Haiti's toll. "5,000 people died" in coverage where Mexico's toll and the world's are both given could be
    either: it is left out.
    """
    subjects: dict[tuple[str, str], Counter[str]] = {}
    once = {(f.measure, f.base_unit, f.subject, f.sentence.article_id): f for f in figures if f.subject}
    for figure in once.values():
        subjects.setdefault((figure.measure, figure.base_unit), Counter())[figure.subject] += 1
    named: dict[tuple[str, str], _Named] = {}
    for key, counts in subjects.items():
        # a place one article names the measure for is a part of the story's ("In Leogane, between 5,000 and 10,000
        # people were killed") or a misreading ("Ban Ki-moon: ... at least 14 people had died"): no rival of the
        # place the coverage gives it for; one that fewer than RIVAL_ARTICLES name ("36 in Alexandria") is no such
        # place itself
        if counts.total() < 2:
            continue  # one article naming a place for it ("10% of homes in Port-au-Prince"): the story's measure
        rivals = sum(count for count in counts.values() if count >= 2)
        (top, count), total = counts.most_common(1)[0], counts.total()
        # the world is no place an article is about: a count that names none is not taken for the world's
        sole = (count >= DOMINANT * total or count >= RIVAL_ARTICLES and count >= DOMINANT * rivals) and top != "world"
        named[key] = _Named(top if sole else None, frozenset(counts))
    return named


def _key_of(figure: Figure, named: dict[tuple[str, str], _Named], articles: dict[str, Article],
            places: dict[str, frozenset[str]]) -> tuple[str, str, str] | None:
    if figure.subject:
        return (figure.measure, figure.base_unit, figure.subject)
    measure = (figure.measure, figure.base_unit)
    if measure not in named:
        return (figure.measure, figure.base_unit, "")  # no article names a subject for it: one measure of the story
    where = named[measure]
    if figure.part:
        return None  # a part of a total whose place is not told: not taken for the place its own measure is given for
    # one that names none is the coverage's subject, when the coverage gives the measure for one place (mostly),
    # the figure's own article speaks of it (a story mixed with another is not taken for it) and its sentence
    # names no other place the measure is given for ("at least 177 dead, all but one in Mexico", "27 deaths
    # -- 26 in Mexico and one in the United States" are totals over several)
    article = articles.get(figure.sentence.article_id)
    if _OVER_SEVERAL.search(figure.sentence.text):
        return None  # "has killed 65 people, most in Mexico": a total over several places
    if where.top is not None and article is not None and _speaks_of(article.body, where.top) and not any(
            _speaks_of(figure.sentence.text, other) for other in places.get(figure.measure.split()[-1], frozenset())
            - {where.top, "world"}):
        return (figure.measure, figure.base_unit, where.top)
    return None


_OVER_SEVERAL = re.compile(r"\b(?:most|mostly|majority|all but (?:one|two|\w+ of them)|nearly all|almost all)\b"
                           r"(?:\s+[\w,'’-]+){0,3}?\s+in\b", re.IGNORECASE)


@lru_cache(maxsize=65_536)
def _speaks_of(text: str, subject: str) -> bool:
    """Tell whether a text names a subject, by any of its names ("the US", "America", "Washington")."""
    names = [name for name, canonical in _SUBJECT_ALIASES.items() if canonical == subject] or [subject]
    return any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) for name in names)


class SameStory:
    """Tell whether two articles tell the same story: the cosine of their TF-IDF vectors."""

    def __init__(self, vectors: object, positions: dict[str, int], threshold: float = ARTICLES_AGREE) -> None:
        """Keep the index's article vectors (rows normalised to length 1) and each article's row."""
        self._vectors = vectors
        self._positions = positions
        self._threshold = threshold

    def __call__(self, first: str, second: str) -> bool:
        """Tell whether the two articles are similar enough to be one story."""
        a, b = self._positions.get(first), self._positions.get(second)
        if a is None or b is None:
            return False
        rows = self._vectors[[a, b]]  # type: ignore[index]
        return float(rows[0].multiply(rows[1]).sum()) >= self._threshold
