"""Every ``postil`` command speaks the same way: its errors are one line starting with
``postil COMMAND:`` and a non-zero status, and its ``--db`` option is the same option."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, write_article
from tui.cli import main
from tui.formats.readers import read_article
from tui.launch import open_session

# The command as a user types it before its arguments; the open command is ``postil PATH``.
COMMANDS = ["postil", "postil extract", "postil export", "postil import", "postil doctor"]


def arguments(command: str, *rest: str) -> list[str]:
    """``rest`` given to ``command`` (its words after ``postil``)."""
    return [*command.split()[1:], *rest]


def bad_files(tmp_path: Path) -> dict[str, list[str]]:
    """For each command, arguments naming a file it must refuse."""
    malformed = tmp_path / "tasks.jsonl"
    malformed.write_text('{"text": "Jane Doe spoke.", "spans": [}\n', encoding="utf-8")
    missing_db = str(tmp_path / "none.json")
    return {
        "postil": [str(tmp_path / "missing.txt"), "--db", str(tmp_path / "db.json")],
        "postil extract": arguments("postil extract", str(tmp_path / "missing.txt")),
        "postil export": arguments("postil export", "--format", "prodigy", "--db", missing_db),
        "postil import": arguments("postil import", "--format", "prodigy", str(malformed), "--db", str(tmp_path / "db.json")),
        "postil doctor": arguments("postil doctor", missing_db),
    }


BAD_ARGUMENTS = {
    "postil": ["--max-size", "0"],
    "postil extract": arguments("postil extract", "--format", "xml", "article.txt"),
    "postil export": arguments("postil export", "--format", "nope"),
    "postil import": arguments("postil import", "--format", "prodigy"),
    "postil doctor": arguments("postil doctor", "--no-such-option"),
}


def one_line_error(argv: list[str], capsys) -> tuple[int, str]:
    """Run ``postil`` with ``argv``; its status and its only line on stderr."""
    try:
        status = main(argv)
    except SystemExit as stop:  # argparse's own way out, which an error must not take
        status = stop.code
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert captured.out == ""
    return status, lines[0]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_bad_file_is_refused_in_one_line_prefixed_by_its_command(command, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, line = one_line_error(bad_files(tmp_path)[command], capsys)
    assert status == 2
    assert line.startswith(f"{command}: "), line
    assert "Traceback" not in line


@pytest.mark.parametrize("command", COMMANDS)
def test_a_bad_argument_is_refused_in_one_line_prefixed_by_its_command(command, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, line = one_line_error(BAD_ARGUMENTS[command], capsys)
    assert status == 2
    assert line.startswith(f"{command}: "), line
    assert line.endswith(f"(see {command} --help)"), line


def test_an_import_error_keeps_its_file_and_line_after_the_prefix(tmp_path, capsys):
    argv = bad_files(tmp_path)["postil import"]
    _, line = one_line_error(argv, capsys)
    assert line.startswith(f"postil import: {tmp_path / 'tasks.jsonl'}:1: "), line


def db_help(command: str, capsys, monkeypatch) -> str:
    """The ``--db`` entry of ``command --help``, its lines joined."""
    monkeypatch.setenv("COLUMNS", "100")
    with pytest.raises(SystemExit) as stop:
        main(arguments(command, "--help"))
    assert stop.value.code == 0
    text = capsys.readouterr().out
    entry = re.search(r"^  --db DB\b(.*?)(?=^  -|^\S|\Z)", text, re.MULTILINE | re.DOTALL)
    assert entry is not None, text
    return " ".join(entry.group(1).split())


def test_every_command_documents_the_same_db_option(capsys, monkeypatch):
    helps = {command: db_help(command, capsys, monkeypatch) for command in COMMANDS}
    assert "(default: the database of your settings, else ./annotations.json)" in helps["postil"]
    assert all(text == helps["postil"] for text in helps.values()), helps


def test_an_export_into_a_pipe_whose_reader_has_gone_says_so_in_one_line(tmp_path):
    db = tmp_path / "db.json"
    session = open_session(db, read_article(write_article(tmp_path, "Acme Corp hired Jane Doe.")))
    session.label_span(0, 4, "ORG")
    session.store.close()
    process = subprocess.Popen([sys.executable, "-m", "tui", "export", "--format", "prodigy", "--db", str(db)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    process.stdout.close()  # the reader is gone before the export writes
    err = process.stderr.read()
    assert process.wait(timeout=60) == 2
    assert err == "postil export: standard output: cannot be written (Broken pipe)\n"
