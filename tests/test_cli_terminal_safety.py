"""What the command line prints is safe for the terminal: file names, lock holders and imported
values may carry escape sequences, and they are shown as placeholders like everywhere else."""

from __future__ import annotations

import subprocess
import sys

import orjson

from tests.conftest import REPO, lock_held_elsewhere, write_article
from tui import cli
from tui.formats.readers import read_article
from tui.launch import open_session
from tui.store import repository
from tui.store.lock import owner_path

HOSTILE = "\x1b]0;pwned\x07\x1b]52;c;cHduZWQ=\x07\x9b31m"
CONTROLS = ("\x1b", "\x07", "\x9b", "\x9d")


def assert_safe(printed: str) -> None:
    assert not any(control in printed for control in CONTROLS), printed


def test_an_article_path_with_escape_sequences_is_named_with_placeholders(tmp_path):
    missing = tmp_path / f"a{HOSTILE}.txt"
    run = subprocess.run([sys.executable, "-m", "tui", str(missing)], cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 2
    assert "no such file" in run.stderr and "␛]0;pwned␇" in run.stderr
    assert_safe(run.stderr)


def test_a_lock_holder_named_by_a_hostile_owner_file_is_printed_with_placeholders(tmp_path, capsys, monkeypatch):
    db = tmp_path / "db.json"
    open_session(db, read_article(write_article(tmp_path, "Acme Corp hired Jane Doe."))).store.close()
    with lock_held_elsewhere(db):
        record = orjson.loads(owner_path(db).read_bytes())
        owner_path(db).write_bytes(orjson.dumps({**record, "user": f"eve{HOSTILE}"}))
        monkeypatch.setattr(repository, "CLI_LOCK_WAIT", 0.2)
        prodigy = tmp_path / "in.jsonl"
        prodigy.write_bytes(orjson.dumps({"text": "Jane Doe spoke.", "spans": []}) + b"\n")
        status = cli.main(["import", "--format", "prodigy", str(prodigy), "--db", str(db)])
    printed = capsys.readouterr().err
    assert status == 2 and "eve␛]0;pwned␇" in printed
    assert_safe(printed)


def test_an_export_shown_on_a_terminal_shows_the_articles_escape_sequences_as_placeholders(tmp_path):
    import os
    import pty

    db = tmp_path / "db.json"
    session = open_session(db, read_article(write_article(tmp_path, f"Acme{HOSTILE} hired Jane Doe.")))
    session.label_span(0, 4, "ORG")
    session.store.close()
    controller, terminal = pty.openpty()
    run = subprocess.Popen([sys.executable, "-m", "tui", "export", "--format", "conll2003", "--db", str(db)], cwd=REPO, stdout=terminal, stderr=subprocess.DEVNULL)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal's other end closed: the export is done
            break
        if not chunk:
            break
        shown += chunk
    assert run.wait() == 0
    printed = shown.decode("utf-8")
    assert "Acme -X- _ I-ORG" in printed and "␛ -X- _ O" in printed and "pwned" in printed
    assert_safe(printed)


def test_an_export_piped_to_a_file_keeps_the_text_exactly(tmp_path):
    db = tmp_path / "db.json"
    session = open_session(db, read_article(write_article(tmp_path, f"Acme{HOSTILE} hired Jane Doe.")))
    session.label_span(0, 4, "ORG")
    session.store.close()
    run = subprocess.run([sys.executable, "-m", "tui", "export", "--format", "prodigy", "--db", str(db)], cwd=REPO, capture_output=True)
    assert run.returncode == 0
    assert orjson.loads(run.stdout.splitlines()[0])["text"] == f"Acme{HOSTILE} hired Jane Doe."
