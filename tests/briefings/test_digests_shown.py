"""What the reader was shown, not every line read before: Haiti on 21 January 2010 (Timeline17, read in place).

The day's BBC pages run again the toll and the aid line of the days before ("An estimated 200,000 people died in last
Tuesday's quake ..."), word for word under a new caption. Nobody who read the earlier briefings was shown those
lines, and the day's own accounts restate them: "what changed" keeps them as a summary of the day alone would. Once
a briefing showed the toll, its copy gives way to the rest of the day.
"""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from briefings.corpus import Corpus
from briefings.digests import READ_AGAIN, REDUNDANCY, _leads, _novelty, build_digest
from briefings.summaries import summarize_articles
from briefings.summarizers import LengthBudget
from tests.conftest import timeline17_story

DAY = datetime(2010, 1, 21, tzinfo=UTC)
END = DAY + timedelta(days=1, microseconds=-1)
BUDGET = LengthBudget(words=100)
TOLL_READ = "An estimated 200,000 people died in last Tuesday's quake and another 1.5 million were made homeless."
TOLL_AGAIN = ("Haiti earthquake: Aid outside Port-au-Prince An estimated 200,000 people died in last Tuesday's quake "
              "in Haiti and another 1.5 million have been made homeless.")
AID_AGAIN = "Despite an international aid operation, supplies are slow to reach survivors."


@pytest.fixture(scope="module")
def haiti() -> Corpus:
    corpus, _ = Corpus.from_folder(timeline17_story("haitian_earthquake") / "articles")
    return Corpus(tuple(article for article in corpus if article.published and article.published <= END))


def _ids(corpus: Corpus, text: str, new: bool) -> np.ndarray:
    index = corpus.index
    since = DAY.timestamp()
    return np.asarray([n for n, s in enumerate(index.sentences) if s.text == text
                       and (index.published[index.sentence_article[n]] >= since) == new], dtype=np.int64)


def test_lines_earlier_articles_carried_but_no_briefing_showed_are_told_as_the_day_alone_tells_them(haiti):
    read = haiti.index.sentences_of_articles(haiti.index.published < DAY.timestamp())
    for text in (TOLL_READ, AID_AGAIN):
        assert _ids(haiti, text, new=False).size  # read before, word for word
    # the copies earn the graded penalty of a sentence read, not READ_AGAIN besides
    copies = np.concatenate([_ids(haiti, TOLL_AGAIN, new=True), _ids(haiti, AID_AGAIN, new=True)])
    assert copies.size >= 2
    assert np.all(_novelty(haiti.index, copies, read) >= 1.0 - REDUNDANCY)
    digest = [s.text for s in build_digest(haiti, DAY, END, budget=BUDGET).sentences]
    alone = [s.text for s in summarize_articles([a for a in haiti if a.published >= DAY], BUDGET).sentences]
    assert digest == alone
    assert TOLL_AGAIN in digest and AID_AGAIN in digest, digest  # x0.3 for any copy read had pushed both out


def test_once_a_briefing_showed_the_toll_its_copy_gives_way_to_the_rest_of_the_day(haiti):
    said = frozenset({TOLL_READ})
    index = haiti.index
    read = index.sentences_of_articles(index.published < DAY.timestamp())
    shown = _ids(haiti, TOLL_READ, new=False)
    again = _ids(haiti, TOLL_AGAIN, new=True)
    # a near copy of a line shown (a caption run into it) is scaled by READ_AGAIN
    assert np.all(_novelty(index, again, read, shown) <= READ_AGAIN)
    digest = build_digest(haiti, DAY, END, budget=BUDGET, already_said=said)
    texts = [s.text for s in digest.sentences]
    assert TOLL_AGAIN not in texts and TOLL_READ not in texts, texts
    assert len(texts) >= 3 and any("200,000" in text for text in texts), texts  # the day's own account of the toll
    for sentence in digest.sentences:  # verbatim, from the day's own articles
        article = haiti.get(sentence.article_id)
        assert sentence.text in article.body and DAY <= article.published <= END


def test_an_earlier_articles_lead_run_again_the_next_day_is_a_line_the_reader_was_shown(haiti):
    # 20 January's lead, the aftershock, opens a page of the 21st again: every listing of the 20th showed it.
    index = haiti.index
    read = index.sentences_of_articles(index.published < DAY.timestamp())
    aftershock = [n for n in index.sentences_of_articles(index.published >= DAY.timestamp()).tolist()
                  if index.sentences[n].text.startswith("A strong aftershock has rocked Haiti")]
    assert aftershock
    leads = _leads(index, read)
    assert all(index.sentences[int(n)].position == 0 for n in leads) and leads.size < read.size // 10
    assert _novelty(index, np.asarray(aftershock), read, leads)[0] <= READ_AGAIN
    assert _novelty(index, np.asarray(aftershock), read)[0] >= 1.0 - REDUNDANCY  # were it a line further down
    texts = [s.text for s in build_digest(haiti, DAY, END, budget=BUDGET).sentences]
    assert not any(text.startswith("A strong aftershock has rocked Haiti") for text in texts), texts
