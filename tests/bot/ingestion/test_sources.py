"""Feeds from a local HTTP server on 127.0.0.1 (real-looking RSS built from the seed articles), through the CLI."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

import pytest
from aiohttp import web

from bot.terminal.cli import main
from tests.bot.fakediscord.fixtures import fake_discord  # noqa: F401 - the fixture
from tests.bot.ingestion._server import Answer, LocalServer
from tests.conftest import AFP, BBC, FT, SEEDS, STRAITS_TIMES, raw_seed

SLOW_SECONDS = 2


def rss(title: str, items: list[tuple[str, str, str, str]]) -> bytes:
    """Build RSS 2.0 from (guid, link, title, body) items."""
    parts = [f"<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>{escape(title)}</title>"]
    for guid, link, headline, body in items:
        paragraphs = "".join(f"<p>{escape(line)}</p>" for line in body.splitlines() if line.strip())
        parts.append(f"<item><guid>{guid}</guid><link>{escape(link)}</link><title>{escape(headline)}</title>"
                     f"<pubDate>{format_datetime(datetime(2025, 2, 21, 12, tzinfo=UTC))}</pubDate>"
                     f"<description><![CDATA[{paragraphs}]]></description></item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")


class FeedServer:
    """An aiohttp server in its own thread, serving feeds and the failures real feeds bring."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str | None]] = []  # (path, If-None-Match)
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> FeedServer:
        self._thread.start()
        self._started.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        self.routes(app)
        runner = web.AppRunner(app)
        self._loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._started.set()
        self._loop.run_forever()
        self._loop.run_until_complete(runner.cleanup())

    def routes(self, app: web.Application) -> None:
        """Add the feeds this server serves."""

        def bodies() -> dict[str, bytes]:
            return {"wire": wire(), "afp": other(), "repost": repost(), "ft": later(), "latin": latin,
                    "teaser": teaser()}

        def wire():
            return rss("The Straits Times", [("st-1", self.url("/st/1?utm_source=rss"),
                                              "US, China leaders raise concerns", raw_seed(STRAITS_TIMES))])
        def other():
            return rss("AFP", [("afp-1", self.url("/afp/1"), "US, China leaders raise concerns", raw_seed(AFP))])
        def repost():
            return rss("The Straits Times", [("st-1-again", self.url("/st/1-again"), "Same story, new address",
                                                    raw_seed(STRAITS_TIMES))])
        def later():
            return rss("Financial Times", [("ft-1", self.url("/ft/1"), "China demands tariffs go", raw_seed(FT))])
        latin = ("<?xml version='1.0' encoding='ISO-8859-1'?><rss version='2.0'><channel><title>Le Monde</title>"
                 "<item><guid>lm-1</guid><link>http://example.fr/1</link><title>Caf\xe9</title><description>"
                 "Le ministre a d\xe9missionn\xe9 lundi soir apr\xe8s une longue dispute.</description></item>"
                 "</channel></rss>").encode("latin-1")

        def feed(name: str, etag: str):
            async def handler(request: web.Request) -> web.StreamResponse:
                self.requests.append((request.path, request.headers.get("If-None-Match")))
                if request.headers.get("If-None-Match") == etag:
                    return web.Response(status=304, headers={"ETag": etag})
                body = bodies()[name]  # built per request: links need the port, known only once serving
                return web.Response(body=body, content_type="application/rss+xml", headers={"ETag": etag})
            return handler

        async def page(request: web.Request) -> web.Response:
            return web.Response(text="<!DOCTYPE html><html><body><h1>Home</h1></body></html>", content_type="text/html")

        async def broken(request: web.Request) -> web.Response:
            return web.Response(body=b"<rss version='2.0'><channel><title>cut", content_type="application/xml")

        async def big(request: web.Request) -> web.StreamResponse:
            response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
            await response.prepare(request)
            for _ in range(10 * 16):
                await response.write(b" " * 65_536)
            return response

        async def loop(request: web.Request) -> web.Response:
            raise web.HTTPFound("/loop")

        async def slow(request: web.Request) -> web.Response:
            await asyncio.sleep(SLOW_SECONDS)
            return web.Response(body=later())

        def teaser():
            return rss("Financial Times", [("ft-teaser", self.url("/article/ft"), "China demands tariffs go",
                                                  "Beijing has called on the US to cancel tariffs.")])
        ft_page = ("<html><head><title>China demands tariffs go</title></head><body><nav>Home | World</nav>"
                   "<article><h1>China demands tariffs go</h1>"
                   + "".join(f"<p>{escape(line)}</p>" for line in raw_seed(FT).splitlines()[2:] if line.strip())
                   + "</article><footer>Copyright</footer></body></html>")

        async def article(request: web.Request) -> web.Response:
            self.requests.append((request.path, None))
            return web.Response(text=ft_page, content_type="text/html")

        async def empty(request: web.Request) -> web.Response:
            return web.Response(body=b"", content_type="application/rss+xml")

        for path, handler in {"/wire.rss": feed("wire", '"w1"'), "/afp.rss": feed("afp", '"a1"'),
                              "/repost.rss": feed("repost", '"r1"'), "/ft.rss": feed("ft", '"f1"'),
                              "/latin.rss": feed("latin", '"l1"'), "/page": page, "/broken.xml": broken, "/big": big,
                              "/loop": loop, "/slow": slow, "/empty": empty,
                              "/teaser.rss": feed("teaser", '"t1"'), "/article/ft": article}.items():
            app.router.add_get(path, handler)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


@pytest.fixture(autouse=True)
def state(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.setenv("BRIEFBOT_CORPUS_DIR", str(tmp_path / "empty-folder"))
    (tmp_path / "empty-folder").mkdir()
    monkeypatch.setenv("BRIEFBOT_FETCH_ALLOW_HOSTS", "127.0.0.1")


def cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_feeds_join_the_corpus_copies_are_one_story_and_reposts_are_dropped(capsys, server):
    for path in ("/wire.rss", "/afp.rss", "/repost.rss"):
        assert cli(capsys, "source", "add", server.url(path))[0] == 0
    code, out, _ = cli(capsys, "source", "poll")
    assert code == 0
    # Each feed keeps its own items (another feed's can never drop one of them); the same outlet's re-post in a
    # second feed is dropped where both are read together, so the story still has two sources.
    assert out.splitlines() == ["source 1: 1 new, 0 already held", "source 2: 1 new, 0 already held",
                                "source 3: 1 new, 0 already held"]
    code, out, _ = cli(capsys, "stories", "--json")
    [story] = json.loads(out)["stories"]
    assert story["sources"] == 2 and set(story["outlets"]) == {"The Straits Times", "AFP"}
    code, out, _ = cli(capsys, "summary", "Bessent", "--json")
    assert code == 0 and json.loads(out)["sentences"]


def test_a_long_feed_is_stored_in_blocks_and_its_repeats_and_reposts_are_still_dropped(capsys, monkeypatch):
    # 620 real BBC openings (the signatures of a block of 500 are made at once): item 560 re-posts item 3 under a
    # new address, item 600 is item 5 again (its GUID); both are dropped, as are the ten the BBC data itself
    # repeats word for word (239 repeats 213, 252 repeats 6...), as when each item was checked on its own.
    files = sorted((BBC / "business").glob("*.txt")) + sorted((BBC / "politics").glob("*.txt"))
    items = []
    for number, path in enumerate(files[:620]):
        lines = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
        items.append((f"bbc-{number}", f"https://bbc.example/{number}", lines[0], "\n".join(lines[1:6])))
    items[560] = ("bbc-560", "https://bbc.example/moved", items[3][2], items[3][3])
    items[600] = (items[5][0], "https://bbc.example/600", items[600][2], items[600][3])
    repeated = {number for number in range(620) if any(items[other][3] == items[number][3] for other in range(number))}
    assert repeated == {239, 252, 332, 355, 364, 370, 415, 437, 492, 493, 560}
    monkeypatch.setenv("BRIEFBOT_MAX_ENTRIES_PER_POLL", "1000")
    monkeypatch.setenv("BRIEFBOT_PAGES_PER_POLL", "0")
    with LocalServer({"/bbc.rss": Answer(rss("BBC", items))}) as local:
        assert cli(capsys, "source", "add", local.url("/bbc.rss"))[0] == 0
        code, out, _ = cli(capsys, "source", "poll")
    assert code == 0 and out.splitlines() == ["source 1: 608 new, 12 already held"]
    from bot.settings import load_settings
    from bot.storage.database import SourceStore, Storage

    stored = {int(item.guid.split("-")[1]) for item in SourceStore(Storage.open(load_settings().database)).articles()}
    assert stored == set(range(620)) - repeated - {600}
    code, out, _ = cli(capsys, "summary", "economy", "--json")
    assert code == 0 and json.loads(out)["sentences"]


def test_conditional_get_and_a_restart_keep_the_corpus(capsys, server):
    cli(capsys, "source", "add", server.url("/wire.rss"), "--interval", "5")
    cli(capsys, "source", "poll")
    with_database = cli(capsys, "stories", "--json")[1]
    from bot.settings import load_settings
    from bot.storage.database import SourceStore, Storage

    store = SourceStore(Storage.open(load_settings().database))
    with store.engine.begin() as connection:  # make the source due again now
        connection.exec_driver_sql("UPDATE feeds SET next_poll = '2000-01-01T00:00:00+00:00'")
    code, out, _ = cli(capsys, "source", "poll")
    assert out.strip() == "source 1: not modified"
    assert server.requests[-1] == ("/wire.rss", '"w1"')
    assert cli(capsys, "stories", "--json")[1] == with_database  # a new process reads the same corpus


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/broken.xml", "malformed XML"),
        ("/big", "byte limit"),
        ("/loop", "redirect"),
        ("/empty", "empty"),
    ],
)
def test_each_bad_source_fails_alone_with_a_stored_reason(capsys, server, path, reason):
    cli(capsys, "source", "add", server.url("/wire.rss"))
    cli(capsys, "source", "add", server.url(path))
    code, out, _ = cli(capsys, "source", "poll")
    lines = out.splitlines()
    assert lines[0] == "source 1: 1 new, 0 already held"
    assert lines[1].startswith("source 2: ") and reason in lines[1]
    _, listing, _ = cli(capsys, "source", "list")
    assert "last error: " in listing.splitlines()[1] and reason in listing.splitlines()[1]
    assert "1 articles" in listing.splitlines()[0]


def test_a_non_utf8_feed_is_read_in_its_declared_encoding(capsys, server):
    cli(capsys, "source", "add", server.url("/latin.rss"))
    cli(capsys, "source", "poll")
    code, out, _ = cli(capsys, "summary", "ministre", "--json")
    assert code == 0
    assert json.loads(out)["sentences"][0]["text"] == "Le ministre a démissionné lundi soir après une longue dispute."


def test_private_addresses_are_refused_unless_allowed(capsys, server, monkeypatch):
    monkeypatch.setenv("BRIEFBOT_FETCH_ALLOW_HOSTS", "")
    cli(capsys, "source", "add", server.url("/wire.rss"))
    cli(capsys, "source", "add", f"http://localhost:{server.port}/wire.rss")
    code, out, _ = cli(capsys, "source", "poll")
    assert all("not a public address" in line for line in out.splitlines())
    assert server.requests == []  # nothing reached the server


def test_a_source_added_twice_is_refused(capsys, server):
    assert cli(capsys, "source", "add", server.url("/wire.rss"))[0] == 0
    code, _, err = cli(capsys, "source", "add", server.url("/wire.rss/?utm_source=x"))
    assert code == 2 and "followed already" in err


def test_a_feed_that_does_not_answer_in_time_is_a_time_out(server):
    from bot.ingestion.fetch import Fetcher, FetchError

    async def fetch() -> None:
        async with Fetcher(frozenset({"127.0.0.1"}), timeout=0.5) as fetcher:
            await fetcher.fetch(server.url("/slow"))

    with pytest.raises(FetchError, match="timed out after 0.5 s"):
        asyncio.run(fetch())


async def test_source_add_through_discord_then_summary_and_a_new_folder_file_join_without_restart(
        fake_discord, server, tmp_path, monkeypatch):  # noqa: F811
    import shutil

    from bot.__main__ import build_bot
    from bot.settings import load_settings
    from briefings.corpus import Corpus
    from tests.bot.fakediscord import running_client
    from tests.bot.ingestion.conftest import bot_folder

    folder = bot_folder(fake_discord, tmp_path, monkeypatch, FT)
    settings = load_settings()
    corpus, _ = Corpus.from_folder(folder)
    bot = build_bot(settings, corpus, defer_after=5.0, guild_ready_timeout=0.05, run_background_jobs=False)
    async with running_client(bot, fake_discord.token):
        added = await fake_discord.invoke("source add", {"url": server.url("/wire.rss"), "interval": 15})
        assert (await added.callback()).callback_type == 5
        followup = await added.followup()
        assert "1 article came in" in followup.content
        reply = await (await fake_discord.invoke("summary", {"topic": "Lifeng"})).callback()
        assert "The Straits Times" in reply.embeds[0]["description"]
        listing = await (await fake_discord.invoke("source list")).callback()
        assert "· 1 article ·" in listing.embeds[0]["description"]
        shutil.copy(SEEDS / f"{AFP}.txt", folder)  # a new file in the watched folder
        assert await bot.ingestor.tick()
        stories = await (await fake_discord.invoke("stories")).callback()
    assert "2 sources" in stories.embeds[0]["description"]  # the folder's AFP copy joined the feed's story


async def test_members_without_manage_server_cannot_add_sources(fake_discord, server, tmp_path, monkeypatch):  # noqa: F811
    from bot.__main__ import build_bot
    from bot.settings import load_settings
    from briefings.corpus import Corpus
    from tests.bot.fakediscord import running_client

    for name, value in {"DISCORD_TOKEN": fake_discord.token, "DISCORD_API_BASE_URL": fake_discord.rest_base,
                        "DISCORD_GATEWAY_URL": fake_discord.gateway_url,
                        "BRIEFBOT_STATE_DIR": str(tmp_path / "state")}.items():
        monkeypatch.setenv(name, value)
    corpus, _ = Corpus.from_folder(SEEDS)
    bot = build_bot(load_settings(), corpus, defer_after=5.0, guild_ready_timeout=0.05, run_background_jobs=False)
    bob = fake_discord.world.add_user("bob")
    async with running_client(bot, fake_discord.token):
        reply = await (await fake_discord.invoke("source add", {"url": server.url("/wire.rss")}, user=bob)).callback()
    assert reply.ephemeral and "manage this server" in reply.content
    assert bot.ingestor.store.all() == []


def test_a_teaser_entry_gets_the_article_text_from_its_page(capsys, server):
    cli(capsys, "source", "add", server.url("/teaser.rss"))
    assert cli(capsys, "source", "poll")[1].strip() == "source 1: 1 new, 0 already held"
    code, out, _ = cli(capsys, "summary", "fake news", "--json")
    assert code == 0
    [sentence] = json.loads(out)["sentences"]
    assert sentence["text"] == ("But the Chinese foreign ministry on Thursday said any reports that China and the US "
                                "were nearing a deal were “fake news”.")
    assert ("/article/ft", None) in server.requests
