"""The claim editor holds what it saves to the one claim check (tui.model.claims.claim_problems)."""

from __future__ import annotations

from tests.conftest import saved_annotations
from tests.test_factcheck_claims import SIZE, open_app
from tui.screens.claim_editor import ClaimEditor


async def test_a_check_worthiness_outside_0_to_1_is_refused_in_the_form_with_the_claim_checks_words(tmp_path):
    app, db = open_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ClaimEditor)
        await pilot.press("tab", "tab", "tab", "tab", *"1.5", "ctrl+s")  # speaker, cue, content, check-worthiness
        await pilot.pause()
        assert isinstance(app.screen, ClaimEditor)  # the form stays open
        assert str(app.screen.query_one("#editor-error").render()) == "checkworthiness: 1.5 is outside 0..1"
        (claim,) = [r for r in saved_annotations(db) if r["kind"] == "claim"]
        assert claim["attrs"]["checkworthiness"] is None and claim["status"] == "accepted"
        await pilot.press("ctrl+a", "ctrl+k", *"0.5", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ClaimEditor)
        (claim,) = [r for r in saved_annotations(db) if r["kind"] == "claim"]
        assert claim["attrs"]["checkworthiness"] == 0.5
        await pilot.press("q")
