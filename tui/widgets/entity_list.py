"""The Entities tab: the document's entities grouped by label, with their mention counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from tui.messages import EntityChosen, JumpTo
from tui.model.annotation import Entity
from tui.model.display import display_text
from tui.widgets.item_list import ItemList
from tui.widgets.session_list import EXCERPT_LENGTH, HEADING, SessionList, excerpt

if TYPE_CHECKING:
    from tui.session.annotation_session import AnnotationSession


class EntityList(SessionList):
    """Entities grouped by label with their mention counts; Enter jumps to the next mention and
    highlights all of them in the article."""

    topic = "entities"

    def __init__(self, session: AnnotationSession) -> None:
        super().__init__(session, id="entity-list")
        self._next_mention: dict[str, int] = {}

    def entries(self) -> tuple[list[str], list[int]]:
        keys, heights = [], []
        for label, entities in self.session.entity_groups():
            keys.append(HEADING + label)
            heights.append(1)
            for entity, _ in entities:
                keys.append(entity.entity_id)
                heights.append(2 if self._second_line(entity) else 1)
        return keys, heights

    def _second_line(self, entity: Entity) -> str:
        """The entity's other mention forms and knowledge-base id, if any."""
        forms = [form for form in self.session.mention_forms(entity.entity_id) if form != entity.name]
        return ", ".join(forms + ([entity.kb_id] if entity.kb_id else []))

    def entry_lines(self, key: str) -> list[Text]:
        if key.startswith(HEADING):
            label = key[len(HEADING) :]
            return [Text(display_text(label), style=f"bold {self.session.scheme.color_for(label)}")]
        entity = self.session.entities[key]
        color = self.session.scheme.color_for(entity.label)
        lines = [Text.assemble("  ", (excerpt(entity.name, EXCERPT_LENGTH - 14), color), f" ×{self.session.mention_count(entity.entity_id)}")]
        second = self._second_line(entity)
        if second:
            lines.append(Text("    " + excerpt(second, EXCERPT_LENGTH - 6), style="dim"))
        return lines

    def on_item_list_chosen(self, event: ItemList.Chosen) -> None:
        """Jump to the entity's next mention, cycling through them, with all of them highlighted."""
        event.stop()
        entity_id = event.key
        mentions = self.session.mentions_of(entity_id)
        if not mentions:
            return
        position = self._next_mention.get(entity_id, 0) % len(mentions)
        self._next_mention[entity_id] = position + 1
        self.post_message(EntityChosen(entity_id))
        self.post_message(JumpTo(mentions[position].start, mentions[position].end))
