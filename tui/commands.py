"""The command palette's Postil commands (ctrl+p), namespaced like ``claim: verdict false``.

Each command does what a key does, or what would otherwise take the editor: set the verdict
of the claim under the cursor, sort or group the claims, open an editor or a search.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.model.annotation import VERDICTS
from tui.widgets.side_panel import CLAIM_SORTS, ClaimList, SidePanel


@dataclass(frozen=True)
class PaletteCommand:
    """One palette entry: its namespaced name, what it does, and the call that does it."""

    name: str
    help: str
    run: Callable[[], None]


class PostilCommands(Provider):
    """Commands on the claim or entity under the cursor, the claims list and search."""

    def commands(self) -> list[PaletteCommand]:
        """Every command, built against the running app."""
        app = self.app
        found = [
            PaletteCommand("claim: edit", "Open the claim editor on the claim under the cursor", app.action_edit_here),
            PaletteCommand("entity: edit", "Open the entity editor on the entity under the cursor", app.action_edit_here),
            PaletteCommand("entity: merge mention", "Merge the mention under the cursor into another entity", app.action_merge_here),
            PaletteCommand("search: text or annotations", "Search the article text or the annotations", app.action_search),
            PaletteCommand("claims: who said what", "Group the claims by speaker, or list them again", partial(self.panel_action, "claims_by_speaker")),
            PaletteCommand("claims: filter", "Filter the claims by speaker, verdict, type, check-worthiness or words", partial(self.panel_action, "filter_claims")),
        ]
        for verdict in VERDICTS:
            found.append(PaletteCommand(f"claim: verdict {verdict}", f"Give the claim under the cursor the verdict “{verdict}”", partial(self.set_verdict, verdict)))
        for sort in CLAIM_SORTS:
            found.append(PaletteCommand(f"claims: sort by {sort}", f"List the claims in {sort} order", partial(self.sort_claims, sort)))
        return found

    def panel_action(self, action: str) -> None:
        """Run one of the side panel's actions."""
        for panel in self.app.query(SidePanel):
            getattr(panel, f"action_{action}")()

    def sort_claims(self, sort: str) -> None:
        """Sort the Claims tab by ``sort``."""
        for panel in self.app.query(SidePanel):
            panel.show_claims()
            panel.query_one(ClaimList).change_view(sort=sort)
            panel.rebuild()

    def set_verdict(self, verdict: str) -> None:
        """Set the verdict of the claim under the cursor (one undoable action)."""
        app = self.app
        if app.session is None:
            app.say("the annotations are still loading; try again in a moment")
            return
        kind, claim, _ = app.edit_target()
        if kind != "claim":
            app.say("no claim here to give a verdict")
            return
        app.perform(f"verdict: {verdict}", lambda: app.session.update_claim(claim.id, verdict=verdict))

    async def discover(self) -> Hits:
        """List every command when nothing is typed yet."""
        for command in self.commands():
            yield DiscoveryHit(command.name, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        """The commands whose name matches what is typed, best first."""
        matcher = self.matcher(query)
        for command in self.commands():
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), command.run, help=command.help)
