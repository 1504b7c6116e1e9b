"""Pictures of the main screens (pytest-textual-snapshot): what a user sees, compared with the
accepted SVGs in tests/__snapshots__/. After a deliberate visual change, look at the differences
(`snapshot_report.html`) and accept them with `python -m pytest tests/test_snapshots.py --snapshot-update`.

Every picture is the bundled sample in a new database in tmp_path, with the model's shipped
analysis as its suggestions (no model runs), the keymap looked up in tmp_path, and the text
fields' cursors held still, so nothing depends on time, the machine or the user's files.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea

from tests.conftest import sample_document
from tui.app import PostilApp
from tui.launch import cached_model_suggestions, open_session, sample_analysis_cache

WIDE = (120, 36)
SMALL = (80, 24)


def no_model(session):
    """The suggester when the shipped analysis does not apply: no suggestions."""
    return None, "no model"


@pytest.fixture
def sample_app(tmp_path, monkeypatch):
    """Build the app as `postil` opens the sample for a new user (read-only on request)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    if sample_analysis_cache(sample_document()) is None:
        pytest.skip("the sample's shipped analysis was made with another model than the installed one")
    db = tmp_path / "annotations.json"

    def build(read_only: bool = False) -> PostilApp:
        if read_only:  # a database that already holds the sample, opened without writing
            open_session(db, sample_document(), annotator="tester").store.close()
        session = open_session(db, sample_document(), annotator="tester", read_only=read_only)
        return PostilApp(session, no_model, cached_suggester=cached_model_suggestions)

    return build


def keys(*presses: str, theme: str | None = None):
    """A `run_before` pressing ``presses`` (under ``theme``), then stopping every text field's
    cursor from blinking, so the picture does not depend on when it is taken."""

    async def run(pilot) -> None:
        if theme is not None:
            pilot.app.theme = theme
        await pilot.press(*presses)
        await pilot.pause()
        for field in pilot.app.screen.query(Input).results():
            field.cursor_blink = False
        for area in pilot.app.screen.query(TextArea).results():
            area.cursor_blink = False

    return run


def test_the_sample_opens_with_its_annotations_suggestions_and_entity_list(sample_app, snap_compare):
    assert snap_compare(sample_app(), terminal_size=WIDE, run_before=keys())


def test_the_sample_fits_an_80_by_24_terminal(sample_app, snap_compare):
    assert snap_compare(sample_app(), terminal_size=SMALL, run_before=keys())


def test_the_sample_in_the_light_theme(sample_app, snap_compare):
    assert snap_compare(sample_app(), terminal_size=WIDE, run_before=keys(theme="textual-light"))


def test_the_cursor_on_a_quote_shows_its_speaker_cue_and_verdict_in_the_detail_pane(sample_app, snap_compare):
    paragraph = "right_curly_bracket"
    assert snap_compare(sample_app(), terminal_size=WIDE, run_before=keys(paragraph, paragraph, paragraph))


def test_the_claims_tab_lists_each_claim_with_its_type_speaker_and_verdict(sample_app, snap_compare):
    assert snap_compare(sample_app(), terminal_size=WIDE, run_before=keys("tab", "right"))


def test_the_claim_editor_on_a_quote(sample_app, snap_compare):
    paragraph = "right_curly_bracket"
    assert snap_compare(sample_app(), terminal_size=WIDE, run_before=keys(paragraph, paragraph, paragraph, "e"))


def test_the_entity_editor_on_amazon(sample_app, snap_compare):
    assert snap_compare(sample_app(), terminal_size=WIDE, run_before=keys("e"))


def test_the_help_lists_the_keys_with_their_binding_ids(sample_app, snap_compare):
    assert snap_compare(sample_app(), terminal_size=WIDE, run_before=keys("question_mark"))


def test_the_search_dialog_reopens_on_the_last_query_over_its_highlighted_hits(sample_app, snap_compare):
    search = ("slash", *"Rekognition", "enter", "slash")
    assert snap_compare(sample_app(), terminal_size=WIDE, run_before=keys(*search))


def test_the_read_only_banner(sample_app, snap_compare):
    assert snap_compare(sample_app(read_only=True), terminal_size=WIDE, run_before=keys())


def test_the_merge_picker_lists_the_entities_matching_what_is_typed(sample_app, snap_compare):
    assert snap_compare(sample_app(), terminal_size=WIDE, run_before=keys("m", "A", "c", "c"))
