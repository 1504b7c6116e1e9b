"""Changing a database's label scheme: what the new scheme drops that annotations use, and the
changes that relabel them as the user maps them.

Setting a scheme is refused while accepted annotations, entities or claims use a label, claim
type or verdict the old scheme had and the new one does not, unless ``--map OLD=NEW`` says
what each becomes. The model's suggestions of a dropped label are removed with it (the new
scheme no longer suggests them). Each document's relabelling is one undoable journal entry,
saved in one write with the new scheme.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from tui.model.annotation import ACCEPTED, CLAIM, ENTITY, Annotation, Entity
from tui.model.claims import UNVERIFIED, verdict_of
from tui.model.labels import Scheme
from tui.store.records import ANNOTATIONS, ENTITIES, GAZETTEER, Change
from tui.store.repository import Store

# What one kind of value is called in a message, and which of a scheme's values it takes.
LABEL, CLAIM_TYPE, VERDICT = "label", "claim type", "verdict"
KINDS = (LABEL, CLAIM_TYPE, VERDICT)
# The journal operation of a relabelling (undoable in the app like any action).
SCHEME_OP = "scheme"


class SchemeChangeError(ValueError):
    """The scheme cannot be set as asked; the message says why in one line."""


def scheme_values(scheme: Scheme, kind: str) -> set[str]:
    """The values of ``kind`` a scheme has: its labels (and what the model's labels become),
    claim types, or verdicts (``unverified`` included)."""
    if kind == LABEL:
        return set(scheme.entity_labels)
    if kind == CLAIM_TYPE:
        return set(scheme.claim_types)
    return set(scheme.verdict_names)


def parse_mappings(items: list[str]) -> dict[str, str]:
    """``OLD=NEW`` arguments as a dict (``OLD=`` removes the mentions of an entity label, or
    makes a verdict unverified)."""
    mapping: dict[str, str] = {}
    for item in items:
        old, sep, new = item.partition("=")
        if not sep or not old.strip():
            raise SchemeChangeError(f"--map {item}: write OLD=NEW (e.g. --map PERSON=PER)")
        if old.strip() in mapping:
            raise SchemeChangeError(f"--map {item}: {old.strip()} is mapped twice")
        mapping[old.strip()] = new.strip()
    return mapping


def _values_of(annotation: Annotation) -> list[tuple[str, str]]:
    """``(kind, value)`` of each scheme value an annotation uses."""
    if annotation.kind == ENTITY:
        return [(LABEL, annotation.label)]
    if annotation.kind == CLAIM:
        return [(CLAIM_TYPE, annotation.label), (VERDICT, verdict_of(annotation.attrs))]
    return []


@dataclass
class SchemeChange:
    """What setting a scheme changes: the changes to save and what to tell the user."""

    changes: list[Change] = field(default_factory=list)
    relabelled: int = 0
    removed_suggestions: int = 0
    removed_mentions: int = 0

    def summary(self) -> str:
        parts = [f"{self.relabelled} annotations and entities relabelled"] if self.relabelled else []
        if self.removed_mentions:
            parts.append(f"{self.removed_mentions} mentions removed")
        if self.removed_suggestions:
            parts.append(f"{self.removed_suggestions} suggestions of dropped labels removed")
        return "; ".join(parts)


def _mapped(mapping: dict[str, str], kinds: dict[str, set[str]], old: Scheme, new: Scheme) -> dict[tuple[str, str], str]:
    """``(kind, OLD) -> NEW`` for each mapping, checked against the new scheme."""
    result = {}
    for source, target in mapping.items():
        found = [kind for kind in KINDS if source in kinds[kind] or source in scheme_values(old, kind)]
        if not found:
            raise SchemeChangeError(f"--map {source}={target}: no label, claim type or verdict {source} in the database or its scheme")
        for kind in found:
            if target == "" and kind == CLAIM_TYPE:
                raise SchemeChangeError(f"--map {source}=: a claim keeps a type; map {source} to one of {', '.join(new.claim_types)}")
            if target and target not in scheme_values(new, kind) - ({UNVERIFIED} if kind == LABEL else set()):
                choices = {LABEL: new.label_names, CLAIM_TYPE: new.claim_types, VERDICT: new.verdict_names}[kind]
                raise SchemeChangeError(f"--map {source}={target}: {target} is not a {kind} of the new scheme ({', '.join(choices)})")
            result[(kind, source)] = target or (UNVERIFIED if kind == VERDICT else "")
    return result


def scheme_change(store: Store, new: Scheme, mapping: dict[str, str]) -> SchemeChange:
    """The changes that set ``new`` on ``store``'s database, relabelling as ``mapping`` says;
    raises :class:`SchemeChangeError` naming what the new scheme drops and nothing maps."""
    old = store.scheme()
    documents = [(doc.doc_id, store.annotations(doc.doc_id), store.entities(doc.doc_id)) for doc in store.documents()]
    used: dict[str, set[str]] = {kind: set() for kind in KINDS}
    # Accepted mentions of each label, and claims of each type and verdict, whatever their status.
    uses: Counter[tuple[str, str]] = Counter()
    for _, mentions, entities in documents:
        for annotation in mentions:
            for kind, value in _values_of(annotation):
                used[kind].add(value)
                if annotation.status == ACCEPTED or kind != LABEL:
                    uses[(kind, value)] += 1
        for entity in entities:
            used[LABEL].add(entity.label)
    targets = _mapped(mapping, used, old, new)
    gone = {kind: scheme_values(old, kind) - scheme_values(new, kind) for kind in KINDS}
    dropped = {(kind, value) for kind in KINDS for value in used[kind] & gone[kind]}
    blocking = sorted((key for key in dropped if key not in targets and uses[key]), key=lambda key: (KINDS.index(key[0]), key[1]))
    if blocking:
        listed = ", ".join(f"{kind} {value} ({uses[(kind, value)]} annotations)" for kind, value in blocking)
        hint = " ".join(f"--map {value}=NEW" for _, value in blocking)
        nothing = next((f" (a label may become nothing, its mentions removed: --map {value}=)" for kind, value in blocking if kind == LABEL), "")
        raise SchemeChangeError(f"the new scheme {new.name} drops {listed}; say what each becomes with {hint}{nothing}")
    removals = {key: "" for key in dropped if key not in targets}  # labels only suggestions use
    relabelling = {**removals, **targets}
    result = SchemeChange()
    for doc_id, mentions, entities in documents:
        changes = _relabel_document(mentions, entities, relabelling, result)
        if changes:
            before = [store.record(change.table, change.key) for change in changes]
            result.changes += [*changes, store.append_journal(SCHEME_OP, changes, before, doc_id=doc_id)]
    for entry in store.gazetteer():
        target = relabelling.get((LABEL, entry["label"]))
        if target is not None:
            result.changes.append(Change(GAZETTEER, entry["key"], {**entry, "label": target} if target else None))
    return result


def _relabel_document(annotations: list[Annotation], entities: list[Entity], targets: dict[tuple[str, str], str], result: SchemeChange) -> list[Change]:
    """The changes of one document's annotations and entities under ``targets``."""
    changes = []
    gone_entities = {e.entity_id: e.name for e in entities if targets.get((LABEL, e.label)) == ""}
    for entity in entities:
        target = targets.get((LABEL, entity.label))
        if target is None:
            continue
        record = entity.to_record()
        changes.append(Change(ENTITIES, entity.entity_id, {**record, "label": target} if target else None))
        result.relabelled += bool(target)
    for annotation in annotations:
        if annotation.kind == ENTITY:
            target = targets.get((LABEL, annotation.label))
            if target is None:
                continue
            if target:
                changes.append(Change(ANNOTATIONS, annotation.id, {**annotation.to_record(), "label": target}))
                result.relabelled += 1
            else:
                changes.append(Change(ANNOTATIONS, annotation.id, None))
                if annotation.status == ACCEPTED:
                    result.removed_mentions += 1
                else:
                    result.removed_suggestions += 1
        elif annotation.kind == CLAIM:
            attrs = dict(annotation.attrs)
            claim_type = targets.get((CLAIM_TYPE, annotation.label)) or annotation.label
            verdict = targets.get((VERDICT, verdict_of(attrs)))
            speaker = attrs.get("speaker")
            changed = claim_type != annotation.label or verdict is not None or speaker in gone_entities
            if not changed:
                continue
            attrs["claim_type"] = claim_type
            if verdict is not None:
                attrs["verdict"] = verdict
            if speaker in gone_entities:
                attrs["speaker"] = gone_entities[speaker]  # the speaker's name stays, as text
            changes.append(Change(ANNOTATIONS, annotation.id, {**annotation.to_record(), "label": claim_type, "attrs": attrs}))
            result.relabelled += 1
    return changes


def set_scheme(store: Store, new: Scheme, mapping: dict[str, str]) -> SchemeChange:
    """Store ``new`` as the database's scheme with the relabelling ``mapping`` asks for, all in one write."""
    change = scheme_change(store, new, mapping)
    store.apply([*change.changes, store.scheme_change(new)])
    return change
