"""Domain values as Discord embeds, within Discord's limits, never cutting a sentence.

Limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits): title 256, description
4096, 25 fields, field value 1024, footer 2048, 6000 characters in all; 10 embeds and 2000 characters of content
per message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

import discord
from discord.utils import escape_markdown, escape_mentions

from briefings.briefing import Briefing
from briefings.corpus import Corpus
from briefings.digests import Digest
from briefings.figures import FigureChange
from briefings.stories import Story
from briefings.summaries import CitedSentence, Summary

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
MESSAGE_CONTENT_LIMIT = 2000
COLOUR = discord.Colour.from_rgb(46, 106, 158)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a reply: an embed's title, its description blocks and footer."""

    title: str
    blocks: tuple[str, ...]
    footer: str

    def embed(self, number: int, total: int) -> discord.Embed:
        """Build the embed for this page."""
        footer = self.footer if total == 1 else f"Page {number}/{total} · {self.footer}"
        embed = discord.Embed(title=_clip(self.title, TITLE_LIMIT), description="\n\n".join(self.blocks),
                              colour=COLOUR)
        embed.set_footer(text=_clip(footer, FOOTER_LIMIT))
        return embed


@dataclass(slots=True)
class Reply:
    """What a command answers: pages of one embed each (more than one page gets buttons)."""

    pages: list[Page] = field(default_factory=list)
    ephemeral: bool = False


def paginate(title: str, blocks: Sequence[str], footer: str) -> list[Page]:
    """Split blocks (a sentence with its citation, a heading) across pages that fit one embed each."""
    room = min(DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT - len(_clip(title, TITLE_LIMIT)) - len(footer) - 40)
    pages: list[list[str]] = [[]]
    used = 0
    for block in blocks:
        block = _clip(block, room)  # a single block longer than a page is the only thing ever shortened
        needed = len(block) + (2 if pages[-1] else 0)
        if pages[-1] and used + needed > room:
            pages.append([])
            used = 0
            needed = len(block)
        pages[-1].append(block)
        used += needed
    return [Page(title, tuple(blocks_), footer) for blocks_ in pages]


def timestamp(moment: datetime | None, style: str = "D") -> str:
    """Write a moment as a Discord timestamp, shown in each reader's own timezone."""
    return f"<t:{int(moment.timestamp())}:{style}>" if moment is not None else "undated"


def safe(text: str) -> str:
    """Escape markdown and mentions in text from articles, so it shows as written and pings nobody.

    Brackets are escaped too (discord.py leaves a lone `]` or `[`), so no text can open or close a masked link.
    """
    escaped = escape_mentions(escape_markdown(text))
    return re.sub(r"(?<!\\)([\[\]])", r"\\\1", escaped)


# Characters that end or reshape a markdown link target, percent-encoded so a URL cannot close the link and open
# another: "https://news.example/a) [Official form](https://evil.example" would otherwise add a second link.
_UNSAFE_IN_TARGET = re.compile(r"[\s()\[\]<>`\"'\\\x00-\x1f\x7f]")


def link(label: str, url: str | None) -> str:
    """Render a masked link `[label](url)`, both escaped; the label alone if the URL is not plain http(s).

    Every outlet name or URL put into markdown goes through here.
    """
    name = safe(label)
    target = link_target(url)
    return f"[{name}]({target})" if target else name


def link_target(url: str | None) -> str | None:
    """Return a URL fit for a markdown link target (http or https, with a host), percent-encoded; None if unfit."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        fit = parts.scheme.lower() in {"http", "https"} and bool(parts.hostname)
    except ValueError:  # "http://[oops", a port past 65535
        return None
    return _UNSAFE_IN_TARGET.sub(lambda match: "".join(f"%{byte:02X}" for byte in match[0].encode()),
                                 url.strip()) if fit else None


def citation(corpus: Corpus, article_ids: Sequence[str]) -> str:
    """Cite articles as a newspaper would: outlet and date (a link when the article has a URL)."""
    parts = []
    for article_id in article_ids:
        article = corpus.get(article_id)
        parts.append(f"{link(article.outlet, article.url)}, {timestamp(article.published)}")
    return "; ".join(parts)


def sentence_block(corpus: Corpus, sentence: CitedSentence, label: str = "") -> str:
    """Render a cited sentence: the verbatim text, then who carried it."""
    text = safe(sentence.text) + (" …" if sentence.truncated else "")
    return f"• {label}{text}\n— *{citation(corpus, sentence.article_ids)}*"


def summary_reply(corpus: Corpus, summary: Summary) -> Reply:
    """Render a topic or corpus summary."""
    title = f"What the corpus says about {summary.topic}" if summary.topic else "Summary of the corpus"
    blocks = [sentence_block(corpus, sentence) for sentence in summary.sentences]
    return Reply(paginate(title, blocks, corpus_footer(corpus, len(summary.article_ids))))


def digest_blocks(corpus: Corpus, digest: Digest, figures: bool = True) -> list[str]:
    """Render what changed: new sentences, reversals, figures."""
    reversals = {contrast.after.text for contrast in digest.contrasts}
    blocks = [sentence_block(corpus, s) for s in digest.sentences if s.text not in reversals]
    for contrast in digest.contrasts:
        blocks.append("**Reversal**\n" + sentence_block(corpus, contrast.before, "Then: ") + "\n"
                      + sentence_block(corpus, contrast.after, "Now: "))
    if figures:
        blocks += [figure_block(corpus, figure) for figure in digest.figures]
    return blocks


def figure_block(corpus: Corpus, figure: FigureChange) -> str:
    """Render a figure that moved."""
    before = citation(corpus, (figure.before_article_id, *figure.before_also_in))
    return (f"📈 **{safe(figure.subject)}**: {safe(figure.before)} → **{safe(figure.after)}**\n"
            f"— *before: {before}; now: {citation(corpus, (figure.after_article_id,))}*")


def digest_reply(corpus: Corpus, digest: Digest) -> Reply:
    """Render a 'what changed' digest."""
    about = f" about {digest.topic}" if digest.topic else ""
    title = f"What changed{about} since {digest.since:%-d %b %Y}"
    footer = f"{len(digest.new_article_ids)} new articles, {len(digest.known_article_ids)} before · " + \
        corpus_footer(corpus)
    return Reply(paginate(title, digest_blocks(corpus, digest), footer))


def briefing_reply(corpus: Corpus, briefing: Briefing, notes: Sequence[str] = (), marker: str | None = None) -> Reply:
    """Render a briefing: what changed, top stories, figures; 'and N more stories' rather than a cut."""
    blocks: list[str] = [f"*{safe(note)}*" for note in notes]
    if briefing.changes is not None and not briefing.changes.is_empty:
        since = "the day before" if briefing.first else f"the last briefing ({timestamp(briefing.since)})"
        blocks.append(f"__**What changed since {since}**__")
        blocks += digest_blocks(corpus, briefing.changes, figures=False)
    for number, item in enumerate(briefing.stories, start=1):
        blocks.append(story_heading(item.story, number))
        blocks += [sentence_block(corpus, sentence) for sentence in item.summary.sentences]
    if briefing.more_stories:
        blocks.append(f"…and {briefing.more_stories} more {'story' if briefing.more_stories == 1 else 'stories'}"
                      " (`/stories` lists them all)")
    if briefing.figures:
        blocks.append("__**Figures that moved**__")
        blocks += [figure_block(corpus, figure) for figure in briefing.figures]
    if not blocks:
        blocks.append("Nothing new since the last briefing.")
    when = f" — {briefing.as_of:%-d %B %Y}" if briefing.as_of else ""
    footer = corpus_footer(corpus) + (f" · {marker}" if marker else "")
    return Reply(paginate(f"Briefing{when}", blocks, footer))


def story_heading(story: Story, number: int | None = None) -> str:
    """Render a story's headline with its sources."""
    sources = "1 source" if story.sources == 1 else f"{story.sources} sources"
    prefix = f"{number}. " if number is not None else ""
    return f"**{prefix}{safe(story.headline)}**\n{sources}: {safe(', '.join(story.outlets))}"


def stories_reply(corpus: Corpus, stories: Sequence[Story]) -> Reply:
    """Render the list of stories."""
    blocks = []
    for story in stories:
        span = timestamp(story.first_published)
        if story.last_published and story.first_published and story.last_published > story.first_published:
            span += f" to {timestamp(story.last_published)}"
        blocks.append(f"{story_heading(story)} · {span}")
    return Reply(paginate(f"{len(stories)} stories", blocks, corpus_footer(corpus)))


def story_reply(corpus: Corpus, story: Story, summary: Summary) -> Reply:
    """Render one story: its summary, outlets and links."""
    blocks = [story_heading(story)]
    blocks += [sentence_block(corpus, sentence) for sentence in summary.sentences]
    links = [link(corpus.get(a).outlet, corpus.get(a).url) for a in story.article_ids if link_target(corpus.get(a).url)]
    if links:
        blocks.append("Read: " + " · ".join(links))
    return Reply(paginate(_clip(story.headline, TITLE_LIMIT), blocks, corpus_footer(corpus)))


def message_reply(title: str, text: str, ephemeral: bool = True) -> Reply:
    """Render a short message (an error, an explanation) as a reply."""
    return Reply([Page(title, (text,), "Briefbot")], ephemeral=ephemeral)


def corpus_footer(corpus: Corpus, cited: int | None = None) -> str:
    """Describe the corpus for a footer: its size and how recent it is."""
    latest = corpus.latest
    when = f", newest {latest:%-d %b %Y}" if latest else ""
    drawn = f"{cited} of " if cited is not None else ""
    return f"Briefbot · {drawn}{len(corpus):,} articles{when} · every sentence quoted verbatim"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
