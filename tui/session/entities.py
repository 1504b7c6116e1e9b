"""Entity rules and planners: which entity a mention names, and what renaming, merging or
retiring an entity changes. Planners read an :class:`AnnotationIndex` and return a
:class:`Plan`; they never write (the session commits a plan as one undoable action).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from tui.model.annotation import ACCEPTED, Annotation, Entity, entity_problems, now_iso
from tui.model.mentions import canonical_name
from tui.session.index import AnnotationIndex
from tui.store.records import ANNOTATIONS, ENTITIES, Change


def stamped(annotation: Annotation, annotator: str, stamp: str = "", **fields) -> Annotation:
    """``annotation`` with ``fields`` changed by ``annotator`` just now (at ``stamp`` when given):
    the change is dated and signed, keeping the old annotator only when there is no new one."""
    return replace(annotation, updated=stamp or now_iso(), annotator=annotator or annotation.annotator, **fields)


def aliases_with(entity: Entity, names: list[str]) -> list[str]:
    """``entity``'s aliases followed by those of ``names`` it does not already go by (ignoring case)."""
    known = {entity.name.lower(), *(alias.lower() for alias in entity.aliases)}
    aliases = list(entity.aliases)
    for name in names:
        if name.lower() not in known:
            known.add(name.lower())
            aliases.append(name)
    return aliases


@dataclass
class Plan:
    """The record changes of one action (``op``, as the journal names it) and the text ranges
    they redraw; ``entity_id`` is the entity the action leaves the user looking at."""

    op: str
    changes: list[Change] = field(default_factory=list)
    ranges: list[tuple[int, int]] = field(default_factory=list)
    entity_id: str = ""

    def extend(self, other: Plan) -> None:
        """Add ``other``'s changes and ranges to this plan's (one action doing both)."""
        self.changes += other.changes
        self.ranges += other.ranges


def entity_for(index: AnnotationIndex, name: str, label: str, doc_id: str, annotator: str = "") -> tuple[Entity, Change | None]:
    """The entity a mention named ``name`` refers to, and the change creating it if new: one of
    that label going by the name (or, for a person, by it as a surname), else a new one (owned
    by ``annotator`` in a team database)."""
    existing = index.entities_by_name().get((label, name.lower()))
    if existing is not None:
        return existing, None
    if label == "PERSON":
        wanted = name.lower()
        for entity in index.entities.values():
            if entity.label == label and entity.name.lower().split()[-1:] == [wanted]:
                return entity, None
    entity = Entity(doc_id=doc_id, name=name, label=label, annotator=annotator)
    return entity, Change(ENTITIES, entity.entity_id, entity.to_record())


def drop_if_unused(index: AnnotationIndex, old: Annotation, new: Annotation | None) -> list[Change]:
    """The deletion of the old mention's entity when no other mention refers to it any more."""
    entity_id = old.attrs.get("entity_id")
    if not old.is_entity or not entity_id or (new is not None and new.attrs.get("entity_id") == entity_id):
        return []
    refs = index.refs.get(entity_id, ())
    others = len(refs) - (old.id in refs)  # (not a set difference: an entity may have 14,000 mentions)
    return [] if others else [Change(ENTITIES, entity_id, None)]


def plan_retire(index: AnnotationIndex, old_id: str, new_id: str) -> Plan:
    """What removes entity ``old_id``: the claims it speaks are given ``new_id`` as their
    speaker, and it is deleted (a part of a merge, which commits it)."""
    plan = Plan("retire")
    for claim in index.references(old_id):
        if claim.is_claim and claim.attrs.get("speaker") == old_id:
            plan.changes.append(Change(ANNOTATIONS, claim.id, replace(claim, attrs={**claim.attrs, "speaker": new_id}).to_record()))
            plan.ranges.append((claim.start, claim.end))
    plan.changes.append(Change(ENTITIES, old_id, None))
    return plan


def plan_mention_move(index: AnnotationIndex, mentions: list[Annotation], target: Entity, annotator: str = "") -> Plan:
    """Make each of ``mentions`` refer to ``target`` (taking its label, accepted by
    ``annotator``). Their texts become aliases of ``target``; an entity left without mentions is
    retired into ``target``."""
    stamp = now_iso()
    plan = Plan("merge", entity_id=target.entity_id)
    for mention in mentions:
        moved = stamped(mention, annotator, stamp, label=target.label, status=ACCEPTED, attrs={**mention.attrs, "entity_id": target.entity_id})
        plan.changes.append(Change(ANNOTATIONS, mention.id, moved.to_record()))
        plan.ranges.append((mention.start, mention.end))
    aliases = aliases_with(target, [canonical_name(mention.quote.exact) for mention in mentions])
    if aliases != target.aliases:
        plan.changes.append(Change(ENTITIES, target.entity_id, replace(target, aliases=aliases).to_record()))
    moving = {mention.id for mention in mentions}
    for old_id in dict.fromkeys(mention.attrs.get("entity_id", "") for mention in mentions):
        if old_id == target.entity_id or old_id not in index.entities:
            continue
        if not any(a.id not in moving and a.is_entity and a.attrs.get("entity_id") == old_id for a in index.references(old_id)):
            plan.extend(plan_retire(index, old_id, target.entity_id))
    return plan


def plan_merge(index: AnnotationIndex, source: Entity, target: Entity, label: str | None, aliases: list[str], kb_id: str, annotator: str = "") -> Plan:
    """Merge ``source`` into ``target``: its mentions and the claims it speaks move over, its name
    and ``aliases`` become the target's aliases, and it is removed. ``label``, when given,
    relabels the merged entity and every mention; a knowledge-base id the target lacks is taken
    from ``kb_id``. Two different ids are refused (ValueError)."""
    if kb_id and target.kb_id and kb_id != target.kb_id:
        raise ValueError(f"name: {target.name} is another entity ({target.kb_id}, this one is {kb_id}); clear one KB id to merge them")
    merged = replace(target, label=label or target.label, aliases=aliases_with(target, [source.name, *aliases]), kb_id=target.kb_id or kb_id)
    stamp = now_iso()
    plan = Plan("merge-entity", [Change(ENTITIES, target.entity_id, merged.to_record())], [], target.entity_id)
    for mention in [*index.references(source.entity_id), *index.references(target.entity_id)]:
        # Every mention of either, any status (a rejected one must not name a deleted entity).
        entity_id = mention.attrs.get("entity_id") if mention.is_entity else None
        if entity_id not in (source.entity_id, target.entity_id) or (entity_id == target.entity_id and mention.label == merged.label):
            continue
        moved = stamped(mention, annotator, stamp, label=merged.label, attrs={**mention.attrs, "entity_id": target.entity_id})
        plan.changes.append(Change(ANNOTATIONS, mention.id, moved.to_record()))
        plan.ranges.append((mention.start, mention.end))
    plan.extend(plan_retire(index, source.entity_id, target.entity_id))
    return plan


def plan_entity_edit(index: AnnotationIndex, entity: Entity, name: str | None, label: str | None, aliases: list[str] | None, kb_id: str | None, annotator: str = "") -> Plan:
    """Rename ``entity``, relabel it (and so every mention of it, signed by ``annotator``), set
    its aliases or its knowledge-base id. Renamed to the name or an alias of another entity, it is merged into
    that one (:func:`plan_merge`). A value outside the data model raises ValueError; a plan
    without changes means nothing changes."""
    name = " ".join(name.split()) if name is not None else entity.name
    if not name:
        raise ValueError("an entity needs a name")
    aliases = entity.aliases if aliases is None else list(dict.fromkeys(a.strip() for a in aliases if a.strip() and a.strip() != name))
    kb_id = entity.kb_id if kb_id is None else kb_id.strip()
    problems = entity_problems({**entity.to_record(), "name": name, "label": label or entity.label, "aliases": aliases, "kb_id": kb_id})
    if problems:
        raise ValueError(": ".join(problems[0]))
    same_name = index.find_entity(name, other_than=entity.entity_id)
    if same_name is not None and name.lower() != entity.name.lower():
        return plan_merge(index, entity, same_name, label if label != entity.label else None, aliases, kb_id, annotator)
    updated = replace(entity, name=name, label=label or entity.label, aliases=aliases, kb_id=kb_id)
    plan = Plan("edit-entity", entity_id=entity.entity_id)
    if updated == entity:
        return plan
    plan.changes.append(Change(ENTITIES, entity.entity_id, updated.to_record()))
    mentions = [a for a in index.references(entity.entity_id) if a.is_entity and a.attrs.get("entity_id") == entity.entity_id]
    if updated.label != entity.label:
        stamp = now_iso()
        plan.changes += [Change(ANNOTATIONS, a.id, stamped(a, annotator, stamp, label=updated.label).to_record()) for a in mentions]
    plan.ranges = [(a.start, a.end) for a in mentions]
    return plan
