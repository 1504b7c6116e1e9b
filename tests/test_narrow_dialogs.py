"""The dialogs at 80x24 (Pilot): each fits the terminal (its right border on the last column),
and where its fields do not all fit, moving to the last one with the keyboard scrolls it into
view. What is asserted is on screen."""

from __future__ import annotations

from tests.test_narrow_panel import open_sample, screen_rows, screen_text
from tui.app import PostilApp

SIZE = (80, 24)


async def press_until(pilot, key: str, done, limit: int) -> None:
    """Press ``key`` until ``done()`` holds, ``limit`` times at most (the caller asserts it then)."""
    for _ in range(limit):
        if done():
            return
        await pilot.press(key)
        await pilot.pause()


def fits(app: PostilApp) -> None:
    """The dialog on top lies within the terminal, and its right border is drawn."""
    dialog = app.screen.children[0]
    assert app.screen.region.contains_region(dialog.region), dialog.region
    right = dialog.region.right - 1
    rows = screen_rows(app)[dialog.region.y : dialog.region.bottom]
    assert all(row[right] != " " for row in rows), "\n".join(rows)


async def test_the_claim_editor_fits_and_scrolls_its_last_field_into_view(tmp_path):
    app = open_sample(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        session = app.screen.session
        claim = next(a for a in session.by_id.values() if a.is_claim and "moratorium" in a.quote.exact)
        app.screen.open_claim_editor(claim)
        await pilot.pause()
        rows = screen_rows(app)
        fits(app)
        assert "Evidence URLs" not in screen_text(app)
        assert any("police use of its facial recognition software, Rekognition.”" in row for row in rows)  # wrapped, not cut
        await press_until(pilot, "tab", lambda: app.focused.id == "evidence", 12)
        assert app.focused.id == "evidence"
        assert "Evidence URLs" in screen_text(app)
        assert app.screen.region.contains_region(app.focused.region)
        fits(app)


async def test_the_entity_editor_and_merge_picker_fit(tmp_path):
    app = open_sample(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        session = app.screen.session
        amazon = session.find_entity("Amazon")
        mention = session.mentions_of(amazon.entity_id)[0]
        app.screen.open_entity_editor(amazon, mention)
        await pilot.pause()
        fits(app)
        assert "another entity's name merges this one into it" in screen_text(app)
        await press_until(pilot, "tab", lambda: app.focused.id == "mention-note", 8)
        assert "Mention note" in screen_text(app) and app.screen.region.contains_region(app.focused.region)
        await pilot.press("escape")
        app.screen.article.move_to(mention.start, mention.end)
        await pilot.press("m")
        await pilot.pause()
        fits(app)
        assert "Merge this “Amazon”" in screen_text(app)


async def test_search_verdict_picker_and_help_fit(tmp_path):
    app = open_sample(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        fits(app)
        assert "Esc close" in screen_text(app)
        await pilot.press("escape")

        session = app.screen.session
        claim = next(a for a in session.by_id.values() if a.is_claim)
        app.screen.article.move_to(claim.start, claim.end)
        await pilot.press("V")
        await pilot.pause()
        text = screen_text(app)
        for verdict in session.scheme.verdicts:
            assert f"{verdict.key} {verdict.name}" in text
        assert "Esc cancel" in text
        await pilot.press("escape")

        await pilot.press("question_mark")
        await pilot.pause()
        fits(app)
        await press_until(pilot, "pagedown", lambda: "panel.toggle" in screen_text(app), 40)  # the panel key is in the help, reached by scrolling
        assert "panel.toggle" in screen_text(app)


async def test_the_document_list_shows_its_last_columns_in_two_keys(tmp_path):
    app = open_sample(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await pilot.pause()
        header = screen_rows(app)[1]
        assert "Title" in header and "Verdicts" not in header
        await pilot.press("right", "right")
        await pilot.pause()
        header = screen_rows(app)[1]
        assert "Claims" in header and "Verdicts" in header
        await pilot.press("left", "left")
        await pilot.pause()
        assert "Title" in screen_rows(app)[1]


async def test_the_stats_screen_fits_and_scrolls_to_its_last_chart(tmp_path):
    app = open_sample(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("S")
        await pilot.pause()
        fits(app)
        first = screen_text(app)
        await pilot.press("end")
        await pilot.pause()
        fits(app)
        last = screen_text(app)
        assert last != first and "unsupported" in last  # the verdict chart's last bar, below the first screen
