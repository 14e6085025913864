"""Actors, places, sources and the statement, the unit of data.

Provenance lives on statements: the graph's relation edges are one per statement,
so which source said what is never flattened away.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from allegiance.model.partial_date import PartialDate, interval

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True, slots=True)
class ScopedAlias:
    """A name (or a dataset's own code) that means this actor only in one dataset, or only
    for a period: UCDP's "Government of Libya" is the GNA from 2016 to March 2021."""

    name: str | None = None
    code: str | None = None  # the dataset's own id for the actor
    dataset: str | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None

    def covers(self, lo: int, hi: int) -> bool:
        """Whether the alias's period overlaps the days lo..hi."""
        return (self.start is None or self.start.lo <= hi) and (self.end is None or self.end.hi >= lo)

    def as_dict(self) -> dict[str, str]:
        return {k: str(v) for k, v in (("name", self.name), ("code", self.code), ("dataset", self.dataset),
                                       ("start", self.start), ("end", self.end)) if v is not None}


@dataclass(slots=True)
class Actor:
    id: str
    name: str
    type: str = "other"
    aliases: tuple[str, ...] = ()
    country: str | None = None
    scoped: tuple[ScopedAlias, ...] = ()


@dataclass(slots=True)
class Place:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    country: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(slots=True)
class Source:
    id: str
    title: str | None = None
    publisher: str | None = None
    url: str | None = None
    published: PartialDate | None = None
    reliability: float | None = None


@dataclass(slots=True)
class Statement:
    """One sourced claim that ``subject`` stands in ``relation`` to ``object``.

    References are already resolved to ids. ``on`` is a one-off: it covers its own
    span and is kept apart from start/end only so that it prints as given.
    """

    subject: str
    relation: str
    object: str
    source: str | None = None
    quote: str | None = None
    kind: str | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None
    on: PartialDate | None = None
    confidence: float | None = None
    claimed_by: str | None = None
    negated: bool = False
    record: str | None = None  # the row's id in the dataset it came from
    weight: int | None = None  # evidence weight, e.g. the number of coded events behind it
    id: str = field(default="")

    def __post_init__(self) -> None:
        if not self.id:
            self.id = self.content_id()

    def content_id(self) -> str:
        """A hash of what the statement says, so loading it twice changes nothing.

        Confidence and weight are left out on purpose: re-rating a claim is not a new claim.
        """
        start, end, on = self.start, self.end, self.on
        return statement_id(self.subject, self.relation, self.object, self.kind, start.text if start else None,
                            end.text if end else None, on.text if on else None, self.source, self.quote,
                            self.claimed_by, self.negated, self.record)

    @property
    def lo(self) -> int:
        """First day the statement covers; ``UNKNOWN_START`` when nobody said."""
        return interval(self.start, self.end, self.on)[0]

    @property
    def hi(self) -> int:
        """Last day the statement covers; ``OPEN_END`` while it is ongoing."""
        return interval(self.start, self.end, self.on)[1]


def statement_id(subject: str, relation: str, object_: str, kind: str | None, start: str | None, end: str | None,
                 on: str | None, source: str | None, quote: str | None, claimed_by: str | None, negated: bool,
                 record: str | None) -> str:
    """A statement's content id (``Statement.content_id``), from its fields as text (dates as
    a partial date writes itself): the columnar load calls it without making a Statement."""
    # Each part as text, "" for None: spelled out, as this runs once for every statement of every load.
    parts = [subject, relation, object_, kind or "", start or "", end or "", on or "", source or "", quote or "",
             claimed_by or "", str(negated)]
    if record is not None:  # ids of earlier statements stay as they were
        parts.append(record)
    return _digest(_SEPARATOR.join(parts).encode("utf-8"))


_SEPARATOR = "\x1f"


def _digest(text: bytes) -> str:
    # An identity, not a secret: SHA-1 keeps every stored id as it was.
    return hashlib.sha1(text, usedforsecurity=False).hexdigest()[:20]


def statement_ids(texts: list[pa.Array], negated: pa.Array, record: pa.Array) -> list[str]:
    """``statement_id`` of each row of Arrow arrays: ``texts`` are its parts from ``subject``
    to ``claimed_by``, in its order. The same text, joined by Arrow instead of a Python list
    of parts per row, then hashed row by row."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = [pc.fill_null(text, "") for text in texts]
    parts.append(pc.if_else(pc.fill_null(negated, False), str(True), str(False)))
    # The record last, and left out (separator and all) where it is null.
    joined = pc.binary_join_element_wise(*parts, record, _SEPARATOR, null_handling="skip")
    return list(map(_digest, joined.cast(pa.binary()).to_pylist()))


@dataclass
class Known:
    """What the store already holds, so that a load can refer to it."""

    actors: dict[str, Actor] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
