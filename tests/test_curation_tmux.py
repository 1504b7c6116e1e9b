"""A team in a real terminal: two annotators' work, imported with ``postil import --annotator``
into their own databases, is merged with ``postil merge``; the lead resolves every disagreement
of the document in the real ``postil`` with the take keys (a, b, both, neither); ``postil export
--annotator curation`` then writes exactly the curated set."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import occurrence
from tests.test_tmux import postil_command, terminal_factory  # noqa: F401 (the fixture is used by name)

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

TEXT = "Jane Doe met Acme Corp in Paris, France. Acme Corp said it grew. Reuters reported it on Monday.\n"
ALICE = [("Jane Doe", "PERSON", 1), ("Acme Corp", "ORG", 1), ("Paris", "GPE", 1), ("Monday", "DATE", 1)]
BOB = [("Jane Doe", "PERSON", 1), ("Acme Corp", "PERSON", 1), ("Paris, France", "GPE", 1), ("Acme Corp", "ORG", 2), ("Reuters", "ORG", 1)]


def span(words: str, label: str, nth: int) -> dict:
    """The ``nth`` occurrence (counted from 1) of ``words`` in the text as a Prodigy span."""
    start, end = occurrence(TEXT, words, nth - 1)
    return {"start": start, "end": end, "label": label}


def postil(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*postil_command(), *args], capture_output=True, text=True, cwd=cwd)


def test_a_lead_resolves_every_disagreement_with_the_take_keys_and_exports_the_curated_set(tmp_path, terminal_factory):  # noqa: F811
    for name, spans in (("alice", ALICE), ("bob", BOB)):
        task = {"text": TEXT, "spans": [span(*item) for item in spans], "meta": {"title": "Acme grows"}}
        (tmp_path / f"{name}.jsonl").write_text(json.dumps(task) + "\n")
        imported = postil("import", "--format", "prodigy", f"{name}.jsonl", "--db", f"{name}.json", "--annotator", name, cwd=tmp_path)
        assert imported.returncode == 0, imported.stderr
    merged = postil("merge", "alice.json", "bob.json", "--into", "team.json", cwd=tmp_path)
    assert merged.returncode == 0, merged.stderr

    terminal = terminal_factory([*postil_command(), "--db", "team.json", "--no-suggest"], tmp_path)
    terminal.wait_for("Curation · 0 of 5 disagreements resolved · alice, bob", status_line=True)  # Jane Doe is agreed
    terminal.keys("t")  # the first open one: "Acme Corp", ORG for alice, PERSON for bob
    terminal.wait_for("a alice: ORG “Acme Corp”")
    terminal.wait_for("b bob: PERSON “Acme Corp”")
    terminal.keys("a")
    terminal.wait_for("1/5 resolved", status_line=True)
    terminal.keys("t")  # the cursor went on to "Paris" / "Paris, France": keep both
    terminal.wait_for("b bob: GPE “Paris, France”")
    terminal.keys("+")
    terminal.wait_for("2/5 resolved", status_line=True)
    terminal.keys("t", "b")  # the second "Acme Corp", only bob's
    terminal.wait_for("3/5 resolved", status_line=True)
    terminal.keys("t", "b")  # "Reuters", only bob's
    terminal.wait_for("4/5 resolved", status_line=True)
    terminal.keys("t")  # "Monday", only alice's: keep neither
    terminal.wait_for("a alice: DATE “Monday”")
    terminal.keys("x")
    terminal.wait_for("5/5 resolved", status_line=True)
    screen = terminal.wait_for("✓ neither")
    assert "✓ alice" in screen and "✓ both" in screen and "✓ bob" in screen
    terminal.keys("q")
    terminal.wait_for("POSTIL-EXITED=0")

    exported = postil("export", "--format", "prodigy", "--db", "team.json", "--annotator", "curation", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    (task,) = [json.loads(line) for line in exported.stdout.splitlines()]
    curated = {(s["start"], s["end"], s["label"]) for s in task["spans"]}
    expected = [("Jane Doe", "PERSON", 1), ("Acme Corp", "ORG", 1), ("Paris", "GPE", 1), ("Paris, France", "GPE", 1), ("Acme Corp", "ORG", 2), ("Reuters", "ORG", 1)]
    assert curated == {tuple(span(*item).values()) for item in expected}
    assert {s["postil"]["annotator"] for s in task["spans"]} == {"curation"}
