"""Two processes over one database share the feeds: each answers from, and detects duplicates among, what the
other stored (the local feed server; each process its own store, poller and live corpus, as `briefbot run` has)."""

from __future__ import annotations

from datetime import timedelta

from bot.ingestion.fetch import Fetcher
from bot.ingestion.live import LiveCorpus
from bot.ingestion.sources import Ingestor
from bot.storage.database import SourceStore, Storage
from briefings.corpus import Corpus
from briefings.feeds import canonical_url
from tests.bot.ingestion._server import Answer
from tests.bot.ingestion.test_sources import rss
from tests.conftest import FT, STRAITS_TIMES, raw_seed

WIRE = [("st-1", "https://news.example/bessent-he-call", "US, China leaders raise concerns", raw_seed(STRAITS_TIMES))]
# The same story at the same address under a new GUID (a feed that re-keys its items): a duplicate by URL.
REKEYED = [("st-1-again", "https://news.example/bessent-he-call?utm_source=rss", "US, China leaders raise concerns",
            raw_seed(STRAITS_TIMES)),
           ("ft-1", "https://news.example/ft-tariffs", "China demands tariffs go", raw_seed(FT))]


async def test_a_process_answers_from_and_deduplicates_against_what_another_process_stored(
        local, tmp_path, database_url):
    local.routes.update({"/wire.xml": Answer(rss("Wire", WIRE)), "/rekeyed.xml": Answer(rss("Wire", REKEYED))})
    stores = [SourceStore(Storage.open(database_url)) for _ in range(2)]
    wire = stores[0].add(local.url("/wire.xml"), canonical_url(local.url("/wire.xml")), timedelta(minutes=30))
    async with Fetcher(frozenset({"127.0.0.1"})) as fetcher:
        first, second = (Ingestor(LiveCorpus(Corpus(())), tmp_path / "empty-folder", 1_000_000, store, fetcher,
                                  timedelta(days=3650)) for store in stores)
        assert await first.tick()  # polls the wire feed
        assert await second.tick()  # nothing due for it, but it takes in what the first stored
        [article] = second.live.current.articles
        assert article.title == "US, China leaders raise concerns"
        assert local.paths() == ["/wire.xml"]  # the second never fetched it
        rekeyed = stores[1].add(local.url("/rekeyed.xml"), canonical_url(local.url("/rekeyed.xml")),
                                timedelta(minutes=30))
        assert await second.tick()
    assert sorted(a.title for a in second.live.current.articles) == ["China demands tariffs go",
                                                                     "US, China leaders raise concerns"]
    # Each feed keeps its own items (tenancy: another server's feed never drops one of mine); the re-keyed copy
    # counts once where the two feeds are read together, as the titles above show.
    assert sorted(item.source_id for item in stores[0].articles()) == [wire.feed_id, rekeyed.feed_id,
                                                                       rekeyed.feed_id]
