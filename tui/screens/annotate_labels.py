"""Labelling on the annotate screen: the digit keys and the label picker (``L``) put a label of
the database's scheme on the selection, or on the entity or token under the cursor.

Which label a key applies is the session's scheme's to say (a database keeps its own), so a
digit the scheme leaves free says so instead of labelling.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tui.widgets.key_names import mapped_keys
from tui.widgets.session_list import excerpt

if TYPE_CHECKING:
    from tui.model.document import Document
    from tui.session.annotation_session import AnnotationSession
    from tui.widgets.article_view import ArticleView

SUBJECT_LENGTH = 32  # how much of the text being labelled the label picker's title quotes


class LabelActions:
    """The annotate screen's label keys (mixed into :class:`~tui.screens.annotate.AnnotateScreen`)."""

    article: ArticleView
    document: Document
    session: AnnotationSession | None

    say: Callable[..., None]
    loaded: Callable[[], bool]
    perform: Callable[[str, Callable[[], object]], object]

    def label_target(self) -> tuple[int, int] | None:
        """What a label goes on: the selection; without one, the whole entity under the cursor
        (relabelled), else the token under the cursor."""
        article = self.article
        entity_here = next((a for a in article.annotations_here() if a.is_entity), None)
        return (entity_here.start, entity_here.end) if entity_here and article.selection is None else article.target()

    def apply_label(self, name: str, target: tuple[int, int] | None) -> None:
        """Label ``target`` (see label_target) with the scheme's label ``name``."""
        if target is None:
            return
        start, end = target
        self.perform(f"labelled {name}", lambda: self.session.label_span(start, end, name))
        self.article.clear_selection()

    def action_label_target(self, key: str) -> None:
        """Label the selection, the entity or the token under the cursor with the label the
        session's scheme gives ``key``."""
        if not self.loaded():
            return
        label = self.session.scheme.label_for_key(key)
        if label is None:
            picker_key = mapped_keys(self.app, "label.pick", "L")[0]  # as the user's keymap has it
            self.say(f"no label has the key {key} in the {self.session.scheme.name} scheme; {picker_key} picks one from the list")
            return
        self.apply_label(label.name, self.label_target())

    def action_pick_label(self) -> None:
        """Pick a label of the scheme by typing part of its name, description or key, and put
        it where a digit key would."""
        if not self.loaded():
            return
        target = self.label_target()
        if target is None:
            return
        from tui.screens.label_picker import LabelPicker

        subject = excerpt(self.document.text[target[0] : target[1]], SUBJECT_LENGTH)
        self.app.push_screen(LabelPicker(self.session.scheme, subject), callback=lambda name: name and self.apply_label(name, target))
