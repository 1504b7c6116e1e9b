"""Pictures of a team database's document in curation mode (alice's and bob's work on one
article: agreed names accepted, the open disagreements marked and listed with who said what)
with the take picker open, at 120x36 and 80x24, and the stats screen's pairwise agreement heat
map. Accept a deliberate change with ``--snapshot-update`` (see tests/test_snapshots.py)."""

from __future__ import annotations

from tests.test_curation_app import open_team_app
from tests.test_snapshots import keys
from tests.test_stats_screen import settled


def test_curation_mode_with_the_take_picker_open(tmp_path, snap_compare):
    app, _ = open_team_app(tmp_path)
    assert snap_compare(app, terminal_size=(120, 36), run_before=keys("t"))


def test_curation_mode_at_80_by_24_after_one_decision(tmp_path, snap_compare):
    app, _ = open_team_app(tmp_path)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys("t", "a"))


def test_the_stats_screen_shows_the_pairwise_agreement_heat_map(tmp_path, snap_compare):
    app, _ = open_team_app(tmp_path)
    press = keys("S")

    async def counted(pilot) -> None:
        """The picture waits for the stats worker's figures, which a loaded machine posts late."""
        await press(pilot)
        await settled(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=counted)
