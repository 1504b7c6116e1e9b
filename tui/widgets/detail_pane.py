"""The detail pane under the side panel: everything about one annotation, its note included."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.model.annotation import Annotation, Entity
from tui.model.claims import verdict_of
from tui.model.display import QUOTE_MARKS, display_text
from tui.widgets.lines import set_virtual_size, text_signature, text_strip

if TYPE_CHECKING:
    from tui.session.annotation_session import AnnotationSession

QUOTE_SHOWN = 160


def _clip(text: str, length: int = QUOTE_SHOWN) -> str:
    """``text`` on one line, display-safe, cut to ``length`` characters."""
    flat = display_text(" ".join(text.split()))
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def _field(line: Text, name: str, value: str, style: str = "", keep_newlines: bool = False) -> None:
    """Append ``name: value`` on a new line (the value is data: display-safe, never markup;
    with ``keep_newlines`` its line breaks stay, as in a note)."""
    line.append(f"\n{name}: ", style="dim")
    line.append(display_text(value, keep_newlines=keep_newlines), style=style)


def describe_claim(session: AnnotationSession, claim: Annotation, speaker_style: Style | str = "", type_style: Style | str = "bold") -> Text:
    """A claim: its text, type (in ``type_style``), speaker (in ``speaker_style``), cue, content
    fragments, verdict, score, note, evidence."""
    attrs = claim.attrs
    text = session.text
    out = Text()
    out.append(f"“{_clip(claim.quote.exact.strip().strip(QUOTE_MARKS))}”", style="italic")  # one pair of marks, not two
    _field(out, "type", f"{attrs.get('claim_type') or claim.label} · {claim.status}", type_style)
    speaker = session.speaker_name(claim)
    entity = session.entities.get(attrs.get("speaker") or "")
    _field(out, "speaker", speaker + (" (entity)" if entity else " (as typed)" if speaker else "—"), speaker_style)
    cue = attrs.get("cue")
    if cue:
        _field(out, "cue", _clip(text[cue[0] : cue[1]], 40))
    fragments = attrs.get("content") or []
    if len(fragments) > 1:
        _field(out, "content", " … ".join(_clip(text[s:e], 60) for s, e in fragments))
    _field(out, "verdict", verdict_of(attrs), "bold")
    worth = attrs.get("checkworthiness")
    _field(out, "check-worthiness", "—" if worth is None else f"{worth:.2f}")
    note = attrs.get("note") or ""
    if note:
        _field(out, "note", note, keep_newlines=True)
    for url in attrs.get("evidence") or []:
        _field(out, "evidence", url, "underline")
    return out


def describe_entity(session: AnnotationSession, entity: Entity, mention: Annotation | None) -> Text:
    """An entity: name, label, aliases, knowledge-base id, mention count, and the mention's note."""
    out = Text()
    out.append(display_text(entity.name), style=f"bold {session.scheme.color_for(entity.label)}")
    out.append(f"  {display_text(entity.label)}", style="dim")
    count = session.mention_count(entity.entity_id)
    forms = [_clip(form, 30) for form in session.mention_forms(entity.entity_id)]
    _field(out, "mentions", str(count) + (f" — {', '.join(forms)}" if count else ""))
    if entity.aliases:
        _field(out, "aliases", ", ".join(entity.aliases))
    if entity.kb_id:
        _field(out, "kb id", entity.kb_id)
    if mention is not None:
        _field(out, "this mention", f"“{_clip(mention.quote.exact, 60)}” · {mention.status}")
        if mention.attrs.get("note"):
            _field(out, "note", mention.attrs["note"])
    return out


def describe(session: AnnotationSession, annotation: Annotation | None = None, entity: Entity | None = None, speaker_style: Style | str = "", type_style: Style | str = "bold") -> Text:
    """What the pane shows for an annotation (or an entity chosen in the list)."""
    if annotation is not None and annotation.is_claim:
        return describe_claim(session, annotation, speaker_style, type_style)
    if annotation is not None:
        found = session.entities.get(annotation.attrs.get("entity_id") or "")
        if found is not None:
            return describe_entity(session, found, annotation)
        out = Text(f"“{_clip(annotation.quote.exact)}”", style="italic")
        _field(out, "label", f"{annotation.label} · {annotation.status}")
        if annotation.attrs.get("note"):
            _field(out, "note", annotation.attrs["note"])
        return out
    if entity is not None:
        return describe_entity(session, entity, None)
    return Text("Nothing under the cursor. e edits the claim or entity under it.", style="dim")


class DetailPane(ScrollView):
    """Shows the annotation under the cursor, or the entry highlighted in a list; a long one (a
    claim's note and evidence) scrolls: the mouse wheel, ctrl+↑/↓ from the side panel, or the
    arrows once the pane is clicked.

    Its height is fixed and it repaints only the rows whose text changed: it follows the
    cursor and every action, so it must not cost a layout pass, nor a redraw of rows that
    look the same (a relabel changes two or three of them).
    """

    DEFAULT_CSS = """
    DetailPane {
        height: 10;
        border-top: tall $primary-background;
        padding: 0 1;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        scrollbar-gutter: stable;  /* the text wraps to one width, with or without a scrollbar */
        & > .detail-pane--speaker { color: $list-speaker; }
        & > .detail-pane--claim-type { color: $list-claim-type; text-style: bold; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"detail-pane--speaker", "detail-pane--claim-type"}

    def __init__(self, session: AnnotationSession) -> None:
        super().__init__(id="detail-pane")
        self.session = session
        self.annotation_id: str | None = None
        self.entity_id = ""
        self._description = Text()
        self.shows_text = False  # a description made elsewhere (show_text) is shown
        self._rows: list[Text] = []  # the description wrapped to the pane's width
        self._wrapped_width = 0

    def render(self) -> Text:
        """The description last built."""
        return self._description

    def _show(self, description: Text, from_top: bool = False) -> None:
        """Show ``description``; ``from_top`` when it describes something else than before."""
        self._description = description
        old_rows = self._rows
        self._wrap()
        if self._wrapped_width == 0:
            return  # not laid out yet: the first paint draws it
        if from_top and self.scroll_offset.y:
            self.scroll_to(y=0, animate=False, immediate=True)
            self.refresh()
            return
        top = self.scroll_offset.y
        for y in range(top, top + self.scrollable_content_region.height):
            old = text_signature(old_rows[y]) if y < len(old_rows) else None
            new = text_signature(self._rows[y]) if y < len(self._rows) else None
            if old != new:
                self.refresh_lines(y)

    def _wrap(self) -> None:
        self._wrapped_width = width = self.scrollable_content_region.width
        self._rows = list(self._description.wrap(self.app.console, width)) if width > 0 else []
        if self.is_mounted:
            set_virtual_size(self, Size(width, len(self._rows)), repaint=False)

    def on_resize(self) -> None:
        self._wrap()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if width != self._wrapped_width:
            self._wrap()
        style = self.rich_style
        row = self.scroll_offset.y + y
        if row >= len(self._rows):
            return Strip.blank(width, style)
        return text_strip(self, self._rows[row], width, style)

    def show_annotation(self, annotation: Annotation | None, only_if_changed: bool = False) -> None:
        """Describe ``annotation`` (or say there is none); with ``only_if_changed``, nothing is
        done when it is the one already shown (the cursor moved within it)."""
        annotation_id = annotation.id if annotation else ""
        if only_if_changed and not self.entity_id and annotation_id == self.annotation_id:
            return
        other = self.entity_id != "" or annotation_id != self.annotation_id
        self.annotation_id, self.entity_id, self.shows_text = annotation_id, "", False
        styles = {"speaker_style": self.get_component_rich_style("detail-pane--speaker", partial=True), "type_style": self.get_component_rich_style("detail-pane--claim-type", partial=True)}
        self._show(describe(self.session, annotation, **styles), from_top=other)

    def show_text(self, description: Text) -> None:
        """Show a description made elsewhere (curation mode: who said what at a disagreement)."""
        other = description.plain != self._description.plain
        self.annotation_id, self.entity_id = None, ""  # the next annotation shown is news
        self.shows_text = True
        self._show(description, from_top=other)

    def show_entity(self, entity: Entity | None) -> None:
        """Describe an entity chosen in the Entities list."""
        entity_id = entity.entity_id if entity else ""
        other = entity_id != self.entity_id or self.annotation_id != ""
        self.annotation_id, self.entity_id, self.shows_text = "", entity_id, False
        self._show(describe(self.session, None, entity), from_top=other)

    def notify_style_update(self) -> None:
        """The theme changed: describe again, in its colours."""
        super().notify_style_update()
        if self.is_mounted:
            self.call_after_refresh(self.refresh_details)

    def refresh_details(self) -> None:
        """Describe again what is shown, after annotations changed (a description made
        elsewhere stays: its maker shows it again when it changes)."""
        if self.shows_text:
            return
        if self.entity_id:
            self.show_entity(self.session.entities.get(self.entity_id))
        else:
            self.show_annotation(self.session.annotation(self.annotation_id or ""))  # a derived suggestion too
