"""Text for people in a terminal: styled when stdout is a terminal, plain when it is piped."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO

from briefings.briefing import Briefing
from briefings.corpus import Corpus
from briefings.stories import Story
from briefings.summaries import CitedSentence, Summary

if TYPE_CHECKING:
    from rich.console import Console


def console(stream: TextIO | None = None) -> Console:
    """Return a console: colours and wrapping on a terminal; no styles and no wrapping when piped."""
    from rich.console import Console  # noqa: PLC0415 - rich is only needed for output meant for people

    out = stream or sys.stdout
    is_terminal = bool(getattr(out, "isatty", lambda: False)())
    return Console(file=out, highlight=False, soft_wrap=not is_terminal, force_terminal=is_terminal or None,
                   no_color=not is_terminal, emoji=False)


def print_summary(out: Console, summary: Summary, corpus: Corpus) -> None:
    """Print a summary: each sentence with the outlets that carry it."""
    heading = f"What the corpus says about {summary.topic}" if summary.topic else "Summary"
    out.print(f"[bold]{_escape(heading)}[/bold]")
    for sentence in summary.sentences:
        _print_sentence(out, sentence, corpus)
    out.print(f"[dim]{summary.word_count} words from {len(summary.article_ids)} articles[/dim]")


def print_stories(out: Console, stories: tuple[Story, ...], corpus: Corpus) -> None:
    """Print the stories: headline, source count, outlets, date span and articles."""
    out.print(f"[bold]{len(stories)} stories in {len(corpus)} articles[/bold]")
    for story in stories:
        out.print()
        out.print(f"[bold]{_escape(story.headline)}[/bold]")
        span = _span(story)
        sources = "1 source" if story.sources == 1 else f"{story.sources} sources"
        out.print(f"  {sources}: {_escape(', '.join(story.outlets))}" + (f" · {span}" if span else ""))
        if story.follows:
            out.print(f"  [dim]follows story {story.follows}[/dim]")
        out.print(f"  [dim]story {story.id}; articles: {', '.join(story.article_ids)}[/dim]")


def print_briefing(out: Console, briefing: Briefing, corpus: Corpus) -> None:
    """Print the briefing as it would be posted."""
    when = f" as of {briefing.as_of:%-d %B %Y}" if briefing.as_of else ""
    out.print(f"[bold]Briefing{when}[/bold]")
    for number, item in enumerate(briefing.stories, start=1):
        story = item.story
        out.print()
        out.print(f"[bold]{number}. {_escape(story.headline)}[/bold]")
        sources = "1 source" if story.sources == 1 else f"{story.sources} sources"
        out.print(f"   [dim]{sources}: {_escape(', '.join(story.outlets))}[/dim]")
        for sentence in item.summary.sentences:
            _print_sentence(out, sentence, corpus, indent="   ")
    if briefing.more_stories:
        out.print()
        out.print(f"…and {briefing.more_stories} more {'story' if briefing.more_stories == 1 else 'stories'}"
                  " (briefbot stories lists them all)")


def _print_sentence(out: Console, sentence: CitedSentence, corpus: Corpus, indent: str = "") -> None:
    citations = "; ".join(corpus.get(article_id).citation for article_id in sentence.article_ids)
    text = sentence.text + (" …" if sentence.truncated else "")
    out.print(f"{indent}• {_escape(text)}")
    out.print(f"{indent}  [italic dim]— {_escape(citations)}[/italic dim]")


def _span(story: Story) -> str:
    first, last = story.first_published, story.last_published
    if first is None or last is None:
        return ""
    if first.date() == last.date():
        return f"{first:%-d %b %Y}"
    return f"{first:%-d %b %Y} to {last:%-d %b %Y}"


def _escape(text: str) -> str:
    from rich.markup import escape  # noqa: PLC0415

    return escape(text)
