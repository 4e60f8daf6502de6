"""Discord rendering of figures that moved (render.py is tested directly, as STYLE.md asks)."""

from bot.discord import render
from briefings.corpus import Article, Corpus
from briefings.figures import changed_figures
from tests.conftest import TIMELINE17

HAITI = TIMELINE17 / "haitian_earthquake" / "articles"


def test_a_fall_is_rendered_with_a_falling_chart_and_a_rise_with_a_rising_one():
    earlier = Article.from_path(HAITI / "2010-01-16_haiti_1672.txt")  # 50,000 bodies collected
    later = Article.from_path(HAITI / "2010-01-17_haiti_1479.txt")  # more than 25,000
    corpus = Corpus((earlier, later))
    (fall,) = [c for c in changed_figures([earlier], [later]) if c.measure == "bodies"]
    (rise,) = [c for c in changed_figures([later], [earlier]) if c.measure == "bodies"]
    fell, rose = render.figure_block(corpus, fall), render.figure_block(corpus, rise)
    assert fell.startswith("📉 ") and "50,000 → **more than 25,000**" in fell
    assert rose.startswith("📈 ") and "more than 25,000 → **50,000**" in rose
