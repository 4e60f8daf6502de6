"""Feeds as the real web serves them, through `briefbot source` against a local server on 127.0.0.1.

The defects are the ones found in real feeds (issue 14): a blank line before `<?xml` (three podcast feeds), one
`&nbsp;` outside CDATA (The Guardian's feed, in one title), a bare `&` in a link, a transfer cut short. Each feed
is built the way those were, around real seed articles; feedparser recovers every entry, and so must Briefbot.
Poison entries (issue 11): a link `http://[oops`, a port above 65535, an Atom date in year 0.
"""

from __future__ import annotations

import json
import logging
from xml.sax.saxutils import escape

import pytest

from tests.bot.fakediscord.fixtures import fake_discord  # noqa: F401 - the fixture
from tests.bot.ingestion._server import Answer
from tests.bot.ingestion.conftest import bot_folder, cli
from tests.conftest import AFP, AGGREGATOR, CNA, FT, STRAITS_TIMES, raw_seed

SECRET = "hunter2-feed-password"  # noqa: S105 - the secret the test looks for


def body(article_id: str) -> str:
    return "".join(f"<p>{escape(line)}</p>" for line in raw_seed(article_id).splitlines() if line.strip())


def item(guid: str, link: str, title: str, article_id: str, date: str = "Fri, 21 Feb 2025 12:00:00 GMT") -> str:
    return (f"<item><guid>{guid}</guid><link>{link}</link><title>{title}</title><pubDate>{date}</pubDate>"
            f"<description><![CDATA[{body(article_id)}]]></description></item>")


def rss(*items: str, title: str = "Port Wire", prologue: str = "<?xml version='1.0' encoding='UTF-8'?>") -> bytes:
    return (prologue + f"<rss version='2.0'><channel><title>{title}</title>" + "".join(items)
            + "</channel></rss>").encode("utf-8")


GOOD = rss(item("g-1", "https://news.example/st", "Leaders raise concerns", STRAITS_TIMES),
           item("g-2", "https://news.example/ft", "China demands tariffs go", FT))
SLIPS = {
    "a blank line before <?xml": (GOOD.replace(b"<?xml", b"\n<?xml", 1), "something comes before `<?xml`"),
    "&nbsp; outside CDATA": (GOOD.replace(b"Leaders raise concerns", b"Leaders&nbsp;raise concerns"),
                             "HTML entity such as `&nbsp;`"),
    "a bare & in a link": (GOOD.replace(b"https://news.example/st", b"https://news.example/st?a=1&b=2"),
                           "a bare `&`"),
    "a transfer cut short": (GOOD[:GOOD.index(b"</channel>")] + b"<item><guid>g-3</guid><title>Cut sh",
                             "ends early"),
}


@pytest.mark.parametrize("slip", list(SLIPS))
def test_a_feed_with_an_xml_slip_keeps_every_entry_and_says_what_was_wrong(capsys, local, slip):
    data, reason = SLIPS[slip]
    local.routes["/feed.xml"] = Answer(data)
    cli(capsys, "source", "add", local.url("/feed.xml"))
    code, out, _ = cli(capsys, "source", "poll")
    assert code == 0 and out.startswith("source 1: 2 new, 0 already held (malformed XML")
    _, listing, _ = cli(capsys, "source", "list")
    assert "2 articles" in listing and "last success" in listing and "never" not in listing
    assert reason in listing and "entries recovered" in listing
    _, stories, _ = cli(capsys, "stories", "--json")
    assert sum(len(story["articles"]) for story in json.loads(stories)["stories"]) == 2


POISON = rss(item("p-1", "http://[oops", "Bad link", AFP),
             item("p-2", "http://news.example:99999/x", "Bad port", FT),
             item("p-3", "https://news.example/st", "Leaders raise concerns", STRAITS_TIMES))
ATOM_YEAR_0 = ("<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>Atom Wire</title>"
               "<entry><id>a-0</id><title>Year zero</title><link href='https://atom.example/0'/>"
               "<updated>0000-01-01T00:00:00Z</updated>"
               f"<content type='html'>{escape(body(AFP))}</content></entry>"
               "<entry><id>a-1</id><title>China demands tariffs go</title><link href='https://atom.example/1'/>"
               "<updated>2025-02-21T12:00:00Z</updated>"
               f"<content type='html'>{escape(body(FT))}</content></entry></feed>").encode()


def test_poison_entries_are_skipped_with_a_reason_and_the_sources_after_them_are_polled(capsys, local):
    local.routes.update({"/poison.xml": Answer(POISON), "/atom.xml": Answer(ATOM_YEAR_0),
                          "/good.xml": Answer(rss(item("g-9", "https://news.example/afp", "AFP", AFP)))})
    for path in ("/poison.xml", "/atom.xml", "/good.xml"):
        cli(capsys, "source", "add", local.url(path))
    code, out, err = cli(capsys, "source", "poll")
    assert code == 0 and "Traceback" not in err
    lines = out.splitlines()
    assert lines[0].startswith("source 1: 1 new, 0 already held (entry 1 skipped: its link 'http://[oops' is not")
    assert "entry 2 skipped: its link 'http://news.example:99999/x' is not a web address (Port out of range" in lines[0]
    assert lines[1].startswith("source 2: 1 new, 0 already held (entry 1 skipped: its date is in the year 0")
    assert lines[2] == "source 3: 1 new, 0 already held"
    _, listing, _ = cli(capsys, "source", "list")
    assert "last error: entry 1 skipped: its link 'http://[oops'" in listing.splitlines()[0]
    assert "last error: entry 1 skipped: its date is in the year 0" in listing.splitlines()[1]


async def test_in_the_bot_a_tick_with_a_poison_source_still_rebuilds_the_corpus(local, tmp_path):
    from datetime import timedelta

    from bot.ingestion.fetch import Fetcher
    from bot.ingestion.live import LiveCorpus
    from bot.ingestion.sources import Ingestor
    from bot.storage.database import SourceStore, Storage
    from briefings.corpus import Corpus
    from briefings.feeds import canonical_url

    local.routes.update({"/poison.xml": Answer(POISON), "/atom.xml": Answer(ATOM_YEAR_0)})
    store = SourceStore(Storage.open(f"sqlite:///{tmp_path / 'bot.db'}"))
    for path in ("/poison.xml", "/atom.xml"):
        store.add(local.url(path), canonical_url(local.url(path)), timedelta(minutes=30))
    live = LiveCorpus(Corpus(()))
    async with Fetcher(frozenset({"127.0.0.1"})) as fetcher:
        ingestor = Ingestor(live, tmp_path / "empty-folder", 1_000_000, store, fetcher, timedelta(days=3650))
        assert await ingestor.tick()
    assert len(live.current) == 2  # one good entry of each feed; the poison ones skipped
    assert all(source.failures == 0 and "skipped" in str(source.last_error) for source in store.all())


def test_feed_credentials_are_never_printed(capsys, local, caplog):
    local.routes["/feed.xml"] = Answer(GOOD)
    with_password = local.url("/feed.xml").replace("//", f"//reader:{SECRET}@")
    missing = local.url("/missing.xml").replace("//", f"//reader:{SECRET}@")
    with caplog.at_level(logging.INFO):
        printed = [cli(capsys, "source", "add", with_password), cli(capsys, "source", "add", missing),
                   cli(capsys, "source", "add", with_password), cli(capsys, "source", "poll"),
                   cli(capsys, "source", "list")]
    everything = "".join(out + err for _, out, err in printed) + caplog.text
    assert SECRET not in everything
    assert "//***@127.0.0.1" in printed[4][1] and "HTTP 404" in printed[4][1]
    assert printed[2][0] == 2 and "followed already" in printed[2][2]
    assert printed[3][1].startswith("source 1: 2 new")  # the credentials are still used to fetch


def test_entries_per_poll_and_articles_per_source_are_capped(capsys, local, monkeypatch):
    seeds = (AGGREGATOR, STRAITS_TIMES, AFP, CNA, FT, FT)
    items = [item(f"n-{n}", f"https://news.example/{n}", f"Report {n}", seed) for n, seed in enumerate(seeds)]
    local.routes["/many.xml"] = Answer(rss(*items))
    monkeypatch.setenv("BRIEFBOT_MAX_ENTRIES_PER_POLL", "4")
    monkeypatch.setenv("BRIEFBOT_MAX_ARTICLES_PER_SOURCE", "3")
    cli(capsys, "source", "add", local.url("/many.xml"))
    _, out, _ = cli(capsys, "source", "poll")
    assert out.startswith("source 1: 3 new, 0 already held (2 entries past the first 4 left for later polls "
                          "(BRIEFBOT_MAX_ENTRIES_PER_POLL); the source holds its 3 articles")
    _, listing, _ = cli(capsys, "source", "list")
    assert "3 articles" in listing and "BRIEFBOT_MAX_ARTICLES_PER_SOURCE" in listing


async def test_on_discord_feed_credentials_are_never_shown_and_a_slip_is_said(fake_discord, local, tmp_path,  # noqa: F811
                                                                           monkeypatch):
    from bot.__main__ import build_bot
    from bot.settings import load_settings
    from briefings.corpus import Corpus
    from tests.bot.fakediscord import running_client

    folder = bot_folder(fake_discord, tmp_path, monkeypatch, FT)
    local.routes["/feed.xml"] = Answer(SLIPS["&nbsp; outside CDATA"][0])
    with_password = local.url("/feed.xml").replace("//", f"//reader:{SECRET}@")
    bot = build_bot(load_settings(), Corpus.from_folder(folder)[0], defer_after=5.0, guild_ready_timeout=0.05,
                    run_background_jobs=False)
    async with running_client(bot, fake_discord.token):
        added = await fake_discord.invoke("source add", {"url": with_password})
        await added.callback()
        first = (await added.followup()).content
        again = await fake_discord.invoke("source add", {"url": with_password})
        await again.callback()
        refused = (await again.followup()).content
        listing = (await (await fake_discord.invoke("source list")).callback()).embeds[0]["description"]
    assert "2 articles came in" in first and "followed already" in refused
    assert "What was wrong with the feed: malformed XML (an HTML entity such as" in first
    assert SECRET not in first + refused + listing and "***@127.0.0.1" in listing
