from datetime import UTC, datetime

import pytest

from briefings.dedup import Deduplicator, _minhash, signatures
from briefings.feeds import FeedEntry, FeedError, canonical_url, entry_article, entry_document, html_to_text, parse_feed
from tests.conftest import BBC, SEEDS, raw_seed

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Example Wire</title>
<item><title>US, China economic leaders raise concerns</title>
<link>https://news.example/a?utm_source=rss&amp;id=7</link>
<guid>wire-1</guid><pubDate>Fri, 21 Feb 2025 10:00:00 GMT</pubDate>
<description><![CDATA[<p>US Treasury Secretary Scott Bessent and his Chinese counterpart
He Lifeng raised mutual concerns.</p>
<p>Both sides agreed to remain in communication.</p>]]></description></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Example Atom</title><id>urn:x</id>
<updated>2025-04-24T08:00:00Z</updated>
<entry><title>China demands cancellation of tariffs</title><id>urn:entry:1</id>
<link href="https://atom.example/b/"/>
<updated>2025-04-24T08:00:00Z</updated>
<content type="html">&lt;p&gt;Beijing called on the US to cancel all unilateral
tariff measures.&lt;/p&gt;</content></entry>
</feed>"""


def test_rss_and_atom_entries_become_articles_with_their_metadata():
    rss = parse_feed(RSS, "application/rss+xml")
    assert rss.title == "Example Wire"
    [entry] = rss.entries
    assert entry.guid == "wire-1" and entry.published == datetime(2025, 2, 21, 10, tzinfo=UTC)
    article = entry_article(entry, rss.title)
    assert article.source == "Example Wire" and article.url == "https://news.example/a?utm_source=rss&id=7"
    assert [s.text for s in article.sentences] == [
        "US Treasury Secretary Scott Bessent and his Chinese counterpart He Lifeng raised mutual concerns.",
        "Both sides agreed to remain in communication.",
    ]
    atom = parse_feed(ATOM)
    assert atom.entries[0].url == "https://atom.example/b/"
    assert entry_article(atom.entries[0], atom.title).sentences[0].text.startswith("Beijing called on the US")


@pytest.mark.parametrize(
    ("data", "content_type", "reason"),
    [
        (b"<!DOCTYPE html><html><body><p>Welcome</p></body></html>", "text/html", r"web page \(HTML\)"),
        (b"<rss version='2.0'><channel><title>broken", "application/xml", "malformed XML"),
        (b"", None, "empty"),
        ("caf\xe9 not xml at all".encode("latin-1"), "text/plain", "not an RSS or Atom feed"),
    ],
)
def test_responses_that_are_not_feeds_say_why(data, content_type, reason):
    with pytest.raises(FeedError, match=reason):
        parse_feed(data, content_type)


def test_a_malformed_feed_keeps_the_entries_feedparser_recovers_and_says_what_was_wrong():
    feed = parse_feed(b"<rss version='2.0'><channel><item><link>https://news.example/a</link><title>cut",
                      "application/xml")
    assert [entry.url for entry in feed.entries] == ["https://news.example/a"]
    [problem] = feed.problems
    assert problem.startswith("malformed XML (the feed ends early (a transfer cut short?): ")
    assert problem.endswith("no element found); 1 entries recovered")


def test_an_empty_feed_is_a_feed_with_no_entries():
    assert parse_feed(b"<rss version='2.0'><channel><title>Quiet</title></channel></rss>").entries == ()


def test_canonical_urls_drop_tracking_fragments_and_default_ports():
    assert canonical_url("HTTPS://News.Example:443/a/?utm_source=x&id=7&fbclid=abc#comments") == \
        "https://news.example/a?id=7"
    assert canonical_url("https://news.example/a?b=2&a=1") == canonical_url("https://news.example/a/?a=1&b=2")
    assert canonical_url("http://news.example:8080/a") == "http://news.example:8080/a"


def test_html_to_text_keeps_paragraphs_and_drops_scripts_and_captions():
    html = "<p>First <b>para</b>.</p><script>var x;</script><figure><figcaption>Photo: AFP</figcaption></figure>" \
           "<p>Second&nbsp;para.</p>"
    assert html_to_text(html) == "First para.\nSecond para."


def test_duplicates_by_guid_url_and_text_and_copies_from_other_outlets():
    seen = Deduplicator()
    straits = raw_seed("001_2487aea8e09a5ae7")
    seen.remember("a", "guid-1", "https://st.example/x?utm_source=rss", straits, "The Straits Times")
    assert seen.check("guid-1", None, "anything", "Other").reason == "guid"
    assert seen.check(None, "https://st.example/x/", "anything", "Other").reason == "url"
    repost = seen.check(None, "https://st.example/new-url", straits, "The Straits Times")
    assert not repost.new and repost.reason == "text"
    copy = seen.check(None, "https://other.example/y", straits.replace("Mr Bessent", "Bessent"), "Other Paper")
    assert copy.new and copy.reason == "copy" and copy.same_as == "a"
    assert seen.check(None, "https://ft.example/z", raw_seed("004_d06dc6481aa78526"), "FT").reason is None


def test_signatures_made_together_are_datasketchs_one_at_a_time_and_find_the_same_duplicates():
    files = sorted((BBC / "business").glob("*.txt"))[:300]
    texts = [path.read_text(encoding="utf-8", errors="replace") for path in files]
    texts += ["", "   ", "One.", "Shipper 1 says tariffs on steel from Chile rose.", "日本の輸出が増えた。"]
    together = signatures(texts)
    alone = [_minhash(text) for text in texts]
    assert len(together) == len(texts)
    for made, single in zip(together, alone, strict=True):
        assert made.hashvalues.dtype == single.hashvalues.dtype and (made.hashvalues == single.hashvalues).all()
        assert made.jaccard(single) == 1.0
    # A deduplicator fed the signatures made together answers as one that makes each itself.
    given, made_here = Deduplicator(), Deduplicator()
    for number, (text, mark) in enumerate(zip(texts, together, strict=True)):
        outlet = "BBC" if number % 2 else "Wire"
        first, second = given.check(None, None, text, outlet, mark), made_here.check(None, None, text, outlet)
        assert first == second
        if first.new:
            given.remember(f"a{number}", None, None, text, outlet, mark)
            made_here.remember(f"a{number}", None, None, text, outlet)
    copies = signatures(texts[:50])
    assert [given.check(None, None, text, "Wire", mark) for text, mark in zip(texts[:50], copies, strict=True)] == \
        [made_here.check(None, None, text, "Wire") for text in texts[:50]]


def test_an_entrys_document_keeps_its_title_exactly():
    # libyaml writes the front matter; what it writes is read back as given, a NEL character and quotes included.
    for title in ("US, China: leaders 'raise' concerns", "Yes", "- a dash #1", "caf\u00e9 \u65e5\u672c \U0001f600",
                  "line\x85next", 'He said: "no"', "x" * 300):
        entry = FeedEntry("g", "https://news.example/a", title, datetime(2025, 2, 21, 10, tzinfo=UTC), "Body text "
                          "of the entry, long enough to be a sentence.", False)
        article = entry_article(entry, "Wire")
        assert article.title == title.strip() and article.source == "Wire"
        assert entry_document(entry, "Wire").startswith("---\n")
    assert (SEEDS / "001_2487aea8e09a5ae7.txt").exists()
