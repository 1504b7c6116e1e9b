"""A project's own scheme in a real terminal: ``postil scheme set`` gives a database the
12-label framing scheme of docs/schemes/frames.toml, the real ``postil`` in tmux applies its
labels by a digit, by a letter key and through the label picker, and ``postil export --format
brat`` writes them with an ``annotation.conf`` that declares the scheme."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import write_article
from tests.test_tmux import postil_command, terminal_factory  # noqa: F401 (the fixture is used by name)

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

FRAMES = Path(__file__).resolve().parents[1] / "docs" / "schemes" / "frames.toml"


def postil(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*postil_command(), *args], capture_output=True, text=True, cwd=cwd)


def test_a_custom_scheme_set_from_the_command_line_is_applied_by_key_and_picker_and_exported_to_brat(tmp_path, terminal_factory):  # noqa: F811
    article = write_article(tmp_path, "Officials in Lagos said hospitals need money.\n\nVoters decide in May.\n")
    db = tmp_path / "frames.json"
    added = postil("add", str(article), "--db", str(db), cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    chosen = postil("scheme", "set", str(FRAMES), "--db", str(db), cwd=tmp_path)
    assert chosen.returncode == 0, chosen.stderr
    assert "HEALTH" in postil("scheme", "show", "--db", str(db), cwd=tmp_path).stdout

    terminal = terminal_factory([*postil_command(), "--db", str(db), "--no-suggest"], tmp_path)
    terminal.wait_for("Officials in Lagos said")
    terminal.wait_for("b HEAL")  # the legend shows the database's scheme (names shortened to fit), not OntoNotes
    terminal.keys("l", "l", "3")  # "Lagos": the digit of PLACE
    terminal.wait_for("labelled PLACE")
    terminal.keys("l", "l", "b")  # "hospitals": HEALTH has the letter key b
    terminal.wait_for("labelled HEALTH")
    terminal.keys("l", "l", "L")  # "money": the picker, found by a few letters of the name
    terminal.wait_for("ECONOMIC")
    terminal.keys("e", "c", "o", "n", "Enter")
    terminal.wait_for("labelled ECONOMIC")
    terminal.keys("q")
    terminal.wait_for("POSTIL-EXITED=0")

    out = tmp_path / "brat"
    exported = postil("export", "--format", "brat", "--db", str(db), "--out", str(out), cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    conf = (out / "annotation.conf").read_text()
    entity_section = conf.split("[entities]", 1)[1].split("[", 1)[0].split()
    assert entity_section[:12] == ["ACTOR", "ORG", "PLACE", "ECONOMIC", "MORALITY", "FAIRNESS", "LEGALITY", "POLICY", "CRIME", "SECURITY", "HEALTH", "POLITICAL"]
    assert "PERSON" not in conf
    (ann,) = out.glob("*.ann")
    spans = sorted((line.split("\t")[1].split()[0], line.split("\t")[2]) for line in ann.read_text().splitlines() if line.startswith("T"))
    assert spans == [("ECONOMIC", "money"), ("HEALTH", "hospitals"), ("PLACE", "Lagos")]
