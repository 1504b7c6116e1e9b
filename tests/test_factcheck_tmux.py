"""Reviewing a claim in a real terminal: the real ``postil`` in tmux, a speaker picked, a verdict and
a note given in the claim editor, then the TinyDB file checked after quitting."""

from __future__ import annotations

import shutil
import time

import pytest
from tinydb import TinyDB

from tests.conftest import file_annotations, write_article
from tests.test_tmux import postil_command, terminal_factory  # noqa: F401 (the fixture is used by name)

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def wait_until_the_model_is_done(terminal, timeout: float = 60.0) -> None:
    """Wait until the status line counts the model's suggestions and no longer says it is loading
    or suggesting (its progress is cut first from a narrow line while a notice shows, so the
    count is what says they are stored)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = terminal.screen().splitlines()[0]
        if "suggested" in status and "loading model" not in status and "suggesting" not in status:
            return
        time.sleep(0.2)
    raise AssertionError(f"the model did not finish; the screen shows:\n{terminal.screen()}")


def test_review_a_claim_speaker_verdict_and_note_in_a_real_terminal(tmp_path, terminal_factory):  # noqa: F811
    article = write_article(tmp_path, "Mayor Ada Obi said the bridge reopens on Monday.\n\nResidents welcomed the news.")
    db = tmp_path / "annotations.json"
    terminal = terminal_factory([*postil_command(), str(article), "--db", str(db)], tmp_path)
    terminal.wait_for("Mayor Ada Obi said")
    wait_until_the_model_is_done(terminal)
    terminal.keys("l", "v", "l", "1")  # "Ada Obi" as PERSON
    terminal.wait_for("labelled PERSON")
    terminal.keys("g", "c")  # the first sentence holds the model's claim: the editor opens on it
    terminal.wait_for("Check-worthiness")
    terminal.keys("Tab", "obi", "Down", "Enter")  # the speaker, picked from the entities
    terminal.keys("said", "Tab", "Tab", "0.6", "Tab")
    terminal.keys("Right", "Right", "Right", "Right", "Right", "Tab")  # unverified → … → false
    terminal.keys("No [b]works[/b] are scheduled.", "C-s")
    screen = terminal.wait_for("claim saved")
    assert "verdict: false" in screen and "No [b]works[/b] are scheduled." in screen, screen  # the detail pane, markup shown as text
    terminal.keys("q")
    terminal.wait_for("POSTIL-EXITED=0")
    (claim,) = [r for r in file_annotations(db) if r["kind"] == "claim" and r["status"] == "accepted"]
    database = TinyDB(db)
    try:
        names = {e["entity_id"]: e["name"] for e in database.table("entities").all()}
    finally:
        database.close()
    attrs = claim["attrs"]
    assert claim["quote"]["exact"] == "Mayor Ada Obi said the bridge reopens on Monday"  # the model's span, now reviewed
    assert names[attrs["speaker"]] == "Ada Obi" and attrs["verdict"] == "false" and attrs["checkworthiness"] == 0.6
    assert attrs["note"] == "No [b]works[/b] are scheduled." and claim["status"] == "accepted"
