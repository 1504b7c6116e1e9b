"""The keys of the annotate screen do not act behind a dialog: they are bound on that screen,
and a dialog is a screen of its own. With the claim editor open on a choice field, `q`, `u`,
`/`, `e`, `m`, `n` and the digits do nothing to the app or the annotations; closed, they act."""

from __future__ import annotations

from tests.conftest import write_article
from tui.app import PostilApp
from tui.formats.readers import read_article
from tui.launch import open_session
from tui.screens.claim_editor import ClaimEditor

TEXT = "Ada Obi said the plan works. Nobody agreed."


async def test_the_main_screens_keys_do_nothing_while_the_claim_editor_is_open(tmp_path):
    session = open_session(tmp_path / "db.json", read_article(write_article(tmp_path, TEXT)), annotator="tester")
    app = PostilApp(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c")  # the sentence under the cursor becomes a claim; its editor opens
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, ClaimEditor) and editor.focused.id == "claim-type"
        (claim,) = session.claims()
        await pilot.press("q", "u", "slash", "e", "m", "n", "1", "question_mark")
        await pilot.pause()
        assert app.screen is editor and app.is_running  # no quit, no search, help, editor or picker over it
        assert [c.id for c in session.claims()] == [claim.id] and not session.entities  # nothing undone or labelled
        await pilot.press("escape", "u")
        await pilot.pause()
        assert app.screen is app.annotate and session.claims() == []  # closed, u undoes the claim
        await pilot.press("q")
    assert app.return_code == 0
