"""Entity dialogs: edit a canonical entity (name, label, aliases, knowledge-base id, the mention's
note) and pick the entity a mention should be merged into."""

from __future__ import annotations

import re
from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.model.annotation import Annotation, Entity
from tui.model.display import display_text
from tui.session.annotation_session import AnnotationSession
from tui.widgets.fields import SafeInput, SafeTextArea
from tui.widgets.forms import Choice, MatchPicker, field_row, with_stored

# A Wikidata item id (Q42) or any other knowledge base's id written as prefix:id.
KB_ID = re.compile(r"^(Q[1-9][0-9]*|[A-Za-z][\w.-]*:\S+)$")

# Called with the edited fields; returns an error to show in the form, or None once saved.
SaveEntity = Callable[[dict], "str | None"]


class EntityEditor(ModalScreen[bool]):
    """Edit an entity and, when opened on a mention, that mention's note; ctrl+s saves."""

    DEFAULT_CSS = """
    EntityEditor { align: center middle; }
    EntityEditor > Vertical { width: 84; height: auto; max-height: 90%; border: thick $primary; background: $surface; padding: 0 1; }
    EntityEditor .field-row { height: auto; margin-bottom: 1; }
    EntityEditor .field-label { width: 16; color: $text-muted; }
    EntityEditor TextArea { height: 4; width: 1fr; }
    EntityEditor #editor-error { color: $error; height: auto; }
    EntityEditor #editor-hint { color: $text-muted; }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save the entity", id="entity_editor.save"),
        Binding("escape", "cancel", "Close without saving", id="entity_editor.cancel"),
    ]

    def __init__(self, session: AnnotationSession, entity: Entity, mention: Annotation | None, on_save: SaveEntity) -> None:
        super().__init__()
        self.session = session
        self.entity = entity
        self.mention = mention
        self.on_save = on_save

    def compose(self) -> ComposeResult:
        labels = with_stored(self.session.scheme.label_names, self.entity.label)
        mentions = self.session.mentions_of(self.entity.entity_id)
        with Vertical():
            yield Static(Text.assemble(("Entity", "bold"), f"  {len(mentions)} mention(s) in this article"))
            yield field_row("Name", SafeInput(self.entity.name, id="entity-name", compact=True))
            yield field_row("Label", Choice(labels, self.entity.label, id="entity-label"))
            yield field_row("Aliases", SafeInput(", ".join(self.entity.aliases), placeholder="other names, comma-separated", id="entity-aliases", compact=True))
            yield field_row("KB id", SafeInput(self.entity.kb_id, placeholder="e.g. Q42 (Wikidata)", id="entity-kb", compact=True))
            if self.mention is not None:
                yield field_row("Mention note", SafeTextArea(self.mention.attrs.get("note") or "", id="mention-note", compact=True))
            yield Static("", id="editor-error")
            yield Static(Text("ctrl+s save · Esc close · Tab next field · ←/→ change the label (its mentions follow) · another entity's name merges this one into it"), id="editor-hint")

    def on_mount(self) -> None:
        self.query_one("#entity-name", Input).focus()

    def collect(self) -> tuple[dict, str | None]:
        """The fields the user changed (and the label), or an error saying which one is wrong.

        A field left untouched is left out, so what is stored stays exactly as it was (a field
        shows its data display-safe, which is not always what is stored).
        """
        fields: dict = {"label": self.query_one("#entity-label", Choice).value}
        name_field = self.query_one("#entity-name", SafeInput)
        if name_field.edited:
            fields["name"] = " ".join(name_field.value.split())
            if not fields["name"]:
                return fields, "name: an entity needs a name"
        aliases_field = self.query_one("#entity-aliases", SafeInput)
        if aliases_field.edited:
            fields["aliases"] = [alias.strip() for alias in aliases_field.value.split(",") if alias.strip()]
        kb_field = self.query_one("#entity-kb", SafeInput)
        if kb_field.edited:
            fields["kb_id"] = kb_field.value.strip()
            if fields["kb_id"] and not KB_ID.match(fields["kb_id"]):
                return fields, f"KB id: {fields['kb_id']!r} is neither a Wikidata id (Q42) nor prefix:id"
        if self.mention is not None:
            note_field = self.query_one("#mention-note", SafeTextArea)
            if note_field.edited:
                fields["note"] = note_field.text.strip()
        return fields, None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in a field saves."""
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        """Save through the session and close; a problem is shown and the form stays."""
        fields, error = self.collect()
        if error is None:
            error = self.on_save(fields)
        if error:
            self.query_one("#editor-error", Static).update(Text(display_text(error)))
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(False)


class EntityPicker(MatchPicker, ModalScreen["tuple[str, bool] | None"]):
    """Choose an entity with a fuzzy filter: what the mention is merged into. ctrl+t switches
    between merging this mention and every mention with the same text; the picker gives the
    chosen entity's id and whether every mention goes."""

    DEFAULT_CSS = """
    EntityPicker { align: center middle; }
    EntityPicker > Vertical { width: 70; height: auto; max-height: 80%; border: thick $primary; background: $surface; padding: 0 1; }
    EntityPicker OptionList { height: auto; max-height: 16; border: none; }
    EntityPicker #picker-scope { color: $text-muted; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Close without merging", id="entity_picker.cancel"),
        Binding("down", "step(1)", "Next entity", show=False, id="entity_picker.next"),
        Binding("up", "step(-1)", "Previous entity", show=False, id="entity_picker.previous"),
        Binding("ctrl+t", "toggle_all", "Merge this mention, or every mention with its text", id="entity_picker.toggle_all"),
    ]
    MATCHES_ID = "picker-matches"

    def __init__(self, session: AnnotationSession, mention: Annotation) -> None:
        super().__init__()
        self.session = session
        self.mention = mention
        self.candidates = [e for e in session.entities.values() if e.entity_id != mention.attrs.get("entity_id")]
        self.same_text = len(session.mentions_like(mention))  # mentions with the text, this one included
        self.every_mention = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.scope_line(), id="picker-scope")
            yield SafeInput(placeholder="type to filter; Enter merges into the highlighted entity", id="picker-query", compact=True)
            yield OptionList(id=self.MATCHES_ID, compact=True)

    def scope_line(self) -> Text:
        """What is merged: this mention, or all of them with its text (and the key that switches)."""
        quoted = (f"“{display_text(self.mention.quote.exact)}”", "bold")
        if self.same_text < 2:
            return Text.assemble("Merge ", quoted, " into:")
        if self.every_mention:
            return Text.assemble(f"Merge all {self.same_text} mentions of ", quoted, " (ctrl+t: this one) into:")
        return Text.assemble("Merge this ", quoted, f" (ctrl+t: all {self.same_text}) into:")

    def action_toggle_all(self) -> None:
        """Switch between merging this mention and every mention with the same text."""
        if self.same_text > 1:
            self.every_mention = not self.every_mention
            self.query_one("#picker-scope", Static).update(self.scope_line())

    def on_mount(self) -> None:
        self.fill("")
        self.query_one("#picker-query", Input).focus()

    def fill(self, query: str) -> None:
        """List the entities matching ``query`` (all when empty), best first, the first highlighted."""
        matcher = Matcher(query) if query.strip() else None
        scored = []
        for entity in sorted(self.candidates, key=lambda e: (e.label != self.mention.label, e.name.lower())):
            score = max(matcher.match(n) for n in [entity.name, *entity.aliases]) if matcher else 1.0
            if score > 0:
                scored.append((score, entity))
        scored.sort(key=lambda item: -item[0])
        matches = self.matches
        matches.set_options(
            Option(Text.assemble((display_text(entity.name), "bold"), f"  {display_text(entity.label)}"), id=entity.entity_id) for _, entity in scored
        )
        matches.highlighted = 0 if scored else None

    def picked(self, entity_id: str) -> None:
        """Merge into the chosen entity."""
        self.dismiss((entity_id, self.every_mention))

    def action_cancel(self) -> None:
        """Close without merging."""
        self.dismiss(None)
