"""Reopening an article whose analysis is cached shows its suggestions without loading spaCy; the
first analysis loads it only in the model's own process."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO, write_article


def test_neither_the_first_analysis_nor_reopening_imports_spacy_into_the_app_process(tmp_path):
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
        "print(count, message, 'tui.nlp.child' in sys.modules, 'spacy' in sys.modules)\n"
    )
    first = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300)
    second = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    count, *_, child, loaded = first.stdout.split()
    assert int(count) > 0 and "(cached)" not in first.stdout and (child, loaded) == ("True", "False")  # the model ran in its child
    again, *_, child, loaded = second.stdout.split()
    assert again == count and "(cached)" in second.stdout and (child, loaded) == ("False", "False")  # no child started


async def test_cached_suggestions_are_on_the_first_screen_without_the_model_worker(tmp_path):
    from tests.conftest import sample_document
    from tui.app import PostilApp
    from tui.launch import cached_model_suggestions, open_session

    session = open_session(tmp_path / "annotations.json", sample_document(), annotator="tester")
    model_runs = []

    def model(session):  # would load spaCy: must not be needed when the analysis is cached
        model_runs.append(session)
        return None, "no model"

    app = PostilApp(session, suggester=model, cached_suggester=cached_model_suggestions)
    async with app.run_test(size=(160, 40)):
        status = str(app.query_one("#status").render())
        assert "1 suggested" in status and "(cached)" in status
        # Oribhabor's two quotes, hand-checked as two claims, are one statement to the model.
        assert [a.quote.exact[:24] for a in app.session.visible() if a.status == "suggested"] == ["Hitting the pause button"]
    assert model_runs == []


def test_a_spoiled_cached_analysis_is_made_again_and_the_status_says_so(tmp_path):
    from tui.formats.readers import read_article
    from tui.launch import model_suggestions, open_session
    from tui.nlp.suggest import analysis_problem
    from tui.store.records import NLP_CACHE, Change

    article = write_article(tmp_path, "Amazon announced on Wednesday that it would pause sales to police, said Jane Doe.")
    session = open_session(tmp_path / "db.json", read_article(article), annotator="t")
    batches, _ = model_suggestions(session)
    first = sum(len(b.annotations) for b in batches)
    (key,) = [record["key"] for record in session.store.tables()[NLP_CACHE].values()]
    session.store.apply([Change(NLP_CACHE, key, {"key": key, "value": [{"start": 0, "end": "x", "entities": [], "claims": []}]})])
    batches, message = model_suggestions(session)
    assert "the cached analysis was malformed (paragraph 0: end: must be a whole number, not a string), so it is made again" in message
    assert sum(len(b.annotations) for b in batches) == first
    assert analysis_problem(session.store.cached(key), len(session.text)) is None  # the cache is whole again
    session.store.close()
