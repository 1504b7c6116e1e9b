"""``postil merge``: annotators' databases brought together in a team database, read from the
TinyDB file the command wrote and from what it printed."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tinydb import TinyDB

from tests.conftest import REPO
from tui.cli import main
from tui.model.annotation import ENTITY, SUGGESTED, Annotation
from tui.model.document import Document
from tui.model.labels import CONLL2003
from tui.session.annotation_session import AnnotationSession
from tui.session.team import derived_id
from tui.store.records import TEAM_KEY
from tui.store.repository import Store

TEXT = "Jane Doe met Acme Corp in Paris. Acme Corp said it grew."
SOURCE = "news/acme.txt"
OTHER = "Nobody in Lagos has heard of Acme Corp yet."


def annotate(db: Path, annotator: str, marks: list[tuple[int, int, str]], text: str = TEXT, source: str = SOURCE, title: str = "Acme") -> AnnotationSession:
    """``annotator`` labels ``marks`` of ``text`` in their own database ``db`` (as in the app)."""
    store = Store(db)
    document = store.open_document(Document(text, title, source))
    session = AnnotationSession(store, document, annotator)
    for start, end, label in marks:
        session.label_span(start, end, label)
    return session


def annotated(db: Path, annotator: str, marks: list[tuple[int, int, str]], **given) -> Path:
    annotate(db, annotator, marks, **given).store.close()
    return db


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(["merge", *map(str, argv)])
    out, err = capsys.readouterr()
    return status, out, err


def table(db: Path, name: str) -> list[dict]:
    """A table of the TinyDB file, read with plain TinyDB (after the store folded its log on close)."""
    with TinyDB(db) as tiny:
        return tiny.table(name).all()


def spans(db: Path) -> set[tuple[str, int, int, str, str]]:
    """(annotator, start, end, label, status) of every annotation in the file."""
    return {(a["annotator"], a["start"], a["end"], a["label"], a["status"]) for a in table(db, "annotations")}


def team_record(db: Path) -> dict:
    return next(r for r in table(db, "meta") if r.get("key") == TEAM_KEY)["annotators"]


def files_of(db: Path) -> dict[str, bytes]:
    """The team database and its log, byte for byte (absent ones left out; a writer's open
    refreshes the backup beside them, which is no change to the database)."""
    return {p.name: p.read_bytes() for p in (db, db.with_name(db.name + ".wal")) if p.exists()}


def test_annotations_keep_their_owner_and_entities_are_kept_per_annotator_with_references_rewritten(capsys, tmp_path):
    alice = annotate(tmp_path / "alice.json", "alice", [(0, 8, "PERSON"), (13, 22, "ORG")])
    speaker = alice.annotations.entities_by_name()[("PERSON", "jane doe")]
    alice.mark_claim(33, 56, speaker=speaker.entity_id)
    alice.store.close()
    annotated(tmp_path / "bob.json", "bob", [(0, 8, "ORG")])
    team = tmp_path / "team.json"
    status, out, err = run(capsys, tmp_path / "alice.json", tmp_path / "bob.json", "--into", team)
    assert (status, err) == (0, "")
    accepted = {s for s in spans(team) if s[4] == "accepted"}
    assert accepted == {("alice", 0, 8, "PERSON", "accepted"), ("alice", 13, 22, "ORG", "accepted"), ("alice", 33, 56, "assertion", "accepted"),
                        ("bob", 0, 8, "ORG", "accepted")}
    entities = {e["entity_id"]: e for e in table(team, "entities")}
    assert {(e["annotator"], e["name"], e["label"]) for e in entities.values()} == {("alice", "Jane Doe", "PERSON"), ("alice", "Acme Corp", "ORG"), ("bob", "Jane Doe", "ORG")}
    assert derived_id("e", "alice", speaker.entity_id) in entities
    for annotation in table(team, "annotations"):
        referred = annotation["attrs"].get("entity_id") or annotation["attrs"].get("speaker")
        assert entities[referred]["annotator"] == annotation["annotator"]  # each mention and speaker names its owner's own entity
        assert entities[referred]["doc_id"] == annotation["doc_id"]
    claim = next(a for a in table(team, "annotations") if a["kind"] == "claim")
    assert entities[claim["attrs"]["speaker"]]["name"] == "Jane Doe"
    assert out.splitlines()[0].startswith("alice: 1 document (1 new, 0 updated, 0 unchanged): 2 entity mentions, 1 claim, 0 notes, 2 entities")
    assert out.splitlines()[-1] == f"{team}: merged; annotators alice, bob"
    assert set(team_record(team)) == {"alice", "bob"}
    assert {e["op"] for e in table(team, "journal")} == {"merge"} and all(e["undoable"] is False for e in table(team, "journal"))


def test_only_accepted_work_is_merged_and_the_output_says_how_much_was_left_out(capsys, tmp_path):
    session = annotate(tmp_path / "alice.json", "alice", [(13, 22, "ORG")])  # the second Acme Corp is suggested (not stored)
    session.set_status(next(a.id for a in session.at(33) if a.status == SUGGESTED), "rejected")  # stored as rejected
    rejected = session.add_suggestions([Annotation.on_text(session.document.doc_id, TEXT, ENTITY, "GPE", 26, 31, status=SUGGESTED, origin="model")], [])[0]
    session.set_status(rejected.id, "rejected")
    session.store.close()
    team = tmp_path / "team.json"
    status, out, _ = run(capsys, tmp_path / "alice.json", "--into", team)
    assert status == 0
    assert spans(team) == {("alice", 13, 22, "ORG", "accepted")}
    assert f"{tmp_path / 'alice.json'}: 2 suggestions or rejected annotations left out" in out.splitlines()


def test_documents_with_the_same_text_are_one_team_document(capsys, tmp_path):
    annotated(tmp_path / "alice.json", "alice", [(0, 8, "PERSON")], title="Acme (alice's copy)", source="/home/alice/acme.txt")
    annotated(tmp_path / "bob.json", "bob", [(0, 8, "PERSON")], title="Acme", source="/home/bob/acme.txt")
    session = annotate(tmp_path / "bob.json", "bob", [(29, 38, "ORG")], text=OTHER, source="news/lagos.txt")
    session.store.close()
    team = tmp_path / "team.json"
    assert run(capsys, tmp_path / "alice.json", tmp_path / "bob.json", "--into", team)[0] == 0
    documents = {d["doc_id"]: d for d in table(team, "documents")}
    same = Document(TEXT, "", "").doc_id
    assert set(documents) == {same, Document(OTHER, "", "").doc_id}
    assert {(a["annotator"], a["doc_id"]) for a in table(team, "annotations")} == {("alice", same), ("bob", same), ("bob", Document(OTHER, "", "").doc_id)}
    assert documents[same]["text"] == TEXT


def test_a_changed_text_is_reanchored_onto_the_teams_text(capsys, tmp_path):
    annotated(tmp_path / "alice.json", "alice", [(0, 8, "PERSON")])
    changed = "Breaking: " + TEXT.replace("Paris", "Lyon")  # bob annotated a newer copy of the article
    annotated(tmp_path / "bob.json", "bob", [(10, 18, "PERSON"), (36, 40, "GPE")], text=changed)
    team = tmp_path / "team.json"
    status, out, _ = run(capsys, tmp_path / "alice.json", tmp_path / "bob.json", "--into", team)
    assert status == 0
    assert [d["doc_id"] for d in table(team, "documents")] == [Document(TEXT, "", "").doc_id]
    bob = {(a["start"], a["end"], a["anchor"]) for a in table(team, "annotations") if a["annotator"] == "bob"}
    assert bob == {(0, 8, "anchored"), (36, 40, "orphan")}  # Jane Doe placed on the team's text; Lyon is not in it (kept where it was)
    orphan = next(a for a in table(team, "annotations") if a["anchor"] == "orphan")
    assert orphan["quote"]["exact"] == "Lyon"
    assert f"{tmp_path / 'bob.json'}: 2 annotations re-anchored onto the team's changed text: 1 in place, 0 moved, 1 orphaned" in out.splitlines()
    before = table(team, "annotations")
    assert run(capsys, tmp_path / "alice.json", tmp_path / "bob.json", "--into", team)[0] == 0
    assert table(team, "annotations") == before


def test_merging_twice_changes_nothing(capsys, tmp_path):
    annotated(tmp_path / "alice.json", "alice", [(0, 8, "PERSON"), (13, 22, "ORG")])
    annotated(tmp_path / "bob.json", "bob", [(0, 8, "ORG")])
    team = tmp_path / "team.json"
    sources = (tmp_path / "alice.json", tmp_path / "bob.json", "--into", team)
    assert run(capsys, *sources)[0] == 0
    tables = {name: table(team, name) for name in ("documents", "annotations", "entities", "journal", "meta")}
    status, out, _ = run(capsys, *sources)
    assert status == 0
    assert {name: table(team, name) for name in tables} == tables
    assert len(tables["annotations"]) == 3 and len(tables["entities"]) == 3
    assert out.splitlines() == [
        f"alice: 1 document (0 new, 0 updated, 1 unchanged): 2 entity mentions, 0 claims, 0 notes, 2 entities from {tmp_path / 'alice.json'}",
        f"bob: 1 document (0 new, 0 updated, 1 unchanged): 1 entity mention, 0 claims, 0 notes, 1 entity from {tmp_path / 'bob.json'}",
        f"{team}: nothing changed; annotators alice, bob",
    ]


def test_a_newer_copy_of_an_annotators_database_updates_their_work(capsys, tmp_path):
    annotated(tmp_path / "alice.json", "alice", [(0, 8, "PERSON"), (13, 22, "ORG")])
    annotated(tmp_path / "bob.json", "bob", [(0, 8, "ORG")])
    team = tmp_path / "team.json"
    assert run(capsys, tmp_path / "alice.json", tmp_path / "bob.json", "--into", team)[0] == 0
    # alice goes on in a copy of her database on her laptop: she drops Acme Corp and marks Paris
    shutil.copy(tmp_path / "alice.json", tmp_path / "alice-laptop.json")
    session = annotate(tmp_path / "alice-laptop.json", "alice", [(26, 31, "GPE")])
    session.delete(next(a.id for a in session.by_id.values() if a.start == 13 and a.status == "accepted"))
    session.store.close()
    status, out, err = run(capsys, tmp_path / "alice-laptop.json", "--into", team)
    assert (status, err) == (0, "")
    assert {s for s in spans(team) if s[0] == "alice"} == {("alice", 0, 8, "PERSON", "accepted"), ("alice", 26, 31, "GPE", "accepted")}
    assert {s for s in spans(team) if s[0] == "bob"} == {("bob", 0, 8, "ORG", "accepted")}
    assert {(e["annotator"], e["name"]) for e in table(team, "entities")} == {("alice", "Jane Doe"), ("alice", "Paris"), ("bob", "Jane Doe")}
    assert out.splitlines()[0].startswith("alice: 1 document (0 new, 1 updated, 0 unchanged): 2 entity mentions")
    assert str(tmp_path / "alice-laptop.json") in team_record(team)["alice"]["sources"]
    # and the first database itself, changed where it is, updates too
    annotated(tmp_path / "bob.json", "bob", [(26, 31, "LOC")])
    assert run(capsys, tmp_path / "bob.json", "--into", team)[0] == 0
    assert {s for s in spans(team) if s[0] == "bob"} == {("bob", 0, 8, "ORG", "accepted"), ("bob", 26, 31, "LOC", "accepted")}


def test_an_annotator_who_removed_all_their_work_on_a_document_has_it_removed_from_the_team(capsys, tmp_path):
    annotated(tmp_path / "alice.json", "alice", [(0, 8, "PERSON")])
    annotated(tmp_path / "bob.json", "bob", [(0, 8, "ORG")])
    team = tmp_path / "team.json"
    assert run(capsys, tmp_path / "alice.json", tmp_path / "bob.json", "--into", team)[0] == 0
    for db in (tmp_path / "other.json", tmp_path / "alice.json"):  # alice takes back her one mark: elsewhere, then in her database
        session = annotate(db, "alice", [(0, 8, "PERSON")] if db.name == "other.json" else [])
        session.delete(next(a.id for a in session.by_id.values() if a.status == "accepted"))
        session.store.close()
    status, out, _ = run(capsys, tmp_path / "other.json", "--into", team)  # not the database her work came from
    assert (status, out) == (0, f"{team}: nothing changed; annotators alice, bob\n")
    status, out, err = run(capsys, tmp_path / "alice.json", tmp_path / "bob.json", "--into", team)
    assert (status, err) == (0, "")
    assert spans(team) == {("bob", 0, 8, "ORG", "accepted")}
    assert {e["annotator"] for e in table(team, "entities")} == {"bob"}
    assert out.splitlines()[0] == f"alice: 1 document (0 new, 1 updated, 0 unchanged): 0 entity mentions, 0 claims, 0 notes, 0 entities from {tmp_path / 'alice.json'}"
    assert run(capsys, tmp_path / "alice.json", "--into", team)[1] == f"{team}: nothing changed; annotators alice, bob\n"


def test_the_same_name_with_different_work_in_two_files_is_reported_and_nothing_is_written(capsys, tmp_path):
    annotated(tmp_path / "pat.json", "annotator", [(0, 8, "PERSON")])
    annotated(tmp_path / "quinn.json", "annotator", [(0, 8, "ORG")])
    team = tmp_path / "team.json"
    status, out, err = run(capsys, tmp_path / "pat.json", tmp_path / "quinn.json", "--into", team)
    doc_id = Document(TEXT, "", "").doc_id
    assert status == 2 and out == ""
    assert err == (f"postil merge: {tmp_path / 'pat.json'} and {tmp_path / 'quinn.json'} both hold work by annotator on document {doc_id} (Acme) "
                   f"and it differs; name one of them: annotator2={tmp_path / 'quinn.json'}; nothing was written\n")
    assert not team.exists() or table(team, "annotations") == []
    # across runs: the team has pat's work as "annotator"; quinn's under the same name is refused
    assert run(capsys, tmp_path / "pat.json", "--into", team)[0] == 0
    files = files_of(team)
    status, _, err = run(capsys, tmp_path / "quinn.json", "--into", team)
    assert status == 2 and len(err.splitlines()) == 1
    assert err.startswith(f"postil merge: {tmp_path / 'quinn.json'}: the team already has different work by annotator on document {doc_id} (Acme) from {tmp_path / 'pat.json'}")
    assert files_of(team) == files
    assert spans(team) == {("annotator", 0, 8, "PERSON", "accepted")}


def test_a_document_without_a_title_is_named_untitled_in_a_refusal(capsys, tmp_path):
    annotated(tmp_path / "pat.json", "annotator", [(0, 8, "PERSON")], title="")
    annotated(tmp_path / "quinn.json", "annotator", [(0, 8, "ORG")], title="")
    status, _, err = run(capsys, tmp_path / "pat.json", tmp_path / "quinn.json", "--into", tmp_path / "team.json")
    assert status == 2 and f"by annotator on document {Document(TEXT, '', '').doc_id} (untitled) and it differs" in err


def test_name_equals_path_names_the_annotator_of_a_files_work(capsys, tmp_path):
    annotated(tmp_path / "pat.json", "annotator", [(0, 8, "PERSON")])
    annotated(tmp_path / "quinn.json", "annotator", [(0, 8, "ORG")])
    team = tmp_path / "team.json"
    result = subprocess.run([sys.executable, "-m", "tui", "merge", f"pat={tmp_path / 'pat.json'}", f"quinn={tmp_path / 'quinn.json'}", "--into", str(team)],
                            capture_output=True, text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60)
    assert (result.returncode, result.stderr) == (0, "")
    assert spans(team) == {("pat", 0, 8, "PERSON", "accepted"), ("quinn", 0, 8, "ORG", "accepted")}
    assert {(e["annotator"], e["label"]) for e in table(team, "entities")} == {("pat", "PERSON"), ("quinn", "ORG")}
    assert result.stdout.splitlines()[-1] == f"{team}: merged; annotators pat, quinn"
    assert set(team_record(team)) == {"pat", "quinn"}
    status, _, err = run(capsys, f"bad\x1bname={tmp_path / 'pat.json'}", "--into", team)
    assert status == 2 and "bad␛name=" in err and "control characters" in err


def test_curation_is_no_annotators_name(capsys, tmp_path):
    annotated(tmp_path / "bob.json", "bob", [(0, 8, "ORG")])
    annotated(tmp_path / "lead.json", "curation", [(0, 8, "PERSON")])
    team = tmp_path / "team.json"
    status, out, err = run(capsys, f"curation={tmp_path / 'bob.json'}", "--into", team)
    assert (status, out) == (2, "")
    assert err == f"postil merge: curation={tmp_path / 'bob.json'}: the annotator's name is kept for the lead's adjudicated version (write NAME=PATH)\n"
    status, out, err = run(capsys, tmp_path / "bob.json", tmp_path / "lead.json", "--into", team)
    assert (status, out) == (2, "")
    assert err == (f"postil merge: {tmp_path / 'lead.json'}: holds work signed curation, a team's adjudicated version; merge the annotators' own "
                   f"databases, or name this file's annotator: NAME={tmp_path / 'lead.json'}; nothing was written\n")
    assert not team.exists() or table(team, "annotations") == []
    assert run(capsys, tmp_path / "bob.json", f"lee={tmp_path / 'lead.json'}", "--into", team)[0] == 0
    assert {s[0] for s in spans(team)} == {"bob", "lee"}


def test_an_annotators_own_database_is_refused_as_the_team_database(capsys, tmp_path):
    annotated(tmp_path / "alice.json", "alice", [(0, 8, "PERSON")])
    annotated(tmp_path / "bob.json", "bob", [(0, 8, "ORG")])
    files = files_of(tmp_path / "alice.json")
    status, out, err = run(capsys, tmp_path / "bob.json", "--into", tmp_path / "alice.json")
    assert (status, out) == (2, "")
    assert err == (f"postil merge: {tmp_path / 'alice.json'}: holds annotations and is no team database; merge into a new file, "
                   "with this one among the sources; nothing was written\n")
    assert files_of(tmp_path / "alice.json") == files
    with Store(tmp_path / "alice.json", read_only=True) as store:
        assert store.team() is None


def test_a_malformed_source_is_one_line_and_nothing_is_written(capsys, tmp_path):
    annotated(tmp_path / "alice.json", "alice", [(0, 8, "PERSON")])
    team = tmp_path / "team.json"
    assert run(capsys, tmp_path / "alice.json", "--into", team)[0] == 0
    annotated(tmp_path / "bob.json", "bob", [(0, 8, "ORG")])
    broken = tmp_path / "broken.json"
    broken.write_text('{"annotations": {"1": {"id": "x"', encoding="utf-8")
    with TinyDB(tmp_path / "bob.json") as tiny:  # a hand edit: an offset that is not a number
        tiny.table("annotations").update({"start": "zero"})
    files = files_of(team)
    for source, reason in ((broken, f"{broken}: not valid JSON at line 1"), (tmp_path / "bob.json", f"{tmp_path / 'bob.json'}: annotation a-")):
        status, out, err = run(capsys, tmp_path / "alice.json", source, "--into", team)
        assert status == 2 and out == "" and len(err.splitlines()) == 1
        assert err.startswith(f"postil merge: {reason}"), err
        assert files_of(team) == files
    status, _, err = run(capsys, tmp_path / "missing.json", "--into", team)
    assert (status, err) == (2, f"postil merge: {tmp_path / 'missing.json'}: no such database file; nothing was written\n")
    assert files_of(team) == files


def test_names_with_control_characters_never_reach_the_terminal_raw(capsys, tmp_path):
    evil = "eve\x1b]0;owned\x07\x1b[31m"
    annotated(tmp_path / "eve.json", evil, [(0, 8, "PERSON")], title="T\x1b[2Jitle")
    annotated(tmp_path / "eve2.json", evil, [(0, 8, "ORG")], title="T\x1b[2Jitle")
    team = tmp_path / "team.json"
    status, out, err = run(capsys, tmp_path / "eve.json", "--into", team)
    assert status == 0 and "\x1b" not in out and "\x07" not in out
    assert out.startswith("eve␛]0;owned␇␛[31m: 1 document")
    assert {a["annotator"] for a in table(team, "annotations")} == {evil}  # the name is kept as data
    status, out, err = run(capsys, tmp_path / "eve2.json", "--into", team)
    assert status == 2 and "\x1b" not in err and "\x07" not in err and "by eve␛]0;owned␇␛[31m on document" in err and "(T␛[2Jitle)" in err
    status, out, _ = run(capsys, tmp_path / "eve.json", "--into", team, "--format", "json")
    assert status == 0 and "\x1b" not in out and json.loads(out)["team_annotators"] == [evil]


def test_the_team_takes_the_first_sources_scheme_and_refuses_a_different_one(capsys, tmp_path):
    annotated(tmp_path / "alice.json", "alice", [(0, 8, "PER")])
    with Store(tmp_path / "alice.json") as store:
        store.apply([store.scheme_change(CONLL2003)])
    annotated(tmp_path / "bob.json", "bob", [(0, 8, "PERSON")])
    team = tmp_path / "team.json"
    assert run(capsys, tmp_path / "alice.json", "--into", team)[0] == 0
    with Store(team, read_only=True) as store:
        assert store.own_scheme().to_dict() == CONLL2003.to_dict()
    with Store(tmp_path / "bob.json") as store:
        store.apply([store.scheme_change(dataclasses.replace(CONLL2003, name="mine"))])
    files = files_of(team)
    status, _, err = run(capsys, tmp_path / "bob.json", "--into", team)
    assert status == 2 and err.startswith(f"postil merge: {tmp_path / 'bob.json'}: its label scheme mine differs from the team's (conll2003)")
    assert files_of(team) == files
