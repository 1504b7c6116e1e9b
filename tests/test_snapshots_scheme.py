"""Pictures of the main screen with a project's own scheme: the sample in a database given the
12-label framing scheme of docs/schemes/frames.toml (its OntoNotes annotations mapped onto it as
``postil scheme set --map`` maps them), in the default dark theme, a light theme, an 80x24
terminal and a 200x60 one. Accept a deliberate change with ``--snapshot-update`` (see
tests/test_snapshots.py for how the pictures are kept still)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import sample_document
from tests.test_snapshots import keys, no_model
from tui.app import PostilApp
from tui.cli.scheme import read_scheme_file
from tui.launch import cached_model_suggestions, open_session, sample_analysis_cache
from tui.session.schemes import set_scheme

FRAMES = Path(__file__).resolve().parents[1] / "docs" / "schemes" / "frames.toml"
# Where the sample's OntoNotes annotations go in the framing scheme ("" removes them).
SAMPLE_MAPPING = {"PERSON": "ACTOR", "GPE": "PLACE", "NORP": "ORG", "PRODUCT": "POLICY", "EVENT": "POLITICAL", "DATE": ""}


@pytest.fixture
def framed_sample(tmp_path):
    """The app on the sample in a database whose scheme is the 12-label framing scheme."""
    if sample_analysis_cache(sample_document()) is None:
        pytest.skip("the sample's shipped analysis was made with another model than the installed one")
    db = tmp_path / "annotations.json"
    session = open_session(db, sample_document(), annotator="tester")
    set_scheme(session.store, read_scheme_file(FRAMES), SAMPLE_MAPPING)
    session.store.close()
    session = open_session(db, sample_document(), annotator="tester")
    assert len(session.scheme.labels) == 12
    return PostilApp(session, no_model, cached_suggester=cached_model_suggestions)


def test_a_twelve_label_scheme_in_the_default_dark_theme(framed_sample, snap_compare):
    assert snap_compare(framed_sample, terminal_size=(120, 36), run_before=keys())


def test_a_twelve_label_scheme_in_a_light_theme(framed_sample, snap_compare):
    assert snap_compare(framed_sample, terminal_size=(120, 36), run_before=keys(theme="textual-light"))


def test_a_twelve_label_scheme_at_80_by_24(framed_sample, snap_compare):
    assert snap_compare(framed_sample, terminal_size=(80, 24), run_before=keys())


def test_a_twelve_label_scheme_at_200_by_60(framed_sample, snap_compare):
    assert snap_compare(framed_sample, terminal_size=(200, 60), run_before=keys())
