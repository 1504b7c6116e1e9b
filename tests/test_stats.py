"""Statistics (``postil stats`` and tui/session/stats.py) on a real database whose annotations and
journal were made by a session's actions on known days: the figures equal the hand counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tui.store.repository
from tests.conftest import occurrence as span
from tui.cli import main
from tui.launch import open_session
from tui.model.annotation import ENTITY, SUGGESTED, Annotation
from tui.model.document import Document
from tui.session.stats import DayProgress, collect_stats, stats_snapshot
from tui.store.records import ANNOTATIONS, JOURNAL, Change
from tui.store.repository import open_store

SENATE = "The Senate passed the budget on Monday.\n\nSenator Ann Lee said it was fair."
FLOODS = "Floods hit Valencia on Tuesday.\n\nThe mayor asked for help."
DAYS = ("2026-11-28", "2026-11-29", "2026-11-30")


def at_day(monkeypatch, day: str) -> None:
    """Journal entries written from now on carry a time on ``day`` (UTC)."""
    monkeypatch.setattr(tui.store.repository, "now_iso", lambda: f"{day}T09:30:00+00:00")


def suggestion(document: Document, phrase: str, label: str) -> Annotation:
    return Annotation.on_text(document.doc_id, document.text, ENTITY, label, *span(document.text, phrase), status=SUGGESTED, origin="model")


def fixture_db(tmp_path: Path, monkeypatch) -> tuple[Path, str, str]:
    """Two documents reviewed over three days; returns the database and the documents' ids.

    28th, Senate: Senate ORG, Monday DATE, Ann Lee PERSON added (3 accepted); the model suggests
    budget PRODUCT, Senator NORP, passed EVENT (not the user's: no progress).
    29th, Senate: budget accepted, Senator rejected, a quote marked and given the verdict true.
    30th, Floods: Valencia GPE and Tuesday DATE added, Tuesday deleted and the deletion undone,
    a reported claim marked (4 accepted, 1 removed).
    """
    db = tmp_path / "annotations.json"
    senate = Document(text=SENATE, title="Senate passes the budget", source="/news/senate.txt", added="2026-11-27T08:00:00+00:00")
    floods = Document(text=FLOODS, title="Floods in Valencia", source="/news/floods.txt", added="2026-11-27T08:00:01+00:00")
    store = open_store(db)
    at_day(monkeypatch, DAYS[0])
    one = open_session(db, senate, annotator="ana", store=store)
    for phrase, label in (("Senate", "ORG"), ("Monday", "DATE"), ("Ann Lee", "PERSON")):
        one.label_span(*span(SENATE, phrase), label)
    suggested = [suggestion(one.document, "budget", "PRODUCT"), suggestion(one.document, "Senator", "NORP"), suggestion(one.document, "passed", "EVENT")]
    one.add_suggestions(suggested, [])
    at_day(monkeypatch, DAYS[1])
    one.set_status(suggested[0].id, "accepted")
    one.set_status(suggested[1].id, "rejected")
    quote = one.mark_claim(*span(SENATE, "Senator Ann Lee said it was fair."), "quote")
    one.update_claim(quote.id, verdict="true")
    at_day(monkeypatch, DAYS[2])
    two = open_session(db, floods, annotator="ana", store=store)
    two.label_span(*span(FLOODS, "Valencia"), "GPE")
    tuesday = two.label_span(*span(FLOODS, "Tuesday"), "DATE")
    two.delete(tuesday.id)
    two.undo()
    two.mark_claim(*span(FLOODS, "The mayor asked for help."), "reported")
    store.close()
    return db, senate.doc_id, floods.doc_id


ZERO = {"accepted": 0, "suggested": 0, "rejected": 0}


def counts(accepted=0, suggested=0, rejected=0) -> dict[str, int]:
    return {"accepted": accepted, "suggested": suggested, "rejected": rejected}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_the_figures_of_the_whole_database_and_of_one_document_equal_the_hand_counts(tmp_path, monkeypatch):
    db, senate, _ = fixture_db(tmp_path, monkeypatch)
    store = open_store(db, read_only=True)
    database, document = collect_stats(stats_snapshot(store), senate)
    store.close()
    assert database.documents == 2
    assert database.labels == {
        "PERSON": counts(1), "ORG": counts(1), "GPE": counts(1), "LOC": ZERO, "DATE": counts(2),
        "PRODUCT": counts(1), "EVENT": counts(suggested=1), "NORP": counts(rejected=1), "LAW": ZERO,
    }
    assert database.claim_types == {"quote": counts(1), "reported": counts(1), "assertion": ZERO, "evidence": ZERO}
    assert database.verdicts == {"unverified": 1, "true": 1, "mostly-true": 0, "mixed": 0, "misleading": 0, "false": 0, "unsupported": 0}
    assert database.progress == [
        DayProgress(DAYS[0], accepted=3, rejected=0, removed=0, total=3),
        DayProgress(DAYS[1], accepted=2, rejected=1, removed=0, total=5),
        DayProgress(DAYS[2], accepted=4, rejected=0, removed=1, total=8),
    ]
    assert document.scope == "Senate passes the budget"
    assert {name: figures for name, figures in document.labels.items() if figures != ZERO} == {
        "PERSON": counts(1), "ORG": counts(1), "DATE": counts(1), "PRODUCT": counts(1), "EVENT": counts(suggested=1), "NORP": counts(rejected=1),
    }
    assert document.claim_types["quote"] == counts(1) and document.claim_types["reported"] == ZERO
    assert document.verdicts["true"] == 1 and document.verdicts["unverified"] == 0
    assert [(day.day, day.accepted, day.rejected, day.removed, day.total) for day in document.progress] == [(DAYS[0], 3, 0, 0, 3), (DAYS[1], 2, 1, 0, 5)]


def test_progress_by_day_comes_from_the_journal_timestamps(tmp_path):
    """Hand-written journal entries on known days (one the model's, which is not counted; one
    malformed, which counts as nothing): each day's figures and the running total."""
    db = tmp_path / "journal.json"
    store = open_store(db)
    record = {"id": "a-1", "doc_id": "d1", "kind": "entity", "label": "ORG", "start": 0, "end": 3, "status": "accepted",
              "quote": {"exact": "ACM", "prefix": "", "suffix": ""}, "attrs": {}}
    suggested = {**record, "id": "a-2", "status": "suggested"}

    def entry(seq, ts, op, before, after, key="a-1"):
        return Change(JOURNAL, seq, {"seq": seq, "ts": ts, "op": op, "annotator": "ana", "doc_id": "d1", "undoable": op != "suggest",
                                     "before": [{"table": ANNOTATIONS, "key": key, "record": before}],
                                     "after": [{"table": ANNOTATIONS, "key": key, "record": after}]})

    store.apply([
        entry(1, "2026-01-05T23:59:59+00:00", "add", None, record),
        entry(2, "2026-01-06T00:00:00+00:00", "suggest", None, suggested, "a-2"),
        entry(3, "2026-01-06T08:00:00+00:00", "rejected", suggested, {**suggested, "status": "rejected"}, "a-2"),
        entry(4, "2026-01-09T12:00:00+00:00", "delete", record, None),
        entry(5, "2026-01-09T12:00:01+00:00", "undo:delete", None, record),
        entry(6, "2026-01-09T12:00:02+00:00", "relabel", record, {**record, "label": "GPE"}),
        entry(7, "yesterday", "add", None, {**record, "id": "a-3"}, "a-3"),
    ])
    database, _ = collect_stats(stats_snapshot(store))
    store.close()
    assert database.progress == [
        DayProgress("2026-01-05", accepted=1, rejected=0, removed=0, total=1),
        DayProgress("2026-01-06", accepted=0, rejected=1, removed=0, total=1),
        DayProgress("2026-01-09", accepted=1, rejected=0, removed=1, total=1),
    ]


def test_postil_stats_json_gives_the_figures(tmp_path, monkeypatch, capsys):
    db, senate, floods = fixture_db(tmp_path, monkeypatch)
    status, out, err = run(capsys, "stats", "--db", str(db), "--format", "json")
    assert status == 0, err
    figures = json.loads(out)
    assert figures["database"] == str(db.resolve()) and figures["scheme"] == "ontonotes"
    assert figures["scope"] == "database" and figures["doc_id"] is None and figures["documents"] == 2
    assert figures["entities"][0] == {"label": "PERSON", **counts(1)}
    assert {row["label"]: row["accepted"] for row in figures["entities"]}["DATE"] == 2
    assert figures["claims"][:2] == [{"type": "quote", **counts(1)}, {"type": "reported", **counts(1)}]
    assert figures["verdicts"][:2] == [{"verdict": "unverified", "claims": 1}, {"verdict": "true", "claims": 1}]
    assert figures["progress"][-1] == {"day": DAYS[2], "accepted": 4, "rejected": 0, "removed": 1, "total": 8}

    status, out, err = run(capsys, "stats", "--db", str(db), "--format", "json", "--doc", "floods")
    assert status == 0, err
    figures = json.loads(out)
    assert (figures["scope"], figures["doc_id"], figures["documents"]) == ("Floods in Valencia", floods, 1)
    assert {row["label"]: row["accepted"] for row in figures["entities"] if row["accepted"]} == {"GPE": 1, "DATE": 1}
    assert figures["progress"] == [{"day": DAYS[2], "accepted": 4, "rejected": 0, "removed": 1, "total": 3}]


def chart_rows(out: str, title: str) -> list[str]:
    """The lines of one chart of the text output (its title to the blank line after it)."""
    lines = out.splitlines()
    start = lines.index(title)
    end = next((n for n in range(start + 1, len(lines)) if not lines[n].strip()), len(lines))
    return lines[start + 1 : end]


def test_postil_stats_text_draws_bars_in_plain_characters(tmp_path, monkeypatch, capsys):
    db, _, _ = fixture_db(tmp_path, monkeypatch)
    status, out, err = run(capsys, "stats", "--db", str(db))
    assert status == 0, err
    assert "\x1b" not in out  # not a terminal: no colour codes
    assert out.startswith(f"{db.resolve()}: 2 documents\n")
    labels = chart_rows(out, "Entities by label")
    assert labels[0].split() == ["█", "accepted", "▒", "suggested", "░", "rejected"]
    rows = {line.split()[0]: line for line in labels[1:]}
    assert list(rows) == ["PERSON", "ORG", "GPE", "LOC", "DATE", "PRODUCT", "EVENT", "NORP", "LAW"]
    # DATE (2 accepted) is the longest bar: it fills the room; one accepted is half of it.
    date_bar, person_bar = rows["DATE"].split()[1], rows["PERSON"].split()[1]
    assert set(date_bar) == {"█"} and abs(len(date_bar) - 2 * len(person_bar)) <= 1
    assert rows["DATE"].split()[-3:] == ["2", "0", "0"]
    assert set(rows["EVENT"].split()[1]) == {"▒"} and set(rows["NORP"].split()[1]) == {"░"}
    assert rows["LOC"].split() == ["LOC", "0", "0", "0"]
    assert all(len(line) <= 80 for line in out.splitlines()[1:])  # a terminal's default width (the heading names the file)
    progress = chart_rows(out, "Reviewed per day (UTC)")
    assert [line.split()[0] for line in progress[1:]] == list(DAYS)
    assert progress[3].split()[-3:] == ["4", "0", "1"]
    so_far = chart_rows(out, "Accepted so far, at each day's end")
    assert [line.split()[-1] for line in so_far[1:]] == ["3", "5", "8"]
    verdicts = chart_rows(out, "Accepted claims by verdict")
    assert verdicts[2].split()[:1] == ["true"] and verdicts[2].split()[-1] == "1"


def test_postil_stats_colours_bars_on_a_terminal_unless_no_color(tmp_path, monkeypatch):
    from tui.cli.stats import render_text

    db, _, _ = fixture_db(tmp_path, monkeypatch)
    store = open_store(db, read_only=True)
    database, _ = collect_stats(stats_snapshot(store))
    store.close()
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    coloured = render_text(database, str(db))
    assert "\x1b[32m█" in coloured  # accepted: the terminal's own green
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[3" not in render_text(database, str(db))


@pytest.mark.parametrize("ref, message", [("nothing", "no document matches 'nothing'"), ("", "an empty document reference")])
def test_postil_stats_refuses_a_doc_that_names_no_document(tmp_path, monkeypatch, capsys, ref, message):
    db, _, _ = fixture_db(tmp_path, monkeypatch)
    status, out, err = run(capsys, "stats", "--db", str(db), "--doc", ref)
    assert status == 2 and out == ""
    assert err.startswith(f"postil stats: {message}") and err.count("\n") == 1


def test_postil_stats_makes_titles_safe_for_the_terminal(tmp_path, capsys):
    db = tmp_path / "hostile.json"
    store = open_store(db)
    document = Document(text="Text.", title="Evil \x1b]0;owned\x07 title", source="/x.txt")
    store.add_document(document)
    store.close()
    status, out, err = run(capsys, "stats", "--db", str(db), "--doc", "evil")
    assert status == 0, err
    assert "\x1b" not in out and "\x07" not in out
    assert out.startswith("Evil ␛]0;owned␇ title")


def test_the_figures_follow_the_databases_own_scheme(tmp_path, capsys):
    """Labels, claim types and verdicts in the order of the scheme set on the database (a
    fact-checking scale here), then those the scheme lacks (a hand edit's), alphabetically."""
    from tui.model.labels import FACTCHECK

    db = tmp_path / "factcheck.json"
    store = open_store(db)
    document = Document(text="Ann Lee said the sky is green.", title="Sky", source="/sky.txt")
    store.add_document(document)

    def annotation(number, kind, label, status="accepted", **attrs):
        return Change(ANNOTATIONS, f"a-{number}", {"id": f"a-{number}", "doc_id": document.doc_id, "kind": kind, "label": label, "start": 0, "end": 7,
                                                  "status": status, "quote": {"exact": "Ann Lee", "prefix": "", "suffix": ""}, "attrs": attrs})

    store.apply([
        store.scheme_change(FACTCHECK),
        annotation(1, "entity", "PERSON"), annotation(2, "entity", "ZEBRA"), annotation(3, "entity", "AARDVARK", "suggested"),
        annotation(4, "claim", "quote", claim_type="quote", verdict="half-true"),
        annotation(5, "claim", "quote", claim_type="quote", verdict="pants-on-fire"),
        annotation(6, "claim", "rumour", claim_type="rumour", verdict="bogus"),
        annotation(7, "claim", "quote", "suggested", claim_type="quote", verdict="true"),  # not accepted: no verdict counted
        annotation(8, "note", "NOTE"),  # a note is neither an entity nor a claim
    ])
    store.close()
    status, out, err = run(capsys, "stats", "--db", str(db), "--format", "json")
    assert status == 0, err
    figures = json.loads(out)
    assert figures["scheme"] == "factcheck"
    assert [row["label"] for row in figures["entities"]] == [*FACTCHECK.label_names, "AARDVARK", "ZEBRA"]
    assert figures["entities"][-2:] == [{"label": "AARDVARK", **counts(suggested=1)}, {"label": "ZEBRA", **counts(1)}]
    assert figures["claims"][0] == {"type": "quote", **counts(2, 1)} and figures["claims"][-1] == {"type": "rumour", **counts(1)}
    assert [(row["verdict"], row["claims"]) for row in figures["verdicts"]] == [
        ("unverified", 0), ("true", 0), ("mostly-true", 0), ("half-true", 1), ("mostly-false", 0), ("false", 0), ("pants-on-fire", 1), ("bogus", 1),
    ]


def test_postil_stats_writes_ascii_bars_where_the_output_has_no_block_characters(tmp_path, monkeypatch):
    import os
    import subprocess
    import sys

    db, _, _ = fixture_db(tmp_path, monkeypatch)
    result = subprocess.run([sys.executable, "-m", "tui", "stats", "--db", str(db)], capture_output=True, text=True, encoding="ascii",
                            env={**os.environ, "PYTHONIOENCODING": "ascii"}, cwd=Path(__file__).resolve().parents[1], timeout=60)
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line.split()}
    assert set(rows["DATE"][1]) == {"#"} and set(rows["EVENT"][1]) == {"+"} and set(rows["NORP"][1]) == {"-"}


def test_the_statistics_never_read_a_documents_text(tmp_path, capsys):
    """A long text lives in a side file; the database's figures come from the records alone, so
    they are given even when that file is gone (a book's text is never read to count)."""
    db = tmp_path / "book.json"
    store = open_store(db)
    document = Document(text="word " * 20_000, title="A long book", source="/book.txt")
    store.add_document(document)
    store.close()
    for side_file in (tmp_path / "postil-texts").iterdir():
        side_file.unlink()
    status, out, err = run(capsys, "stats", "--db", str(db), "--format", "json")
    assert status == 0, err
    assert json.loads(out)["documents"] == 1


def test_postil_stats_on_a_terminal_writes_its_colours_as_colours(tmp_path, monkeypatch):
    """On a terminal stdout makes text safe (an escape from the database would show as ␛); the
    charts' own colour codes still reach it, while a title's escape stays a placeholder."""
    import io

    from tui.cli.common import TerminalSafeStream

    db, senate, _ = fixture_db(tmp_path, monkeypatch)
    store = open_store(db)
    store.apply([Change("documents", senate, {**store.record("documents", senate), "title": "Senate \x1b[2J budget"})])
    store.close()
    raw = io.BytesIO()
    monkeypatch.setattr("sys.stdout", TerminalSafeStream(io.TextIOWrapper(raw, encoding="utf-8")))
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert main(["stats", "--db", str(db), "--doc", "senate"]) == 0
    shown = raw.getvalue().decode("utf-8")
    assert "\x1b[32m█" in shown and "Senate ␛[2J budget" in shown and "\x1b[2J" not in shown
