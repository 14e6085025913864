"""UCDP External Support Dataset, actor-year file: who backed each warring party, each year.

Per row (warring party ``actor_id``/``actor_name`` in ``year``, against ``oppo_name``):
every external supporter in ``ext_id``/``ext_name`` ``supports`` the warring party ``on``
that year. The row says which kinds of support were given (``ext_x`` ... ``ext_u``) but not
which supporter gave which, so a statement never carries a kind: the row's kinds go into
its quote ("kinds of support given by these supporters together: weapons, funding"), which
is the row's own evidence. A row with ``active`` 0 (the party was not active that year) or
no supporter makes no statement; the load report counts them.

Supporters. ``ext_id`` lists ids separated by bare commas (``7046,4369,127``) and
``ext_name`` the names in the same order; names may hold a comma followed by a space
(``"Interahamwe, ex-FAR"``), so names are cut only at commas not followed by a space. Where
that does not give one name per id (the file names one supporter for two ids, ``671,11545``
- ``Puntland State of Somalia``), ids are paired with names by the names the file gives them
elsewhere (as a warring party or a lone supporter), then by elimination; a name left over is
loaded without a code, an id left over without a name makes no statement (the load report
lists both).

Types. ``ext_nonstate`` is one value per row, not per supporter (``Government of Iraq`` and
``PUK`` together are coded 1), so it cannot type a supporter. A "Government of X" is a
``government`` (country from its name); a supporter that the file lists as a non-state
warring party is an ``armed_group``; any other (``Malaysian elements``, ``Jemaah Islamiya``)
is left untyped. The warring party is typed by ``actor_nonstate``; a name joining several
governments (``Government of Australia, Government of United Kingdom, ...``) is a coalition.
"""

from __future__ import annotations

import csv
import os
import re
from collections import Counter
from collections.abc import Iterator
from typing import BinaryIO

from allegiance.exc import InputError
from allegiance.loaders import Options
from allegiance.loaders.handles import PROGRESS_ROWS, text_of
from allegiance.loaders.records import NOTE, DatasetRef, Record
from allegiance.loaders.tabular import read_header, read_rows
from allegiance.loaders.ucdp import ACTORS, GOVERNMENT, government_country, is_id, match_known
from allegiance.loaders.untrusted import shown

DATASET = "ucdp-esd"
# The codebook's kinds of support, in its order; the labels hold no commas, so a list reads clearly.
KINDS = {"x": "troops as a secondary warring party", "p": "troop presence",
         "y": "access to infrastructure/joint operations", "w": "weapons", "m": "materiel and logistics",
         "t": "training and expertise", "f": "funding", "i": "intelligence", "l": "access to territory",
         "o": "other", "u": "unknown"}
COLUMNS = ("id", "active", "year", "actor_id", "actor_name", "actor_nonstate", "oppo_id", "oppo_name",
           "conflict_id", "location", "ext_id", "ext_name", *(f"ext_{k}" for k in KINDS))
_SEPARATOR = re.compile(r",(?! )")  # between names; a name's own commas are followed by a space


def read(handle: BinaryIO, path: str, options: Options) -> Iterator[Record]:
    with text_of(handle) as stream:
        header = read_header(stream, path, "the UCDP External Support Dataset (actor-year)", COLUMNS, " (and others)")
        names = _Names(read_rows(stream, header, path), path)
        source = _source(path)
        yield Record("source", source, path, "file")
        stream.seek(0)
        next(csv.reader(stream))
        skipped: Counter[str] = Counter()
        for count, (where, row) in enumerate(read_rows(stream, header, path), start=1):
            if options.progress is not None and count % PROGRESS_ROWS == 0:
                options.progress()
            yield from (Record("statement", data, path, where)
                        for data in _statements(row, where, path, names, source["id"], skipped))
    for text in _notes(skipped, names):
        yield Record(NOTE, {"text": text}, path, "file")


def _source(path: str) -> dict[str, str]:
    """The version is in UCDP's file name only (``ucdp-esd-ay-181``: 18.1); without it, none."""
    found = re.search(r"esd-ay-(\d{2})(\d+)", os.path.basename(path).lower())
    source = {"title": "UCDP External Support Dataset (actor-year)",
              "publisher": "Uppsala Conflict Data Program (UCDP), Uppsala University",
              "url": "https://ucdp.uu.se/downloads/"}
    if not found:
        return {"id": DATASET, **source}
    version = f"{found.group(1)}.{found.group(2)}"
    return {**source, "id": f"{DATASET}-{version}", "title": f"{source['title']} version {version}",
            "published": f"20{found.group(1)}"}


class _Names:
    """The name of each UCDP actor id and the non-state warring parties, as the whole file tells."""

    def __init__(self, rows: Iterator[tuple[str, dict[str, str]]], path: str):
        self.names: dict[str, set[str]] = {}
        self.nonstate: set[str] = set()
        self.unnamed: set[tuple[str, str]] = set()  # (row id, supporter id) with no name
        self.nameless: set[str] = set()  # names loaded without a code
        for where, row in rows:
            _check_ids(row, where, path)
            for id_, name in ((row["actor_id"], row["actor_name"]), (row["oppo_id"], row["oppo_name"])):
                self.names.setdefault(id_, set()).add(name)
            if row["actor_nonstate"] == "1":
                self.nonstate.add(row["actor_id"])
            ids, names = _lists(row)
            if len(ids) == 1 and len(names) == 1:
                self.names.setdefault(ids[0], set()).add(names[0])

    def supporters(self, row: dict[str, str]) -> list[tuple[str | None, str]]:
        """(code, name) per supporter: in the file's order where the counts agree."""
        ids, names = _lists(row)
        if len(ids) == len(names):
            return list(zip(ids, names, strict=False))
        pairs, ids_left, names_left = match_known(ids, names, self.names)
        if len(ids_left) == 1 and len(names_left) == 1:
            return [*pairs, (ids_left[0], names_left[0])]
        self.unnamed.update((row["id"], id_) for id_ in ids_left)
        self.nameless.update(names_left)
        return [*pairs, *((None, name) for name in names_left)]


def _check_ids(row: dict[str, str], where: str, path: str) -> None:
    """Row and supporter ids are numbers: the load report sorts them as such."""
    if row["id"] and not is_id(row["id"]):
        raise InputError(f"expected a row id such as 17, got {shown(row['id'])}", file=path, record=where, field="id")
    if not all(is_id(i) for i in _lists(row)[0]):
        raise InputError(f"expected UCDP actor ids separated by commas, got {shown(row['ext_id'])}",
                         file=path, record=where, field="ext_id")


def _lists(row: dict[str, str]) -> tuple[list[str], list[str]]:
    ids = [i.strip() for i in row["ext_id"].split(",") if i.strip()]
    names = [n.strip() for n in _SEPARATOR.split(row["ext_name"]) if n.strip()]
    return ids, names


def _statements(row: dict[str, str], where: str, path: str, names: _Names, source: str,
                skipped: Counter[str]) -> Iterator[dict]:
    year = row["year"]
    if not (len(year) == 4 and year.isascii() and year.isdigit()):
        raise InputError(f"expected a year such as 2015, got {shown(year)}", file=path, record=where, field="year")
    if row["active"] not in ("0", "1"):
        raise InputError(f"expected 0 or 1, got {shown(row['active'])}", file=path, record=where, field="active")
    if not row["ext_id"]:
        skipped["no supporter"] += 1
        return
    if row["active"] == "0":
        skipped["inactive"] += 1
        skipped["inactive supporters"] += len(_lists(row)[0])
        return
    if not row["id"]:
        raise InputError("a row needs its id", file=path, record=where, field="id")
    supporters = names.supporters(row)
    kinds = [label for key, label in KINDS.items() if row[f"ext_{key}"] == "1"]
    given = "these supporters together" if len(supporters) > 1 else "this supporter"
    quote = (f"UCDP ESD {year}: supporters of {row['actor_name']} (against {row['oppo_name']}, conflict "
             f"{row['conflict_id']}, {row['location']}): {'; '.join(name for _, name in supporters)}. "
             f"Kinds of support given by {given}: {', '.join(kinds) or 'none coded'}")
    backed = _warring(row)
    for code, name in supporters:
        yield {"subject": _supporter(code, name, names), "relation": "supports", "object": backed, "on": year,
               "source": source, "quote": quote, "record": row["id"]}


def _warring(row: dict[str, str]) -> DatasetRef:
    name = row["actor_name"]
    if row["actor_nonstate"] == "1":
        return DatasetRef(ACTORS, name, row["actor_id"], type="armed_group")
    if name.count(GOVERNMENT) > 1:
        return DatasetRef(ACTORS, name, row["actor_id"], type="coalition")
    return DatasetRef(ACTORS, name, row["actor_id"], type="government", country=government_country(name))


def _supporter(code: str | None, name: str, names: _Names) -> DatasetRef:
    if name.startswith(GOVERNMENT):
        return DatasetRef(ACTORS, name, code, type="government", country=government_country(name))
    return DatasetRef(ACTORS, name, code, type="armed_group" if code in names.nonstate else None)


def _notes(skipped: Counter[str], names: _Names) -> Iterator[str]:
    yield (f"{skipped['no supporter']} UCDP ESD actor-year(s) list no external supporter, and {skipped['inactive']} "
           f"inactive one(s) (active = 0) list {skipped['inactive supporters']} supporter(s): neither makes a statement")
    if names.unnamed:
        rows: dict[str, list[str]] = {}
        for row, id_ in sorted(names.unnamed, key=lambda pair: (int(pair[0]), int(pair[1]))):
            rows.setdefault(row, []).append(id_)
        listed = "; ".join(f"row {row}: {', '.join(ids)}" for row, ids in rows.items())
        yield f"UCDP ESD supporter id(s) without a name in the file, not loaded: {listed}"
    if names.nameless:
        yield f"UCDP ESD supporter name(s) loaded without an id, the file not saying which is theirs: " \
              f"{', '.join(sorted(names.nameless))}"
