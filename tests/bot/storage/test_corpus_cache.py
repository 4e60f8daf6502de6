"""The built corpus kept between commands: reused when nothing changed, updated for what did, rebuilt if damaged."""

from __future__ import annotations

import json
import shutil
from concurrent import futures
from datetime import UTC, datetime

import numpy as np
import pytest

from bot.storage import corpus_cache
from bot.storage.corpus_cache import Limits, cache_path, keep_topics, load_corpus
from briefings.corpus import Article, Corpus, Sentence
from tests.conftest import AFP, FT, SEEDS

NOW = datetime(2026, 12, 1, tzinfo=UTC)
LIMITS = Limits(1_048_576, 16_384, 10_000)


@pytest.fixture
def folder(tmp_path):
    copy = tmp_path / "corpus"
    shutil.copytree(SEEDS, copy)
    return copy


@pytest.fixture
def reads(monkeypatch):
    """Count the article files read (parsed), by name."""
    real = Article.places_from_path  # what from_path reads with, and the corpus's readers too
    names: list[str] = []

    def counted(path, *args, **kwargs):
        names.append(path.name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(Article, "places_from_path", staticmethod(counted))
    return names


def summary_of(corpus: Corpus) -> list[object]:
    """What a reader sees of a corpus: articles with their sentences, stories with headlines and links, and the
    terms each sentence is indexed by."""
    terms = list(corpus.index.vocabulary)
    return [[(a.id, a.title, a.source, a.published, [s.text for s in a.sentences]) for a in corpus],
            [(s.article_ids, s.headline, s.outlets, s.follows, s.headline_cut) for s in corpus.stories],
            [[terms[t] for t in corpus.index.terms_of(number)] for number in range(len(corpus.index.sentences))]]


def same_index(one: Corpus, other: Corpus) -> bool:
    """Tell whether two corpora are indexed alike: the same terms, numbered alike, for the same sentences."""
    a, b = one.index, other.index
    return (list(a.vocabulary) == list(b.vocabulary) and a.term_ids.tolist() == b.term_ids.tolist()
            and a.offsets.tolist() == b.offsets.tolist() and a.sentence_article.tolist() == b.sentence_article.tolist()
            and list(a.sentences) == list(b.sentences) and a.articles == b.articles)


def test_an_unchanged_folder_is_loaded_from_the_kept_corpus_without_reading_a_file(folder, tmp_path, reads):
    state = tmp_path / "state"
    first, problems = load_corpus(folder, state, LIMITS, NOW)
    assert same_index(first, Corpus.from_folder(SEEDS)[0])  # indexed from what was read, as a fresh build does
    reads.clear()
    assert problems == () and cache_path(state, folder).is_file()
    again, _ = load_corpus(folder, state, LIMITS, NOW)
    assert reads == []  # not one file read again
    assert summary_of(again) == summary_of(first) == summary_of(Corpus.from_folder(SEEDS)[0])
    assert [again.index.terms_of(i).tolist() for i in range(len(again.index.sentences))] == \
        [first.index.terms_of(i).tolist() for i in range(len(first.index.sentences))]


def test_a_new_and_a_changed_file_are_the_only_ones_read(folder, tmp_path, reads):
    state = tmp_path / "state"
    (folder / f"{FT}.txt").unlink()
    load_corpus(folder, state, LIMITS, NOW)
    shutil.copy(SEEDS / f"{FT}.txt", folder)  # the newest article comes in
    changed = folder / f"{AFP}.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("Bessent", "Mr Bessent", 1), encoding="utf-8")
    reads.clear()
    updated, _ = load_corpus(folder, state, LIMITS, NOW)
    assert sorted(reads) == sorted([f"{FT}.txt", f"{AFP}.txt"])
    fresh, _ = Corpus.from_folder(folder)
    assert summary_of(updated) == summary_of(fresh)
    (folder / f"{FT}.txt").unlink()  # and one goes
    reads.clear()
    smaller, _ = load_corpus(folder, state, LIMITS, NOW)
    assert reads == [] and FT not in smaller and summary_of(smaller) == summary_of(Corpus.from_folder(folder)[0])


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "lying arrays", "other version", "a byte changed",
                                    "cut short in a record"])
def test_a_damaged_or_stale_cache_is_rebuilt_silently(folder, tmp_path, reads, damage, caplog):
    state = tmp_path / "state"
    first, _ = load_corpus(folder, state, LIMITS, NOW)
    path = cache_path(state, folder)
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(bytes(range(256)) * 64)
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "a byte changed":  # in the sentence places: the checksum tells
        with path.open("rb") as handle:
            offset = corpus_cache._trailer(handle, len(data))["chunks"]["sentence_start"][0][0]
        path.write_bytes(data[:offset] + bytes([data[offset] ^ 0x40]) + data[offset + 1 :])
    elif damage == "cut short in a record":  # a record appended only in part (the command was killed)
        path.write_bytes(data + data[: len(data) // 3])
    else:
        with path.open("rb") as handle:
            trailer = corpus_cache._trailer(handle, len(data))
        if damage == "lying arrays":  # term ids beyond the vocabulary, where the kept file holds them
            offset, length, _ = trailer["chunks"]["term_ids"][0]
            ids = np.frombuffer(data[offset : offset + length], dtype=np.int32) + 10_000_000
            path.write_bytes(data[:offset] + ids.tobytes() + data[offset + length :])
        else:
            end = len(data) - 16 - int.from_bytes(data[-16:-8], "little")
            told = json.dumps({**trailer, "version": corpus_cache.CACHE_VERSION + 1}).encode()
            path.write_bytes(data[:end] + told + len(told).to_bytes(8, "little") + corpus_cache.MAGIC)
    reads.clear()
    rebuilt, problems = load_corpus(folder, state, LIMITS, NOW)
    assert len(reads) == 5 and problems == ()
    assert summary_of(rebuilt) == summary_of(first)
    reads.clear()
    load_corpus(folder, state, LIMITS, NOW)
    assert reads == []  # the rebuilt corpus was kept in place of the damaged one


def test_other_reading_limits_read_the_files_again(folder, tmp_path, reads):
    state = tmp_path / "state"
    load_corpus(folder, state, LIMITS, NOW)
    reads.clear()
    _, problems = load_corpus(folder, state, Limits(2_000, 16_384, 10_000), NOW)
    assert len(reads) == 5 and any("byte limit" in problem.reason for problem in problems)


def test_a_skipped_file_is_reported_again_from_the_kept_corpus(folder, tmp_path, reads):
    state = tmp_path / "state"
    (folder / "broken.txt").write_bytes(b"\x00\x01binary")
    _, problems = load_corpus(folder, state, LIMITS, NOW)
    reads.clear()
    _, again = load_corpus(folder, state, LIMITS, NOW)
    assert reads == [] and [str(p) for p in again] == [str(p) for p in problems] and "binary" in str(again[0])


def test_the_command_line_gives_the_same_answer_from_the_kept_corpus(folder, tmp_path):
    from tests.hostile._processes import briefbot, cli_env

    env = cli_env(tmp_path, BRIEFBOT_CORPUS_DIR=str(folder))
    first = briefbot("summary", "tariffs", "--json", env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert cache_path(tmp_path / "state", folder).is_file()
    again = briefbot("summary", "tariffs", "--json", env=env, cwd=tmp_path)
    assert again.returncode == 0 and again.stdout == first.stdout and again.stderr == first.stderr


def test_sentences_not_found_in_their_body_are_kept_as_written(folder, tmp_path, reads):
    # Bodies are kept once and sentences as places in them; a sentence its body does not hold verbatim (an
    # article built from a feed entry, say) is kept after the bodies, and reads back the same.
    state = tmp_path / "state"
    wire = Article("feed-wire", "Wire", "Late Wire", NOW, None, "Tariffs rose sharply on Monday. Markets fell.",
                   (Sentence("Tariffs rose sharply on Monday.", "feed-wire", 0),
                    Sentence("Markets fell in Tokyo, not in London.", "feed-wire", 1),
                    Sentence("Tariffs rose sharply on Monday.", "feed-wire", 2)))

    def stored(held):
        return [(held.get("feed-wire", wire), False)]

    (folder / f"{FT}.txt").unlink()
    first, _ = load_corpus(folder, state, LIMITS, NOW, stored)
    reads.clear()
    again, _ = load_corpus(folder, state, LIMITS, NOW, stored)
    assert reads == [] and summary_of(again) == summary_of(first)
    assert again.get("feed-wire") == wire
    shutil.copy(SEEDS / f"{FT}.txt", folder)  # kept again with one more article: the places known are reused
    grown, _ = load_corpus(folder, state, LIMITS, NOW, stored)
    reads.clear()
    kept, _ = load_corpus(folder, state, LIMITS, NOW, stored)
    assert reads == [] and summary_of(kept) == summary_of(grown) and FT in kept and kept.get("feed-wire") == wire


def test_topics_once_counted_are_kept_and_equal_a_fresh_count(folder, tmp_path, reads):
    from briefings.topics import corpus_topics, topics_counted

    state = tmp_path / "state"
    first, _ = load_corpus(folder, state, LIMITS, NOW)
    keep_topics(first.index)  # not counted yet: nothing is kept
    assert not corpus_cache.topics_path(cache_path(state, folder)).exists()
    counted = corpus_topics(first.index, 10_000)
    keep_topics(first.index)
    reads.clear()
    again, _ = load_corpus(folder, state, LIMITS, NOW)
    assert reads == [] and topics_counted(again.index)  # read back, not counted
    fresh = corpus_topics(Corpus.from_folder(folder)[0].index, 10_000)
    assert corpus_topics(again.index, 10_000) == counted == fresh and len(fresh) > 10


@pytest.mark.parametrize("change", ["a file changed", "damaged", "another build"])
def test_kept_topics_of_another_corpus_or_damaged_are_counted_again(folder, tmp_path, change):
    from briefings.topics import corpus_topics, topics_counted

    state = tmp_path / "state"
    first, _ = load_corpus(folder, state, LIMITS, NOW)
    corpus_topics(first.index)
    keep_topics(first.index)
    kept = corpus_cache.topics_path(cache_path(state, folder))
    if change == "a file changed":
        changed = folder / f"{AFP}.txt"
        changed.write_text(changed.read_text(encoding="utf-8").replace("Bessent", "Mr Bessent", 1), encoding="utf-8")
    elif change == "damaged":
        kept.write_bytes(kept.read_bytes()[:200])
    else:
        document = json.loads(kept.read_text(encoding="utf-8"))
        kept.write_text(json.dumps({**document, "build": "0" * 16}), encoding="utf-8")
    again, _ = load_corpus(folder, state, LIMITS, NOW)
    assert not topics_counted(again.index)
    assert corpus_topics(again.index, 10_000) == corpus_topics(Corpus.from_folder(folder)[0].index, 10_000)


def test_the_command_line_keeps_the_topics_its_suggestions_counted(folder, tmp_path):
    from tests.hostile._processes import briefbot, cli_env

    env = cli_env(tmp_path, BRIEFBOT_CORPUS_DIR=str(folder))
    first = briefbot("summary", "tarifs", env=env, cwd=tmp_path)  # a typo: nothing mentions it
    assert first.returncode == 1 and "Topics that exist: tariffs" in first.stderr, first.stderr
    assert corpus_cache.topics_path(cache_path(tmp_path / "state", folder)).is_file()
    again = briefbot("summary", "tarifs", env=env, cwd=tmp_path)
    assert again.returncode == 1 and again.stderr == first.stderr


def test_files_read_by_worker_processes_give_the_corpus_read_in_one(folder, tmp_path, monkeypatch):
    (folder / "broken.txt").write_bytes(b"\x00\x01binary")
    serial, serial_problems = load_corpus(folder, tmp_path / "one", LIMITS, NOW)
    monkeypatch.setattr(corpus_cache, "PARALLEL_FROM", 2)
    monkeypatch.setattr(corpus_cache, "READ_CHUNK", 2)
    monkeypatch.setattr(corpus_cache.os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    pools = []

    class Counted(futures.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(futures, "ProcessPoolExecutor", Counted)
    seen: list[tuple[int, int]] = []
    parallel, problems = load_corpus(folder, tmp_path / "workers", LIMITS, NOW, on_progress=lambda *p: seen.append(p))
    assert summary_of(parallel) == summary_of(serial) and same_index(parallel, serial)
    assert same_index(parallel, Corpus.from_folder(folder)[0])
    assert [str(p) for p in problems] == [str(p) for p in serial_problems] and "binary" in str(problems[0])
    assert seen[-1] == (6, 6) and pools == [(2,)]  # read by two worker processes


def _records(path) -> int:
    """Count the records of a kept file (each appended one adds a chunk of term ids)."""
    with path.open("rb") as handle:
        return len(corpus_cache._trailer(handle, path.stat().st_size)["chunks"]["term_ids"])


def test_newer_articles_are_appended_to_the_kept_corpus_and_read_back_as_a_fresh_build(folder, tmp_path, reads):
    state = tmp_path / "state"
    (folder / f"{FT}.txt").unlink()  # the newest article comes later
    load_corpus(folder, state, LIMITS, NOW)
    path = cache_path(state, folder)
    before = path.read_bytes()
    shutil.copy(SEEDS / f"{FT}.txt", folder)
    grown, _ = load_corpus(folder, state, LIMITS, NOW)
    after = path.read_bytes()
    assert after[: len(before)] == before and len(after) > len(before) and _records(path) == 2  # appended
    reads.clear()
    again, _ = load_corpus(folder, state, LIMITS, NOW)
    assert reads == []
    fresh, _ = Corpus.from_folder(folder)
    assert summary_of(again) == summary_of(grown) == summary_of(fresh)
    assert again.index.article_frequency.tolist() == fresh.index.article_frequency.tolist()


def test_a_kept_file_mostly_superseded_is_written_anew(folder, tmp_path, monkeypatch):
    state = tmp_path / "state"
    (folder / f"{FT}.txt").unlink()
    load_corpus(folder, state, LIMITS, NOW)
    monkeypatch.setattr(corpus_cache, "COMPACT", 0.0)  # any superseded byte is too many
    shutil.copy(SEEDS / f"{FT}.txt", folder)
    load_corpus(folder, state, LIMITS, NOW)
    path = cache_path(state, folder)
    assert _records(path) == 2  # the first append supersedes nothing
    extra = folder / "zz-later.txt"
    extra.write_text((SEEDS / f"{FT}.txt").read_text(encoding="utf-8").replace("published: 2025-02-2",
                                                                                   "published: 2025-03-2"),
                     encoding="utf-8")
    compacted, _ = load_corpus(folder, state, LIMITS, NOW)
    assert _records(path) == 1 and "zz-later" in compacted
    again, _ = load_corpus(folder, state, LIMITS, NOW)
    assert summary_of(again) == summary_of(compacted) == summary_of(Corpus.from_folder(folder)[0])


def test_a_kept_corpus_makes_no_sentence_until_one_is_read(folder, tmp_path):
    from briefings.sentence_runs import SentenceRuns
    from briefings.summaries import summarize_topic
    from briefings.summarizers import LengthBudget

    state = tmp_path / "state"
    load_corpus(folder, state, LIMITS, NOW)
    kept, _ = load_corpus(folder, state, LIMITS, NOW)
    sentences = kept.index.sentences
    assert isinstance(sentences, SentenceRuns)
    pool = sentences.pool_run()[0]
    assert pool._made == {}  # nothing made by loading
    fresh, _ = Corpus.from_folder(folder)
    assert summarize_topic(kept, "tariffs", LengthBudget(sentences=5)) == \
        summarize_topic(fresh, "tariffs", LengthBudget(sentences=5))
    assert 0 < len(pool._made) < len(sentences)  # only what the answer read
    assert list(sentences) == list(fresh.index.sentences) and sentences == fresh.index.sentences
    assert kept.articles == fresh.articles and hash(kept.articles[0]) == hash(fresh.articles[0])
    import pickle

    assert pickle.loads(pickle.dumps(kept.articles[0])) == fresh.articles[0]  # noqa: S301 - our own bytes


def test_wire_copies_read_by_workers_are_indexed_as_one_reading_of_each_file_indexes_them(tmp_path, monkeypatch):
    # Real BBC stories, three copies each: the readers remember a sentence's terms from one copy to the next,
    # and a copy declared German has the same sentences stemmed the German way.
    from tests.conftest import BBC

    folder = tmp_path / "corpus"
    folder.mkdir()
    for number, path in enumerate(sorted((BBC / "business").glob("*.txt"))[:5]):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        for copy in range(3):
            language = "language: de\n" if copy == 2 else ""
            front = f'---\ntitle: "{lines[0]}"\nsource: "Outlet {copy}"\n' \
                    f"published: 2026-10-{number + 1:02d}T0{copy}:00:00+00:00\n{language}---\n"
            (folder / f"{path.stem}-{copy}.txt").write_text(front + "\n".join(lines[1:]) + "\n", encoding="utf-8")
    monkeypatch.setattr(corpus_cache, "PARALLEL_FROM", 2)
    monkeypatch.setattr(corpus_cache, "READ_CHUNK", 4)  # copies of one story in two batches of one worker
    monkeypatch.setattr(corpus_cache.os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    parallel, _ = load_corpus(folder, tmp_path / "workers", LIMITS, NOW)
    monkeypatch.setattr(corpus_cache, "PARALLEL_FROM", 10_000)
    serial, _ = load_corpus(folder, tmp_path / "one", LIMITS, NOW)
    fresh, _ = Corpus.from_folder(folder)
    assert same_index(parallel, fresh) and same_index(serial, fresh) and summary_of(parallel) == summary_of(fresh)
    english, german = parallel.get("001-0"), parallel.get("001-2")
    assert [s.text for s in english.sentences] == [s.text for s in german.sentences] and german.language == "de"
    terms = list(parallel.index.vocabulary)

    def first_terms(article: Article) -> list[str]:
        sentence = int(np.searchsorted(parallel.index.sentence_article, parallel.number(article.id)))
        return [terms[t] for t in parallel.index.terms_of(sentence)]

    assert first_terms(english) != first_terms(german)  # one sentence, two languages' stems


def _bbc_folder(tmp_path):
    """Write real BBC articles as wire copies (tests.conftest.bbc_wire) to a folder of article files."""
    from tests.conftest import bbc_wire

    folder = tmp_path / "bbc"
    folder.mkdir()
    for article in bbc_wire(40, 3) + bbc_wire(20, 2, category="tech", start=40):
        front = f'---\ntitle: "{article.title}"\nsource: "{article.source}"\npublished: ' \
                f"{article.published.isoformat()}\n---\n"
        (folder / f"{article.id}.txt").write_text(front + article.body, encoding="utf-8")
    return folder


def test_counting_the_topics_of_a_kept_corpus_makes_no_sentence_and_equals_a_fresh_count(tmp_path):
    from briefings.topics import corpus_topics

    folder = _bbc_folder(tmp_path)
    state = tmp_path / "state"
    load_corpus(folder, state, LIMITS, NOW)
    kept, _ = load_corpus(folder, state, LIMITS, NOW)
    pool = kept.index.sentences.pool_run()[0]
    topics = corpus_topics(kept.index, 100_000)
    phrases = [t for t in topics if " " in t.name and t.name.islower()]
    assert len(pool._made) <= 5 * len(phrases) + 5  # the few a phrase is checked in (five each at most)
    assert len(pool._made) < len(kept.index.sentences) / 20
    fresh, _ = Corpus.from_folder(folder)
    assert topics == corpus_topics(fresh.index, 100_000) and len(topics) > 100


def test_a_pool_keeps_its_last_sentences_made_and_makes_equal_ones_again(tmp_path, monkeypatch):
    from briefings import sentence_runs
    from briefings.summaries import summarize_topic
    from briefings.summarizers import LengthBudget

    folder = _bbc_folder(tmp_path)
    state = tmp_path / "state"
    load_corpus(folder, state, LIMITS, NOW)
    kept, _ = load_corpus(folder, state, LIMITS, NOW)
    fresh, _ = Corpus.from_folder(folder)
    monkeypatch.setattr(sentence_runs, "MADE_KEPT", 50)
    sentences = kept.index.sentences
    pool = sentences.pool_run()[0]
    first = sentences[0]
    assert sentences[0] is first  # made once while among the last made
    assert list(sentences) == list(fresh.index.sentences) and len(sentences) > 1000
    assert len(pool._made) == 50  # not every sentence read: the last 50
    assert sentences[0] == first and sentences[0] is not first  # made again, equal
    for topic in ("economy", "mobile phones", "shares"):
        assert summarize_topic(kept, topic, LengthBudget(sentences=5)) == \
            summarize_topic(fresh, topic, LengthBudget(sentences=5))
    assert len(pool._made) <= 50
