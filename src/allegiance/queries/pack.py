"""Query packs: folders of ``.cypher`` files, each with a header of ``//`` lines.

    // name: backers
    // question: Who backs an actor?
    // param actor: actor                the backed actor
    // param kind: text = ""             only this kind of support ("" for all)
    // column subject: id                the backer
    // column start: date                earliest start behind the relation

Parameter types: actor, place, entity (actor or place), relation, date, text, int,
float, bool. A ``date`` parameter ``p`` reaches the query as ``$p_lo`` and ``$p_hi``
(first and last day of its span, as day numbers). Every query also gets
``$as_of_lo``/``$as_of_hi`` (``--as-of``) and ``$known_at`` (``--known-at``).
Column types say how to present values: id, text, date (an encoded bound, shown
as a partial date), set (a list, sorted), list, bool, int, float.

    // order: start, relation, subject

sorts the rows by those columns after the query ran, nulls last, for a query whose
Cypher cannot sort its own result: a ``UNION`` of anchored parts, which neither Neo4j
nor LadybugDB sorts as a whole without ``CALL {}`` (which LadybugDB lacks).

    MATCH (s:Actor)-[r]->(o)
    WHERE
    // include: _share n=s
          r.known <= $known_at
    ...
    ORDER BY relation, subject

A query that includes ``_share`` (that uses ``$share_from`` and ``$share_to``) says that
each of its rows comes from one actor ``s``, so a store that answers faster in parts
(``GraphStore.share_bounds``: Neo4j Community runs one query on one core) may run it once
per range of those actors' ids, at the same time; the runner then sorts the rows together
by the query's closing ORDER BY, which such a query must have (declared columns,
ascending, no SKIP or LIMIT). Other stores, and the Browser, run it whole, without the
``_share`` lines (``Query.whole``). A query that sums or counts over actors must not
include ``_share``.

    // include: _evidence
    // include: _holds r=r1

stand for the lines of the fragments ``_evidence.cypher`` and ``_holds.cypher``, in the
header (shared ``// column`` lines) or in the Cypher. A fragment is a file whose name starts
with ``_``; it is not a query. It is looked up in the query's own folder, then in the core
pack, so a user's pack can include the core fragments. A fragment may include others, and
may name ``{{NAME}}`` slots: ``{{exclusive}}`` is the labels of the exclusive relation types
joined by ``|`` (every relation label when none is exclusive, so the pattern stays valid),
``{{bound_scale}}`` and ``{{day_precision}}`` the numbers of the day encoding (a bound is
``day * bound_scale + precision``), and the include line's ``NAME=NAME`` pairs fill the
others. Those are names (ASCII letters, digits, ``_``) or a variable's property (``r.hi``),
never text or ``$parameters``: a slot can only put a variable, a property, a label from the
vocabulary or a number of the encoding into a query. The engines, the guard and the Browser
favorites all see the expanded text, and messages name the file and line each piece came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from allegiance.exc import QueryError
from allegiance.model import relation_types
from allegiance.model.partial_date import BOUND_SCALE, DAY

PARAM_TYPES = ("actor", "place", "entity", "relation", "date", "text", "int", "float", "bool")
COLUMN_TYPES = ("id", "text", "date", "set", "list", "bool", "int", "float")
SHARE_PARAMS = ("share_from", "share_to")  # the range of first actors of one share (_share)
STANDARD_PARAMS = ("as_of_lo", "as_of_hi", "known_at", *SHARE_PARAMS)

_HEADER = re.compile(r"^//\s*(name|question|param|column|order)\b\s*(.*)$")
_DECL = re.compile(r"^(\w+)\s*:\s*(\w+)(?:\s*=\s*(\"[^\"]*\"|\S+))?\s*(.*)$")
_PARAM_USE = re.compile(r"\$(\w+)")
_INCLUDE = re.compile(r"^//\s*include\s*:\s*(.*)$")
_FRAGMENT = re.compile(r"_[A-Za-z0-9_-]+")  # a file in the pack's folder, never a path
_ARG = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)")  # names, never values
_SLOT = re.compile(r"\{\{(.*?)\}\}")

Line = tuple[str, str, int]  # text, the file it came from, its line there


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: Any = None  # None: required
    help: str = ""

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    help: str = ""


@dataclass
class Query:
    name: str
    question: str
    cypher: str
    path: str
    pack: str
    params: list[Param] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    order: tuple[str, ...] = ()  # columns the runner sorts the rows by
    line: int = 1  # the file's line where the Cypher starts, for messages about it
    origins: tuple[tuple[str, int], ...] = ()  # per line of ``cypher``: its file and line
    shared: bool = False  # its rows come from one first actor each: it may run in shares (_share)
    alone: Query | None = field(default=None, repr=False, compare=False)  # see ``whole``

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def whole(self) -> Query:
        """The query as it runs in one piece: a query in shares without the lines of its
        ``_share`` fragment (a condition that holds for every row when it runs whole, and
        that LadybugDB would still test on every edge: 18% of `changes` at 1M statements)."""
        return self.alone or self


def _default(text: str | None) -> Any:
    if text is None:
        return None
    return text[1:-1] if text.startswith('"') else text


def _core_folder() -> Path:
    return Path(str(resources.files("allegiance.queries").joinpath("core")))


def _vocabulary_slots() -> dict[str, str]:
    """The slots the library fills: the exclusive types' labels, from the schema, and the
    numbers of the day encoding (model/partial_date.py), so that no fragment repeats them."""
    types = relation_types().values()
    exclusive = [t.label for t in types if t.exclusive] or [t.label for t in types]
    return {"exclusive": "|".join(exclusive), "bound_scale": str(BOUND_SCALE), "day_precision": str(DAY)}


def _fill(text: str, path: str, slots: dict[str, str]) -> str:
    """A fragment's text with its ``{{NAME}}`` slots filled, or an error naming the slot."""
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        for slot in _SLOT.findall(line):
            if slot.strip() not in slots:
                raise QueryError(f"{path}, line {number}: unknown slot {{{{{slot.strip()}}}}}; "
                                 f"this include fills {', '.join(sorted(slots))}")
        lines.append(_SLOT.sub(lambda match: slots[match.group(1).strip()], line))
    return "\n".join(lines)


def expand(text: str, path: str, folders: tuple[Path, ...], within: tuple[str, ...] = ()) -> list[Line]:
    """The lines of ``text`` with every ``// include:`` line replaced by its fragment's."""
    lines: list[Line] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _INCLUDE.match(line.strip())
        if match is None:
            lines.append((line, path, number))
            continue
        where = f"{path}, line {number}"
        name, *pairs = match.group(1).split() or [""]
        args = [arg.groups() for pair in pairs if (arg := _ARG.fullmatch(pair))]
        if not _FRAGMENT.fullmatch(name) or len(args) < len(pairs):
            raise QueryError(f"{where}: expected '// include: _FRAGMENT [NAME=NAME ...]', "
                             "a fragment's file name and names to fill its slots")
        found = next((f / f"{name}.cypher" for f in folders if (f / f"{name}.cypher").is_file()), None)
        if found is None:
            raise QueryError(f"{where}: no fragment {name!r} ({name}.cypher in "
                             f"{' or '.join(str(f) for f in folders)})")
        if str(found) in within:
            raise QueryError(f"{where}: {name!r} includes itself")
        slots = _vocabulary_slots()
        for key, value in args:
            if key in slots:
                owner = "the vocabulary" if key == "exclusive" else "the day encoding"
                raise QueryError(f"{where}: {{{{{key}}}}} is filled by {owner}, not by an include")
            slots[key] = value
        filled = _fill(_read(found), str(found), slots)
        lines += expand(filled, str(found), folders, (*within, str(found)))
    return lines


def parse_query(text: str, path: str, pack: str, folders: tuple[Path, ...] | None = None) -> Query:
    """The query in ``text``; its includes are looked up in ``folders`` (by default the
    query's own folder, then the core pack)."""
    if folders is None:
        folders = tuple(dict.fromkeys((Path(path).parent, _core_folder())))
    name, question = Path(path).stem, ""
    params: list[Param] = []
    columns: list[Column] = []
    order: tuple[str, ...] = ()
    body: list[Line] = []
    for line, origin, number in expand(text, path, folders):
        stripped = line.strip()
        if body or (stripped and not stripped.startswith("//")):
            body.append((line, origin, number))  # the header ends at the first line of Cypher
            continue
        match = _HEADER.match(stripped)
        if match is None:
            continue  # a blank line or a free comment in the header
        key, rest = match.groups()
        rest = rest.lstrip(":").strip() if key in ("name", "question", "order") else rest.strip()
        where = f"{origin}, line {number}"
        if key == "order":
            order = tuple(c.strip() for c in rest.split(","))
            if not all(re.fullmatch(r"\w+", c) for c in order):
                raise QueryError(f"{where}: expected '// order: COLUMN, COLUMN, ...'")
        elif key == "name":
            name = rest
        elif key == "question":
            question = rest
        else:
            decl = _DECL.match(rest)
            types = PARAM_TYPES if key == "param" else COLUMN_TYPES
            if not decl or decl.group(2) not in types:
                raise QueryError(f"{where}: expected '// {key} NAME: TYPE', TYPE one of {', '.join(types)}")
            pname, ptype, default, help_ = decl.groups()
            if key == "param":
                params.append(Param(pname, ptype, _default(default), help_))
            else:
                columns.append(Column(pname, ptype, help_))
    while body and not body[-1][0].strip():
        body.pop()  # trailing blank lines; the first line of the body is never blank
    cypher = "\n".join(line for line, _, _ in body).strip()
    if not cypher:
        raise QueryError(f"{path}: no Cypher after the header")
    undeclared = [c for c in order if c not in {col.name for col in columns}]
    if undeclared:
        raise QueryError(f"{path}: '// order' names {undeclared[0]!r}, which is not a declared column")
    declared = set(STANDARD_PARAMS)
    for p in params:
        declared |= {f"{p.name}_lo", f"{p.name}_hi"} if p.type == "date" else {p.name}
    used = _PARAM_USE.findall(cypher)
    for param in used:
        if param not in declared:
            raise QueryError(f"{path}: the query uses ${param}, which its header does not declare")
    shares = set(used) & set(SHARE_PARAMS)
    if shares:
        if len(shares) < len(SHARE_PARAMS):
            raise QueryError(f"{path}: a query in shares (it uses ${sorted(shares)[0]}) needs both $share_from "
                             "and $share_to: '// include: _share n=VARIABLE'")
        # Its order is its ORDER BY's: each share's rows come in it, and the runner sorts
        # the shares' rows together by the same columns.
        sorted_by = _sorted_by(cypher, path, {c.name for c in columns})
        if not sorted_by or (order and list(order) != sorted_by):
            raise QueryError(f"{path}: a query in shares must end in ORDER BY of declared columns (and of its "
                             "'// order:' columns, if it has that line), ascending, with no SKIP or LIMIT: the "
                             "rows of its shares are sorted together by them")
        order = tuple(sorted_by)
        # Run whole, a query leaves out the _share lines, and with them every $share_.
        whole = [line for line in body if Path(line[1]).name != "_share.cypher"]
        if set(_PARAM_USE.findall("\n".join(line for line, _, _ in whole))) & shares:
            raise QueryError(f"{path}: $share_from and $share_to belong to the fragment _share "
                             "('// include: _share n=VARIABLE'), which a query runs without when it runs whole")
    first = body[0][2] if body[0][1] == path else 1

    def made(lines: list[Line], shared: bool, alone: Query | None = None) -> Query:
        return Query(name, question, "\n".join(line for line, _, _ in lines).strip(), path, pack, params, columns,
                     order, first, tuple((origin, number) for _, origin, number in lines), shared, alone)

    if not shares:
        return made(body, False)
    return made(body, True, made(whole, False))


def _sorted_by(cypher: str, path: str, columns: set[str]) -> list[str] | None:
    """The columns of the ORDER BY that ends ``cypher``, if it sorts by columns only,
    ascending, with nothing after it; else None."""
    from allegiance.queries.guard import tokens, trailing_order, unquote  # the guard reads Query

    found = tokens(cypher, path)
    at = trailing_order(found, columns)
    if at is None:
        return None
    names: list[str] = []
    for token in [t for t in found if t.pos > at][1:]:  # past ORDER and BY
        if (token.kind == "word" and token.text.upper() in ("ASC", "ASCENDING")) or token.text == ",":
            continue
        if token.kind not in ("word", "name") or unquote(token) not in columns:
            return None  # DESC, SKIP, LIMIT or an expression
        names.append(unquote(token))
    return names


def _read(path: Path) -> str:
    """A pack file's text; a file that cannot be read or is not UTF-8 is named, not a traceback."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise QueryError(f"{path}: cannot read it: {e.strerror}") from None
    try:
        return data.decode("utf-8-sig")  # an editor's byte-order mark is not Cypher
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise QueryError(f"{path}: not UTF-8 text: byte 0x{data[e.start]:02x} on line {line}") from None


def load_pack(folder: str | Path, pack: str | None = None) -> dict[str, Query]:
    folder = Path(folder)
    if not folder.is_dir():
        raise QueryError(f"{folder}: not a folder of .cypher files")
    folders = tuple(dict.fromkeys((folder, _core_folder())))
    queries: dict[str, Query] = {}
    for path in sorted(folder.glob("*.cypher")):
        if path.name.startswith("_"):
            continue  # a fragment, which queries include
        query = parse_query(_read(path), str(path), pack or folder.name, folders)
        if query.name in queries:
            raise QueryError(f"{path}: a query named {query.name!r} is already in {queries[query.name].path}")
        queries[query.name] = query
    if not queries:
        raise QueryError(f"{folder}: no .cypher files")
    return queries


def core_pack() -> dict[str, Query]:
    return load_pack(_core_folder(), "core")


def all_queries(extra: list[str] | tuple[str, ...] = ()) -> dict[str, Query]:
    """The core pack, then each ``--pack`` folder; a later pack's query shadows an earlier one."""
    queries = core_pack()
    for folder in extra:
        queries.update(load_pack(folder))
    return queries
