import json
import re
import subprocess
import sys

import pytest

from bot.terminal.cli import main
from tests.conftest import FT, SEEDS


@pytest.fixture(autouse=True)
def no_token(monkeypatch, tmp_path):
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delenv("BRIEFBOT_CORPUS_DIR", raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_summary_json_contract(capsys):
    code, out, _ = run(capsys, "summary", "tariffs", "--json", "--sentences", "4")
    assert code == 0
    data = json.loads(out)
    assert len(data["sentences"]) == 4
    for sentence in data["sentences"]:
        assert set(sentence) >= {"text", "article_id", "also_in"}
        text = (SEEDS / f"{sentence['article_id']}.txt").read_text(encoding="utf-8")
        assert sentence["text"] in text
        assert all(isinstance(other, str) for other in sentence["also_in"])


def test_stories_json_contract(capsys):
    code, out, _ = run(capsys, "stories", "--json")
    assert code == 0
    stories = json.loads(out)["stories"]
    assert len(stories) == 2
    for story in stories:
        assert set(story) >= {"id", "articles", "sources", "headline", "first_published", "last_published"}
    assert [story["sources"] for story in stories] == [4, 1]
    assert stories[0]["first_published"].startswith("2025-02-21")


def test_summarize_json_names_the_file_stem(capsys, tmp_path):
    path = tmp_path / "note.txt"
    path.write_text(
        "The council approved the new budget on Monday. It raises spending on schools by 4%. "
        "Opposition members voted against the plan. The mayor called the vote historic.\n"
    )
    code, out, _ = run(capsys, "summarize", str(path), "--json", "--sentences", "2", "--algorithm", "lexrank")
    assert code == 0
    data = json.loads(out)
    assert data["algorithm"] == "lexrank"
    assert [s["article_id"] for s in data["sentences"]] == ["note", "note"]


def test_brief_prints_the_top_stories_with_outlets_and_dates(capsys):
    code, out, _ = run(capsys, "brief")
    assert code == 0
    assert "4 sources: News aggregator of 18 outlets, The Straits Times, AFP, CNA" in out
    assert "— Financial Times, 24 Apr 2025" in out
    assert "\x1b[" not in out  # piped output is plain text


def test_brief_as_of_leaves_out_later_articles(capsys):
    code, out, _ = run(capsys, "brief", "--as-of", "2025-03-01", "--json")
    assert code == 0
    data = json.loads(out)
    assert all(FT not in story["articles"] for story in data["stories"])


def test_unknown_topic_exits_1_with_suggestions_on_stderr(capsys):
    code, out, err = run(capsys, "summary", "tarifs")
    assert code == 1
    assert out == ""
    assert "tarifs" in err and "tariffs" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["summary", "--sentences", "0"], "must be 1 or more"),
        (["summary", "--sentences", "3", "--words", "20"], "not allowed with argument"),
        (["summary", "--truncate"], "--truncate only applies with --words"),
        (["summarize", "missing.txt"], "missing.txt"),
        (["brief", "--as-of", "yesterday-ish"], "not a moment Briefbot can read"),
        (["changes", "--since", "2025-03-01", "--until", "2025-02-01"], "--until is before --since"),
        (["changes"], "no briefing has been recorded"),
        (["stories", "--corpus", "no/such/folder"], "does not exist"),
        (["summarize", "--algorithm", "gpt"], "invalid choice"),
    ],
)
def test_bad_usage_exits_2_and_says_what_to_fix(capsys, argv, message):
    try:
        code, _, err = run(capsys, *argv)
    except SystemExit as exit_:  # argparse's own errors
        code, err = exit_.code, capsys.readouterr().err
    assert code == 2
    assert message in err


def test_bad_files_in_the_corpus_are_warned_about_and_the_rest_is_used(capsys, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("Ministers met in Geneva on Monday to discuss tariffs. They agreed to meet.\n")
    (corpus / "bad.txt").write_bytes(b"\xff\xfe\x00binary")
    code, out, err = run(capsys, "summary", "tariffs", "--corpus", str(corpus), "--json")
    assert code == 0
    assert "bad.txt" in err
    assert json.loads(out)["sentences"][0]["article_id"] == "good"


def test_an_empty_corpus_is_nothing_to_report(capsys, tmp_path):
    code, _, err = run(capsys, "brief", "--corpus", str(tmp_path))
    assert code == 1
    assert "no readable articles" in err


def test_run_without_a_token_says_how_to_set_one(capsys):
    code, _, err = run(capsys, "run")
    assert code == 2
    assert "DISCORD_TOKEN" in err and "briefbot brief" in err


def test_invalid_settings_are_named_without_echoing_values(capsys, monkeypatch):
    monkeypatch.setenv("BRIEFBOT_MAX_ARTICLE_BYTES", "lots-secret-value")
    code, _, err = run(capsys, "brief")
    assert code == 2
    assert "BRIEFBOT_MAX_ARTICLE_BYTES" in err
    assert "lots-secret-value" not in err


def test_no_command_and_no_token_prints_the_briefing(capsys):
    code, out, _ = run(capsys)
    assert code == 0
    assert out.startswith("Briefing as of 24 April 2025")


def test_help_explains_every_option():
    result = subprocess.run(
        [sys.executable, "-m", "bot", "summary", "--help"], capture_output=True, text=True, check=True
    )
    for option in ("--corpus", "--json", "--sentences", "--words", "--truncate", "TOPIC"):
        assert option in result.stdout


def test_changes_json_contract_and_window(capsys):
    code, out, _ = run(capsys, "changes", "--since", "2025-03-01", "--json")
    assert code == 0
    data = json.loads(out)
    assert {s["article_id"] for s in data["sentences"]} == {FT}
    for sentence in data["sentences"]:
        assert set(sentence) >= {"text", "article_id", "also_in"}
        assert sentence["text"] in (SEEDS / f"{sentence['article_id']}.txt").read_text(encoding="utf-8")
    figures = {(f["subject"], f["before"], f["after"]) for f in data["figures"]}
    assert figures == {("US tariffs", "10%", "145%"), ("China tariffs", "up to 15%", "125%")}
    for figure in data["figures"]:
        assert set(figure) >= {"subject", "before", "after", "before_article_id", "after_article_id"}
        assert figure["after_article_id"] == FT
    assert any("fake news" in c["after"]["text"] for c in data["contrasts"])


def test_changes_with_a_word_budget_and_topic(capsys):
    code, out, _ = run(capsys, "changes", "--since", "2025-03-01", "--words", "60", "--json", "Bessent")
    assert code == 0
    data = json.loads(out)
    assert data["topic"] == "Bessent"
    assert sum(len(s["text"].split()) for s in data["sentences"]) <= 60
    assert all("Bessent" in s["text"] for s in data["sentences"])


def test_nothing_changed_after_the_last_article_exits_1(capsys):
    code, out, err = run(capsys, "changes", "--since", "2025-06-01")
    assert code == 1
    assert out == ""
    assert "no article was published in that window" in err


def test_a_briefing_is_recorded_and_the_next_says_only_what_is_new(capsys, tmp_path):
    code, out, _ = run(capsys, "brief", "--json")
    assert code == 0
    first = json.loads(out)
    assert first["first"] is True
    assert {(f["subject"], f["after"]) for f in first["figures"]} == {("US tariffs", "145%"), ("China tariffs", "125%")}
    assert (tmp_path / ".briefbot" / "briefbot.db").exists()
    code, out, err = run(capsys, "brief")
    assert code == 1
    assert "nothing new since the last briefing" in err
    code, out, err = run(capsys, "changes")  # defaults to the window after the last briefing
    assert code == 1
    assert "since the last briefing (24 April 2025)" in err


def test_brief_no_record_does_not_count_as_a_briefing(capsys, tmp_path):
    assert run(capsys, "brief", "--no-record")[0] == 0
    code, out, _ = run(capsys, "brief", "--json")
    assert code == 0 and json.loads(out)["first"] is True


def test_a_damaged_database_is_a_clear_error_and_is_left_untouched(capsys, tmp_path):
    database = tmp_path / ".briefbot" / "briefbot.db"
    database.parent.mkdir()
    database.write_bytes(b"not a database " * 200)
    code, _, err = run(capsys, "brief")
    assert code == 2
    assert "cannot be used" in err and "left untouched" in err
    assert database.read_bytes() == b"not a database " * 200


def test_the_briefing_fits_a_discord_embed_and_says_how_many_more(capsys, tmp_path):
    from bot.terminal.output import briefing_json
    from briefings.briefing import Room, build_briefing
    from briefings.corpus import Corpus

    corpus, _ = Corpus.from_folder(SEEDS)
    shown = []
    for characters in range(1_000, 8_001, 250):
        briefing = build_briefing(corpus, room=Room(characters=characters, description=min(characters, 4_096)))
        assert len(briefing.stories) + briefing.more_stories == 2  # nothing lost: shown or counted
        data = briefing_json(briefing, corpus)
        said = sum(len(s["text"]) for story in data["stories"] for s in story["sentences"])
        said += sum(len(s["text"]) for s in data["changes"]["sentences"])
        assert said < characters
        shown.append(len(briefing.stories))
    assert shown == sorted(shown) and shown[0] == 0 and shown[-1] == 2 and 1 in shown


def test_schedule_add_list_remove_for_the_terminal(capsys):
    code, out, _ = run(capsys, "schedule", "add", "08:00", "Europe/London", "--days", "weekdays")
    assert code == 0 and out.startswith("Saved schedule 1: 08:00 Europe/London, Mon, Tue, Wed, Thu, Fri")
    code, out, _ = run(capsys, "schedule", "list")
    assert code == 0 and "1: 08:00 Europe/London" in out and "(terminal)" in out
    code, _, err = run(capsys, "schedule", "add", "25:00", "Europe/London")
    assert code == 2 and "HH:MM" in err and "nothing was saved" in err
    code, _, err = run(capsys, "schedule", "add", "08:00", "Mars/Base")
    assert code == 2 and "IANA" in err
    assert run(capsys, "schedule", "remove", "1")[0] == 0
    assert run(capsys, "schedule", "remove", "1")[0] == 2
    assert run(capsys, "schedule", "list")[0] == 1


def test_run_console_posts_a_due_schedule_in_the_terminal_and_stops_on_sigterm(tmp_path):
    import os
    import signal
    import time as clock
    from datetime import UTC, datetime, timedelta

    env = {**os.environ, "BRIEFBOT_STATE_DIR": str(tmp_path / "state"), "BRIEFBOT_CORPUS_DIR": str(SEEDS)}
    env.pop("DISCORD_TOKEN", None)
    due = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%H:%M")  # due a minute ago: inside the grace
    subprocess.run([sys.executable, "-m", "bot", "schedule", "add", due, "UTC"], env=env, cwd=tmp_path, check=True,
                   capture_output=True)
    # Set up yesterday: a run due before a schedule existed is never owed, so the schedule must predate it.
    import sqlite3

    with sqlite3.connect(tmp_path / "state" / "briefbot.db") as database:
        database.execute("UPDATE schedules SET created_at = ?", ((datetime.now(UTC) - timedelta(days=1)).isoformat(),))
    process = subprocess.Popen([sys.executable, "-m", "bot", "run", "--console"], env=env, cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        deadline = clock.monotonic() + 30
        while clock.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if line.startswith("Figures that moved"):
                break
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    output = "".join(lines)
    assert "scheduled briefing (schedule 1 ·" in output
    assert "Briefing as of 24 April 2025" in output
    assert process.returncode == 0
    listing = subprocess.run([sys.executable, "-m", "bot", "schedule", "list"], env=env, cwd=tmp_path,
                             capture_output=True, text=True, check=True).stdout
    assert ": posted" in listing


def test_changes_since_yesterday_counts_from_the_wall_clock(capsys):
    import time_machine

    with time_machine.travel("2025-04-25T09:00:00+00:00", tick=False):
        code, out, _ = run(capsys, "changes", "--since", "yesterday", "--json")
        assert code == 0
        assert json.loads(out)["since"] == "2025-04-24T00:00:00+00:00"
        assert json.loads(out)["new_articles"] == [FT]
        code, _, err = run(capsys, "changes", "--since", "12 hours")
        assert code == 1 and "no article was published in that window" in err


def test_wrapped_bullets_keep_their_indent_on_a_terminal_and_topic_summaries_show_their_stories(seeds):
    import io

    from bot.terminal.console import console, print_summary
    from briefings.summaries import summarize_topic
    from briefings.summarizers import LengthBudget

    stream = io.StringIO()
    stream.isatty = lambda: True  # as a terminal: styled and wrapped
    out = console(stream)
    out.width = 60
    print_summary(out, summarize_topic(seeds, "tariffs", LengthBudget(sentences=4)), seeds)
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in stream.getvalue().splitlines()]
    bullet = next(number for number, line in enumerate(lines) if line.startswith("  • "))
    assert lines[bullet + 1].startswith("    ") and lines[bullet + 1].strip(), lines[bullet: bullet + 3]
    headings = [line for line in lines if line and not line.startswith(" ") and " source" in line]
    assert len(headings) == 2  # both seed stories, each under its heading


def test_summary_json_gains_each_sentences_story_and_the_stories(capsys):
    code, out, _ = run(capsys, "summary", "tariffs", "--json", "--sentences", "4")
    data = json.loads(out)
    stories = {story["id"] for story in data["stories"]}
    assert code == 0 and stories and all(sentence["story_id"] in stories for sentence in data["sentences"])


def test_summarize_skips_a_file_without_sentences_and_summarises_the_rest(capsys):
    from tests.conftest import timeline17_story

    articles = timeline17_story("bp_oil_spill") / "articles"
    caption_only = articles / "2010-05-30_bpoil_2022.txt"  # a graphic's caption: "holds no sentences"
    readable = sorted(articles.glob("2010-05-30_*.txt"))[:4]
    code, out, err = run(capsys, "summarize", *map(str, [caption_only, *readable]), "--json", "--sentences", "3")
    assert code == 0
    assert f"warning: skipped {caption_only}: holds no sentences" in err
    data = json.loads(out)
    assert len(data["sentences"]) == 3
    assert {s["article_id"] for s in data["sentences"]} <= {path.stem for path in readable}
    assert caption_only.stem not in data["articles"]


def test_summarize_fails_only_when_no_file_is_usable(capsys, tmp_path):
    from tests.conftest import timeline17_story

    articles = timeline17_story("swine_flu") / "articles"
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    code, out, err = run(capsys, "summarize", str(articles / "2009-05-07_h1n1_327.txt"), str(empty))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1  # one line naming each file with its reason
    assert "no file holds a usable sentence" in err
    assert "2009-05-07_h1n1_327.txt: holds no sentences" in err and "empty.txt: is empty" in err


PAGE_COLOUR = ("Trinny", "0370", "U2", "invention", "donate", "social networks")  # on 20 January 2010, in Haiti


def test_changes_on_a_topic_and_the_briefing_lead_with_the_days_news(capsys):
    from tests.conftest import timeline17_story

    haiti = str(timeline17_story("haitian_earthquake") / "articles")
    window = ("--since", "2010-01-20", "--until", "2010-01-20")
    code, out, _ = run(capsys, "changes", "--corpus", haiti, *window, "--json")
    assert code == 0
    day = [s["text"] for s in json.loads(out)["sentences"]]
    assert any("troops" in text for text in day) and any("aftershock" in text for text in day), day
    code, out, _ = run(capsys, "changes", "troops", "--corpus", haiti, *window, "--json", "--sentences", "3")
    assert code == 0
    troops = [s["text"] for s in json.loads(out)["sentences"]]
    assert troops and all("troop" in text.lower() for text in troops), troops  # "troops", "UN troop numbers"
    code, out, _ = run(capsys, "brief", "--corpus", haiti, "--as-of", "2010-01-20", "--no-record", "--json")
    assert code == 0
    changed = [s["text"] for s in json.loads(out)["changes"]["sentences"]]
    news = ("200,000", "troops", "aftershock", "airdrop", "Dominican Republic")  # what the day's references name
    assert sum(any(mark in text for mark in news) for text in changed) >= 2, changed
    assert not [text for text in troops if any(mark in text for mark in PAGE_COLOUR)], troops
    for texts in (day, changed):  # the Ipswich inventor's lead can still rank among them: see test_digests_timeline
        assert len([text for text in texts if any(mark in text for mark in PAGE_COLOUR)]) <= 1, texts


def test_a_moved_figure_credits_each_outlet_and_day_once(capsys):
    # Haiti, 20 January 2010: the homeless count was said before by several articles, three of them on the 15th.
    from tests.conftest import timeline17_story

    haiti = str(timeline17_story("haitian_earthquake") / "articles")
    code, out, _ = run(capsys, "changes", "--corpus", haiti, "--since", "2010-01-20", "--until", "2010-01-20")
    assert code == 0
    lines = out.splitlines()
    (at,) = [number for number, line in enumerate(lines) if "homeless" in line and "→" in line]
    credits = " ".join(line.strip() for line in lines[at + 1:at + 4]).split("; now:")[0].removeprefix("— before: ")
    parts = credits.split("; ")
    assert len(parts) >= 2 and len(parts) == len(set(parts)), parts


def test_a_figure_that_fell_is_shown_falling(capsys, tmp_path):
    # Haiti, January 2010: 50,000 bodies collected, said on the 16th; more than 25,000, said on the 17th.
    from tests.conftest import timeline17_story

    corpus = tmp_path / "haiti"
    corpus.mkdir()
    for name in ("2010-01-16_haiti_1672.txt", "2010-01-17_haiti_1479.txt"):
        (corpus / name).write_bytes((timeline17_story("haitian_earthquake") / "articles" / name).read_bytes())
    window = ("--corpus", str(corpus), "--since", "2010-01-17", "--until", "2010-01-17")
    code, out, _ = run(capsys, "changes", *window)
    assert code == 0
    (line,) = [line for line in out.splitlines() if "bodies" in line and "→" in line]
    assert line.lstrip().startswith("📉") and "50,000 → more than 25,000" in line
    code, out, _ = run(capsys, "changes", *window, "--json")
    (figure,) = [f for f in json.loads(out)["figures"] if f["measure"] == "bodies"]
    assert (figure["before"], figure["after"], figure["direction"], figure["unit"]) == (
        "50,000", "more than 25,000", "down", "")
    assert "it has collected 50,000 bodies" in figure["before_text"]
