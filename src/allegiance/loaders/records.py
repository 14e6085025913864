"""Raw records as readers yield them, and the checks that turn them into entities.

Every reader yields ``Record``s: a kind (actor, place, source, statement), the fields
as written, and where they came from. Turning fields into typed values happens
here, once for every format, so that every format reports errors the same way.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Any, Literal, overload

from allegiance.exc import AllegianceError, InputError
from allegiance.loaders.untrusted import INT64_MAX, field_name, shown
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
_ALLOWED = {kind: frozenset(names) for kind, names in FIELDS.items()}  # the hot path's test
ALIAS_FIELDS = ("name", "code", "dataset", "start", "end")
DATE_EXPECTED = "expected a date as YYYY, YYYY-MM or YYYY-MM-DD"
# A whole number as text; spreadsheets write 12 as 12.0.
_WHOLE = re.compile(r"^\s*([+-]?\d{1,30})(?:\.0*)?\s*$")
_DATE_TEXT = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")  # what the common case looks like
_DATES: dict[str, PartialDate] = {}  # such texts read: a large load repeats a few thousand


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
    # An entity a dataset made (``ucdp:111``), as `allegiance export` writes it back: its id may
    # hold ':', which a hand-written id may not (it would capture the dataset's own actor).
    dataset_scoped: bool = False

    def error(self, message: str, field: str | None = None) -> InputError:
        return InputError(message, file=self.file, record=self.where, field=field)

    def check_fields(self, allowed: tuple[str, ...] | None = None) -> None:
        if allowed is None and self.data.keys() <= _ALLOWED[self.kind]:
            return
        allowed = allowed or FIELDS[self.kind]
        for name in self.data:
            if name not in allowed:
                shown_name = field_name(name)
                close = difflib.get_close_matches(shown_name, allowed, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f"; expected one of {', '.join(allowed)}"
                raise self.error(f"unknown {self.kind} field{hint}", field=shown_name)

    @overload
    def text(self, field: str, *, required: Literal[True]) -> str: ...
    @overload
    def text(self, field: str, *, required: bool = False) -> str | None: ...

    def text(self, field: str, *, required: bool = False) -> str | None:
        value = self.data.get(field)
        if plain_text(value):
            return value  # the common case
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.error(f"a {self.kind} needs a {field}", field=field)
            return None
        text = _scalar_text(value)
        if text is None:
            raise self.error(f"expected text, got {type(value).__name__}", field=field)
        return text.strip()

    def number(self, field: str, low: float, high: float) -> float | None:
        value = self.data.get(field)
        if value is None or value == "":
            return None
        expected = f"expected a number from {low:g} to {high:g}, got {shown(value)}"
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise self.error(expected, field=field)  # True is no confidence of 1
        try:
            number = float(value)
        except (ValueError, OverflowError):
            raise self.error(expected, field=field) from None
        if not low <= number <= high:  # NaN fails too
            raise self.error(expected, field=field)
        return number

    def whole(self, field: str, low: int = 0, high: int = INT64_MAX) -> int | None:
        """A whole number from ``low`` to ``high`` (the store keeps 64-bit integers)."""
        value = self.data.get(field)
        if value is None or value == "":
            return None
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and (match := _WHOLE.match(value)):
            number = int(match.group(1))
        if number is None or not low <= number <= high:
            raise self.error(f"expected a whole number from {low} to {high}, got {shown(value)}", field=field)
        return number

    def flag(self, field: str) -> bool:
        value = self.data.get(field)
        if value is None or value == "":
            return False
        if isinstance(value, bool):
            return value
        text = _scalar_text(value)
        text = text.strip().lower() if text is not None else None
        if text in ("true", "yes", "1", "y"):
            return True
        if text in ("false", "no", "0", "n"):
            return False
        raise self.error(f"expected true or false, got {shown(value)}", field=field)

    def date(self, field: str) -> PartialDate | None:
        value = self.data.get(field)
        if value is None or value == "":
            return None
        if type(value) is str:
            date = _DATES.get(value)
            if date is not None:
                return date
            if _DATE_TEXT.fullmatch(value):
                try:
                    date = PartialDate.parse(value)
                except AllegianceError as e:  # a month 13 or a day 31 of a short month
                    raise self.error(str(e), field=field) from None
                if len(_DATES) >= 1 << 16:
                    _DATES.clear()
                _DATES[value] = date
                return date
        if not isinstance(value, (str, int, float, dt.date)) or (
                isinstance(value, (str, int)) and len(shown(value)) > 40):
            # no date is that long; not handed on, so that the message stays short
            raise self.error(f"{DATE_EXPECTED}, got {shown(value)}", field=field)
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
            raise self.error(f"expected a list of names, got {shown(value)}", field=field)
        names = []
        for part in parts:
            text = _scalar_text(part)
            if text is None:
                raise self.error(f"expected a list of names, got {shown(value)}", field=field)
            if text.strip():
                names.append(text.strip())
        return tuple(names)

    def country(self) -> str | None:
        code = self.text("country")
        if code is None:
            return None
        if len(code) != 2 or not code.isalpha():
            raise self.error(f"expected an ISO 3166 alpha-2 code such as 'LY', got {shown(code)}", field="country")
        return code.upper()


def plain_text(value: object) -> bool:
    """Whether ``value`` is text that ``Record.text`` gives back as it is (no spaces around
    it to strip, not blank)."""
    return type(value) is str and value != "" and not value[0].isspace() and not value[-1].isspace()


def _scalar_text(value: object) -> str | None:
    """A text, number or boolean as text; None for anything else (lists, mappings, bytes)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        try:
            return str(value)
        except ValueError:  # an int of more than 4,300 digits
            return None
    return None


def _entity_id(record: Record) -> str:
    explicit = record.text("id")
    name = record.text("name") if record.kind != "source" else None
    if explicit:
        if ":" in explicit and not record.dataset_scoped:
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
                raise record.error(f"unknown alias field {shown(key)}; expected {', '.join(ALIAS_FIELDS)}", field=field)
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
        raise record.error(f"unknown actor type {shown(type_)}; expected one of {', '.join(types)}", field="type")
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
