"""The command palette's Postil commands (ctrl+p), namespaced like ``claim: verdict false``.

Each command does what a key does, or what would otherwise take the editor: set the verdict
of the claim under the cursor (one of the database's scheme), sort or group the claims, open an editor or a search.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.session.claim_list import CLAIM_SORTS


@dataclass(frozen=True)
class PaletteCommand:
    """One palette entry: its namespaced name, what it does, and the call that does it."""

    name: str
    help: str
    run: Callable[[], Awaitable[bool]]


class PostilCommands(Provider):
    """Commands on the claim or entity under the cursor, the claims list and search: each runs
    one of the annotate screen's actions by name."""

    def commands(self) -> list[PaletteCommand]:
        """Every command, run on the screen the palette was opened over."""
        screen = self.screen

        def run(action: str) -> Callable[[], Awaitable[bool]]:
            return partial(screen.run_action, action)

        found = [
            PaletteCommand("claim: edit", "Open the claim editor on the claim under the cursor", run("edit_here")),
            PaletteCommand("entity: edit", "Open the entity editor on the entity under the cursor", run("edit_here")),
            PaletteCommand("entity: merge mention", "Merge the mention under the cursor into another entity", run("merge_here")),
            PaletteCommand("search: text or annotations", "Search the article text or the annotations", run("search")),
            PaletteCommand("claims: who said what", "Group the claims by speaker, or list them again", run("claims_by_speaker")),
            PaletteCommand("claims: filter", "Filter the claims by speaker, verdict, type, check-worthiness or words", run("filter_claims")),
            PaletteCommand("review: next suggestion", "Go to the next suggestion not accepted or rejected yet (key .)", run("review_step(1)")),
            PaletteCommand("review: next suggested claim", "Go to the next suggested claim (key ;)", run("review_step(1, 'claim')")),
            PaletteCommand("review: accept every mention of the entity", "Accept every suggested mention of the entity under the cursor (key Y)", run("accept_entity_here")),
            PaletteCommand("review: verdict", "Pick the verdict of the claim under the cursor with one letter (key V)", run("verdict_here")),
        ]
        # The verdicts of the open document's database (none before its annotations are loaded).
        session = getattr(screen, "session", None)
        for verdict in session.scheme.verdict_names if session is not None else ():
            found.append(PaletteCommand(f"claim: verdict {verdict}", f"Give the claim under the cursor the verdict “{verdict}”", run(f"set_verdict({verdict!r})")))
        for sort in CLAIM_SORTS:
            found.append(PaletteCommand(f"claims: sort by {sort}", f"List the claims in {sort} order", run(f"sort_claims_by({sort!r})")))
        return found

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
