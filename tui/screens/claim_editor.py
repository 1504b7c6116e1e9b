"""The claim editor: a modal form for a claim's type, speaker, cue, content, check-worthiness,
verdict, note and evidence, saved through the session as one undoable action."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlparse

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.model.annotation import Annotation
from tui.model.claims import ClaimAttrs, claim_problems, verdict_of
from tui.model.display import QUOTE_MARKS, display_text
from tui.session.annotation_session import AnnotationSession
from tui.widgets.fields import SafeInput, SafeTextArea
from tui.widgets.forms import Choice, field_row, highlighted_id, step_highlight, with_stored

# Speakers are mostly people and organisations: those come first in the picker, then the
# scheme's other speaking labels in its order.
SPEAKER_LABELS = ("PERSON", "ORG", "NORP", "GPE")
MATCHES_SHOWN = 6

# Called with the edited attributes; returns an error to show in the form, or None once saved.
SaveClaim = Callable[[dict], "str | None"]


def locate(text: str, phrase: str, lo: int, hi: int, near: int) -> tuple[int, int] | None:
    """The occurrence of ``phrase`` in ``text[lo:hi]`` nearest to offset ``near``, if any.

    Where the text has control characters, the phrase may be what the user saw and typed: it
    is then looked for as the text is shown, where each placeholder stands for one character.
    """
    phrase = phrase.strip()
    if not phrase:
        return None
    found = _occurrences(text, phrase, lo, hi)
    if not found:
        region = text[lo:hi]
        shown = display_text(region)
        if len(shown) == len(region):  # no tab widened: offsets in what is shown are offsets in the text
            found = [lo + position for position in _occurrences(shown, phrase, 0, len(shown))]
    if not found:
        return None
    start = min(found, key=lambda p: abs(p - near))
    return (start, start + len(phrase))


def _occurrences(text: str, phrase: str, lo: int, hi: int) -> list[int]:
    """Where ``phrase`` starts in ``text[lo:hi]``, overlapping occurrences included."""
    found = []
    position = text.find(phrase, lo, hi)
    while position != -1:
        found.append(position)
        position = text.find(phrase, position + 1, hi)
    return found


def parse_urls(block: str) -> tuple[list[str], str | None]:
    """Evidence URLs, one a line (or separated by spaces), and an error for one that is not a web address."""
    urls = [word for word in block.split() if word]
    for url in urls:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            return urls, f"evidence must be http(s) addresses: {url!r} is not"
    return list(dict.fromkeys(urls)), None


DISCARD_WARNING = "unsaved changes: Esc again discards them, ctrl+s saves them"


class ClaimEditor(ModalScreen[bool]):
    """Edit one claim; ctrl+s saves (one undoable action), Esc leaves the claim as it was
    (asking first when the form holds changes)."""

    DEFAULT_CSS = """
    ClaimEditor { align: center middle; }
    ClaimEditor > Vertical { width: 96; height: 92%; border: thick $primary; background: $surface; padding: 0 1; }
    ClaimEditor VerticalScroll { height: 1fr; }
    ClaimEditor .field-row { height: auto; margin-bottom: 1; }
    ClaimEditor .field-label { width: 18; color: $text-muted; }
    ClaimEditor #speaker-box { height: auto; width: 1fr; }
    ClaimEditor #speaker-matches { height: auto; max-height: 6; border: none; }
    ClaimEditor #content-box { height: auto; width: 1fr; }
    ClaimEditor TextArea { height: 4; width: 1fr; }
    ClaimEditor #claim-text { margin-bottom: 1; }
    ClaimEditor #editor-error { color: $error; height: auto; }
    ClaimEditor #editor-hint { color: $text-muted; }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save the claim", id="claim_editor.save"),
        Binding("escape", "cancel", "Close, keeping the claim as it was (twice when it has unsaved changes)", id="claim_editor.cancel"),
        Binding("tab", "next_field", "Next field (a typed speaker takes the highlighted entity)", show=False, id="claim_editor.next_field"),
        Binding("ctrl+o", "add_fragment", "Add a content fragment", id="claim_editor.add_fragment"),
        Binding("down", "pick(1)", "Next speaker match", show=False, id="claim_editor.speaker_next"),
        Binding("up", "pick(-1)", "Previous speaker match", show=False, id="claim_editor.speaker_previous"),
    ]

    def __init__(self, session: AnnotationSession, claim: Annotation, on_save: SaveClaim) -> None:
        super().__init__()
        self.session = session
        self.claim = claim
        self.on_save = on_save
        attrs = claim.attrs
        speaker_entity = session.entities.get(attrs.get("speaker") or "")
        self.speaker_id = self.initial_speaker_id = speaker_entity.entity_id if speaker_entity else ""
        # Each content field's span in the text: what an untouched field stands for.
        self.fragment_spans = [(s, e) for s, e in attrs.get("content") or []] or [(claim.start, claim.end)]
        self.discard_asked = False  # the first Esc on unsaved changes asks; the second discards

    def compose(self) -> ComposeResult:
        attrs = self.claim.attrs
        cue = attrs.get("cue")
        worth = attrs.get("checkworthiness")
        with Vertical():
            yield Static(Text("Claim", style="bold"))
            yield Static(Text(f"“{display_text(self.claim.quote.exact.strip().strip(QUOTE_MARKS))}”", style="italic"), id="claim-text")  # one pair of marks, not two
            with VerticalScroll():
                claim_type = attrs.get("claim_type") or self.claim.label
                yield field_row("Type", Choice(with_stored(self.session.scheme.claim_types, claim_type), claim_type, id="claim-type"))
                speaker_box = Vertical(
                    SafeInput(self.session.speaker_name(self.claim), placeholder="type to filter the entities", id="speaker", compact=True),
                    OptionList(id="speaker-matches", compact=True),
                    id="speaker-box",
                )
                yield field_row("Speaker", speaker_box)
                yield field_row("Cue", SafeInput(self.session.text[cue[0] : cue[1]] if cue else "", placeholder="e.g. said", id="cue", compact=True))
                text = self.session.text
                content = [SafeInput(text[s:e], id=f"content-{n}", compact=True) for n, (s, e) in enumerate(self.fragment_spans, 1)]
                yield field_row("Content", Vertical(*content, id="content-box"))
                yield field_row("Check-worthiness", SafeInput("" if worth is None else f"{worth:g}", placeholder="0 to 1", id="checkworthiness", compact=True))
                verdict = verdict_of(attrs)
                yield field_row("Verdict", Choice(with_stored(self.session.scheme.verdict_names, verdict), verdict, id="verdict"))
                yield field_row("Note", SafeTextArea(attrs.get("note") or "", id="note", compact=True))
                yield field_row("Evidence URLs", SafeTextArea("\n".join(attrs.get("evidence") or []), id="evidence", compact=True))
            yield Static("", id="editor-error")
            yield Static(Text("ctrl+s save · Esc keep as is · Tab next field · ↑/↓ Enter pick a speaker · ←/→ change a choice · ctrl+o add a content fragment"), id="editor-hint")

    def on_mount(self) -> None:
        # The matches follow the speaker field (↑/↓ there); Tab skips them.
        self.query_one("#speaker-matches", OptionList).can_focus = False
        self.fill_matches(self.query_one("#speaker", Input).value)
        self.query_one("#claim-type", Choice).focus()
        self.shown_choices = self.choices()  # what closing without a change keeps

    # Speaker picker: entities filtered fuzzily by what is typed.

    def speaker_candidates(self):
        """Document entities whose label the scheme lets speak (never dates, numbers or
        products in the default one), likely speakers first, then by name."""
        scheme = self.session.scheme
        order = {label: n for n, label in enumerate(dict.fromkeys((*SPEAKER_LABELS, *scheme.label_names)))}
        candidates = (e for e in self.session.entities.values() if scheme.may_speak(e.label))
        return sorted(candidates, key=lambda e: (order.get(e.label, len(order)), e.name.lower()))

    def fill_matches(self, query: str) -> None:
        """List the entities that match ``query`` (every entity when it is empty), best first;
        the best match of a query is highlighted: Enter or Tab takes it."""
        matcher = Matcher(query) if query.strip() else None
        scored = []
        for entity in self.speaker_candidates():
            names = [entity.name, *entity.aliases]
            score = max(matcher.match(name) for name in names) if matcher else 1.0
            if score > 0:
                scored.append((score, entity))
        scored.sort(key=lambda item: -item[0])
        matches = self.query_one("#speaker-matches", OptionList)
        matches.set_options(
            Option(Text.assemble((display_text(entity.name), "bold"), f"  {display_text(entity.label)}"), id=entity.entity_id)
            for _, entity in scored[:MATCHES_SHOWN]
        )
        matches.highlighted = 0 if matcher is not None and scored else None

    def on_input_changed(self, event: Input.Changed) -> None:
        """Refilter the speaker matches as the speaker is typed."""
        self.discard_asked = False
        if event.input.id == "speaker":
            # The field's value now, not the event's: a late event must not bring back an old list.
            value = event.input.value
            entity = self.session.entities.get(self.speaker_id)
            if entity is None or display_text(entity.name) != value:
                self.speaker_id = ""
            self.fill_matches(value)

    def action_pick(self, step: int) -> None:
        """Move through the speaker matches while the speaker field has focus."""
        if self.focused is not self.query_one("#speaker"):
            # Elsewhere the arrows keep their usual meaning: move the focus.
            self.focus_next() if step > 0 else self.focus_previous()
            return
        step_highlight(self.query_one("#speaker-matches", OptionList), step)

    def highlighted_speaker(self) -> str:
        """The id of the highlighted speaker match, ``""`` when none is."""
        return highlighted_id(self.query_one("#speaker-matches", OptionList))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter on the speaker takes the highlighted match (the typed text when nothing matches)
        and moves on; on another field it saves."""
        event.stop()
        if event.input.id == "speaker":
            if self.highlighted_speaker():
                self.choose_speaker(self.highlighted_speaker())
            else:
                self.query_one("#cue", Input).focus()
            return
        self.action_save()

    def action_next_field(self) -> None:
        """Tab: from a speaker being typed, take the highlighted match; then the next field."""
        speaker = self.query_one("#speaker", SafeInput)
        if self.focused is speaker and speaker.edited and self.highlighted_speaker():
            self.choose_speaker(self.highlighted_speaker())
        else:
            self.focus_next()

    def on_text_area_changed(self) -> None:
        """A note or evidence typed after the discard warning: Esc asks again."""
        self.discard_asked = False

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A match chosen in the list becomes the speaker."""
        event.stop()
        self.choose_speaker(event.option.id or "")

    def choose_speaker(self, entity_id: str) -> None:
        """Make the entity the speaker and move on to the cue."""
        entity = self.session.entities.get(entity_id)
        if entity is None:
            return
        speaker = self.query_one("#speaker", Input)
        speaker.value = display_text(entity.name)
        self.speaker_id = entity_id
        self.query_one("#speaker-matches", OptionList).highlighted = None
        self.query_one("#cue", Input).focus()

    # Content fragments

    def action_add_fragment(self) -> None:
        """Add a field for another content fragment (a quote split around its cue)."""
        box = self.query_one("#content-box", Vertical)
        field = SafeInput("", placeholder="the quote's next part, as in the text", id=f"content-{len(box.children) + 1}", compact=True)
        box.mount(field)
        field.focus()

    # Saving

    def collect(self) -> tuple[ClaimAttrs, str | None]:
        """The attributes the form changed, or an error saying which field is wrong (the claim
        check's, for a value the form reads but Postil does not take, e.g. check-worthiness 2).

        A field the user did not touch is left out, so what is stored stays exactly as it was
        (a field shows its data display-safe, which is not always what is stored).
        """
        text = self.session.text
        document = self.session.document
        lo = document.line_at(self.claim.start).start
        hi = document.line_at(max(self.claim.start, self.claim.end - 1)).end
        stored = self.claim.attrs
        attrs: ClaimAttrs = {}
        claim_type = self.query_one("#claim-type", Choice).value
        if claim_type != stored.get("claim_type"):
            attrs["claim_type"] = claim_type
        verdict = self.query_one("#verdict", Choice).value
        if verdict != verdict_of(stored):
            attrs["verdict"] = verdict
        speaker_field = self.query_one("#speaker", SafeInput)
        if speaker_field.edited or self.speaker_id != self.initial_speaker_id:
            speaker = " ".join(speaker_field.value.split())
            # A name typed and not yet picked is the highlighted match's; the text only if none.
            chosen = self.session.entities.get(self.speaker_id or self.highlighted_speaker())
            if chosen is not None and (not self.speaker_id or " ".join(display_text(chosen.name).split()) == speaker):
                attrs["speaker"] = chosen.entity_id
            else:
                named = self.session.find_entity(speaker) if speaker else None
                attrs["speaker"] = named.entity_id if named else speaker
        fields = list(self.query("#content-box Input").results(SafeInput))
        if any(field.edited for field in fields):
            content = []
            for n, field in enumerate(fields):
                if not field.edited and n < len(self.fragment_spans):
                    content.append(list(self.fragment_spans[n]))
                    continue
                if not field.value.strip():
                    continue
                span = locate(text, field.value, lo, hi, self.claim.start)
                if span is None:
                    return attrs, f"content: “{field.value.strip()}” is not in the claim's paragraph"
                content.append(list(span))
            if not content:
                return attrs, "content: a claim needs at least one fragment of text"
            attrs["content"] = sorted(content)
        cue_field = self.query_one("#cue", SafeInput)
        if cue_field.edited:
            cue_text = cue_field.value
            if cue_text.strip():
                near = min(start for start, _ in attrs.get("content") or self.fragment_spans)
                cue = locate(text, cue_text, lo, hi, near)
                if cue is None:
                    return attrs, f"cue: “{cue_text.strip()}” is not in the claim's paragraph"
                attrs["cue"] = list(cue)
            else:
                attrs["cue"] = None
        worth_field = self.query_one("#checkworthiness", SafeInput)
        if worth_field.edited:
            worth = worth_field.value.strip()
            if worth:
                try:
                    attrs["checkworthiness"] = float(worth)
                except ValueError:
                    return attrs, f"check-worthiness: {worth!r} is not a number from 0 to 1"
            else:
                attrs["checkworthiness"] = None
        note_field = self.query_one("#note", SafeTextArea)
        if note_field.edited:
            attrs["note"] = note_field.text.strip()
        evidence_field = self.query_one("#evidence", SafeTextArea)
        if evidence_field.edited:
            urls, error = parse_urls(evidence_field.text)
            if error:
                return attrs, error
            attrs["evidence"] = urls
        problems = claim_problems({**stored, **attrs}, len(text), offered=True, scheme=self.session.scheme, changed=set(attrs))
        return attrs, ": ".join(problems[0]) if problems else None

    def show_error(self, error: str) -> None:
        """Say what is wrong, in the form (the claim is not saved)."""
        self.query_one("#editor-error", Static).update(Text(display_text(error)))

    def action_save(self) -> None:
        """Save the form through the session and close; a problem is shown and the form stays."""
        attrs, error = self.collect()
        if error is None:
            error = self.on_save(attrs)
        if error:
            self.show_error(error)
            return
        self.dismiss(True)

    def choices(self) -> dict[str | None, str]:
        """The type and verdict chosen in the form."""
        return {choice.id: choice.value for choice in self.query(Choice).results(Choice)}

    def unsaved(self) -> bool:
        """Whether the user changed the form since it opened (what closing would lose)."""
        fields = [*self.query(SafeInput).results(SafeInput), *self.query(SafeTextArea).results(SafeTextArea)]
        return any(field.edited for field in fields) or self.choices() != self.shown_choices or self.speaker_id != self.initial_speaker_id

    def action_cancel(self) -> None:
        """Close without changing the claim; with unsaved changes, only once asked (Esc twice)."""
        if not self.discard_asked and self.unsaved():
            self.discard_asked = True
            self.show_error(DISCARD_WARNING)
            return
        self.dismiss(False)
