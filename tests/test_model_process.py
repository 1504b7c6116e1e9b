"""The model runs in a spawned process of its own: it streams its analysis to the app, ends when
the app quits or dies, and its crash is a line on the status line, never the app's."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, saved_annotations, write_article
from tui.app import PostilApp
from tui.formats.readers import read_article
from tui.launch import model_suggestions, open_session, sample_path, worker_cancelled
from tui.model.annotation import SUGGESTED
from tui.model.document import Document
from tui.nlp import iter_suggestions, load_pipeline
from tui.nlp.child import CHILD_NICENESS, PROCESS_NAME, AnalysisCancelled, ModelProcess, ModelStopped, child_suggestions
from tui.nlp.pipeline import installed_model
from tui.nlp.suggest import cache_key

# Stand-ins for a model package, each a module whose load() the child calls as spaCy's.
FAKE_MODELS = {
    "broken_model": (
        "class Language:\n"
        "    meta = {'version': '0.1'}\n"
        "    def pipe(self, texts, batch_size):\n"
        "        raise RuntimeError('the parser broke \\x1b[31mred\\nand said more')\n"
        "def load(**options):\n"
        "    return Language()\n"
    ),
    "unloadable_model": "def load(**options):\n    raise OSError('its weights are missing')\n",
    # Loads for ever and will not be stopped politely: only SIGKILL ends it.
    "stubborn_model": (
        "import signal, time\n"
        "def load(**options):\n"
        "    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "    time.sleep(600)\n"
    ),
}
# Long enough that the model is still at work when a test acts (some 60,000 words).
LONG_TEXT = "\n\n".join(
    f'"We will not stop now," said Jane Doe, who runs Acme Corp in Paris, on day {n}. The council of Lyon voted against it again, '
    f"and Mayor John Smith told reporters that the plan would cost {n} million euros."
    for n in range(2000)
)


@pytest.fixture
def fake_models(tmp_path, monkeypatch) -> None:
    """The fake model packages, importable here and in every child spawned from here."""
    folder = tmp_path / "models"
    folder.mkdir()
    for name, source in FAKE_MODELS.items():
        (folder / f"{name}.py").write_text(source, encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))


def running(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie nobody reaped yet has stopped running)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def ends(pid: int, tries: int = 100) -> bool:
    """Whether process ``pid`` stops running within ``tries`` looks a tenth of a second apart."""
    for _ in range(tries):
        if not running(pid):
            return True
        time.sleep(0.1)
    return False


def model_children() -> list[multiprocessing.Process]:
    return [child for child in multiprocessing.active_children() if child.name == PROCESS_NAME]


def test_a_model_that_fails_to_load_gives_its_reason_and_no_batches(tmp_path, fake_models):
    session = open_session(tmp_path / "db.json", Document("Acme Corp hired Jane Doe.", "t", "s"), annotator="t")
    try:
        batches, message = child_suggestions(session.store, session.document, [], packages=("unloadable_model",))
    finally:
        session.store.close()
    assert batches is None
    assert "unloadable_model failed to load: its weights are missing" in message
    assert model_children() == []


def test_an_exception_in_the_childs_analysis_ends_the_batches_with_one_terminal_safe_line(tmp_path, fake_models):
    session = open_session(tmp_path / "db.json", Document("Acme Corp hired Jane Doe.", "t", "s"), annotator="t")
    try:
        batches, message = child_suggestions(session.store, session.document, [], packages=("broken_model",))
        assert message == "suggestions by broken_model 0.1"
        with pytest.raises(ModelStopped) as stopped:
            list(batches)
    finally:
        session.store.close()
    reason = str(stopped.value)
    assert reason.startswith("the model stopped (RuntimeError: the parser broke ") and reason.endswith("red); the suggestions so far are kept")
    assert reason.isprintable() and "and said more" not in reason  # the escape made harmless, one line
    assert model_children() == []


def test_stopping_a_child_that_ignores_sigterm_kills_it(fake_models):
    model = ModelProcess(Document("Acme Corp hired Jane Doe.", "t", "s"), packages=("stubborn_model",))
    looks = iter(range(20))
    with pytest.raises(AnalysisCancelled):
        model.wait_ready(lambda: next(looks) == 19)  # asked to stop while the model loads
    assert running(model.pid)
    model.stop()
    assert not running(model.pid) and model.process.exitcode == -signal.SIGKILL


def test_the_child_ends_by_itself_when_its_parent_dies(fake_models):
    models = str(Path(sys.path[0]))
    script = (
        "import sys, time\n"
        f"sys.path.insert(0, {models!r})\n"
        "from tui.model.document import Document\n"
        "from tui.nlp.child import ModelProcess\n"
        "if __name__ == '__main__':\n"
        "    model = ModelProcess(Document('Acme Corp hired Jane Doe.', 't', 's'), packages=('stubborn_model',))\n"
        "    print(model.pid, flush=True)\n"
        "    time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        child = int(parent.stdout.readline())
        assert running(child)
    finally:
        parent.kill()
        parent.wait()
    assert ends(child)  # it ignores SIGTERM and loads for ever: only its watch on the parent ends it


async def test_the_suggestions_stored_from_the_child_are_those_made_in_process(tmp_path):
    document = read_article(sample_path())  # a real article (not the bundled sample's source: nothing is seeded)
    db = tmp_path / "db.json"
    app = PostilApp(open_session(db, document, annotator="tester"), suggester=model_suggestions)
    key = cache_key(document, installed_model())
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: app.session.store.cached(key) is not None)  # the model's analysis is done
        await pilot.press("q")
    pipeline, _ = load_pipeline()
    in_process = open_session(tmp_path / "in_process.json", document, annotator="tester")
    for batch in iter_suggestions(document, pipeline, []):
        in_process.add_suggestions(batch.annotations, batch.entities)
    in_process.store.close()
    fields = ("id", "kind", "label", "start", "end", "origin", "status", "attrs")
    via_child = sorted(json.dumps([record[name] for name in fields], sort_keys=True) for record in saved_annotations(db))
    made_here = sorted(json.dumps([record[name] for name in fields], sort_keys=True) for record in saved_annotations(tmp_path / "in_process.json"))
    assert len(via_child) > 20 and via_child == made_here


async def wait_until(pilot, condition, tries: int = 600) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.1)
    raise AssertionError("the condition was not met")


def suggested(app: PostilApp) -> int:
    return sum(1 for a in app.session.index if a.status == SUGGESTED)


async def test_quitting_while_the_model_analyses_ends_its_process(tmp_path):
    db = tmp_path / "db.json"
    app = PostilApp(open_session(db, read_article(write_article(tmp_path, LONG_TEXT)), annotator="tester"), suggester=model_suggestions)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: suggested(app) > 0)
        (child,) = model_children()
        assert app.suggest_state.startswith("suggesting ") and running(child.pid)  # still at work
        # It gives way to the app on a busy machine.
        assert os.getpriority(os.PRIO_PROCESS, child.pid) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + CHILD_NICENESS)
        if hasattr(os, "SCHED_IDLE"):  # on Linux it runs only where the app (and the terminal) leave a core idle
            assert os.sched_getscheduler(child.pid) == os.SCHED_IDLE
        await pilot.press("q")
    assert ends(child.pid, tries=20)


async def test_quitting_while_the_model_loads_ends_even_a_process_that_ignores_sigterm(tmp_path, fake_models):
    def stubborn(session):
        return child_suggestions(session.store, session.document, [], worker_cancelled(), packages=("stubborn_model",))

    app = PostilApp(open_session(tmp_path / "db.json", read_article(write_article(tmp_path, LONG_TEXT)), annotator="tester"), suggester=stubborn)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: len(model_children()) == 1)
        (child,) = model_children()
        assert app.suggest_state == "loading model…"
        await pilot.press("q")
    assert ends(child.pid, tries=20)


async def test_a_killed_model_is_a_status_line_message_and_the_app_goes_on(tmp_path):
    db = tmp_path / "db.json"
    app = PostilApp(open_session(db, read_article(write_article(tmp_path, LONG_TEXT)), annotator="tester"), suggester=model_suggestions)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: suggested(app) > 0)
        (child,) = model_children()
        os.kill(child.pid, signal.SIGKILL)
        await wait_until(pilot, lambda: "model stopped" in str(app.query_one("#status").render()))
        status = str(app.query_one("#status").render())
        kept = suggested(app)
        await pilot.press("down")
        assert app.is_running and app.suggest_state == ""
        await pilot.press("q")
    assert "the model stopped (killed by SIGKILL); the suggestions so far are kept" in status
    assert kept > 0 and sum(1 for record in saved_annotations(db) if record["status"] == SUGGESTED) == kept
