"""Reversals on real coverage from ../shared/data/timeline17 (read there, not copied here)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from briefings.corpus import Article, Corpus
from briefings.digests import build_digest
from briefings.reversals import has_cue
from tests.conftest import TIMELINE17


def timeline_article(story: str, name: str) -> Article:
    return Article.from_path(TIMELINE17 / story / "articles" / f"{name}.txt")


def copy_of(article: Article, article_id: str) -> Article:
    """Return the same wire story as another outlet publishes it: the same text under another id."""
    return replace(article, id=article_id, sentences=tuple(replace(s, article_id=article_id)
                                                           for s in article.sentences))


def digest_of(corpus: Corpus, day: str):
    since = datetime.fromisoformat(day).replace(tzinfo=UTC)
    return build_digest(corpus, since, since + timedelta(days=1) - timedelta(microseconds=1))


def test_a_bare_negation_is_no_reversal_cue_and_a_denial_is():
    assert not has_cue("The hotel in which the man briefly stayed in Hong Kong has been cordoned off and the alert "
                       "level raised to emergency, although the authorities have urged residents not to panic.")
    assert not has_cue("Michael Jackson's personal physician Dr. Conrad Murray has pleaded not guilty to a charge of "
                       "involuntary manslaughter and is currently awaiting trial.")
    assert has_cue("It also follows claims, denied by BP, that it lobbied for Lockerbie bomber Abdelbaset Ali "
                   "al-Megrahi's release.")
    assert has_cue("A U.S. court overturned a six-month moratorium imposed after the spill but the government is "
                   "seeking a new one.")


def test_pleading_not_guilty_to_a_charge_is_not_set_against_the_charge():
    charged = timeline_article("mj_death", "2010-03-23_mj_536")  # "has been charged with involuntary manslaughter"
    plea = timeline_article("mj_death", "2010-06-24_mj_1075")  # "has pleaded not guilty to a charge of ..."
    assert any("not guilty" in s.text for s in plea.sentences)
    assert digest_of(Corpus((charged, plea)), "2010-06-24").contrasts == ()


def test_a_denied_claim_is_set_beside_the_claim_once_for_all_copies_of_the_wire_story():
    claim = timeline_article("bp_oil_spill", "2010-07-16_bpoil_1217")
    denial = timeline_article("bp_oil_spill", "2010-07-24_bpoil_724")
    corpus = Corpus((claim, denial, copy_of(denial, "copy-1"), copy_of(denial, "copy-2")))
    contrasts = digest_of(corpus, "2010-07-24").contrasts
    lockerbie = [c for c in contrasts if "Lockerbie" in c.after.text]
    assert len(lockerbie) == 1
    (reversal,) = lockerbie
    assert reversal.after.text.startswith("It also follows claims, denied by BP, that it lobbied for Lockerbie bomber")
    assert "claims by a group of Democrat senators that BP lobbied" in reversal.before.text
    assert reversal.before.article_id == claim.id
    assert reversal.before.text in claim.body and reversal.after.text in denial.body


def test_a_claim_from_another_story_is_never_the_one_denied():
    denial = timeline_article("bp_oil_spill", "2010-07-24_bpoil_724")
    unrelated = timeline_article("swine_flu", "2009-05-01_h1n1_664")
    unrelated = replace(unrelated, published=datetime(2010, 7, 20, tzinfo=UTC))
    assert digest_of(Corpus((unrelated, denial)), "2010-07-24").contrasts == ()
