"""'What changed': what the articles of a window say that the articles before it did not.

This is the update-summary task (TAC 2008-2009): the reader knows the earlier articles. The window's sentences are
ranked as a summary of the window alone ranks them, and what the reader has read discounts each sentence by how
closely it restates something read (MMR), so the history removes known things and never buries the day's news.
Two things a reader scans for come beside them: figures that moved, and statements that reverse or deny an
earlier one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt
from scipy import sparse

from briefings.corpus import Corpus, Sentence
from briefings.figures import ARTICLES_AGREE, FigureChange, SameStory, changed_figures
from briefings.index import CorpusIndex, IntArray, normalised_rows
from briefings.reversals import find_reversals
from briefings.summaries import CitedSentence, NothingToReport, said_in, summarize_sentences
from briefings.summarizers import LengthBudget
from briefings.topics import sentences_about, suggest_topics

# What the reader knows is a redundancy penalty, never a filter (MMR, Carbonell and Goldstein, 1998). The digest
# ranks the window's sentences exactly as a summary of the window alone would (briefings.summaries: how many of the
# window's articles report a thing, how early they put it, how central it is, news prose before page furniture),
# and the history only scales each sentence's gain by 1 - REDUNDANCY x its TF-IDF cosine with the closest sentence
# the reader has read (the earlier articles, and the last briefing's sentences). Calibrated on Timeline17
# (bench/timeline.py): over all 324 replayable days and 66 TAC-like batch steps, 0.2 and 0.3 were the only
# strengths above the window alone on both (0.2 lost fewer steps); 0.5 and more, a penalty only above a cosine of
# 0.4-0.7, or one counting the shares of words or word pairs read before (every sentence of a long story shares
# most of its words with its history) all scored below the window alone on one of them.
REDUNDANCY = 0.2
# A sentence this close to one the reader was shown is what the reader has read word for word (a wire copy, the same
# lead run again): its gain is scaled by READ_AGAIN besides, so it comes only when the window has nothing else to
# say. What a reader was shown is the last briefing's sentences and each earlier article's lead, the line every
# listing, feed item and preview carries; a copy of any other line of an earlier article earns the graded penalty
# alone: nobody who followed the story by its briefings and headlines saw it, and what the day's pages run again from
# the days before (a live page collected again, the toll under a new caption) is what the day's accounts restate
# too. Measured on Timeline17 (bench/timeline.py, figures in bench/README): x0.3 for a copy of any line read put the
# digest below the window alone on haitian_earthquake in every mode (the day's 200,000 toll pushed out) and lost
# 4 of 35 days to it; with leads and the briefing alone, none (leads and second sentences: one).
COPY, READ_AGAIN = 0.9, 0.3
# A copy shares at least this many terms with the sentence read: with a story's common terms left out, a short
# sentence keeps one or two ("Did Mexico over-react on swine flu?" against "I think the media have
# over-reacted."), and one shared word gives a cosine of 1 (over all 324 Timeline17 days this cost swine_flu 5.84 ->
# 6.63 with the support signal).
COPY_TERMS = 3
# Terms in more than this share of the earlier sentences (and in more than COMMON_FLOOR of them) say too little to
# compare by and cost the most: a month of one story has "oil" in a third of its sentences.
COMMON_TERMS, COMMON_FLOOR = 0.02, 100
# What the reader knows is also the story's background: a window sentence far from everything its story said before
# (TF-IDF cosine with the centroid of the earlier sentences of its story's articles below BACKGROUND) is most often
# not the story's news but what its pages carry beside it (another story's sidebar headline, a comment-box line, a
# charity's tip); its gain is scaled by the square root of its share of BACKGROUND, never below BACKGROUND_FLOOR,
# so a new turn that shares some words with the story still counts. A story's articles are the earlier articles
# that tell the same story as the sentence's own (briefings.figures.SameStory's cosine); an article with none is a
# new story and nothing of it is background. Measured on Timeline17 (bench/timeline.py; figures in bench/README): it
# takes out such lines (BP's "Helicopter crashes into crane on London tower", a Radio 2 schedule on Michael
# Jackson's pages) and lifts the TAC-like batches; 0.05-0.1 all did, a centroid of the whole history rather than the
# story's did more on one story's corpus but would make every small story of a mixed corpus background.
BACKGROUND, BACKGROUND_FLOOR = 0.08, 0.1
# A story is known well enough to have a background once this many earlier articles tell it: a sentence with none of
# one earlier article's words is as likely a new turn as page furniture.
BACKGROUND_ARTICLES = 3


@dataclass(frozen=True, slots=True)
class Contrast:
    """A new statement set beside the earlier one it reverses or denies."""

    before: CitedSentence
    after: CitedSentence


@dataclass(frozen=True, slots=True)
class Digest:
    """What changed in a window: new sentences, figures that moved, and reversals."""

    since: datetime
    until: datetime | None
    topic: str | None
    sentences: tuple[CitedSentence, ...]
    figures: tuple[FigureChange, ...]
    contrasts: tuple[Contrast, ...]
    new_article_ids: tuple[str, ...]
    known_article_ids: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        """Tell whether nothing changed."""
        return not (self.sentences or self.figures or self.contrasts)


def build_digest(corpus: Corpus, since: datetime, until: datetime | None = None, topic: str | None = None,
                 budget: LengthBudget | None = None, already_said: frozenset[str] = frozenset()) -> Digest:
    """Say what the articles published in [since, until] add to those published before `since`.

    `already_said` holds sentences a previous briefing posted; they are not said again.
    """
    budget = budget or LengthBudget(sentences=5)
    index = corpus.index
    published = index.published
    with np.errstate(invalid="ignore"):  # undated articles (NaN) are in neither window
        backfill = np.asarray([article.id in corpus.backfill for article in index.articles], dtype=bool)
        new_mask = (published >= since.timestamp()) & (published <= (until.timestamp() if until else np.inf))
        known_mask = (published < since.timestamp()) | (backfill & new_mask)
        new_mask &= ~backfill
    # The window alone, as `summarize` of its articles sees it (its own document frequencies): window sentence i
    # is corpus sentence in_corpus[i].
    window = index.subset(np.flatnonzero(new_mask))
    in_corpus = index.sentences_of_articles(new_mask)
    known_ids = index.sentences_of_articles(known_mask)
    candidates = np.arange(len(window.sentences), dtype=np.int64)
    if topic:
        about = sentences_about(index, topic)  # its articles' news too, where it goes unnamed
        if about.size == 0:
            raise NothingToReport(f"nothing in the corpus mentions {topic!r}", suggest_topics(index, topic))
        candidates = candidates[np.isin(in_corpus, about)]
    unsaid = np.asarray([int(i) for i in candidates if not said_in(window.sentences[int(i)], already_said)],
                        dtype=np.int64)
    said_ids = _sentences_with_texts(index, known_ids, in_corpus, already_said)
    read = np.union1d(known_ids, said_ids)
    shown = np.union1d(said_ids, _leads(index, known_ids))
    summary = summarize_sentences(window, unsaid, budget,
                                  novelty=lambda ids: _novelty(index, in_corpus[ids], read, shown)
                                  * _foreground(index, in_corpus[ids], read))
    new_articles = [index.articles[n] for n in np.flatnonzero(new_mask)]
    known_articles = [index.articles[n] for n in np.flatnonzero(known_mask)]
    same_story = SameStory(index.article_vectors, {article.id: n for n, article in enumerate(index.articles)})
    figures = changed_figures(known_articles, new_articles, same_story)
    if topic:
        figures = [f for f in figures if _mentions(index, topic, f.before_sentence, f.after_sentence)]
        # About a topic, the articles counted are those that mention it (issue 13: "3847 new articles" about oil).
        mentioning = np.zeros(len(index.articles), dtype=bool)
        mentioning[index.sentence_article[about]] = True
        new_articles = [index.articles[n] for n in np.flatnonzero(new_mask & mentioning)]
        known_articles = [index.articles[n] for n in np.flatnonzero(known_mask & mentioning)]
    return Digest(
        since=since,
        until=until,
        topic=topic,
        sentences=summary.sentences,
        figures=tuple(figures),
        # a reversal repeats the words of the claim it undoes, so it is sought among every sentence not said yet
        contrasts=tuple(_contrasts(index, in_corpus[unsaid].tolist(), known_ids, same_story)),
        new_article_ids=tuple(a.id for a in new_articles),
        known_article_ids=tuple(a.id for a in known_articles),
    )


def _sentences_with_texts(index: CorpusIndex, known_ids: IntArray, new_ids: IntArray, texts: frozenset[str]
                          ) -> IntArray:
    """Return the corpus sentences whose text a previous briefing posted (the reader has read them there).

    A posted sentence may be quoted from after its wire dateline (briefings.summaries.quoted).
    """
    if not texts:
        return np.zeros(0, dtype=np.int64)
    pool = np.union1d(known_ids, new_ids)
    return np.asarray([int(i) for i in pool if said_in(index.sentences[int(i)], texts)], dtype=np.int64)


def _leads(index: CorpusIndex, sentence_ids: IntArray) -> IntArray:
    """Return those of these sentences that open their article (an article's sentences are consecutive)."""
    owners = index.sentence_article
    opens = np.ones(len(owners), dtype=bool)
    opens[1:] = owners[1:] != owners[:-1]
    return sentence_ids[opens[sentence_ids]]


def _novelty(index: CorpusIndex, ids: IntArray, read: IntArray, shown: IntArray | None = None
             ) -> npt.NDArray[np.float64]:
    """Return 1 - REDUNDANCY x each sentence's cosine with the closest sentence read (x READ_AGAIN for a copy shown).

    The cosine is of TF-IDF vectors: the same claim reworded scores high; a sentence that brings words or a claim
    of its own scores low. Terms common in what was read are left out of the comparison (they would make every
    sentence of a long story look read). `shown` are the sentences among those read that the reader was shown (the
    last briefing's, the earlier articles' leads): a copy of one of them is scaled by READ_AGAIN besides.
    """
    if ids.size == 0 or read.size == 0:
        return np.ones(ids.size)
    was_read = np.zeros(len(index.sentences), dtype=bool)
    was_read[read] = True
    frequency = index.sentence_frequency(was_read)
    weights = np.where(frequency > max(COMMON_TERMS * read.size, COMMON_FLOOR), 0.0, index.idf)
    scale = sparse.diags(weights)
    candidates = normalised_rows((index.sentence_rows(ids) @ scale).tocsr())
    # Only the sentences read that hold a term the comparison weighs can be close to one (the others' cosine is 0):
    # found through the postings once, for what was read and for what of it was shown.
    weighed = index.holding_any(candidates.indices[candidates.data != 0], was_read)
    closest, _ = _closest(index, candidates, weighed, scale)
    penalty = 1.0 - REDUNDANCY * closest
    if shown is None or shown.size == 0:
        return np.asarray(penalty, dtype=np.float64)
    to_shown, nearest = _closest(index, candidates, np.intersect1d(weighed, shown), scale)
    copies = to_shown >= COPY
    for number in np.flatnonzero(copies).tolist():  # the words of the two sentences, common ones included
        own, other = index.terms_of(int(ids[number])), index.terms_of(int(nearest[number]))
        copies[number] = np.intersect1d(own, other).size >= COPY_TERMS
    return np.asarray(penalty * np.where(copies, READ_AGAIN, 1.0), dtype=np.float64)


def _closest(index: CorpusIndex, candidates: sparse.csr_matrix, read: IntArray, scale: sparse.dia_matrix
             ) -> tuple[npt.NDArray[np.float64], IntArray]:
    """Return each candidate row's cosine with the closest of the sentences `read`, and that sentence.

    The caller passes only the sentences that hold a term the comparison weighs (found through the postings): the
    same closest sentences as comparing with all.
    """
    closest = np.zeros(candidates.shape[0])
    nearest = np.full(candidates.shape[0], -1, dtype=np.int64)
    if read.size == 0:
        return closest, nearest
    # A copy read again (wire copies) is as close as its first copy read, which comes first: it is not compared.
    read = read[np.sort(np.unique(index.first_copies[read], return_index=True)[1])]
    history = normalised_rows((index.sentence_rows(read) @ scale).tocsr()).T.tocsc()
    for start in range(0, candidates.shape[0], 512):  # blocks bound the memory of the similarity matrix
        block = (candidates[start:start + 512] @ history).tocsr()
        if block.nnz:
            closest[start:start + 512] = block.max(axis=1).toarray().ravel()
            nearest[start:start + 512] = read[np.asarray(block.argmax(axis=1)).ravel()]
    return np.clip(closest, 0.0, 1.0), nearest


def _foreground(index: CorpusIndex, ids: IntArray, read: IntArray) -> npt.NDArray[np.float64]:
    """Return each sentence's scale as its story's news: 1, or less when it is far from all its story said before.

    The story's centroid is the sum of the unit TF-IDF vectors of the sentences read in the earlier articles that
    tell the same story as the sentence's own article (SameStory's cosine of article vectors).
    """
    scale = np.ones(ids.size)
    owners = index.sentence_article[ids].astype(np.int64)
    read_owners = index.sentence_article[read].astype(np.int64)
    articles, own_row = np.unique(owners, return_inverse=True)
    earlier, read_row = np.unique(read_owners, return_inverse=True)
    vectors = index.article_vectors
    same = (vectors[articles] @ vectors[earlier].T).tocsr()
    same.data = (same.data >= ARTICLES_AGREE).astype(np.float64)
    same.eliminate_zeros()
    if not np.any(np.diff(same.indptr) >= BACKGROUND_ARTICLES):
        return scale
    # Only the sentences of earlier articles of the window's stories are read again (at 100,000 articles, a few).
    told = np.flatnonzero(np.diff(same.tocsc().indptr) > 0)
    kept = np.isin(read_row, told)
    read, read_row = read[kept], np.searchsorted(told, read_row[kept])
    same, earlier = same[:, told], earlier[told]
    weights = sparse.diags(index.idf)
    sentences = normalised_rows((index.sentence_rows(read) @ weights).tocsr())
    by_article = sparse.csr_matrix((np.ones(read.size), (read_row, np.arange(read.size))),
                                   shape=(earlier.size, read.size)) @ sentences
    centroids = normalised_rows((same @ by_article).tocsr())
    own = normalised_rows((index.sentence_rows(ids) @ weights).tocsr())
    # sentences x the window's articles (a day: tens), not each sentence's centroid row copied (dense, vocabulary-wide)
    cosine = np.asarray((own @ centroids.T).toarray())[np.arange(ids.size), own_row]
    has_story = np.diff(same.indptr)[own_row] >= BACKGROUND_ARTICLES
    shortfall = np.sqrt(np.clip(cosine / BACKGROUND, 0.0, 1.0))
    return np.where(has_story, np.maximum(shortfall, BACKGROUND_FLOOR), scale)


def _contrasts(index: CorpusIndex, window: list[int], known_ids: IntArray, same_story: SameStory) -> list[Contrast]:
    """Set each new statement that undoes an earlier claim of its story beside that claim (briefings.reversals)."""
    return [Contrast(_cite(r.before), _cite(r.after)) for r in find_reversals(index, window, known_ids, same_story)]


def _cite(sentence: Sentence) -> CitedSentence:
    return CitedSentence(sentence.text, sentence.article_id)


def _mentions(index: CorpusIndex, topic: str, *sentences: Sentence) -> bool:
    terms = set(index.normalizer.terms(topic))
    return all(terms <= set(index.normalizer.terms(sentence.text)) for sentence in sentences)
