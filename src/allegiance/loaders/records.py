"""Raw records as readers yield them, and the checks that turn them into entities.

Every reader yields ``Record``s: a kind (actor, place, source, statement), the fields
as written, and where they came from. Turning fields into typed values happens
here, once for every format, so that every format reports errors the same way.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from allegiance.exc import AllegianceError, InputError
from allegiance.model import Actor, PartialDate, Place, ScopedAlias, Source, actor_types
from allegiance.model.names import slug

KINDS = ("actor", "place", "source", "statement")
# A dataset reader may also yield Record("note", {"text": ...}, file, where): something the
# load report should tell the user (e.g. event codes it could not map), not data.
NOTE = "note"

FIELDS = {
    "actor": ("id", "name", "aliases", "type", "country"),
    "place": ("id", "name", "aliases", "country", "lat", "lon"),
    "source": ("id", "title", "publisher", "url", "published", "reliability"),
    "statement": (
        "subject", "relation", "object", "kind", "start", "end", "on",
        "source", "quote", "confidence", "claimed_by", "negated", "record", "weight",
    ),
}
ALIAS_FIELDS = ("name", "code", "dataset", "start", "end")


@dataclass(frozen=True, slots=True)
class DatasetRef:
    """A dataset's name (and own code) for an actor or place, before it is mapped to ours.

    Dataset readers put these in statement records; the assembler maps them through the
    actors' aliases, or makes a dataset-scoped entity and lists it in the load report.
    """

    dataset: str
    name: str
    code: str | None = None
    type: str | None = None  # a guess for a dataset-scoped actor, e.g. "government"
    country: str | None = None

    def __str__(self) -> str:
        return self.name


@dataclass(slots=True)
class Record:
    kind: str
    data: dict[str, Any]
    file: str
    where: str

    def error(self, message: str, field: str | None = None) -> InputError:
        return InputError(message, file=self.file, record=self.where, field=field)

    def check_fields(self, allowed: tuple[str, ...] | None = None) -> None:
        allowed = allowed or FIELDS[self.kind]
        for name in self.data:
            if name not in allowed:
                close = difflib.get_close_matches(str(name), allowed, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f"; expected one of {', '.join(allowed)}"
                raise self.error(f"unknown {self.kind} field{hint}", field=str(name))

    def text(self, field: str, *, required: bool = False) -> str | None:
        value = self.data.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.error(f"a {self.kind} needs a {field}", field=field)
            return None
        if isinstance(value, (dict, list)):
            raise self.error(f"expected text, got {type(value).__name__}", field=field)
        return str(value).strip()

    def number(self, field: str, low: float, high: float) -> float | None:
        value = self.data.get(field)
        if value is None or value == "":
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise self.error(f"expected a number from {low:g} to {high:g}, got {value!r}", field=field) from None
        if not low <= number <= high:
            raise self.error(f"expected a number from {low:g} to {high:g}, got {value!r}", field=field)
        return number

    def flag(self, field: str) -> bool:
        value = self.data.get(field)
        if value is None or value == "":
            return False
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "yes", "1", "y"):
            return True
        if text in ("false", "no", "0", "n"):
            return False
        raise self.error(f"expected true or false, got {value!r}", field=field)

    def date(self, field: str) -> PartialDate | None:
        value = self.data.get(field)
        if value is None or value == "":
            return None
        try:
            return PartialDate.parse(value)
        except AllegianceError as e:
            raise self.error(str(e), field=field) from None

    def names(self, field: str) -> tuple[str, ...]:
        """A list of names: a YAML/JSON list, or text split on ``;`` or ``|``."""
        value = self.data.get(field)
        if value is None or value == "":
            return ()
        if isinstance(value, str):
            parts = value.replace("|", ";").split(";")
        elif isinstance(value, list):
            parts = value
        else:
            raise self.error(f"expected a list of names, got {value!r}", field=field)
        names = []
        for part in parts:
            if isinstance(part, (dict, list)) or part is None:
                raise self.error(f"expected a list of names, got {value!r}", field=field)
            if str(part).strip():
                names.append(str(part).strip())
        return tuple(names)

    def country(self) -> str | None:
        code = self.text("country")
        if code is None:
            return None
        if len(code) != 2 or not code.isalpha():
            raise self.error(f"expected an ISO 3166 alpha-2 code such as 'LY', got {code!r}", field="country")
        return code.upper()


def _entity_id(record: Record) -> str:
    explicit = record.text("id")
    name = record.text("name") if record.kind != "source" else None
    if explicit:
        if ":" in explicit:
            raise record.error("':' is kept for dataset-scoped ids such as 'ucdp-acd:6'", field="id")
        return explicit
    if name:
        return slug(name)
    raise record.error(f"a {record.kind} needs an id" + (" or a name" if record.kind != "source" else ""), field="id")


def _aliases(record: Record) -> tuple[tuple[str, ...], tuple[ScopedAlias, ...]]:
    """Plain aliases, and those a mapping limits to a dataset, a dataset code or a period."""
    value = record.data.get("aliases")
    if not isinstance(value, list):
        return record.names("aliases"), ()
    plain = Record(record.kind, {"aliases": [a for a in value if not isinstance(a, dict)]}, record.file, record.where)
    scoped = []
    for index, item in enumerate(a for a in value if isinstance(a, dict)):
        alias = Record("alias", item, record.file, record.where)
        field = f"aliases[{index}]"
        for key in item:
            if key not in ALIAS_FIELDS:
                raise record.error(f"unknown alias field {key!r}; expected {', '.join(ALIAS_FIELDS)}", field=field)
        try:
            entry = ScopedAlias(alias.text("name"), alias.text("code"), alias.text("dataset"),
                                alias.date("start"), alias.date("end"))
        except InputError as e:
            raise record.error(f"{e.message} (in {e.field})", field=field) from None
        if entry.name is None and entry.code is None:
            raise record.error("an alias needs a name or a code", field=field)
        if entry.code is not None and entry.dataset is None:
            raise record.error("an alias with a code needs the dataset it belongs to", field=field)
        scoped.append(entry)
    return plain.names("aliases"), tuple(scoped)


def to_actor(record: Record) -> Actor:
    record.check_fields()
    type_ = record.text("type") or "other"
    types = actor_types()
    if type_ not in types:
        raise record.error(f"unknown actor type {type_!r}; expected one of {', '.join(types)}", field="type")
    actor_id = _entity_id(record)
    aliases, scoped = _aliases(record)
    return Actor(
        id=actor_id,
        name=record.text("name") or actor_id,
        type=type_,
        aliases=aliases,
        country=record.country(),
        scoped=scoped,
    )


def to_place(record: Record) -> Place:
    record.check_fields()
    place_id = _entity_id(record)
    return Place(
        id=place_id,
        name=record.text("name") or place_id,
        aliases=record.names("aliases"),
        country=record.country(),
        lat=record.number("lat", -90, 90),
        lon=record.number("lon", -180, 180),
    )


def to_source(record: Record) -> Source:
    record.check_fields()
    return Source(
        id=_entity_id(record),
        title=record.text("title"),
        publisher=record.text("publisher"),
        url=record.text("url"),
        published=record.date("published"),
        reliability=record.number("reliability", 0, 1),
    )
