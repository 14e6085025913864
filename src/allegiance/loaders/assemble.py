"""From records to a checked batch: entities declared, references resolved.

Statements stream through: each is resolved as soon as it arrives, and only one
that names something not declared yet waits for the end of the input, so memory
stays bounded by the entities, not by the statements.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from allegiance.exc import InputError, UnknownReference
from allegiance.loaders import columnar, redeclared
from allegiance.loaders.records import NOTE, DatasetRef, Record, to_actor, to_place, to_source
from allegiance.loaders.untrusted import shown
from allegiance.model import Actor, Known, PartialDate, Place, RelationType, ScopedAlias, Source, Statement, relation_types
from allegiance.model.names import NameIndex, name_key, slug
from allegiance.model.partial_date import interval
from allegiance.model.vocabulary import ADD_KIND

if TYPE_CHECKING:
    import pyarrow as pa

# What an unknown actor or place can become; the CLI names its flag instead (Undeclared).
UNDECLARED = " (declare it, or load with create_missing)"


class Undeclared(UnknownReference):
    """An actor or place nobody declared, which a load that creates missing ones would make."""


def ends(rtype: RelationType, subject: str, object_: str) -> tuple[str, str]:
    """The two ends as stored: an undirected relation is one relation, whichever way round
    it was written (the smaller id first)."""
    if not rtype.directed and object_ < subject:
        return object_, subject
    return subject, object_


class Assembler:
    """Checks records and resolves references; collects the entities a load declares."""

    def __init__(self, known: Known | None = None, *, create_missing: bool = False, replace: bool = False,
                 stored: Mapping[str, tuple[float | None, int | None]] | None = None):
        """``stored``: the (confidence, weight) of each statement id the store holds;
        ``replace``: a declaration of what the store holds replaces it (else it merges, and
        another value for a stored one is refused; see ``redeclared``)."""
        self.known = known or Known()
        self.create_missing = create_missing
        self.replace = replace
        self.stored = stored or {}
        # statements the store holds whose confidence or weight this load changes, by id
        self.restated: dict[str, Statement] = {}
        self._restated_at: dict[str, tuple[tuple[str, str], Statement]] = {}  # where, and as given there
        self.updated: list[dict[str, Any]] = []  # what re-declarations merged into the store's data
        self.replaced: list[dict[str, Any]] = []  # what they replaced (only with ``replace``)
        self.actors: dict[str, Actor] = {}
        self.places: dict[str, Place] = {}
        self.sources: dict[str, Source] = {}
        self.created: list[str] = []
        # (dataset, name, code) -> statements that named it, for dataset names no alias maps
        self.unmapped: dict[tuple[str, str, str | None], int] = {}
        self.notes: list[str] = []  # what dataset readers want the load report to say
        self.self_relations = 0  # dataset statements whose two sides map to one actor
        self._scoped: dict[tuple[str, ...], list[tuple[str, ScopedAlias]]] = {}
        # what a dataset name resolves to when no period-limited alias applies; names repeat
        # on every row of a dataset, so this is the hot path of a large load
        self._fallback: dict[tuple[str, DatasetRef], str] = {}
        # (kind, id) -> where this load first declares it, and what it declared there
        self._declared: dict[tuple[str, str], tuple[tuple[str, str], Actor | Place | Source]] = {}
        self._index = {"actor": NameIndex("actor"), "place": NameIndex("place"), "source": NameIndex("source")}
        self._kinds: dict[str, str] = {}  # actors and places share one id space
        for kind, table in (("actor", self.known.actors), ("place", self.known.places), ("source", self.known.sources)):
            for entity in table.values():
                self._register(kind, entity, None)

    def changed(self) -> tuple[list[Actor], list[Place], list[Source]]:
        """Entities this load adds or alters; unchanged ones are not written again."""
        def diff(table, known):
            return [e for i, e in table.items() if known.get(i) != e]

        return (diff(self.actors, self.known.actors), diff(self.places, self.known.places),
                diff(self.sources, self.known.sources))

    def statements(self, records: Iterable[Record | columnar.File]) -> Iterator[Statement | pa.Table]:
        """Checked statements; the declared entities fill ``actors``/``places``/``sources``.
        A ``columnar.File`` gives its statements as one table when it can (``columnar.read``),
        else its records row by row."""
        waiting: list[Record] = []
        for item in records:
            if isinstance(item, columnar.File):
                table = columnar.read(item, self)
                if table is not None:
                    yield table
                    continue
                rows: Iterable[Record] = item.rows()
            else:
                rows = (item,)
            yield from self._checked(rows, waiting)
        for record in waiting:
            yield from self._statements(record, last_try=True)

    def _checked(self, records: Iterable[Record], waiting: list[Record]) -> Iterator[Statement]:
        for record in records:
            if record.kind == "statement":
                try:
                    made = self._statements(record)
                except UnknownReference:
                    waiting.append(record)
                    continue
                yield from made
            elif record.kind == NOTE:
                if record.data.get("text"):  # a note may carry only counts (CAMEO's)
                    self.notes.append(f"{record.file}: {record.data['text']}")
            else:
                self._declare(record)

    # -- entities --------------------------------------------------------------
    def _declare(self, record: Record) -> None:
        if_missing = bool(record.data.pop("_if_missing", False))
        if if_missing and record.data.get("name") in self._index[record.kind]:
            return
        convert: dict[str, Callable[[Record], Actor | Place | Source]] = {
            "actor": to_actor, "place": to_place, "source": to_source,
        }
        self._register(record.kind, convert[record.kind](record), (record.file, record.where))

    def _register(self, kind: str, entity: Actor | Place | Source, origin: tuple[str, str] | None) -> None:
        """Add an entity; ``origin`` (file, record) is None for what the store holds."""
        file, where = origin or (None, None)
        if kind != "source":
            other = self._kinds.get(entity.id)
            if other is not None and other != kind:
                article = "an" if other == "actor" else "a"
                raise InputError(f"id {entity.id!r} is already used by {article} {other}", file=file, record=where,
                                 field="id")
            self._kinds[entity.id] = kind
        # loosely typed: the table of kind holds entities of that kind, as entity is
        tables: dict[str, dict[str, Any]] = {"actor": self.actors, "place": self.places, "source": self.sources}
        table = tables[kind]
        if origin is not None:
            first = self._declared.get((kind, entity.id))
            if first is not None:
                if first[1] != entity:
                    raise InputError(
                        f"{kind} {entity.id!r} is declared twice with different fields (first at {first[0][0]}, "
                        f"{first[0][1]})", file=file, record=where, field="id",
                    )
                return
            self._declared[(kind, entity.id)] = (origin, entity)
            held: dict[str, Mapping[str, Actor | Place | Source]] = {
                "actor": self.known.actors, "place": self.known.places, "source": self.known.sources}
            stored = held[kind]
            if entity.id in stored:
                entity = self._redeclared(kind, stored[entity.id], entity, origin)
                if entity is stored[entity.id]:
                    return  # declared as the store holds it: indexed already
        table[entity.id] = entity
        names = () if isinstance(entity, Source) else (entity.name, *entity.aliases)
        self._index[kind].add(entity.id, names)
        for alias in getattr(entity, "scoped", ()):
            key = ("code", alias.dataset or "", alias.code) if alias.code else ("name", name_key(alias.name))
            self._scoped.setdefault(key, []).append((entity.id, alias))

    def _redeclared(self, kind: str, stored: Actor | Place | Source, entity: Actor | Place | Source,
                    origin: tuple[str, str]) -> Actor | Place | Source:
        """What the store is to hold for an entity it already has."""
        effect, found = self._judge(kind, f"{kind} {entity.id!r}", stored, entity, origin)
        if effect is None:
            return stored
        if isinstance(stored, Actor):
            # _register indexes the new scoped aliases: the stored ones go (a merge keeps them all)
            for entries in self._scoped.values():
                entries[:] = [e for e in entries if e[0] != stored.id]
        return entity if effect == "replace" else redeclared.merged(stored, found)

    def _judge(self, kind: str, what: str, old: Any, new: Any, origin: tuple[str, str],
               statement: Statement | None = None) -> tuple[str | None, list[redeclared.Change]]:
        """Whether a declaration of what the store holds merges into it or replaces it (listed
        in the report; None if it changes nothing), and how they differ. Another value for a
        stored one is refused unless the load replaces."""
        found = redeclared.changes(kind, old, new)
        conflict = next((c for c in found if c.conflict), None)
        if conflict is not None and not self.replace:
            raise InputError(redeclared.refusal(what, conflict), file=origin[0], record=origin[1],
                             field=conflict.field)
        if self.replace and any(c.conflict or not redeclared.same(c.new, c.merged) for c in found):
            replaced = [(c.field, c.old, c.new) for c in found]
            self.replaced.append(redeclared.entry(kind, old.id, replaced, statement))
            return "replace", found
        added = [(c.field, c.old, c.merged) for c in found if not redeclared.same(c.old, c.merged)]
        if not added:
            return None, found
        self.updated.append(redeclared.entry(kind, old.id, added, statement))
        return "merge", found

    def adopt(self, kind: str, entity: Actor | Place | Source) -> None:
        """Take an entity another store holds, as if a file had declared it."""
        self._register(kind, entity, ("<store>", entity.id))

    # -- statements ------------------------------------------------------------
    def _dataset_ref(self, kind: str, ref: DatasetRef, lo: int, hi: int) -> str:
        """Our id for a dataset's name: an alias for that dataset and period, then a plain
        name or alias, else a dataset-scoped entity that the load report lists."""
        if kind == "actor":
            keys = ([("code", ref.dataset, ref.code), ("code", "", ref.code)] if ref.code else []) + [
                ("name", name_key(ref.name))]
            for key in keys:
                ids = {actor_id for actor_id, alias in self._scoped.get(key, ())
                       if alias.dataset in (None, ref.dataset) and alias.covers(lo, hi)}
                if len(ids) == 1:
                    return ids.pop()
        cached = self._fallback.get((kind, ref))
        if cached is None:
            found = self._index[kind].find(ref.name)
            # A plain name or alias of ours maps; another dataset's scoped entity does not.
            cached = found if found is not None and ":" not in found else self._scoped_entity(kind, ref)
            self._fallback[(kind, ref)] = cached
        if ":" not in cached:
            return cached
        named = (ref.dataset, ref.name, ref.code)
        self.unmapped[named] = self.unmapped.get(named, 0) + 1
        return cached

    def _scoped_entity(self, kind: str, ref: DatasetRef) -> str:
        """The dataset-scoped actor or place for ``ref``, made on first sight."""
        scoped_id = f"{ref.dataset}:{slug(ref.code or ref.name)}"
        if self._kinds.get(scoped_id, kind) != kind:
            scoped_id += f"-{kind}"  # "Yemen" the actor and "Yemen" the place stay two entities
        if scoped_id not in self._kinds:
            entity = (Actor(id=scoped_id, name=ref.name, type=ref.type or "other", country=ref.country)
                      if kind == "actor" else Place(id=scoped_id, name=ref.name, country=ref.country))
            self._register(kind, entity, None)
        return scoped_id

    def _resolve(self, record: Record, kind: str, field_: str, ref: object, last_try: bool,
                 span: tuple[int, int] = (0, 0)) -> str:
        if type(ref) is str:
            found = self._index[kind].resolved.get(ref)
            if found is not None:
                return found
        if isinstance(ref, DatasetRef):
            return self._dataset_ref(kind, ref, *span)
        if isinstance(ref, (dict, list)) or ref is None:
            raise record.error(f"expected the id or name of a {kind}, got {shown(ref)}", field=field_)
        try:
            return self._index[kind].resolve(str(ref))
        except UnknownReference as e:
            if not last_try:
                raise
            other = {"actor": "place", "place": "actor"}.get(kind)
            if other and str(ref) in self._index[other]:
                found, wanted = (f"{'an' if k == 'actor' else 'a'} {k}" for k in (other, kind))
                raise UnknownReference(f"{ref!r} is {found}; expected {wanted} here",
                                       file=record.file, record=record.where, field=field_) from None
            if self.create_missing and kind in ("actor", "place") and "ambiguous" not in e.message:
                return self._create(kind, str(ref), record)
            if kind == "source" or "ambiguous" in e.message:
                raise UnknownReference(e.message, file=record.file, record=record.where, field=field_) from None
            raise Undeclared(e.message + UNDECLARED, file=record.file, record=record.where, field=field_) from None

    def _create(self, kind: str, ref: str, record: Record) -> str:
        entity_id = slug(ref) or ref
        entity = Actor(id=entity_id, name=ref) if kind == "actor" else Place(id=entity_id, name=ref)
        self._register(kind, entity, (record.file, record.where))
        self.created.append(f"{kind} {entity_id!r} ({ref})")
        return entity_id

    # The checks of a statement record's fields, one home for the row-by-row path and the
    # columnar one (which calls them once for each distinct value, on the first record with it).
    @staticmethod
    def relation(record: Record) -> tuple[str, RelationType]:
        types = relation_types()
        relation = record.text("relation", required=True).lower()
        rtype = types.get(relation)
        if rtype is None:
            raise record.error(f"unknown relation {relation!r}; expected one of {', '.join(types)}", field="relation")
        return relation, rtype

    @staticmethod
    def dates(record: Record) -> tuple[PartialDate | None, PartialDate | None, PartialDate | None]:
        return Assembler.dated(record, record.date("start"), record.date("end"), record.date("on"))

    @staticmethod
    def dated(record: Record, start: PartialDate | None, end: PartialDate | None,
              on: PartialDate | None) -> tuple[PartialDate | None, PartialDate | None, PartialDate | None]:
        """The rule on a statement's three dates, each read already (``Record.date``)."""
        if on is not None and (start is not None or end is not None):
            raise record.error("give either on, or start and/or end, not both", field="on")
        if start is not None and end is not None and start.lo > end.hi:
            raise record.error(f"end {end} is before start {start}", field="end")
        return start, end, on

    @staticmethod
    def kind(record: Record, relation: str, rtype: RelationType) -> str | None:
        kind = record.text("kind")
        if kind is not None:
            kind = kind.lower()
            if kind not in rtype.kinds:
                raise record.error(f"unknown kind {kind!r} for {relation}; expected one of {', '.join(rtype.kinds)}"
                                   f"{ADD_KIND}", field="kind")
        return kind

    def resolve(self, record: Record, kind: str, field_: str, ref: object) -> str:
        """A reference resolved as a statement's first try does (UnknownReference if it names
        nothing declared yet)."""
        return self._resolve(record, kind, field_, ref, last_try=False)

    def declare(self, record: Record) -> None:
        """An actor, place or source record."""
        self._declare(record)

    def source(self, record: Record) -> str:
        return self._resolve(record, "source", "source", record.text("source", required=True), last_try=True)

    def _statements(self, record: Record, last_try: bool = False) -> list[Statement]:
        """The statements of a record (one per object), every reference resolved first."""
        record.check_fields()
        relation, rtype = self.relation(record)
        start, end, on = self.dates(record)
        span = interval(start, end, on)
        subject = self._resolve(record, "actor", "subject", record.data.get("subject"), last_try, span)
        objects = record.data.get("object")
        if isinstance(objects, list):
            if not rtype.multiple_objects:
                raise record.error(f"{relation} takes one object, got a list", field="object")
            if not objects:
                raise record.error("expected at least one party", field="object")
        else:
            objects = [objects]
        object_ids = [self._resolve(record, rtype.object, "object", ref, last_try, span) for ref in objects]
        kind = self.kind(record, relation, rtype)
        source = self.source(record)
        claimed_by = record.data.get("claimed_by")
        if claimed_by not in (None, ""):
            claimed_by = self._resolve(record, "actor", "claimed_by", claimed_by, last_try, span)
        else:
            claimed_by = None
        quote, confidence, negated = record.text("quote"), record.number("confidence", 0, 1), record.flag("negated")
        row_id, weight = record.text("record"), record.whole("weight")
        made = []
        for object_id, ref in zip(object_ids, objects, strict=False):
            if object_id == subject:
                if isinstance(ref, DatasetRef) or isinstance(record.data.get("subject"), DatasetRef):
                    # Two dataset names an alias file maps to one actor (a unit and its army):
                    # no relation of an actor to itself; counted, not fatal.
                    self.self_relations += 1
                    continue
                raise record.error(f"subject and object are both {subject!r}", field="object")
            a, b = ends(rtype, subject, object_id)
            statement = Statement(a, relation, b, source, quote, kind, start, end, on, confidence, claimed_by,
                                  negated, row_id, weight)
            stored = self.stored.get(statement.id)
            # the hot path of a re-load: a statement given as the store holds it
            if stored is not None and (stored != (statement.confidence, statement.weight)
                                       or statement.id in self._restated_at):
                self._restate(record, statement)
            made.append(statement)
        return made

    def _restate(self, record: Record, statement: Statement) -> None:
        """A statement the store holds, given again: same rule as for entities."""
        origin = (record.file, record.where)
        earlier = self._restated_at.get(statement.id)
        if earlier is not None:
            differs = redeclared.changes("statement", earlier[1], statement)
            if differs:
                raise record.error(f"{redeclared.about(statement)} is given twice with different {differs[0].field} "
                                   f"(first at {earlier[0][0]}, {earlier[0][1]})", field=differs[0].field)
            return
        confidence, weight = self.stored[statement.id]
        stored = Statement(statement.subject, statement.relation, statement.object, confidence=confidence,
                           weight=weight, id=statement.id)
        effect, found = self._judge("statement", redeclared.about(statement), stored, statement, origin, statement)
        if effect is not None:
            self.restated[statement.id] = statement if effect == "replace" else redeclared.merged(statement, found)
            self._restated_at[statement.id] = (origin, statement)
