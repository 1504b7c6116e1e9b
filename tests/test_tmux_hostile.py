"""A hostile article and database in a real terminal (tmux): marking a claim, opening the entity
editor and a read-only banner over a hostile lock owner file must not set the clipboard, the
pane title or any colour; the escape sequences are on screen as placeholders instead."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import uuid

import orjson
import pytest

from tests.test_terminal_safety import hostile_database
from tests.test_tmux import postil_command
from tui.store.lock import owner_path

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

# The colours the hostile text asks for, as `capture-pane -e` writes a cell drawn in them.
HOSTILE_COLOURS = ("38;2;1;2;3", "48;2;4;5;6")
SGR = re.compile(r"\x1b\[([0-9;:]*)m")


class TmuxServer:
    """A tmux server of its own, which keeps what programs write with OSC 52 as paste buffers
    (``set-clipboard on``), with one window per program."""

    def __init__(self, folder) -> None:
        self.socket = f"postil-hostile-{uuid.uuid4().hex[:8]}"
        self.folder = folder
        config = folder / "tmux.conf"
        config.write_text("set -g set-clipboard on\n", encoding="utf-8")
        self.env = {"PATH": "/usr/bin:/bin:/usr/local/bin", "TERM": "xterm-256color", "HOME": str(folder), "LANG": "C.UTF-8"}
        # An idle first window: its title is what every pane is called unless a program renames it.
        self.tmux("-f", str(config), "new-session", "-d", "-s", "main", "-n", "idle", "-x", "130", "-y", "44", "cat")

    def tmux(self, *args: str) -> str:
        result = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, env=self.env, cwd=self.folder)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def run(self, window: str, command: list[str]) -> None:
        line = " ".join(f"'{part}'" for part in command) + "; echo POSTIL-EXITED=$?; sleep 30"
        self.tmux("new-window", "-d", "-t", "main", "-n", window, line)

    def screen(self, window: str, colours: bool = False) -> str:
        return self.tmux("capture-pane", "-p", *(["-e"] if colours else []), "-t", f"main:{window}")

    def wait_for(self, window: str, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen(window)
            if text in screen:
                time.sleep(0.3)  # let the rest of the frame arrive
                return self.screen(window)
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear; the screen shows:\n{self.screen(window)}")

    def keys(self, window: str, *keys: str) -> None:
        for key in keys:
            literal = ["-l"] if len(key) == 1 else []  # `{` and `}` as characters, not tmux syntax
            self.tmux("send-keys", "-t", f"main:{window}", *literal, key)
            time.sleep(0.15)

    def looks(self, window: str) -> str:
        """The pane's title and its default colours (set by OSC 0/2 and OSC 10/11)."""
        return self.tmux("display-message", "-p", "-t", f"main:{window}", "#{pane_title} fg=#{pane_fg} bg=#{pane_bg}").strip()

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def assert_untouched(server: TmuxServer, window: str, baseline: str) -> None:
    """No clipboard buffer, the pane's title and default colours as they were, no cell in the
    hostile colours."""
    assert server.tmux("list-buffers") == "", "OSC 52 reached the terminal's clipboard"
    assert server.looks(window) == baseline, "the pane's title or default colours changed"
    styles = SGR.findall(server.screen(window, colours=True))  # not the text: it shows the sequences as placeholders
    assert styles, "capture-pane -e gave no styles: the check below proves nothing"
    assert not [style for style in styles if any(colour in style for colour in HOSTILE_COLOURS)], "cells were drawn in the hostile colours"


def test_a_hostile_article_database_and_lock_owner_change_nothing_in_a_real_terminal(tmp_path):
    article, db, _ = hostile_database(tmp_path)
    server = TmuxServer(tmp_path)
    try:
        baseline = server.looks("idle")
        server.run("writer", [*postil_command(), str(article), "--db", str(db), "--no-suggest"])
        screen = server.wait_for("writer", "Ada Obi said")
        assert "␛]52;c;" in screen
        assert_untouched(server, "writer", baseline)  # the article, the side panel's names and labels

        server.keys("writer", "}", "}", "c")  # "Residents … welcomed the news." marked as a claim
        screen = server.wait_for("writer", "Check-worthiness")
        assert "␛]52;c;" in screen and "␛]0;pwned␇" in screen
        assert_untouched(server, "writer", baseline)

        server.keys("writer", "Escape", "{", "e")  # on "Ada": the entity editor, with the mention's note
        screen = server.wait_for("writer", "Mention note")
        assert "␛" in screen
        assert_untouched(server, "writer", baseline)

        server.keys("writer", "Escape", "l", "l", "e")  # on "said": the stored claim's speaker, cue, note…
        server.wait_for("writer", "Evidence URLs")
        assert_untouched(server, "writer", baseline)
        server.keys("writer", "Escape")

        # A second Postil on the same database: read-only, under a banner naming the holder as the
        # owner file says (here, a file an attacker wrote).
        holder = orjson.loads(owner_path(db).read_bytes())
        holder.update(user="eve\x1b]0;pwned\x07\x1b]52;c;cHduZWQ=\x07", host="box\x1bP+q544e\x1b\\\x1b[38;2;1;2;3m\x9d2;c1 title\x9c")
        owner_path(db).write_bytes(orjson.dumps(holder))
        server.run("reader", [*postil_command(), str(article), "--db", str(db), "--no-suggest"])
        screen = server.wait_for("reader", "READ-ONLY")
        assert "eve␛]0;pwned␇" in screen
        assert_untouched(server, "reader", baseline)

        server.keys("reader", "q")
        server.wait_for("reader", "POSTIL-EXITED=0")
        server.keys("writer", "q")
        server.wait_for("writer", "POSTIL-EXITED=0")
        assert server.tmux("list-buffers") == ""
    finally:
        server.close()
