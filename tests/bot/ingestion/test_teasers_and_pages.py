"""Teasers expanded from their pages, within budgets and held to the feed's own host; pages read as they are
served (the HTTP charset, no cookie banners); each item's own credit, link and date; feed discovery from a page.

Everything goes through `briefbot source` (or the real bot against the fake Discord) and a local server on
127.0.0.1, with pages built from the seed articles the way news sites serve them.
"""

from __future__ import annotations

import asyncio
import json
import time
from xml.sax.saxutils import escape

import pytest

from tests.bot.fakediscord.fixtures import fake_discord  # noqa: F401 - the fixture
from tests.bot.ingestion._server import Answer
from tests.bot.ingestion.conftest import bot_folder, cli
from tests.conftest import AFP, CNA, FT, STRAITS_TIMES, raw_seed

FAKE_NEWS = ("But the Chinese foreign ministry on Thursday said any reports that China and the US were nearing a "
             "deal were “fake news”.")
TEASER = "Beijing has called on the US to cancel tariffs."


def page(article_id: str, head: str = "", extra: str = "") -> str:
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in raw_seed(article_id).splitlines()[2:] if line.strip())
    return (f"<!DOCTYPE html><html><head><title>News</title>{head}</head><body><nav>Home | World | Business</nav>"
            f"<article><h1>The story</h1>{paragraphs}{extra}</article><footer>Copyright</footer></body></html>")


def rss(items: list[str], title: str = "Wire", language: str = "en") -> bytes:
    return (f"<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>{title}</title>"
            f"<language>{language}</language>{''.join(items)}</channel></rss>").encode()


def teaser_item(guid: str, link: str, text: str = TEASER, date: str | None = "Thu, 24 Apr 2025 09:00:00 GMT",
                extra: str = "") -> str:
    when = f"<pubDate>{date}</pubDate>" if date else ""
    return (f"<item><guid>{guid}</guid><link>{escape(link)}</link><title>Item {guid}</title>{when}"
            f"<description>{escape(text)}</description>{extra}</item>")


def stored_documents() -> list[str]:
    from bot.settings import load_settings
    from bot.storage.database import SourceStore, Storage

    return [item.document for item in SourceStore(Storage.open(load_settings().database)).articles()]


def test_a_one_sentence_teaser_in_content_is_expanded_from_its_page_at_a_relative_link(capsys, local):
    atom = ("<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>heise-like</title>"
            "<entry><id>h-1</id><title>China demands tariffs go</title><link href='/article/ft'/>"
            "<updated>2025-04-24T09:00:00Z</updated>"
            f"<content type='html'>&lt;p&gt;{TEASER}&lt;/p&gt;</content></entry></feed>").encode()
    local.routes.update({"/atom.xml": Answer(atom), "/article/ft": Answer(page(FT).encode(), "text/html")})
    cli(capsys, "source", "add", local.url("/atom.xml"))
    assert cli(capsys, "source", "poll")[1].strip() == "source 1: 1 new, 0 already held"
    _, out, _ = cli(capsys, "summary", "fake news", "--json")
    assert FAKE_NEWS in [sentence["text"] for sentence in json.loads(out)["sentences"]]
    [document] = stored_documents()
    assert f"url: {local.url('/article/ft')}" in document and "Home | World" not in document


def test_relative_links_of_two_outlets_are_two_items_and_each_items_source_is_credited(capsys, local, monkeypatch):
    monkeypatch.setenv("BRIEFBOT_FETCH_ALLOW_HOSTS", "127.0.0.1,localhost")
    def item(article_id: str, extra: str = "") -> str:
        lines = "".join(f"<p>{escape(line)}</p>" for line in raw_seed(article_id).splitlines() if line.strip())
        return (f"<item><link>/news/{article_id}</link><title>Story</title>"
                f"<pubDate>Thu, 24 Apr 2025 09:00:00 GMT</pubDate><description><![CDATA[{lines}]]></description>"
                f"{extra}</item>")
    local.routes.update({
        "/one.xml": Answer(rss([item(STRAITS_TIMES)], title="Outlet One")),
        "/two.xml": Answer(rss([item(CNA)], title="Outlet Two")),
        "/aggregator.xml": Answer(rss([item(AFP, "<source url='https://afp.example/rss'>AFP</source>")],
                                      title="Newsbox Aggregator")),
    })
    cli(capsys, "source", "add", local.url("/one.xml"))
    cli(capsys, "source", "add", local.url("/two.xml", host="localhost"))  # the same path on another host
    cli(capsys, "source", "add", local.url("/aggregator.xml", host="localhost"))
    _, out, _ = cli(capsys, "source", "poll")
    assert out.splitlines()[:2] == ["source 1: 1 new, 0 already held", "source 2: 1 new, 0 already held"]
    _, stories, _ = cli(capsys, "stories", "--json")
    outlets = {outlet for story in json.loads(stories)["stories"] for outlet in story["outlets"]}
    assert "AFP" in outlets and "Newsbox Aggregator" not in outlets
    assert any(f"url: {local.url(f'/news/{CNA}', host='localhost')}" in doc for doc in stored_documents())


def test_teaser_pages_are_held_to_the_feeds_own_host(capsys, local, monkeypatch):
    monkeypatch.setenv("BRIEFBOT_FETCH_ALLOW_HOSTS", "localhost")  # "a feed at localhost", not "any URL on it"
    status = "<html><body><h1>Status</h1>" + "<p>Internal status: admin password is swordfish.</p>" * 30
    local.routes.update({
        "/feed.xml": Answer(rss([teaser_item("own", local.url("/article/ft", host="localhost")),
                                 teaser_item("other", local.url("/status", host="127.0.0.1"),
                                             "Harbour cranes moved containers all night.")])),
        "/article/ft": Answer(page(FT).encode(), "text/html"),
        "/status": Answer(status.encode(), "text/html"),
    })
    cli(capsys, "source", "add", local.url("/feed.xml", host="localhost"))
    assert cli(capsys, "source", "poll")[1].startswith("source 1: 2 new")
    assert "/article/ft" in local.paths() and "/status" not in local.paths()
    assert not any("swordfish" in doc for doc in stored_documents())


def test_the_fetcher_exempts_only_the_feeds_own_host(local):
    from bot.ingestion.fetch import Fetcher, FetchError

    local.routes["/secret"] = Answer(b"<html><body>secret</body></html>", "text/html")

    async def fetch() -> None:
        async with Fetcher(frozenset({"127.0.0.1"})) as fetcher:
            assert (await fetcher.fetch(local.url("/secret"), feed=local.url("/feed.xml"))).status == 200
            with pytest.raises(FetchError, match="not a public address"):  # a stranger's feed linking to it
                await fetcher.fetch(local.url("/secret"), feed="https://stranger.example/feed.xml")

    asyncio.run(fetch())
    assert local.paths() == ["/secret"]  # the refused fetch never reached the server


def test_teaser_pages_are_fetched_concurrently_within_the_feeds_budget(capsys, local, monkeypatch):
    monkeypatch.setenv("BRIEFBOT_PAGES_PER_FEED", "4")
    items = [teaser_item(f"t{n}", local.url(f"/page/{n}"), f"Teaser number {n} says little.") for n in range(6)]
    local.routes["/feed.xml"] = Answer(rss(items))
    for n in range(6):
        local.routes[f"/page/{n}"] = Answer(page((FT, AFP, CNA, STRAITS_TIMES, FT, AFP)[n]).encode(), "text/html",
                                            delay=1.0)
    cli(capsys, "source", "add", local.url("/feed.xml"))
    _, out, _ = cli(capsys, "source", "poll")
    asked = [when for path, when in local.requests if path.startswith("/page/")]
    assert len(asked) == 4  # BRIEFBOT_PAGES_PER_FEED
    # Fetched together: every page was asked for before the first one answered (each takes 1 s), which pages
    # fetched one at a time never are, however busy the machine (the poll's own time is not asserted).
    assert max(asked) - min(asked) < 1.0, asked
    assert out.startswith("source 1: 6 new")


def test_pages_not_in_within_the_polls_time_budget_keep_their_teaser(capsys, local, monkeypatch):
    monkeypatch.setenv("BRIEFBOT_PAGE_SECONDS_PER_POLL", "1")
    local.routes.update({"/feed.xml": Answer(rss([teaser_item("slow", local.url("/slow"))])),
                          "/slow": Answer(page(FT).encode(), "text/html", delay=4.0)})
    cli(capsys, "source", "add", local.url("/feed.xml"))
    assert cli(capsys, "source", "poll")[1].startswith("source 1: 1 new")
    [document] = stored_documents()  # the poll stopped waiting: the page's text, 4 s away, is not in it
    assert TEASER in document and FAKE_NEWS not in document


def test_a_page_is_read_in_the_charset_its_response_declares_without_banners_or_furniture(capsys, local):
    banner = ("<div class='consent'><p>Wir verwenden Cookies, um Inhalte zu personalisieren. Mit der Nutzung "
              "stimmen Sie der Datenschutzerklärung zu.</p></div>")
    disclosure = "<p>Advertising disclosure: We may receive compensation for some links on this page.</p>"
    quote = "<p>Apple said iOS 13’s new privacy prompts would reach every iPhone user this autumn.</p>"
    furniture = "<p>Lea también: Ministros chinos viajan a Washington</p><p>Crédits photos : Bestimage</p>"
    html = page(FT, extra=quote + furniture + disclosure + banner)
    local.routes.update({
        "/feed.xml": Answer(rss([teaser_item("cp", local.url("/cp1252"))])),
        "/cp1252": Answer(html.encode("cp1252"), "text/html; charset=windows-1252"),  # no <meta charset> in it
    })
    cli(capsys, "source", "add", local.url("/feed.xml"))
    cli(capsys, "source", "poll")
    [document] = stored_documents()
    assert "iOS 13’s new privacy prompts" in document and "\ufffd" not in document
    assert "Cookies" not in document and "compensation" not in document
    assert "Lea también" not in document and "Bestimage" not in document
    assert FAKE_NEWS in document


def test_dates_in_other_languages_and_from_the_page_and_first_seen(capsys, local):
    published_meta = "<meta property='article:published_time' content='2025-04-20T08:30:00+00:00'>"
    lines = "".join(f"<p>{escape(line)}</p>" for line in raw_seed(CNA).splitlines() if line.strip())
    portuguese = (f"<item><guid>pt-1</guid><link>https://noticias.example/1</link><title>Notícia</title>"
                  f"<pubDate>Sex, 12 Out 2018 08:00:00 -0300</pubDate><description><![CDATA[{lines}]]></description>"
                  "</item>")
    local.routes.update({
        "/pt.xml": Answer(rss([portuguese], title="UOL-like", language="pt-br")),
        "/undated.xml": Answer(rss([teaser_item("u-1", local.url("/dated-page"), date=None)])),
        "/dated-page": Answer(page(FT, head=published_meta).encode(), "text/html"),
    })
    cli(capsys, "source", "add", local.url("/pt.xml"))
    cli(capsys, "source", "add", local.url("/undated.xml"))
    cli(capsys, "source", "poll")
    documents = stored_documents()
    assert any("published: '2018-10-12T11:00:00+00:00'" in doc for doc in documents)  # "Sex, 12 Out": a Friday
    assert any("published: '2025-04-20T" in doc for doc in documents)  # from the page's metadata (its day)


def test_a_web_page_gives_the_feed_it_announces_and_one_without_is_not_followed(capsys, local):
    home = ("<!DOCTYPE html><html><head><title>Wire</title>"
            "<link rel='alternate' type='application/rss+xml' title='RSS' href='/wire.rss'></head>"
            "<body><p>Welcome</p></body></html>")
    local.routes.update({"/": Answer(home.encode(), "text/html"),
                          "/plain": Answer(b"<!DOCTYPE html><html><body><p>No feed here</p></body></html>",
                                           "text/html"),
                          "/wire.rss": Answer(rss([teaser_item("w", "https://news.example/w")]))})
    code, out, _ = cli(capsys, "source", "add", local.url("/"))
    assert code == 0 and "is a web page; following the feed it announces instead" in out
    assert f"Following source 1: {local.url('/wire.rss')}" in out
    code, _, err = cli(capsys, "source", "add", local.url("/plain"))
    assert code == 2 and "announces no RSS or Atom feed" in err and "Nothing was saved" in err
    _, listing, _ = cli(capsys, "source", "list")
    assert len(listing.splitlines()) == 1 and "/wire.rss" in listing


async def test_a_slow_poll_never_holds_up_another_servers_source_add(fake_discord, local, tmp_path,  # noqa: F811
                                                                     monkeypatch):
    from datetime import timedelta

    from bot.__main__ import build_bot
    from bot.settings import load_settings
    from briefings.corpus import Corpus
    from tests.bot.fakediscord import running_client

    folder = bot_folder(fake_discord, tmp_path, monkeypatch, CNA)
    home = ("<html><head><link rel='alternate' type='application/atom+xml' href='/quick.xml'></head>"
            "<body>Quick Wire</body></html>")
    items = ["<item><guid>q</guid><link>https://quick.example/q</link><title>Quick</title><description><![CDATA["
             + "".join(f"<p>{escape(line)}</p>" for line in raw_seed(STRAITS_TIMES).splitlines() if line.strip())
             + "]]></description></item>"]
    local.routes.update({"/slow.xml": Answer(rss([teaser_item("s", local.url("/slow-page"))])),
                          "/slow-page": Answer(page(FT).encode(), "text/html", delay=3.0),
                          "/quick": Answer(home.encode(), "text/html"),
                          "/quick.xml": Answer(rss(items, title="Quick Wire"))})
    bot = build_bot(load_settings(), Corpus.from_folder(folder)[0], defer_after=5.0, guild_ready_timeout=0.05,
                    run_background_jobs=False)
    async with running_client(bot, fake_discord.token):
        slow = local.url("/slow.xml")
        bot.ingestor.store.add(slow, slow, timedelta(minutes=30), 999)  # another server's feed: its page takes 3 s
        started = time.monotonic()
        tick = asyncio.create_task(bot.ingestor.tick())
        while "/slow-page" not in local.paths():
            await asyncio.sleep(0.05)
        added = await fake_discord.invoke("source add", {"url": local.url("/quick"), "interval": 15})
        await added.callback()
        note = await added.followup()
        followup = await added.followup()
        answered = time.monotonic() - started
        assert await tick
        ticked = time.monotonic() - started
    assert "following the feed it announces instead" in note.content
    assert "1 article came in" in followup.content
    assert ticked >= 3.0 and answered < ticked - 0.5, (answered, ticked)  # answered while the other poll waited


def test_an_undated_entry_is_dated_when_first_seen_unless_it_is_back_catalogue(capsys, local):
    from datetime import UTC, datetime

    from bot.settings import load_settings
    from bot.storage.database import SourceStore, Storage

    def full(article_id: str) -> str:
        lines = "".join(f"<p>{escape(line)}</p>" for line in raw_seed(article_id).splitlines() if line.strip())
        return (f"<item><guid>{article_id}</guid><link>https://news.example/{article_id}</link><title>T</title>"
                f"<description><![CDATA[{lines}]]></description></item>")

    local.routes["/undated.xml"] = Answer(rss([full(CNA)]))
    cli(capsys, "source", "add", local.url("/undated.xml"))
    cli(capsys, "source", "poll")
    local.routes["/undated.xml"] = Answer(rss([full(FT), full(CNA)]))
    store = SourceStore(Storage.open(load_settings().database))
    with store.engine.begin() as connection:  # due again now
        connection.exec_driver_sql("UPDATE feeds SET next_poll = '2000-01-01T00:00:00+00:00'")
    assert cli(capsys, "source", "poll")[1].strip() == "source 1: 1 new, 1 already held"
    back_catalogue, arrived = stored_documents()
    assert "published:" not in back_catalogue  # ranked as the oldest, never as the newest
    assert f"published: '{datetime.now(UTC):%Y-%m-%d}T" in arrived


def test_a_chinese_teaser_is_expanded_from_its_page_and_gives_sentences(capsys, local):
    paragraphs = ("新华社北京2月17日电 国家统计局17日发布数据显示，一月份全国规模以上工业增加值同比增长百分之五点六。",
                  "国家统计局新闻发言人表示，工业生产总体保持稳定，装备制造业和高技术制造业增长较快。",
                  "发言人说，下一步将继续巩固经济回升向好的基础，推动消费和投资协同发力。",
                  "分析人士认为，随着各项政策逐步落地，今年上半年经济有望继续保持平稳增长。")
    html = ("<html lang='zh'><head><meta charset='utf-8'><title>工业增加值</title></head><body><article>"
            + "".join(f"<p>{text}</p>" for text in paragraphs) + "</article></body></html>")
    local.routes.update({"/zh.xml": Answer(rss([teaser_item("zh-1", local.url("/zh/1"), "工业生产总体保持稳定。")],
                                               language="zh-cn")),
                         "/zh/1": Answer(html.encode("utf-8"), "text/html; charset=utf-8")})
    cli(capsys, "source", "add", local.url("/zh.xml"))
    cli(capsys, "source", "poll")
    [document] = stored_documents()
    assert all(text in document for text in paragraphs[1:])
    _, out, _ = cli(capsys, "stories", "--json")
    assert json.loads(out)["stories"]


def test_an_address_that_cannot_be_fetched_now_is_followed_with_a_note(capsys, local):
    local.routes["/"] = Answer(b"down for maintenance", "text/plain", status=503)
    code, out, _ = cli(capsys, "source", "add", local.url("/"))
    assert code == 0 and "Note: it could not be fetched now (the server answered HTTP 503" in out
    assert f"Following source 1: {local.url('/')}" in out


async def test_on_discord_a_page_that_announces_no_feed_is_not_followed(fake_discord, local, tmp_path,  # noqa: F811
                                                                       monkeypatch):
    from bot.__main__ import build_bot
    from bot.settings import load_settings
    from briefings.corpus import Corpus
    from tests.bot.fakediscord import running_client

    folder = bot_folder(fake_discord, tmp_path, monkeypatch, CNA)
    local.routes["/plain"] = Answer(b"<!DOCTYPE html><html><body><p>No feed here</p></body></html>", "text/html")
    bot = build_bot(load_settings(), Corpus.from_folder(folder)[0], defer_after=5.0, guild_ready_timeout=0.05,
                    run_background_jobs=False)
    async with running_client(bot, fake_discord.token):
        added = await fake_discord.invoke("source add", {"url": local.url("/plain")})
        await added.callback()
        reply = (await added.followup()).content
        assert bot.ingestor.store.all() == []
    assert reply.startswith("Not followed: ") and "announces no RSS or Atom feed" in reply
    assert "Nothing was saved" in reply


def test_the_lead_a_page_sets_apart_above_its_article_is_kept(capsys, local):
    lead = ("Beijing demanded on Thursday that Washington cancel every tariff it has imposed before any talks on "
            "trade between the two economies can begin.")
    html = page(FT, head=f"<meta name='description' content='{lead}'>").replace(
        "<article>", f"<div class='page-header'><h1>China demands tariffs go</h1><div class='intro'><strong>{lead}"
        "</strong></div><div class='share'>Share on X | Facebook</div></div><article>")
    local.routes.update({"/feed.xml": Answer(rss([teaser_item("lead", local.url("/lead"))])),
                         "/lead": Answer(html.encode(), "text/html")})
    cli(capsys, "source", "add", local.url("/feed.xml"))
    cli(capsys, "source", "poll")
    [document] = stored_documents()
    assert lead in document and FAKE_NEWS in document and "Share on X" not in document
