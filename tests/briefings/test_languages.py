"""Articles in other languages: detection, sentences, terms, stories and topic queries (issue 14).

The samples are written for these tests, in the style of news reports; the Chinese page test reads a real page
from ../shared/data/realweb (not copied here).
"""

import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from briefings.corpus import Article, ArticleError, Corpus
from briefings.languages import detect_language, language_code
from briefings.summaries import matching_sentences, summarize_topic
from briefings.summarizers import LengthBudget
from briefings.text import Normalizer, first_words, normalizer_for, split_sentences, word_count
from briefings.topics import complete_topics, corpus_topics

PAGES = Path(__file__).resolve().parents[3] / "shared" / "data" / "realweb" / "trafilatura-pages" / "pages"

CHINESE = ("中国经济第三季度增长明显放缓。国家统计局表示，政府将在下个月出台新的刺激政策！专家们对此并不乐观，"
           "他们说：“问题在于国内需求不足。”市场对这一消息反应平淡。")
JAPANESE = ("東京都は新しい経済対策を発表した。「来年の春から本格的に始める」と知事は記者会見で述べた。"
            "市民の多くはこの対策を歓迎している！")
THAI = ("รัฐบาลประกาศมาตรการใหม่เพื่อช่วยเหลือเกษตรกรในวันนี้ นายกรัฐมนตรีกล่าวว่ามาตรการนี้จะช่วยฟื้นฟูเศรษฐกิจของประเทศ "
        "ประชาชนจำนวนมากเห็นด้วยกับนโยบายดังกล่าว\n")
GERMAN = ("Die Bundesregierung hat am 3. Mai ein neues Gesetz zur Förderung der heimischen Wirtschaft beschlossen. "
          "Der Wirtschaftsminister sagte, die Unternehmen würden von den wirtschaftlichen Hilfen stark profitieren. "
          "Die Opposition kritisierte die Pläne als zu teuer und kündigte Widerstand im Bundesrat an.")
FRENCH = ("Le gouvernement a présenté mercredi un plan de relance de l'économie. Le ministre a déclaré : « Nous allons "
          "soutenir les entreprises. » Les syndicats jugent les mesures insuffisantes pour les salariés.")
PORTUGUESE = ("O governo anunciou nesta quarta-feira um novo pacote de medidas para a economia. O ministro disse que "
              "as empresas vão receber apoio até o fim do ano. Os sindicatos criticaram a falta de medidas para os "
              "trabalhadores.")
# Two unrelated Spanish reports (as in the issue: Argentine wage talks, Chilean truckers), the same day.
WAGES = ("Los sindicatos de Argentina y el gobierno de la provincia de Buenos Aires retomaron este martes las "
         "negociaciones por los salarios de los docentes. La propuesta oficial de un aumento del diez por ciento fue "
         "rechazada por los gremios, que piden una suba mayor por la inflación. Las partes volverán a reunirse la "
         "próxima semana en la sede del ministerio de Trabajo.")
TRUCKERS = ("Los camioneros de Chile bloquearon este martes las principales rutas del norte del país en protesta por "
            "el precio del combustible. La policía desvió el tránsito y el gobierno llamó a los dirigentes a una "
            "mesa de diálogo. Las empresas de transporte estiman que las pérdidas por el paro superan los dos "
            "millones de dólares por día.")


def dated(articles: dict[str, str]) -> Corpus:
    day = datetime(2025, 3, 4, tzinfo=UTC)
    return Corpus(tuple(replace(Article.from_text(key, text), published=day + timedelta(hours=n))
                        for n, (key, text) in enumerate(articles.items())))


def test_a_chinese_paragraph_gives_its_sentences_verbatim_with_the_closing_quote_kept():
    article = Article.from_text("zh", CHINESE)
    assert article.language == "zh"
    texts = [sentence.text for sentence in article.sentences]
    assert texts == ["中国经济第三季度增长明显放缓。", "国家统计局表示，政府将在下个月出台新的刺激政策！",
                     "专家们对此并不乐观，他们说：“问题在于国内需求不足。”", "市场对这一消息反应平淡。"]
    assert all(text in CHINESE for text in texts)


def test_a_japanese_paragraph_gives_its_sentences_with_their_brackets():
    article = Article.from_text("ja", JAPANESE)
    assert article.language == "ja"
    assert [sentence.text for sentence in article.sentences] == [
        "東京都は新しい経済対策を発表した。", "「来年の春から本格的に始める」と知事は記者会見で述べた。",
        "市民の多くはこの対策を歓迎している！"]


def test_thai_text_without_sentence_marks_is_split_into_its_sentences():
    article = Article.from_text("th", f"---\ntitle: ข่าวเศรษฐกิจวันนี้\n---\n{THAI}")  # a feed item's title
    assert article.language == "th"
    texts = [sentence.text for sentence in article.sentences]
    assert len(texts) == 3
    assert all(text in THAI and " " not in text for text in texts)



def test_reading_thai_writes_nothing_in_the_users_home(tmp_path):
    # pythainlp's models ship in its wheel; imported as is, it would create ~/pythainlp-data for downloads.
    script = ("from briefings.corpus import Article; from briefings.text import normalizer_for; "
              f"article = Article.from_text('th', {THAI!r}); "
              "print(len(article.sentences), len(normalizer_for('th').terms(article.sentences[0].text)))")
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTHAINLP")}
    done = subprocess.run([sys.executable, "-c", script], env={**environment, "HOME": str(tmp_path)},
                          capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2])
    sentences, terms = map(int, done.stdout.split())
    assert sentences == 3 and terms > 0
    assert list(tmp_path.iterdir()) == []

def test_german_day_ordinals_and_french_closing_guillemets_do_not_break_sentences():
    german = Article.from_text("de", GERMAN)
    assert german.language == "de"
    assert german.sentences[0].text.startswith("Die Bundesregierung hat am 3. Mai ein neues Gesetz")
    assert len(german.sentences) == 3
    quoted = "Bei den Männern Schulterzucken. »Das ist neu«, sagte sie."  # German opens with »
    assert [quoted[a:b] for a, b in split_sentences(quoted, "de")] == ["Bei den Männern Schulterzucken.",
                                                                        "»Das ist neu«, sagte sie."]
    french = Article.from_text("fr", FRENCH)
    assert french.language == "fr"
    assert [sentence.text for sentence in french.sentences][1] == (
        "Le ministre a déclaré : « Nous allons soutenir les entreprises. »")


@pytest.mark.parametrize(("text", "language"), [
    (CHINESE, "zh"), (JAPANESE, "ja"), (GERMAN, "de"), (FRENCH, "fr"), (PORTUGUESE, "pt"), (WAGES, "es"),
    ("US Treasury Secretary Scott Bessent said on Friday that the talks with China were productive and that "
     "both sides would meet again in Geneva next month to discuss tariffs.", "en"),
])
def test_each_article_language_is_detected(text, language):
    assert detect_language(text) == language


def test_front_matter_language_wins_and_a_bad_one_is_refused_with_a_reason():
    assert Article.from_text("x", f"---\nlanguage: pt-BR\n---\n{WAGES}").language == "pt"
    assert language_code("zh_Hans") == "zh"
    with pytest.raises(ArticleError, match="not an ISO 639-1 code"):
        Article.from_text("x", f"---\nlanguage: Deutsch!\n---\n{GERMAN}")


def test_stop_words_of_the_articles_language_are_dropped():
    assert normalizer_for("de").terms("Die Regierung und der Kanzler") == ["regier", "kanzl"]
    assert normalizer_for("es").terms("los salarios de los docentes") == ["salari", "docent"]
    assert normalizer_for("fr").terms("l'économie et les entreprises") == ["économ", "entrepris"]
    assert Normalizer().terms("The tariffs and the talks") == ["tariff", "talk"]  # English as before


def test_chinese_and_japanese_are_indexed_as_character_bigrams():
    assert normalizer_for("zh").terms("中国经济，2025年") == ["中国", "国经", "经济", "2025", "年"]


def test_word_counts_and_cuts_make_sense_for_chinese():
    sentence = "中国经济第三季度增长明显放缓。"
    assert word_count(sentence) == 7  # 14 characters, about two to a word
    assert word_count("Growth slowed in the third quarter.") == 6
    cut = first_words(sentence, 3)
    assert sentence.startswith(cut) and word_count(cut) == 3


def test_two_unrelated_spanish_stories_are_not_merged():
    corpus = dated({"wages": WAGES, "truckers": TRUCKERS})
    assert sorted(story.article_ids for story in corpus.stories) == [("truckers",), ("wages",)]
    # What the fix prevents: read with English stop words, the Spanish function words made them one story.
    as_english = dated({"wages": f"---\nlanguage: en\n---\n{WAGES}", "truckers": f"---\nlanguage: en\n---\n{TRUCKERS}"})
    assert [story.article_ids for story in as_english.stories] == [("wages", "truckers")]


def test_no_story_mixes_languages_even_when_names_and_figures_are_shared():
    english = ("Argentina's teachers' unions rejected the government's offer of a ten per cent rise in Buenos Aires "
               "on Tuesday. The unions want a larger rise because of inflation. Talks resume next week.")
    corpus = dated({"es": WAGES, "es-copy": WAGES.replace("este martes", "el martes"), "en": english})
    by_article = {article_id: story for story in corpus.stories for article_id in story.article_ids}
    assert by_article["es"] == by_article["es-copy"]
    assert by_article["en"].article_ids == ("en",)


def test_a_german_query_finds_german_sentences_through_stemming():
    corpus = dated({"de": GERMAN, "en": "The economy grew by two per cent last year, the ministry said on Monday."})
    found = [corpus.index.sentences[int(i)].text for i in matching_sentences(corpus.index, "Wirtschaft")]
    assert len(found) == 2 and all(text in GERMAN for text in found)
    assert found[0].startswith("Die Bundesregierung")  # "Wirtschaft"
    assert "wirtschaftlichen Hilfen" in found[1]  # the same stem


def test_a_topic_summary_works_in_each_language_the_corpus_holds():
    corpus = dated({"zh": CHINESE, "es": WAGES, "es2": TRUCKERS, "de": GERMAN,
                    "en": "The economy grew by two per cent last year, the ministry said on Monday."})
    spanish = summarize_topic(corpus, "salarios", LengthBudget(sentences=3))
    assert spanish.sentences and all(sentence.text in WAGES for sentence in spanish.sentences)
    chinese = summarize_topic(corpus, "经济", LengthBudget(sentences=3))
    assert chinese.sentences and all(sentence.text in CHINESE for sentence in chinese.sentences)
    english = summarize_topic(corpus, "economy", LengthBudget(sentences=3))
    assert [sentence.article_id for sentence in english.sentences] == ["en"]


def test_topic_completion_offers_no_stop_words_of_other_languages():
    corpus = dated({"wages": WAGES, "truckers": TRUCKERS, "de": GERMAN})
    names = {topic.name.lower() for topic in corpus_topics(corpus.index)}
    assert "martes" in names  # in both Spanish reports
    assert not names & {"para", "este", "por", "las", "los", "sobre", "eine", "der", "die", "und", "würden"}
    assert "martes" in complete_topics(corpus.index, "mar")
    assert complete_topics(corpus.index, "est") == ()  # "este" is a Spanish stop word


@pytest.mark.parametrize("name", ["xinhuanet.com.c_1125597921.html",
                                  "archive.org.he.xinhuanet.com.25340717.html"])  # one line, no headline: issue 14
def test_a_real_chinese_news_page_gives_sentences_that_are_verbatim(name):
    page = PAGES / name
    assert page.is_file(), f"the realweb pages are expected at {PAGES} (shared/ beside the project)"
    import trafilatura

    text = trafilatura.extract(page.read_bytes()) or ""
    article = Article.from_text("xinhua", text)
    assert article.language == "zh"
    assert len(article.sentences) >= 10
    assert all(sentence.text in text for sentence in article.sentences)
    assert all(sentence.text.rstrip("”’」』）").endswith(("。", "！", "？", "…")) for sentence in article.sentences)


def test_split_sentences_keeps_english_as_before():
    text = 'He said: "We will try." Then Mr. Smith left on Feb. 21 for talks.'
    assert [text[a:b] for a, b in split_sentences(text)] == ['He said: "We will try."',
                                                             "Then Mr. Smith left on Feb. 21 for talks."]
