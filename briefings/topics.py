"""The topics a corpus really holds: names and subjects that readers can ask about.

A topic is a name ("Bessent", "Xi Jinping", "Treasury Department"), a noun phrase ("interest rates") or a subject
word ("tariffs"). Names are read from capitalised runs inside sentences, with titles and possessives folded away
("US Treasury Secretary Scott Bessent", "Mr Bessent's" and "Bessent" are one topic). Subject words must be
*content* words: a word such as "time" or "make" occurs about once in very many articles, as chance would spread
it, while a topic word comes in bursts, several times in the few articles about it. Church and Gale's residual
IDF (1995, "Inverse document frequency: a measure of deviations from Poisson") measures exactly that excess
over a Poisson spread, and needs no word list. Topics are ranked by recent coverage: how many articles mention
them, each weighted by its age.
"""

from __future__ import annotations

import difflib
import math
import re
import weakref
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from briefings.index import CorpusIndex, IntArray
from briefings.sentence_runs import sentence_texts

# Runs of capitalised words not opening a sentence ("Scott Bessent", "Bank of England", "Treasury").
_NAME = re.compile(r"(?<=[a-z0-9,;:)] )[A-Z][\w'’.-]*[\w'’](?:(?: (?:of|de|del|da|van|von|der|al|bin|la|le))? "
                   r"[A-Z][\w'’.-]*[\w'’])*")
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z'’-]*[a-z](?![\w'’-])")
_POSSESSIVE = re.compile(r"['’]s?$")
# Personal titles and offices written before a name: "Mr Bessent", "Vice-Premier He", "President Xi".
TITLES = frozenset("""
mr mrs ms miss mx dr prof professor sir dame lord lady rev reverend father sister president vice-president
premier vice-premier minister secretary chancellor governor senator sen rep congressman congresswoman judge
justice king queen prince princess pope mayor ambassador commissioner spokesman spokeswoman spokesperson coach
captain chairman chairwoman chancellor sheikh emir ayatollah archbishop bishop cardinal inspector detective
sergeant officer constable
""".split())
# Calendar words are capitalised but name no subject ("on Tuesday", "in December").
CALENDAR = frozenset("""
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december
""".split())
CONNECTORS = frozenset({"of", "de", "del", "da", "van", "von", "der", "al", "bin", "la", "le"})
MAX_NAME_WORDS = 5
CONTENT_RIDF = 0.9  # bits of residual IDF a subject word needs: more bursty than chance would make it
COVERAGE_HALF_LIFE_DAYS = 7.0  # an article a week older counts half as much in a topic's coverage
MERGE_SHARE = 0.75  # a surname joins a full name that holds this share of the full names that end with it
PHRASE_SHARE = 0.35  # a word pair is a phrase when it holds this share of the articles of its modifier
PHRASE_ARTICLES = 5
MIN_ARTICLES = 2
PAIR_TOKENS = 1 << 20  # term ids read at once for the word pairs of phrases
CLOSE_SPELLING = 0.8  # difflib ratio at which a topic is a likely spelling of what was typed
# An article is about what its headline and lead name (the inverted pyramid): its title, or its first two sentences,
# since many pages and feeds carry the headline as the first line, the lead after it.
LEAD_SENTENCES = 2


@dataclass(frozen=True, slots=True)
class Topic:
    """A name or subject, as the corpus writes it, how many articles mention it, and its recent coverage."""

    name: str
    articles: int
    coverage: float = 0.0  # articles weighted by age (a week-old article counts half)
    aliases: tuple[str, ...] = ()  # other spellings folded into this topic ("Scott Bessent", "Mr Bessent's")


def corpus_topics(index: CorpusIndex, limit: int = 200) -> tuple[Topic, ...]:
    """Return the corpus's topics, those with the most recent coverage first."""
    return _topics(index)[:limit]


def close_topics(index: CorpusIndex, query: str, limit: int = 5) -> tuple[str, ...]:
    """Return topics that are likely spellings of the query (a typo, another form of the word), best first."""
    wanted = clean_topic(query).lower()
    if not wanted:
        return ()
    scored: list[tuple[float, int, str]] = []
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(wanted)  # as difflib.get_close_matches does: the typed text is analysed once
    for rank, topic in enumerate(_topics(index)):
        best = 0.0
        for form in (topic.name, *topic.aliases):
            matcher.set_seq1(form.lower())
            # The cheap upper bounds first: most topics are nothing like what was typed.
            if matcher.real_quick_ratio() >= CLOSE_SPELLING and matcher.quick_ratio() >= CLOSE_SPELLING:
                best = max(best, matcher.ratio())
        if best >= CLOSE_SPELLING:
            scored.append((-best, rank, topic.name))
    return tuple(name for _, _, name in sorted(scored)[:limit])


def suggest_topics(index: CorpusIndex, query: str, limit: int = 5) -> tuple[str, ...]:
    """Return topics that resemble the query, or those with the most recent coverage when none does."""
    close = close_topics(index, query, limit)
    return close or tuple(topic.name for topic in _topics(index)[:limit])


def complete_topics(index: CorpusIndex, prefix: str, limit: int = 25) -> tuple[str, ...]:
    """Return topics with a word that starts with the typed text (never inside a word), by recent coverage."""
    typed = clean_topic(prefix).lower() if prefix.strip() else ""
    topics = _topics(index)
    if not typed:
        return tuple(topic.name for topic in topics[:limit])
    first: list[str] = []
    then: list[str] = []
    for topic in topics:
        name = topic.name.lower()
        if name.startswith(typed):
            first.append(topic.name)
        elif any(typed in (lowered := form.lower()) and _starts_a_word(lowered, typed)
                 for form in (topic.name, *topic.aliases)):
            then.append(topic.name)
        if len(first) >= limit:
            break
    return tuple((first + then)[:limit])


def clean_topic(text: str) -> str:
    """Fold what a reader types into the topic it names: no titles, possessives or surrounding punctuation."""
    words = text.replace("’", "'").strip(" \t\"'“”‘.,;:!?").split()
    words = [_POSSESSIVE.sub("", word) if word.endswith(("'s", "'", "’s")) else word for word in words]
    while len(words) > 1 and words[0].lower().rstrip(".") in TITLES:
        words = words[1:]
    return " ".join(word for word in words if word)


def topic_sentences(index: CorpusIndex, topic: str) -> IntArray:
    """Return the sentences that mention a topic: every meaningful word of it, whole or by stem.

    A full name ("Scott Bessent") also finds the sentences of the same article that use the surname alone
    ("Mr Bessent said"): within one article the surname refers to the person named in full.
    """
    cleaned = clean_topic(topic)
    found = index.sentences_matching(cleaned)  # each language of the corpus reads the topic its own way
    words = cleaned.split()
    if len(words) > 1 and words[-1][:1].isupper() and found.size:
        alone = index.sentences_matching(words[-1])
        if alone.size:
            named = np.zeros(len(index.articles), dtype=bool)
            named[index.sentence_article[found]] = True
            found = np.union1d(found, alone[named[index.sentence_article[alone]]])
    return found


def topic_articles(index: CorpusIndex, topic: str, mentions: IntArray | None = None) -> npt.NDArray[np.bool_]:
    """Return which articles are about a topic (a mask over article numbers): those whose lead or headline names it.

    `mentions` are the topic's sentences (`topic_sentences`), when they are at hand already. Only an article that
    names the topic in a sentence is read for its headline: reading every title would cost a pass over the corpus.
    """
    found = topic_sentences(index, topic) if mentions is None else mentions
    if found.size == 0:
        return np.zeros(len(index.articles), dtype=bool)
    about = _in_lead(index, found)
    terms = set(index.normalizer.terms(clean_topic(topic)))
    named = np.zeros(len(index.articles), dtype=bool)
    named[index.sentence_article[found]] = True
    for number in np.flatnonzero(named & ~about).tolist():
        article = index.articles[number]
        about[number] = article.has_headline and terms <= set(index.normalizer.terms(article.title))
    return about


def _in_lead(index: CorpusIndex, sentences: IntArray) -> npt.NDArray[np.bool_]:
    """Return a mask of the articles with one of these sentences in their lead (their first LEAD_SENTENCES)."""
    owners = index.sentence_article[sentences]
    first = np.searchsorted(index.sentence_article, owners)  # an article's sentences are consecutive, in order
    lead = np.zeros(len(index.articles), dtype=bool)
    lead[owners[sentences - first < LEAD_SENTENCES]] = True
    return lead


def sentences_about(index: CorpusIndex, topic: str) -> IntArray:
    """Return the sentences a topic's "what changed" draws on: those that mention it, and the articles about it.

    "Yesterday, officials said the cap was holding and continuing to prevent oil spewing into the gulf..." is the oil
    spill's news without naming it, in a page that does: `changes "oil spill"` asks for that story's news, as a
    reader of the story's pages alone would get it.
    """
    found = topic_sentences(index, topic)
    if found.size == 0:
        return found
    return np.union1d(found, index.sentences_of_articles(topic_articles(index, topic, found)))


def _starts_a_word(text: str, typed: str) -> bool:
    return re.search(r"(?:^|[\s/-])" + re.escape(typed), text) is not None


# Per index, and only while the index lives: a cache keyed strongly would keep replaced corpora in memory.
_CACHE: weakref.WeakKeyDictionary[CorpusIndex, tuple[Topic, ...]] = weakref.WeakKeyDictionary()


def topics_counted(index: CorpusIndex) -> bool:
    """Tell whether an index's topics are counted already (reading them then costs nothing)."""
    return index in _CACHE


def counted_topics(index: CorpusIndex) -> tuple[Topic, ...] | None:
    """Return an index's topics if they are counted already (to keep them), else None."""
    return _CACHE.get(index)


def held_topics(index: CorpusIndex) -> CorpusIndex:
    """Return an index of no article holding the topics counted for this one, to serve them once it is replaced.

    Autocomplete reads the last table counted until a new corpus's is (`bot.ingestion.live.LiveCorpus`): holding
    the replaced index for it kept that index's term ids and postings too, two corpora's at once after a swap.
    """
    counted = _CACHE.get(index)
    if counted is None:
        return index
    alone = index.subset(np.zeros(0, dtype=np.int64))
    _CACHE[alone] = counted
    return alone


def remember_topics(index: CorpusIndex, topics: tuple[Topic, ...]) -> None:
    """Take the topics counted before for this same index (kept between commands) instead of counting them."""
    _CACHE[index] = topics


def _topics(index: CorpusIndex) -> tuple[Topic, ...]:
    cached = _CACHE.get(index)
    if cached is None:
        cached = _CACHE[index] = _count_topics(index)
    return cached


def _count_topics(index: CorpusIndex) -> tuple[Topic, ...]:
    """Read the names, phrases and subject words of every article, and rank them by recent coverage."""
    weights = _recency_weights(index)
    # Each name once (its number), each article's names as a tuple of those numbers, and one count of every
    # spelling: at 100,000 articles a set of strings an article and a counter a name held 600 MiB more at once.
    numbers: dict[str, int] = {}
    per_article_names: list[tuple[int, ...]] = []
    spelled: Counter[str] = Counter()
    lower_words: Counter[str] = Counter()
    for article in index.articles:
        text = "\n".join(sentence_texts(article.sentences))  # no sentence object made: 490 MiB at 100,000
        names: set[int] = set()
        for match in _NAME.finditer(text):
            for name in _names_in_run(match.group(0)):
                key = name.lower()
                if key in CALENDAR or len(key.split(" ")) > MAX_NAME_WORDS:
                    continue
                names.add(numbers.setdefault(key, len(numbers)))
                spelled[name] += 1
        per_article_names.append(tuple(names))
        lower_words.update(_LOWER_WORD.findall(text))
    topics = _name_topics(index, list(numbers), per_article_names, spelled, weights)
    content = _content_terms(index, lower_words)
    topics += _word_topics(index, lower_words, content, weights)
    topics += _phrase_topics(index, lower_words, content, weights)
    best: dict[str, Topic] = {}
    for topic in topics:
        key = topic.name.lower()
        if key not in best or topic.articles > best[key].articles:
            best[key] = topic
    # Names first among equals: a reader asks about "Bessent" more often than about "communication".
    return tuple(sorted(best.values(), key=lambda t: (-round(t.coverage, 6), -t.articles,
                                                      not t.name[:1].isupper(), t.name.lower())))


def _recency_weights(index: CorpusIndex) -> np.ndarray:
    published = index.published
    if published.size == 0 or np.isnan(published).all():
        return np.ones(len(index.articles))
    newest = np.nanmax(published)
    ages = (newest - np.where(np.isnan(published), np.nanmin(published), published)) / 86_400.0
    return np.power(0.5, ages / COVERAGE_HALF_LIFE_DAYS)


def _names_in_run(run: str) -> Iterable[str]:
    """Split a capitalised run into names: a possessive ends one ("China's He"), titles go ("Mr", "Secretary")."""
    words: list[str] = []
    for word in run.split(" "):
        plain = _POSSESSIVE.sub("", word.replace("’", "'")) if word.endswith(("'s", "’s", "'", "’")) else word
        if plain.lower().rstrip(".") in TITLES:
            words = []  # what came before a title describes the office ("US Treasury Secretary")
            continue
        words.append(plain)
        if plain != word:  # a possessive: the name ends here
            yield " ".join(words)
            words = []
    while words and words[-1].lower() in CONNECTORS:
        words.pop()
    if words:
        yield " ".join(words)


def _name_topics(index: CorpusIndex, keys: list[str], per_article: list[tuple[int, ...]], spelled: Counter[str],
                 weights: np.ndarray) -> list[Topic]:
    """Return the names written in at least MIN_ARTICLES articles (`keys`: each name's key by its number)."""
    tally = Counter[int]()
    for names in per_article:
        tally.update(names)
    counts: Counter[str] = Counter({keys[number]: count for number, count in tally.items()
                                    if count >= MIN_ARTICLES and index.query_terms(keys[number]) is not None})
    # Each name's spellings, in the order first written (most_common keeps that order among equals).
    spellings: dict[str, Counter[str]] = {}
    for name, count in spelled.items():
        key = name.lower()
        if key in counts:
            spellings.setdefault(key, Counter())[name] = count
    # A surname that one full name dominates is that person ("Bessent" is "Scott Bessent"); the topic is named by
    # the surname, which finds every sentence about them.
    by_surname: dict[str, list[str]] = {}
    for key in counts:
        words = key.split(" ")
        if 1 < len(words) <= 3 and not CONNECTORS.intersection(words):  # a person's name: given names, surname
            by_surname.setdefault(words[-1], []).append(key)
    canonical: dict[str, str] = {}
    for surname, full_names in by_surname.items():
        if surname not in counts:
            continue
        total = sum(counts[name] for name in full_names)
        leader = max(full_names, key=lambda name: (counts[name], name))
        if counts[leader] >= MERGE_SHARE * total:
            for name in full_names:
                canonical[name] = surname
    members: dict[str, set[str]] = {}
    for key in counts:
        members.setdefault(canonical.get(key, key), set()).add(key)
    articles: Counter[str] = Counter()
    coverage: dict[str, float] = {}
    for number, names in enumerate(per_article):
        for topic in {canonical.get(key, key) for key in (keys[name] for name in names) if key in counts}:
            articles[topic] += 1
            coverage[topic] = coverage.get(topic, 0.0) + float(weights[number])
    topics = []
    for topic, group in members.items():
        forms = Counter[str]()
        for key in group:
            forms.update(spellings[key])
        name = spellings[topic].most_common(1)[0][0]
        aliases = tuple(sorted({form for form, _ in forms.most_common(8)} - {name}))
        topics.append(Topic(name, articles[topic], coverage[topic], aliases))
    return topics


def _content_terms(index: CorpusIndex, lower_words: Counter[str]) -> set[int]:
    """Return the term ids of subject words: written in lower case and bursty (residual IDF above chance)."""
    total = max(len(index.articles), 1)
    frequency = index.article_frequency
    occurrences = np.bincount(index.term_ids, minlength=len(index.vocabulary)).astype(np.float64)
    lower_count: Counter[int] = Counter()
    for word, count in lower_words.items():
        term = index.vocabulary.get(index.normalizer.term(word))
        if term is not None:
            lower_count[term] += count
    content: set[int] = set()
    for term, count in lower_count.items():
        df = frequency[term]
        if df < MIN_ARTICLES or count < 0.5 * occurrences[term]:
            continue  # rare, or mostly capitalised (a name, handled as one)
        ridf = -math.log2(df / total) + math.log2(-math.expm1(-occurrences[term] / total))
        if ridf >= CONTENT_RIDF or total < 20:
            content.add(term)
    return content


def _word_topics(index: CorpusIndex, lower_words: Counter[str], content: set[int],
                 weights: np.ndarray) -> list[Topic]:
    forms: dict[int, tuple[int, str]] = {}
    for word, count in lower_words.items():
        if len(word) < 3 or not word.isalpha():
            continue
        term = index.vocabulary.get(index.normalizer.term(word))
        if term in content and (term not in forms or count > forms[term][0]):
            forms[term] = (count, word)
    present = index.article_terms().tocsc()  # made for this count, not kept with the index
    present.data = np.ones(present.nnz)  # whether an article holds the term, not how often
    coverage = np.asarray(weights @ present).ravel()
    del present
    frequency = index.article_frequency
    return [Topic(word, int(frequency[term]), float(coverage[term])) for term, (_, word) in forms.items()]


def _phrase_topics(index: CorpusIndex, lower_words: Counter[str], content: set[int],
                   weights: np.ndarray) -> list[Topic]:
    """Return noun phrases: neighbouring subject words that mostly come together ("crude oil", "interest rates")."""
    vocabulary = max(len(index.vocabulary), 1)
    forms: dict[int, tuple[int, str]] = {}
    for word, count in lower_words.items():
        term = index.vocabulary.get(index.normalizer.term(word))
        if term in content and (term not in forms or count > forms[term][0]):
            forms[term] = (count, word)
    wanted = np.zeros(vocabulary, dtype=bool)
    wanted[list(forms)] = True
    pairs = _article_pairs(index, wanted)
    if pairs.size == 0:
        return []
    pair_keys, inverse, counts = np.unique(pairs % (vocabulary * vocabulary), return_inverse=True,
                                           return_counts=True)
    coverage = np.bincount(inverse, weights=weights[pairs // (vocabulary * vocabulary)])
    del pairs, inverse
    frequency = index.article_frequency
    modifiers, heads = np.divmod(pair_keys, vocabulary)
    # The modifier must mostly come with this head ("crude oil", "general election"), not describe many things.
    chosen = np.flatnonzero((counts >= PHRASE_ARTICLES) & (modifiers != heads)
                            & (counts >= PHRASE_SHARE * frequency[modifiers]))
    topics = []
    for modifier, head, count, weight in zip(modifiers[chosen].tolist(), heads[chosen].tolist(),
                                             counts[chosen].tolist(), coverage[chosen].tolist(), strict=True):
        phrase = f"{forms[modifier][1]} {forms[head][1]}"
        if _written_together(index, modifier, head, phrase):
            topics.append(Topic(phrase, count, weight))
    return topics


def _article_pairs(index: CorpusIndex, wanted: np.ndarray) -> IntArray:
    """Return each neighbouring pair of wanted terms once an article, as article * V² + first * V + second, sorted.

    Read PAIR_TOKENS term ids at a time, whole articles: the pairs of every term of a 100,000-article corpus at
    once took arrays of 16 million numbers each (1 GiB at the peak), where few pairs are of two subject words.
    """
    vocabulary = len(wanted)
    width = vocabulary * vocabulary
    count = len(index.articles)
    sentence_first = np.searchsorted(index.sentence_article, np.arange(count + 1))
    token_first = index.offsets[sentence_first]  # where each article's term ids start
    found: list[IntArray] = []
    start = 0
    while start < count:
        end = min(max(int(np.searchsorted(token_first, token_first[start] + PAIR_TOKENS, side="right")) - 1,
                      start + 1), count)
        first, last = int(token_first[start]), int(token_first[end])
        if last - first >= 2:
            ids = index.term_ids[first:last]
            keep = wanted[ids[:-1]] & wanted[ids[1:]]
            ends = index.offsets[sentence_first[start] + 1 : sentence_first[end]] - first - 1
            keep[ends[(ends >= 0) & (ends < keep.size)]] = False  # a sentence's last term and the next one's first
            at = np.flatnonzero(keep)
            owners = np.searchsorted(token_first[start : end + 1], at + first, side="right") - 1 + start
            found.append(np.unique(owners * width + ids[at].astype(np.int64) * vocabulary + ids[at + 1]))
        start = end
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _written_together(index: CorpusIndex, modifier: int, head: int, phrase: str) -> bool:
    """Check that the pair is written as a phrase (the index drops stop words: "price of oil" is no "price oil")."""
    pattern = re.compile(r"\b" + r"\w*\s+".join(re.escape(word[:4]) for word in phrase.split(" ")), re.IGNORECASE)
    sample = index.sentences_with([modifier, head])[:5]
    return any(pattern.search(index.sentences[int(sentence)].text) for sentence in sample)
