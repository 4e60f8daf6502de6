"""Text for people in a terminal: styled when stdout is a terminal, plain when it is piped."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO

from briefings.cleaning import outlet_name
from briefings.printable import printable, printable_name

if TYPE_CHECKING:  # annotations only: a summary need not load the digest and briefing modules
    from rich.console import Console

    from briefings.briefing import Briefing
    from briefings.corpus import Corpus
    from briefings.digests import Digest
    from briefings.figures import FigureChange
    from briefings.stories import Story
    from briefings.summaries import CitedSentence, Summary


def console(stream: TextIO | None = None) -> Console:
    """Return a console: colours and wrapping on a terminal; no styles and no wrapping when piped."""
    from rich.console import Console  # noqa: PLC0415 - rich is only needed for output meant for people

    out = stream or sys.stdout
    is_terminal = bool(getattr(out, "isatty", lambda: False)())
    return Console(file=out, highlight=False, soft_wrap=not is_terminal, force_terminal=is_terminal or None,
                   no_color=not is_terminal, emoji=False)


def print_summary(out: Console, summary: Summary, corpus: Corpus) -> None:
    """Print a summary: each sentence with the outlets that carry it, under the story it comes from."""
    heading = f"What the corpus says about {summary.topic}" if summary.topic else "Summary"
    out.print(f"[bold]{safe_text(heading)}[/bold]")
    stories = {story.id: story for story in corpus.stories}
    current: str | None = None
    for sentence in summary.sentences:
        story = stories.get(sentence.story_id or "")
        if story is not None and story.id != current:
            out.print()
            sources = "1 source" if story.sources == 1 else f"{story.sources} sources"
            _hanging(out, "", f"[bold]{safe_text(_headline(story))}[/bold] [dim]· {sources}[/dim]")
            current = story.id
        _print_sentence(out, sentence, corpus, indent="  " if story is not None else "")
    out.print(f"[dim]{_count(summary.word_count, 'word')} from {_count(len(summary.article_ids), 'article')}[/dim]")


def print_stories(out: Console, stories: tuple[Story, ...], corpus: Corpus) -> None:
    """Print the stories: headline, source count, outlets, date span and articles."""
    out.print(f"[bold]{_count(len(stories), 'story', 'stories')} in {_count(len(corpus), 'article')}[/bold]")
    for story in stories:
        out.print()
        _hanging(out, "", f"[bold]{safe_text(_headline(story))}[/bold]")
        span = _span(story)
        sources = "1 source" if story.sources == 1 else f"{story.sources} sources"
        out.print(f"  {sources}: {safe_text(_outlets(story))}" + (f" · {span}" if span else ""))
        if story.follows:
            out.print(f"  [dim]follows story {safe_name(story.follows)}[/dim]")
        out.print(f"  [dim]story {safe_name(story.id)}; articles: {safe_name(', '.join(story.article_ids))}[/dim]")


def print_briefing(out: Console, briefing: Briefing, corpus: Corpus) -> None:
    """Print the briefing as it would be posted: what changed, top stories, figures that moved."""
    when = f" as of {briefing.as_of:%-d %B %Y}" if briefing.as_of else ""
    out.print(f"[bold]Briefing{when}[/bold]")
    age = briefing.age
    if briefing.is_stale and age is not None and briefing.covered_until is not None:
        out.print(f"[bold]No fresh news:[/bold] the newest article is from {briefing.covered_until:%-d %B %Y}, "
                  f"{_count(age.days, 'day')} before this briefing.")
    if briefing.changes is not None and not briefing.changes.is_empty and briefing.since is not None:
        newest = briefing.newest_article_id
        moment = f"{briefing.since:%-d %b %Y}" if newest in corpus and corpus.get(newest or "").date_only else \
            f"{briefing.since:%-d %b %Y %H:%M} UTC"
        since = (f"the day before the newest article (since {moment})" if briefing.first
                 else f"the last briefing (news after {moment})")
        out.print()
        out.print(f"[bold]What changed since {since}[/bold]")
        _print_changes(out, briefing.changes, corpus, indent="   ", figures=False)
    if briefing.stories:
        out.print()
        out.print("[bold]Top stories[/bold]")
    for number, item in enumerate(briefing.stories, start=1):
        story = item.story
        out.print()
        _hanging(out, f"{number}. ", f"[bold]{safe_text(_headline(story))}[/bold]")
        sources = "1 source" if story.sources == 1 else f"{story.sources} sources"
        out.print(f"   [dim]{sources}: {safe_text(_outlets(story))}[/dim]")
        for sentence in item.summary.sentences:
            _print_sentence(out, sentence, corpus, indent="   ")
    if briefing.more_stories:
        out.print()
        out.print(f"…and {briefing.more_stories} more {'story' if briefing.more_stories == 1 else 'stories'}"
                  " (briefbot stories lists them all)")
    if briefing.figures:
        out.print()
        out.print("[bold]Figures that moved[/bold]")
        _print_figures(out, briefing.figures, corpus, indent="   ")


def print_digest(out: Console, digest: Digest, corpus: Corpus) -> None:
    """Print what changed in a window."""
    about = f" about {safe_text(digest.topic)}" if digest.topic else ""
    until = f" to {digest.until:%-d %b %Y}" if digest.until else ""
    out.print(f"[bold]What changed{about} since {digest.since:%-d %b %Y}{until}[/bold] "
              f"[dim]({_count(len(digest.new_article_ids), 'new article')}, {len(digest.known_article_ids):,} "
              "before)[/dim]")
    _print_changes(out, digest, corpus, indent="")


def _print_changes(out: Console, digest: Digest, corpus: Corpus, indent: str, figures: bool = True) -> None:
    reversals = {contrast.after.text for contrast in digest.contrasts}
    for sentence in digest.sentences:
        if sentence.text not in reversals:
            _print_sentence(out, sentence, corpus, indent=indent)
    if digest.contrasts:
        out.print(f"{indent}[bold]Reversals[/bold]")
        for contrast in digest.contrasts:
            _print_sentence(out, contrast.before, corpus, indent=indent, label="Then: ")
            _print_sentence(out, contrast.after, corpus, indent=indent, label="Now:  ")
    if figures and digest.figures:
        out.print(f"{indent}[bold]Figures that moved[/bold]")
        _print_figures(out, digest.figures, corpus, indent=indent)


def _print_figures(out: Console, figures: tuple[FigureChange, ...], corpus: Corpus, indent: str) -> None:
    for figure in figures:
        # Each outlet and day once, as under a sentence: three articles of one outlet that day are one credit.
        before = "; ".join(dict.fromkeys(corpus.get(a).citation
                                         for a in (figure.before_article_id, *figure.before_also_in)))
        after = corpus.get(figure.after_article_id).citation
        arrow = "📈" if figure.rose else "📉"
        _hanging(out, f"{indent}{arrow} ", f"{safe_text(figure.subject)}: {safe_text(figure.before)} → "
                 f"[bold]{safe_text(figure.after)}[/bold]")
        _hanging(out, f"{indent}  ", f"[italic dim]— before: {safe_text(before)}; now: {safe_text(after)}[/italic dim]")


def _print_sentence(out: Console, sentence: CitedSentence, corpus: Corpus, indent: str = "", label: str = "") -> None:
    # Each outlet once, with its first article's date (a wire copy in two editions is one credit).
    citations = "; ".join(dict.fromkeys(corpus.get(article_id).citation for article_id in sentence.article_ids))
    text = sentence.text + (" …" if sentence.truncated else "")
    _hanging(out, f"{indent}• ", f"{label}{safe_text(text)}")
    _hanging(out, f"{indent}  ", f"[italic dim]— {safe_text(citations)}[/italic dim]")


def _hanging(out: Console, prefix: str, markup: str) -> None:
    """Print markup after a prefix; on a terminal, wrapped lines keep the prefix's indent (piped: one line)."""
    if not out.is_terminal:
        out.print(f"{prefix}{markup}")
        return
    from rich.table import Table  # noqa: PLC0415
    from rich.text import Text  # noqa: PLC0415

    grid = Table.grid(padding=0)
    grid.add_column(width=len(prefix), no_wrap=True)
    grid.add_column()
    grid.add_row(prefix, Text.from_markup(markup))
    out.print(grid)


def _outlets(story: Story) -> str:
    return ", ".join(outlet_name(outlet) for outlet in story.outlets)


def _headline(story: Story) -> str:
    return story.headline + ("…" if story.headline_cut else "")


def _count(number: int, noun: str, plural: str | None = None) -> str:
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def _span(story: Story) -> str:
    first, last = story.first_published, story.last_published
    if first is None or last is None:
        return ""
    if first.date() == last.date():
        return f"{first:%-d %b %Y}"
    return f"{first:%-d %b %Y} to {last:%-d %b %Y}"


def safe_text(text: str) -> str:
    """Make text from an article safe to print: rich markup escaped, control and bidi characters as escapes.

    An ESC sequence in a file could otherwise clear the screen or recolour what follows.
    """
    from rich.markup import escape  # noqa: PLC0415

    return escape(printable(text))


def safe_name(text: str) -> str:
    """Make a name (an article id, which is a file name) safe to print on one line."""
    from rich.markup import escape  # noqa: PLC0415

    return escape(printable_name(text))
