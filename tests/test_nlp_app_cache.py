"""Reopening an article whose analysis is cached shows its suggestions without loading spaCy."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO, write_article


def test_reopening_uses_the_cached_analysis_without_importing_spacy(tmp_path):
    article = write_article(tmp_path, "Amazon announced on Wednesday that it would pause sales to police, said Jane Doe.")
    db = tmp_path / "db.json"
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from tui.formats.readers import read_article\n"
        "from tui.launch import model_suggestions, open_session\n"
        f"session = open_session(Path({str(db)!r}), read_article({str(article)!r}), annotator='t')\n"
        "batches, message = model_suggestions(session)\n"
        "count = sum(len(b.annotations) for b in batches)\n"
        "session.store.close()\n"
        "print(count, message, 'spacy' in sys.modules)\n"
    )
    first = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300)
    second = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    count, *_, loaded = first.stdout.split()
    assert int(count) > 0 and loaded == "True"
    again, *rest = second.stdout.split()
    assert again == count and "(cached)" in second.stdout and rest[-1] == "False"
