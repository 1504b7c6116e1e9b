"""A day's corpus in a real terminal: ``postil add`` three articles, ``postil`` opens their list,
one is marked done, the next unfinished one is opened, a suggested quote is accepted with its
speaker and a verdict in two keys, the next document is opened, and after quitting the TinyDB
file holds it all. The real ``postil`` in tmux with the real model."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.conftest import write_article
from tests.test_factcheck_tmux import wait_until_the_model_is_done
from tests.test_tmux import postil_command, terminal_factory  # noqa: F401 (the fixture is used by name)

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def test_a_corpus_reviewed_in_a_real_terminal_from_the_list_to_the_next_document(tmp_path, terminal_factory):  # noqa: F811
    articles = [
        write_article(tmp_path, "Budget passes\n\nThe Senate passed the budget on Tuesday.\n", "a.txt"),
        write_article(tmp_path, 'Bridge to reopen\n\nMayor Ann Lee said, "The bridge will reopen on Monday." Residents cheered.\n', "b.txt"),
        write_article(tmp_path, "Floods in Valencia\n\nFloods hit Valencia on Wednesday.\n", "c.txt"),
    ]
    db = tmp_path / "day.json"
    added = subprocess.run([*postil_command(), "add", *map(str, articles), "--db", str(db)], capture_output=True, text=True, cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    assert "3 added" in added.stdout

    terminal = terminal_factory([*postil_command(), "--db", str(db)], tmp_path)
    screen = terminal.wait_for("Documents in day.json")
    assert "Budget passes" in screen and "Bridge to reopen" in screen and "Floods in Valencia" in screen
    terminal.keys("D")  # the first is done already
    terminal.wait_for("1 done")
    terminal.keys("U")  # the next unfinished one
    terminal.wait_for("Mayor Ann Lee said")
    wait_until_the_model_is_done(terminal)
    terminal.wait_for("suggested", status_line=True)
    terminal.keys("V", "f")  # the review: the suggested quote, its speaker and a verdict in 2 keys
    terminal.wait_for("false")
    terminal.keys("J")  # the next document
    terminal.wait_for("Floods hit Valencia")
    terminal.keys("q")
    terminal.wait_for("POSTIL-EXITED=0")

    data = json.loads(db.read_text())
    documents = {record["title"]: record for record in data["documents"].values()}
    assert documents["Budget passes"]["status"] == "done"
    bridge = documents["Bridge to reopen"]["doc_id"]
    (claim,) = [r for r in data["annotations"].values() if r["doc_id"] == bridge and r["kind"] == "claim" and r["status"] == "accepted"]
    assert claim["attrs"]["verdict"] == "false" and claim["attrs"]["claim_type"] == "quote"
    names = {record["entity_id"]: record["name"] for record in data["entities"].values()}
    assert names[claim["attrs"]["speaker"]] == "Ann Lee"
    speaker_mentions = [r for r in data["annotations"].values() if r["doc_id"] == bridge and r["kind"] == "entity" and r["attrs"].get("entity_id") == claim["attrs"]["speaker"]]
    assert speaker_mentions and all(r["status"] == "accepted" for r in speaker_mentions)
    listed = subprocess.run([*postil_command(), "list", "--db", str(db), "--format", "json"], capture_output=True, text=True, cwd=tmp_path)
    statuses = {row["title"]: row["status"] for row in json.loads(listed.stdout)["documents"]}
    assert statuses == {"Budget passes": "done", "Bridge to reopen": "started", "Floods in Valencia": "new"}
