"""What the reader knows is also the story's background: Timeline17's BP and Michael Jackson pages (read in place).

The pages of a story carry lines that are not the story at all: a sidebar headline of another story, a radio
station's programme small print. Set beside everything the story said before, such a line shares nothing with it,
and "what changed" ranks it below the story's own news, while the same line still counts when nothing was read.
"""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from briefings.corpus import Corpus
from briefings.digests import BACKGROUND_FLOOR, _foreground, build_digest
from briefings.summarizers import LengthBudget
from tests.conftest import timeline17_story

BUDGET = LengthBudget(words=100)


def story(name: str, start: datetime, end: datetime) -> Corpus:
    corpus, _ = Corpus.from_folder(timeline17_story(name) / "articles")
    return Corpus(tuple(a for a in corpus if a.published and start <= a.published <= end))


def day(year: int, month: int, number: int) -> datetime:
    return datetime(year, month, number, tzinfo=UTC)


@pytest.fixture(scope="module")
def bp() -> Corpus:  # the TAC-like batches of bench/timeline.py: 4 to 6 June read, 7 June new
    return story("bp_oil_spill", day(2010, 6, 4), day(2010, 6, 8) - timedelta(microseconds=1))


def test_another_storys_sidebar_headline_is_not_what_changed_in_the_story(bp):
    since, until = day(2010, 6, 7), day(2010, 6, 8) - timedelta(microseconds=1)
    helicopter = "Helicopter crashes into crane on London tower, kills two."
    # Before, the history's penalty pushed the day's restatements of the rig's sinking back and this line came in.
    digest = [s.text for s in build_digest(bp, since, until, budget=BUDGET).sentences]
    assert helicopter not in digest, digest
    assert sum("BP" in text or "oil" in text for text in digest) >= 2, digest


def test_programme_small_print_gives_way_to_the_storys_news():
    mj = story("mj_death", day(2009, 6, 27), day(2010, 2, 6) - timedelta(microseconds=1))
    digest = [s.text for s in build_digest(mj, day(2009, 7, 30), day(2010, 2, 6) - timedelta(microseconds=1),
                                           budget=BUDGET).sentences]
    assert not [text for text in digest if "Programme Information" in text or "Skip to a day" in text], digest
    assert any("Jackson" in text for text in digest), digest


def test_only_sentences_far_from_their_storys_history_are_scaled_and_never_to_nothing(bp):
    index = bp.index
    published = index.published
    since = day(2010, 6, 7).timestamp()
    new = index.sentences_of_articles(published >= since)
    read = index.sentences_of_articles(published < since)
    scale = _foreground(index, new, read)
    texts = [index.sentences[int(i)].text for i in new]
    helicopter = texts.index("Helicopter crashes into crane on London tower, kills two.")
    assert BACKGROUND_FLOOR <= scale[helicopter] < 0.5
    assert np.all(scale >= BACKGROUND_FLOOR) and np.all(scale <= 1.0)
    assert scale[helicopter] < np.median(scale)
    rig = texts.index("The Deepwater Horizon rig sank on 20 April after an explosion, killing 11 workers.")
    assert scale[rig] == 1.0  # the story's own words, read before or not, are never background
    assert np.all(_foreground(index, new, np.zeros(0, dtype=np.int64)) == 1.0)  # nothing read: nothing is background
