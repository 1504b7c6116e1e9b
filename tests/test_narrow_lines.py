"""The header (status line), the legend and the key hints are one row each at any width: at 80
columns the legend shortens the label names and then says how many labels it leaves out, with
the database's own scheme (read from the session, not the default). Pilot, on screen."""

from __future__ import annotations

import pytest

from tests.conftest import write_article
from tests.test_narrow_panel import screen_rows
from tui.app import PostilApp
from tui.formats.readers import read_article
from tui.launch import open_session
from tui.model.labels import Label, Scheme
from tui.session.schemes import set_scheme
from tui.settings import Settings
from tui.store.repository import open_store

TITLE = "A very long headline about tariffs, farmers and the ministries that blamed importers for it"
TEXT = TITLE + "\n\nFarmers marched on Brussels on Monday against the tariff. The ministry blamed importers."
# Fourteen labels, long names among them, one without a key.
NAMES = ["ACTOR", "VICTIM", "PLACE", "TIME", "POLICY", "HARM", "CAUSE", "REMEDY", "MORALITY", "ECONOMY", "PROTEST", "BLAME", "INSTITUTION"]
WIDE_SCHEME = Scheme(
    name="frames",
    labels=(
        *(Label(name, key, "#87afd7") for name, key in zip(NAMES, "1234567890pbi")),
        Label("OTHER", "", "#a8a8a8"),
    ),
)


def open_app(tmp_path, scheme: Scheme | None) -> PostilApp:
    db = tmp_path / "annotations.json"
    if scheme is not None:
        store = open_store(db)
        set_scheme(store, scheme, {})
        store.close()
    return PostilApp(open_session(db, read_article(write_article(tmp_path, TEXT)), annotator="tester"))


async def rows_at(app: PostilApp, size: tuple[int, int]) -> list[str]:
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        legend = app.screen.query_one("#legend")
        assert legend.size.height == 1
        return screen_rows(app)


@pytest.mark.parametrize("width", [80, 60])
async def test_a_scheme_of_fourteen_labels_fits_one_legend_row_and_says_how_many_it_leaves_out(tmp_path, width):
    rows = await rows_at(open_app(tmp_path, WIDE_SCHEME), (width, 24))
    header, legend, hints = rows[0], rows[-2], rows[-1]
    assert legend.startswith(" 1 ACTO  2 VICT  3 PLAC ")  # keys and short names
    shown = legend.split("+")[0].split()
    left_out = int(legend.split("+")[1].split()[0])
    assert len(shown) // 2 + left_out == len(WIDE_SCHEME.labels)
    assert legend.rstrip().endswith("more (L)")
    # Nothing wraps: the row above the legend is the article's, the last row the key hints'.
    assert "Farmers" not in legend and "more (L)" not in rows[-3]
    assert hints.startswith(" v Select") and hints.rstrip().endswith("…")
    assert header.startswith(" A very long") and "…" in header and "saved" in header


async def test_at_200_columns_every_label_shows_with_its_whole_name_and_the_samples(tmp_path):
    rows = await rows_at(open_app(tmp_path, WIDE_SCHEME), (200, 60))
    legend = rows[-2]
    for name, key in zip(NAMES, "1234567890pbi"):
        assert f" {key}  {name} " in legend
    assert " OTHER " in legend and "claim" in legend and "suggested" in legend and "more" not in legend


async def test_the_default_scheme_at_80_columns_shows_all_nine_keys(tmp_path):
    rows = await rows_at(open_app(tmp_path, None), (80, 24))
    assert rows[-2].rstrip() == " 1 PERS  2 ORG  3 GPE  4 LOC  5 DATE  6 PROD  7 EVEN  8 NORP  9 LAW"


async def test_the_legend_names_the_label_picker_key_of_the_users_keymap(tmp_path):
    db = tmp_path / "annotations.json"
    store = open_store(db)
    set_scheme(store, WIDE_SCHEME, {})
    store.close()
    session = open_session(db, read_article(write_article(tmp_path, TEXT)), annotator="tester")
    app = PostilApp(session, settings=Settings(keymap={"label.pick": "ctrl+l"}))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert screen_rows(app)[-2].rstrip().endswith("more (ctrl+l)")
