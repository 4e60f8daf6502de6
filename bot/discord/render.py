"""Domain values as Discord embeds, within Discord's limits, never cutting a sentence.

Limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits): title 256, description
4096, 25 fields, field value 1024, footer 2048, 6000 characters in all; 10 embeds and 2000 characters of content
per message. Dates follow what an article gives: a day is written as that day (a date-only value shown as a
timestamp would read as the day before west of UTC); a moment is a Discord timestamp, which each reader sees in
their own timezone. Footers cannot hold Discord timestamps, so a moment there is the embed's timestamp, which
Discord also shows in the reader's timezone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import quote, urlsplit

import discord
from discord.utils import escape_markdown, escape_mentions

from briefings.briefing import Briefing
from briefings.cleaning import outlet_name
from briefings.corpus import Article, Corpus
from briefings.digests import Digest
from briefings.feeds import canonical_url
from briefings.figures import FigureChange
from briefings.stories import Story
from briefings.summaries import CitedSentence, Summary

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
MESSAGE_CONTENT_LIMIT = 2000
SELECT_OPTIONS_LIMIT = 25
COLOUR = discord.Colour.from_rgb(46, 106, 158)
FOOTER = "Briefbot · every sentence quoted verbatim"


@dataclass(frozen=True, slots=True)
class Choice:
    """A story a reader can jump to from a page (a select menu option)."""

    label: str
    value: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a reply: an embed's title, its description blocks and footer."""

    title: str
    blocks: tuple[str, ...]
    footer: str
    url: str | None = None  # the title links here
    timestamp: datetime | None = None  # shown beside the footer, in each reader's timezone
    choices: tuple[Choice, ...] = ()  # stories on this page, offered in a select menu

    def embed(self, number: int, total: int) -> discord.Embed:
        """Build the embed for this page."""
        footer = self.footer if total == 1 else f"Page {number}/{total} · {self.footer}"
        embed = discord.Embed(title=_clip(self.title, TITLE_LIMIT), description="\n\n".join(self.blocks),
                              colour=COLOUR, url=self.url, timestamp=self.timestamp)
        embed.set_footer(text=_clip(footer, FOOTER_LIMIT))
        return embed


@dataclass(slots=True)
class Reply:
    """What a command answers: pages of one embed each (more than one page gets buttons), or a short notice.

    `key` says how to build the reply again (its command and arguments), so its page buttons work after a restart.
    """

    pages: list[Page] = field(default_factory=list)
    ephemeral: bool = False
    content: str | None = None
    key: str | None = None


def paginate(title: str, blocks: Sequence[str], footer: str, *, url: str | None = None,
             timestamp: datetime | None = None, choices: Sequence[Choice] = ()) -> list[Page]:
    """Split blocks (a sentence with its citation, a heading) across pages that fit one embed each.

    `choices` belong to the blocks one for one (a story and its block); each page offers those of its blocks.
    """
    room = min(DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT - len(_clip(title, TITLE_LIMIT)) - len(footer) - 60)
    pages: list[list[int]] = [[]]
    clipped = [_clip(block, room) for block in blocks]  # a single block longer than a page is all that is shortened
    used = 0
    for number, block in enumerate(clipped):
        needed = len(block) + (2 if pages[-1] else 0)
        if pages[-1] and used + needed > room:
            pages.append([])
            used = 0
            needed = len(block)
        pages[-1].append(number)
        used += needed
    return [Page(title, tuple(clipped[n] for n in numbers), footer, url, timestamp,
                 tuple(choices[n] for n in numbers if n < len(choices))[:SELECT_OPTIONS_LIMIT])
            for numbers in pages]


def notice(text: str) -> Reply:
    """Render a private notice (an error, a confirmation): plain text, as every private reply is."""
    return Reply(content=_clip(text, MESSAGE_CONTENT_LIMIT), ephemeral=True)


def count(number: int, noun: str, plural: str | None = None) -> str:
    """Write a count with its noun: "1 new article", "1,595 stories"."""
    word = noun if number == 1 else plural or (noun[:-1] + "ies" if re.search(r"[^aeiou]y$", noun) else noun + "s")
    return f"{number:,} {word}"


def timestamp(moment: datetime | None, style: str = "D") -> str:
    """Write a moment as a Discord timestamp, shown in each reader's own timezone."""
    return f"<t:{int(moment.timestamp())}:{style}>" if moment is not None else "undated"


def day(value: date | datetime) -> str:
    """Write a day as a day ("21 February 2025"), the same for every reader."""
    return f"{value.day} {value:%B %Y}"


def when(moment: datetime | None, date_only: bool, style: str = "D") -> str:
    """Write a publication time as what it is: a day as a day, a moment as a Discord timestamp."""
    if moment is None:
        return "undated"
    return day(moment) if date_only else timestamp(moment, style)


def published(article: Article) -> str:
    """Write when an article was published."""
    return when(article.published, article.date_only)


def safe(text: str) -> str:
    """Escape markdown and mentions in text from articles, so it shows as written and pings nobody.

    Brackets are escaped too (discord.py leaves a lone `]` or `[`), so no text can open or close a masked link.
    """
    escaped = escape_mentions(escape_markdown(text))
    return re.sub(r"(?<!\\)([\[\]])", r"\\\1", escaped)


# What may stay as written in a link target; everything else is percent-encoded, so a URL cannot close the link and
# open another ("https://news.example/a) [Official form](https://evil.example" would otherwise add a second link).
# Brackets, quotes, backslashes, spaces and control characters are encoded too, though some are legal in a URL.
_SAFE_IN_TARGET = ":/?#@!$&*+,;=%~-._"


def link(label: str, url: str | None) -> str:
    """Write a masked link `[label](url)` to an article, the label escaped; the label alone when the URL is unfit.

    Every outlet name, headline or URL put into markdown as a link goes through here.
    """
    name = safe(label)
    target = article_url(url)
    return f"[{name}]({target})" if target else name


def article_url(url: str | None) -> str | None:
    """Return the address to link: http(s) with a host, without tracking parameters, percent-encoded; None if unfit."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
            return None
        address = canonical_url(url)
    except ValueError:  # "http://[oops", a port past 65535
        return None
    return quote(address, safe=_SAFE_IN_TARGET)


def citation(corpus: Corpus, article_ids: Sequence[str]) -> str:
    """Cite articles as a newspaper would: each outlet once, with its first article's date (and link)."""
    parts = []
    seen: set[str] = set()
    for article_id in article_ids:
        article = corpus.get(article_id)
        if article.outlet in seen:
            continue
        seen.add(article.outlet)
        parts.append(f"{link(outlet_name(article.outlet), article.url)}, {published(article)}")
    return "; ".join(parts)


def sentence_block(corpus: Corpus, sentence: CitedSentence, label: str = "", cited: str | None = None) -> str:
    """Render a cited sentence: the verbatim text, then who carried it (or `cited`, a shorter credit)."""
    text = safe(sentence.text) + (" …" if sentence.truncated else "")
    return f"• {label}{text}\n— *{cited or citation(corpus, sentence.article_ids)}*"


def story_sentences(corpus: Corpus, story: Story, sentences: Sequence[CitedSentence]) -> list[str]:
    """Render a story's sentences; a credit the story heading already gives is not repeated under each one."""
    outlets = set(story.outlets)
    blocks = []
    previous: frozenset[str] | None = None
    for sentence in sentences:
        carried = frozenset(corpus.get(a).outlet for a in sentence.article_ids)
        cited = None
        if story.sources > 1 and carried == outlets:
            cited = "both sources" if story.sources == 2 else f"all {story.sources} sources"
        elif carried == previous:
            cited = "the same source" if len(carried) == 1 else "the same sources"
        blocks.append(sentence_block(corpus, sentence, cited=cited))
        previous = carried
    return blocks


def headline(story: Story) -> str:
    """Return the story's headline for display: a cut lead sentence ends with "…"."""
    return story.headline + ("…" if story.headline_cut else "")


def headline_link(corpus: Corpus, story: Story) -> str:
    """Write the headline as a link to the article it comes from."""
    return link(headline(story), corpus.get(story.headline_article_id).url)


def story_span(corpus: Corpus, story: Story) -> str:
    """Write the story's dates: one day, or first to last."""
    dated = [(article.published, article) for a in story.article_ids
             if (article := corpus.get(a)).published is not None]
    if not dated:
        return "undated"
    (start, first), (end, last) = min(dated, key=lambda pair: pair[0]), max(dated, key=lambda pair: pair[0])
    if start.date() == end.date():
        return published(first)
    return f"{published(first)} to {published(last)}"


def story_heading(corpus: Corpus, story: Story, number: int | None = None) -> str:
    """Render a story's headline (a link) with its sources and dates."""
    prefix = f"{number}. " if number is not None else ""
    outlets = ", ".join(safe(outlet_name(outlet)) for outlet in story.outlets)
    return (f"**{prefix}{headline_link(corpus, story)}**\n{count(story.sources, 'source')}: {outlets} · "
            f"{story_span(corpus, story)}")


def story_line(corpus: Corpus, story: Story, sentences: Sequence[CitedSentence] = ()) -> str:
    """Render a story as one heading line, above the sentences a topic summary took from it.

    A story named by its lead sentence, when that sentence is among them, is named by its outlet instead: the
    headline is said once.
    """
    title = headline_link(corpus, story)
    if story.headline_sentence and any(sentence.text == story.headline_sentence for sentence in sentences):
        lead = corpus.get(story.headline_article_id)
        title = link(f"Story from {outlet_name(lead.outlet)}", lead.url)
    return f"**{title}** · {count(story.sources, 'source')} · {story_span(corpus, story)}"


def summary_reply(corpus: Corpus, summary: Summary) -> Reply:
    """Render a topic or corpus summary: its sentences under the heading of the story each comes from."""
    title = f"What the corpus says about {summary.topic}" if summary.topic else "Summary of the corpus"
    stories = {story.id: story for story in corpus.stories}
    blocks: list[str] = []
    groups: list[tuple[Story | None, list[CitedSentence]]] = []
    for sentence in summary.sentences:
        story = stories.get(sentence.story_id or "")
        if groups and groups[-1][0] == story:
            groups[-1][1].append(sentence)
        else:
            groups.append((story, [sentence]))
    for story, sentences in groups:
        if story is None:
            blocks += [sentence_block(corpus, sentence) for sentence in sentences]
            continue
        items = story_sentences(corpus, story, sentences)
        blocks.append(story_line(corpus, story, sentences) + "\n" + items[0])
        blocks += items[1:]
    footer, moment = corpus_footer(corpus, len(summary.article_ids))
    return Reply(paginate(title, blocks, footer, timestamp=moment))


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
    arrow = "📈" if figure.rose else "📉"  # a fall is never shown as a rise
    return (f"{arrow} **{safe(figure.subject)}**: {safe(figure.before)} → **{safe(figure.after)}**\n"
            f"— *before: {before}; now: {citation(corpus, (figure.after_article_id,))}*")


def digest_reply(corpus: Corpus, digest: Digest) -> Reply:
    """Render a 'what changed' digest."""
    about = f" about {digest.topic}" if digest.topic else ""
    until = f" until {timestamp(digest.until, 'f')}" if digest.until else ""
    window = f"Since {timestamp(digest.since, 'f')}{until}"
    new = count(len(digest.new_article_ids), "new article") + about
    blocks = [f"*{window}: {new}, {len(digest.known_article_ids):,} before.*", *digest_blocks(corpus, digest)]
    footer, moment = corpus_footer(corpus)
    return Reply(paginate(f"What changed{about}", blocks, footer, timestamp=moment))


def freshness(corpus: Corpus, now: datetime) -> str:
    """Say how recent the newest article is."""
    newest = newest_article(corpus)
    if newest is None or newest.published is None:
        return "No article is dated."
    if newest.date_only:
        days = (now.date() - newest.published.date()).days
        ago = "today" if days <= 0 else "yesterday" if days == 1 else f"{days:,} days ago"
        return f"The newest article is from {day(newest.published)} ({ago})."
    return f"The newest article is from {timestamp(newest.published, 'f')} ({timestamp(newest.published, 'R')})."


def nothing_changed_reply(corpus: Corpus, since: datetime, topic: str | None, now: datetime) -> Reply:
    """Render an empty 'what changed', saying how old the news is, so silence is not mistaken for calm."""
    about = f" about {safe(topic)}" if topic else ""
    text = f"No article since {timestamp(since, 'f')} says anything new{about}. {freshness(corpus, now)}"
    footer, moment = corpus_footer(corpus)
    return Reply([Page("Nothing changed", (text,), footer, timestamp=moment)])


def briefing_reply(corpus: Corpus, briefing: Briefing, notes: Sequence[str] = (), for_day: date | None = None) -> Reply:
    """Render a briefing as one message: what changed, top stories, figures; fewer stories rather than a page 2."""
    shown = len(briefing.stories)
    while True:
        pages = _briefing_pages(corpus, briefing, notes, for_day, shown)
        if len(pages) == 1 or shown == 0:
            return Reply(pages[:1])
        shown -= 1  # the estimate the briefing was built with was short: drop a whole story, never cut one


def _briefing_pages(corpus: Corpus, briefing: Briefing, notes: Sequence[str], for_day: date | None,
                    shown: int) -> list[Page]:
    blocks: list[str] = [f"*{safe(note)}*" for note in notes]
    blocks.append(_briefing_freshness(corpus, briefing))
    if briefing.changes is not None and not briefing.changes.is_empty:
        newest = _newest_is_a_day(corpus, briefing)
        if briefing.first:
            since = f"the day before the newest article (since {when(briefing.since, newest, 'f')})"
        else:
            since = f"the last briefing (news after {when(briefing.since, newest, 'f')})"
        blocks.append(f"__**What changed since {since}**__")
        blocks += digest_blocks(corpus, briefing.changes, figures=False)
    for number, item in enumerate(briefing.stories[:shown], start=1):
        items = story_sentences(corpus, item.story, item.summary.sentences)
        blocks.append(story_heading(corpus, item.story, number) + ("\n" + items[0] if items else ""))
        blocks += items[1:]
    more = briefing.more_stories + len(briefing.stories) - shown
    if more:
        blocks.append(f"…and {count(more, 'more story', 'more stories')} (`/stories` lists them all)")
    if briefing.figures:
        blocks.append("__**Figures that moved**__")
        blocks += [figure_block(corpus, figure) for figure in briefing.figures]
    if briefing.is_empty:
        blocks.append("Nothing new since the last briefing.")
    title = "Briefing" + (f" — {for_day:%A} {day(for_day)}" if for_day else "")
    footer, _ = corpus_footer(corpus, newest=False)  # the timestamp beside it is when the briefing was made
    return paginate(title, blocks, footer, timestamp=briefing.now)


def _briefing_freshness(corpus: Corpus, briefing: Briefing) -> str:
    newest_id = briefing.newest_article_id
    newest = corpus.get(newest_id) if newest_id is not None and newest_id in corpus else None
    if newest is None or newest.published is None:
        return "*No article is dated: Briefbot cannot tell how fresh this news is.*"
    age = briefing.age
    if briefing.is_stale and age is not None:
        return (f"⚠️ **No fresh news**: the newest article is from {published(newest)}, "
                f"{count(age.days, 'day')} before this briefing.")
    return f"*News up to {when(newest.published, newest.date_only, 'f')}.*"


def _newest_is_a_day(corpus: Corpus, briefing: Briefing) -> bool:
    newest = briefing.newest_article_id
    return newest is not None and newest in corpus and corpus.get(newest).date_only


def stories_reply(corpus: Corpus, stories: Sequence[Story], about: str | None = None) -> Reply:
    """Render a list of stories, each offered in the page's select menu to open it."""
    blocks = [story_heading(corpus, story) for story in stories]
    choices = [Choice(_clip(headline(story), 100), story.id[:100],
                      _clip(f"{count(story.sources, 'source')} · {', '.join(story.outlets)}", 100))
               for story in stories]
    title = count(len(stories), "story", "stories") + (f" about “{about}”" if about else "")
    if not blocks:
        blocks = [f"No story is about “{safe(about or '')}”."]
    footer, moment = corpus_footer(corpus)
    return Reply(paginate(title, blocks, footer, timestamp=moment, choices=choices))


def story_reply(corpus: Corpus, story: Story, summary: Summary) -> Reply:
    """Render one story: the headline once (as the title, linked), its outlets with links, its sentences."""
    outlets = []
    for outlet in story.outlets:
        first = next(corpus.get(a) for a in story.article_ids if corpus.get(a).outlet == outlet)
        outlets.append(link(outlet_name(outlet), first.url))
    blocks = [f"{count(story.sources, 'source')}: {', '.join(outlets)} · {story_span(corpus, story)}"]
    blocks += story_sentences(corpus, story, summary.sentences)
    footer, moment = corpus_footer(corpus)
    url = article_url(corpus.get(story.headline_article_id).url)
    return Reply(paginate(headline(story), blocks, footer, url=url, timestamp=moment))


def corpus_footer(corpus: Corpus, cited: int | None = None, newest: bool = True) -> tuple[str, datetime | None]:
    """Describe the corpus for a footer; return it with the newest moment, shown by Discord beside it.

    A newest article dated only by its day is written as that day instead.
    """
    latest = newest_article(corpus) if newest else None
    drawn = f"{cited:,} of " if cited is not None else ""
    text = f"Briefbot · {drawn}{count(len(corpus), 'article')} · every sentence quoted verbatim"
    if latest is None or latest.published is None:
        return text, None
    if latest.date_only:
        return f"{text} · newest {day(latest.published)}", None
    return f"{text} · newest", latest.published


def newest_article(corpus: Corpus) -> Article | None:
    """Return the most recently published article."""
    for article in reversed(corpus.articles):  # ordered by publication
        if article.published is not None:
            return article
    return None


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
