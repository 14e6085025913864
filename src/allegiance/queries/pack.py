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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from allegiance.exc import QueryError

PARAM_TYPES = ("actor", "place", "entity", "relation", "date", "text", "int", "float", "bool")
COLUMN_TYPES = ("id", "text", "date", "set", "list", "bool", "int", "float")
STANDARD_PARAMS = ("as_of_lo", "as_of_hi", "known_at")

_HEADER = re.compile(r"^//\s*(name|question|param|column|order)\b\s*(.*)$")
_DECL = re.compile(r"^(\w+)\s*:\s*(\w+)(?:\s*=\s*(\"[^\"]*\"|\S+))?\s*(.*)$")
_PARAM_USE = re.compile(r"\$(\w+)")


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

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def _default(text: str | None) -> Any:
    if text is None:
        return None
    return text[1:-1] if text.startswith('"') else text


def parse_query(text: str, path: str, pack: str) -> Query:
    name, question = Path(path).stem, ""
    params: list[Param] = []
    columns: list[Column] = []
    order: tuple[str, ...] = ()
    body: list[str] = []
    first = 1
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if body or stripped and not stripped.startswith("//"):
            if not body:
                first = number
            body.append(line)  # the header ends at the first line of Cypher
            continue
        match = _HEADER.match(stripped)
        if match is None:
            continue  # a blank line or a free comment in the header
        key, rest = match.groups()
        rest = rest.lstrip(":").strip() if key in ("name", "question", "order") else rest.strip()
        if key == "order":
            order = tuple(c.strip() for c in rest.split(","))
            if not all(re.fullmatch(r"\w+", c) for c in order):
                raise QueryError(f"{path}, line {number}: expected '// order: COLUMN, COLUMN, ...'")
        elif key == "name":
            name = rest
        elif key == "question":
            question = rest
        else:
            decl = _DECL.match(rest)
            types = PARAM_TYPES if key == "param" else COLUMN_TYPES
            if not decl or decl.group(2) not in types:
                raise QueryError(f"{path}, line {number}: expected '// {key} NAME: TYPE', TYPE one of {', '.join(types)}")
            pname, ptype, default, help_ = decl.groups()
            if key == "param":
                params.append(Param(pname, ptype, _default(default), help_))
            else:
                columns.append(Column(pname, ptype, help_))
    cypher = "\n".join(body).strip()
    if not cypher:
        raise QueryError(f"{path}: no Cypher after the header")
    undeclared = [c for c in order if c not in {col.name for col in columns}]
    if undeclared:
        raise QueryError(f"{path}: '// order' names {undeclared[0]!r}, which is not a declared column")
    declared = set(STANDARD_PARAMS)
    for p in params:
        declared |= {f"{p.name}_lo", f"{p.name}_hi"} if p.type == "date" else {p.name}
    for used in _PARAM_USE.findall(cypher):
        if used not in declared:
            raise QueryError(f"{path}: the query uses ${used}, which its header does not declare")
    return Query(name, question, cypher, path, pack, params, columns, order, first)


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
    queries: dict[str, Query] = {}
    for path in sorted(folder.glob("*.cypher")):
        query = parse_query(_read(path), str(path), pack or folder.name)
        if query.name in queries:
            raise QueryError(f"{path}: a query named {query.name!r} is already in {queries[query.name].path}")
        queries[query.name] = query
    if not queries:
        raise QueryError(f"{folder}: no .cypher files")
    return queries


def core_pack() -> dict[str, Query]:
    return load_pack(Path(str(resources.files("allegiance.queries").joinpath("core"))), "core")


def all_queries(extra: list[str] | tuple[str, ...] = ()) -> dict[str, Query]:
    """The core pack, then each ``--pack`` folder; a later pack's query shadows an earlier one."""
    queries = core_pack()
    for folder in extra:
        queries.update(load_pack(folder))
    return queries
