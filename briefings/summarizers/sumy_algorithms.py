"""sumy's single-document summarizers, fed with Briefbot's own sentences (no NLTK data needed).

sumy's default Tokenizer calls NLTK's punkt model, which must be downloaded; here sumy only ever sees
sentences that Briefbot has already split, and words from a regular expression. sumy still stems with
NLTK's Snowball code, which is plain Python and needs no data.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from briefings.corpus import Article, Sentence
from briefings.text import stop_words, words

# name -> (module, class) in sumy.summarizers
SUMY_ALGORITHMS: dict[str, tuple[str, str]] = {
    "lexrank": ("lex_rank", "LexRankSummarizer"),
    "textrank": ("text_rank", "TextRankSummarizer"),
    "lsa": ("lsa", "LsaSummarizer"),
    "luhn": ("luhn", "LuhnSummarizer"),
    "kl": ("kl", "KLSummarizer"),
    "sumbasic": ("sum_basic", "SumBasicSummarizer"),
}


class _WordsOnlyTokenizer:
    """The tokenizer interface sumy's Sentence needs; sentence splitting never reaches it."""

    language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        raise NotImplementedError("Briefbot hands sumy sentences already split")

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(words(sentence))


class SumySummarizer:
    """Rank sentences with one of sumy's algorithms."""

    def __init__(self, algorithm: str) -> None:
        if algorithm not in SUMY_ALGORITHMS:
            raise ValueError(f"unknown sumy algorithm {algorithm!r}; choose from {', '.join(SUMY_ALGORITHMS)}")
        self.algorithm = algorithm

    def __call__(self, article: Article, count: int) -> tuple[Sentence, ...]:
        """Return the article's `count` best sentences, in document order."""
        best = set(self.rank(article.sentences)[:count])
        return tuple(sentence for sentence in article.sentences if sentence in best)

    def rank(self, sentences: Sequence[Sentence]) -> list[Sentence]:
        """Return the sentences from best to worst, as the algorithm rates them."""
        if not sentences:
            return []
        from sumy.models.dom import ObjectDocumentModel, Paragraph  # noqa: PLC0415 - sumy loads NLTK: slow
        from sumy.models.dom import Sentence as SumySentence  # noqa: PLC0415
        from sumy.nlp.stemmers import Stemmer  # noqa: PLC0415

        tokenizer = _WordsOnlyTokenizer()
        wrapped = [SumySentence(sentence.text, tokenizer) for sentence in sentences]
        document = ObjectDocumentModel([Paragraph(wrapped)])
        module, name = SUMY_ALGORITHMS[self.algorithm]
        summarizer: Any = getattr(importlib.import_module(f"sumy.summarizers.{module}"), name)(Stemmer("english"))
        summarizer.stop_words = stop_words()
        ranking: list[Any] = []

        def keep_ranking(infos: list[Any]) -> list[Any]:
            # sumy passes every sentence, best first, to this "count" callable; we keep the whole order.
            ranking.extend(infos)
            return []

        summarizer(document, keep_ranking)
        by_identity = {id(sumy_sentence): sentence for sumy_sentence, sentence in zip(wrapped, sentences, strict=True)}
        return [by_identity[id(info.sentence)] for info in ranking]
