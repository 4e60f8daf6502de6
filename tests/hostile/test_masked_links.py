"""Attack: markdown in an article's URL or outlet name, to add a link of the attacker's to every citation.

Before: citations were written `[Outlet](url)` with the URL as given, so
`https://news.example/a) [Official compensation form](https://evil.example/phish` added a clickable
"Official compensation form" link to every embed that cited the article.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.hostile.conftest import article, now, running_bot

# The target of each masked link Discord would render: "](" not escaped, up to the first ")".
LINK_TARGET = re.compile(r"(?<!\\)\]\(([^)]*)\)")
TITLE = "Port opens a second terminal"
# Headlines are links to their articles too: a "]" in a title must not end the link's label and start another.
ATTACKS = [
    ("https://news.example/a) [Official compensation form](https://evil.example/phish", "Port Gazette", TITLE),
    ("https://news.example/a>[Claim now](https://evil.example)<", "Port Gazette", TITLE),
    ("https://news.example/a\n[Claim now](https://evil.example)", "Port Gazette", TITLE),
    ("javascript:alert(document.cookie)", "Port Gazette", TITLE),
    ("https://news.example/a", "Gazette](https://evil.example/phish) [Official compensation form", TITLE),
    ("https://news.example/a?utm_source=rss", "Port Gazette",
     "Port opens](https://evil.example/phish) [Official compensation form"),
]


def link_hosts(text: str) -> set[str | None]:
    return {urlsplit(target).hostname for target in LINK_TARGET.findall(text)}


@pytest.mark.parametrize(("url", "outlet", "title"), ATTACKS)
async def test_every_citation_link_goes_to_the_article_and_nowhere_else(fake_discord, bot_settings, folder,
                                                                        url, outlet, title):
    text = article(title, now(), source=outlet).replace(
        "---\n", "---\nurl: " + url.replace("\n", "\\n").join('""') + "\n", 1)
    (folder / "port.txt").write_text(text)
    async with running_bot(bot_settings) as bot:
        assert bot.live.current.get("port").url == url
        replies = [await (await fake_discord.invoke("summary", {"topic": "terminal"})).callback(),
                   await (await fake_discord.invoke("brief")).callback()]
        story = next(s for s in bot.live.current.stories if "port" in s.article_ids)
        replies.append(await (await fake_discord.invoke("story", {"story": story.id})).callback())
    for reply in replies:
        description = reply.embeds[0]["description"]
        assert "container terminal" in description or "Port opens" in description
        hosts = link_hosts(description)
        assert "evil.example" not in hosts and None not in hosts, description
        targets = "".join(LINK_TARGET.findall(description))
        assert "javascript:" not in targets and "utm_source" not in targets
        if url.startswith("https://"):
            assert "news.example" in hosts, description  # the article is still linked, to itself
