"""The sample ships with the model's analysis of it, so its first suggestions need no spaCy.

``tui/data/sample_analysis.json`` is made by ``tools/build_sample_annotations.py`` with the real
model; these tests check that it is still what the rules and the installed model produce, that a
first open of the sample uses it (and only when it fits), and that its suggestions show up on top
of the seeded hand-checked annotations.
"""

from __future__ import annotations

import subprocess
import sys

import orjson
import pytest

from tests.conftest import REPO, sample_document
from tui.launch import SAMPLE_ANALYSIS, SAMPLE_ANNOTATIONS, model_suggestions, open_session
from tui.model.annotation import SUGGESTED
from tui.model.document import Document
from tui.nlp import Pipeline, load_pipeline
from tui.nlp.analysis import ANALYSIS_VERSION
from tui.nlp.pipeline import installed_model
from tui.nlp.suggest import GAZETTEER_ORIGIN, analysis_record, cache_key, shipped_analysis
from tui.store.records import GAZETTEER, NLP_CACHE, Change

REBUILD = "run `python tools/build_sample_annotations.py` to rebuild tui/data/sample_analysis.json"


def shipped() -> dict:
    return orjson.loads(SAMPLE_ANALYSIS.read_bytes())


def test_the_shipped_analysis_is_what_the_rules_and_the_installed_model_make_now():
    record = shipped()
    assert record["sha256"] == sample_document().sha256, f"the sample's text changed: {REBUILD}"
    assert record["analysis_version"] == ANALYSIS_VERSION, f"the rules' version changed: {REBUILD}"
    pipeline, message = load_pipeline()
    assert pipeline is not None, message
    if (pipeline.name, pipeline.version) != (record["model"], record["model_version"]):
        pytest.skip(f"made with {record['model']} {record['model_version']}, {pipeline.name} {pipeline.version} is installed (the app will not use it)")
    now = analysis_record(sample_document(), pipeline)
    assert now == record, f"the rules now analyse the sample differently: {REBUILD}"


def test_the_shipped_analysis_fits_only_its_text_model_and_rules():
    record, document = shipped(), sample_document()
    made_with = Pipeline(nlp=None, name=record["model"], version=record["model_version"])
    assert shipped_analysis(record, document, made_with) == record["analysis"]
    other_version = Pipeline(nlp=None, name=record["model"], version="0.0.1")
    other_model = Pipeline(nlp=None, name="en_core_web_sm", version=record["model_version"])
    assert shipped_analysis(record, document, other_version) is None
    assert shipped_analysis(record, document, other_model) is None
    assert shipped_analysis({**record, "analysis_version": ANALYSIS_VERSION - 1}, document, made_with) is None
    edited = Document(text=document.text.replace("moratorium", "pause", 1), title=document.title, source=document.source)
    assert shipped_analysis(record, edited, made_with) is None


def test_a_first_open_of_the_sample_shows_suggestions_without_importing_spacy(tmp_path):
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from tests.conftest import sample_document\n"
        "from tui.launch import model_suggestions, open_session\n"
        f"session = open_session(Path({str(tmp_path / 'db.json')!r}), sample_document(), annotator='t')\n"
        "seeded = len(session.by_id)\n"
        "batches, message = model_suggestions(session)\n"
        "shown = sum(len(session.add_suggestions(b.annotations, b.entities)) for b in batches)\n"
        "session.store.close()\n"
        "print(seeded, shown, 'spacy' in sys.modules, message)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    seeded, shown, loaded, message = result.stdout.strip().split(" ", 3)
    assert int(seeded) == len(orjson.loads(SAMPLE_ANNOTATIONS.read_bytes())["annotations"])
    assert int(shown) > 0, "every suggestion duplicates a seeded annotation"
    assert loaded == "False" and "(cached)" in message


def test_the_seed_stores_nothing_for_another_model_and_the_model_then_runs(tmp_path, monkeypatch):
    record = shipped()
    monkeypatch.setattr("tui.nlp.pipeline.installed_model", lambda: Pipeline(nlp=None, name=record["model"], version="0.0.1"))
    session = open_session(tmp_path / "db.json", sample_document(), annotator="t")
    try:
        assert session.store.tables().get(NLP_CACHE, {}) == {}
        assert len(session.by_id) == len(orjson.loads(SAMPLE_ANNOTATIONS.read_bytes())["annotations"])
    finally:
        session.store.close()


def test_corrections_apply_on_top_of_the_shipped_analysis(tmp_path):
    session = open_session(tmp_path / "db.json", sample_document(), annotator="t")
    try:
        named = installed_model()
        assert isinstance(session.store.cached(cache_key(session.document, named)), list)
        phrase = "facial recognition software"
        session.store.apply([Change(GAZETTEER, f"PRODUCT\t{phrase}", {"key": f"PRODUCT\t{phrase}", "text": phrase, "label": "PRODUCT"})])
        batches, message = model_suggestions(session)
        corrected = [a for b in batches for a in b.annotations if a.origin == GAZETTEER_ORIGIN]
    finally:
        session.store.close()
    assert "(cached)" in message
    assert corrected and {(a.quote.exact, a.label) for a in corrected} == {(phrase, "PRODUCT")}


async def test_the_app_shows_the_samples_suggestions_on_top_of_the_seeded_annotations(tmp_path):
    from tui.app import PostilApp

    session = open_session(tmp_path / "db.json", sample_document(), annotator="t")
    seeded = len(session.by_id)
    app = PostilApp(session, suggester=model_suggestions)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):
            await pilot.pause(0.02)
            if app.suggest_state == "" and any(a.status == SUGGESTED for a in session.by_id.values()):
                break
        suggested = sum(1 for a in session.by_id.values() if a.status == SUGGESTED)
        status = str(app.query_one("#status").render())
        await pilot.press("q")
    assert suggested > 0 and len(session.by_id) == seeded + suggested
    assert f"{suggested} suggested" in status and "(cached)" in status
