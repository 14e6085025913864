"""The embedded store: LadybugDB, in-process, one file on disk, Cypher.

Why LadybugDB: it runs the query packs' own Cypher (see docs/embedded-store.md for
the measurements), so a pack written for Neo4j runs here without a server.

Loads go through ``COPY FROM`` temporary CSV files inside one transaction: row-by-row
``CREATE`` managed about 4,000 statements a second, ``COPY`` about 200,000.
A lock file beside the store serialises writers and keeps readers out while a
load runs; LadybugDB's own lock would make a second process fail instead of wait.
"""

from __future__ import annotations

import csv
import fcntl
import json
import os
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from allegiance.exc import QueryError, StoreError
from allegiance.graph.base import WRITE_REFUSED, GraphStore, LoadReport, Progress
from allegiance.graph.rows import (
    EDGE_FIELDS,
    STATEMENT_FIELDS,
    edge_row,
    known_day,
    scoped_from_json,
    scoped_to_json,
    statement_from_row,
    statement_row,
)
from allegiance.model import Actor, Known, PartialDate, Place, Source, Statement, relation_types

if TYPE_CHECKING:
    from allegiance.loaders.assemble import Assembler

LOCK_TIMEOUT = 120.0

NODE_TABLES = {
    "Actor": "id STRING, name STRING, type STRING, aliases STRING, country STRING, scoped STRING, PRIMARY KEY(id)",
    "Place": "id STRING, name STRING, aliases STRING, country STRING, lat DOUBLE, lon DOUBLE, PRIMARY KEY(id)",
    "Source": "id STRING, title STRING, publisher STRING, url STRING, published STRING, known INT64, "
    "reliability DOUBLE, PRIMARY KEY(id)",
}
_TYPES = {"confidence": "DOUBLE", "negated": "BOOLEAN", "exclusive": "BOOLEAN", "lo": "INT64", "hi": "INT64",
          "lo_key": "INT64", "hi_key": "INT64", "known": "INT64", "weight": "INT64"}
NODE_TABLES["Meta"] = "key STRING, value STRING, PRIMARY KEY(key)"
# Bumped whenever a table changes: an older store is refused with a clear message, not misread.
SCHEMA_VERSION = "2"
NODE_TABLES["Statement"] = ", ".join(f"{f} {_TYPES.get(f, 'STRING')}" for f in STATEMENT_FIELDS) + ", PRIMARY KEY(id)"
EDGE_COLUMNS = ", ".join(f"{f} {_TYPES.get(f, 'STRING')}" for f in EDGE_FIELDS)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _buffer_pool() -> int:
    """Bytes LadybugDB may cache: ``ALLEGIANCE_BUFFER_POOL_MB``, else a quarter of the memory
    (at most 8 GiB). LadybugDB's own default, 80% of the memory, lets one runaway query
    take the whole machine."""
    given = os.environ.get("ALLEGIANCE_BUFFER_POOL_MB")
    if given:
        try:
            return int(given) * 2**20
        except ValueError:
            raise StoreError(f"ALLEGIANCE_BUFFER_POOL_MB: expected a number of megabytes, got {given!r}") from None
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return min(memory // 4, 8 * 2**30)


class EmbeddedStore(GraphStore):
    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False):
        import ladybug  # lazy: `allegiance --help` must not pay for it

        self.path = Path(path)
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise StoreError(f"no store at {self.path}; load data first with 'allegiance load FILE'")
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a directory, not an allegiance store")
        pool = _buffer_pool()
        self._lock = self._take_lock(read_only)
        try:
            self._db = ladybug.Database(str(self.path), read_only=read_only, buffer_pool_size=pool)
            self._conn = ladybug.Connection(self._db)
        except RuntimeError as e:
            self._lock.close()
            raise StoreError(f"cannot open the store {self.path}: {e}") from e
        try:
            self._check_version()
        except StoreError:
            self.close()
            raise
        if not read_only:
            self._create_schema()

    # -- lifecycle -----------------------------------------------------------
    def _take_lock(self, shared: bool):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(f"{self.path}.lock", "a+")
        mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
        deadline = time.monotonic() + LOCK_TIMEOUT
        while True:
            try:
                fcntl.flock(lock, mode)
                return lock
            except BlockingIOError:
                if time.monotonic() > deadline:
                    lock.close()
                    raise StoreError(f"the store {self.path} is busy: another allegiance process is loading into it") from None
                time.sleep(0.05)

    def close(self) -> None:
        if getattr(self, "_conn", None) is not None:
            self._conn.close()
            self._db.close()
            self._conn = None
            self._lock.close()

    def _check_version(self) -> None:
        tables = {row[0] for row in self._rows("CALL show_tables() RETURN name")}
        if not tables:
            return
        version = None
        if "Meta" in tables:
            version = next((r[0] for r in self._rows("MATCH (m:Meta {key: 'schema'}) RETURN m.value")), None)
        if version != SCHEMA_VERSION:
            raise StoreError(f"the store {self.path} was made by another version of allegiance (schema "
                             f"{version or '1'}, this one reads {SCHEMA_VERSION}); export it with the version that made "
                             "it ('allegiance export'), or load your files into a new store")

    def _create_schema(self) -> None:
        for table, columns in NODE_TABLES.items():
            self._conn.execute(f"CREATE NODE TABLE IF NOT EXISTS {table}({columns})")
        for rtype in relation_types().values():
            target = "Place" if rtype.object == "place" else "Actor"
            self._conn.execute(f"CREATE REL TABLE IF NOT EXISTS {rtype.label}(FROM Actor TO {target}, {EDGE_COLUMNS})")
        self._conn.execute("MERGE (m:Meta {key: 'schema'}) SET m.value = $v", {"v": SCHEMA_VERSION})

    # -- reading -------------------------------------------------------------
    def _rows(self, cypher: str, params: dict[str, Any] | None = None) -> Iterator[list[Any]]:
        result = self._conn.execute(cypher, params or {})
        while result.has_next():
            yield result.get_next()

    def run(self, cypher: str, params: dict[str, Any], *, write: bool = False) -> tuple[list[str], list[list[Any]]]:
        if write and self.read_only:
            raise StoreError(f"the store {self.path} is open read-only")
        try:
            result = self._conn.execute(cypher, params)
        except RuntimeError as e:
            if "read-only database" in str(e):
                raise QueryError(WRITE_REFUSED) from e
            raise StoreError(f"the embedded store refused the query: {e}") from e
        columns = result.get_column_names()
        rows = [[_plain(v) for v in row] for row in result.get_all()]
        return columns, rows

    def known(self) -> Known:
        known = Known()
        for id_, name, type_, aliases, country, scoped in self._rows(
            "MATCH (a:Actor) RETURN a.id, a.name, a.type, a.aliases, a.country, a.scoped"
        ):
            known.actors[id_] = Actor(id_, name, type_, tuple(json.loads(aliases or "[]")), country,
                                      scoped_from_json(scoped))
        for id_, name, aliases, country, lat, lon in self._rows(
            "MATCH (p:Place) RETURN p.id, p.name, p.aliases, p.country, p.lat, p.lon"
        ):
            known.places[id_] = Place(id_, name, tuple(json.loads(aliases or "[]")), country, lat, lon)
        for id_, title, publisher, url, published, reliability in self._rows(
            "MATCH (s:Source) RETURN s.id, s.title, s.publisher, s.url, s.published, s.reliability"
        ):
            known.sources[id_] = Source(id_, title, publisher, url, PartialDate.parse(published) if published else None, reliability)
        return known

    def statements(self) -> Iterator[Statement]:
        yield from (statement_from_row(dict(zip(STATEMENT_FIELDS, row))) for row in self._rows(
            "MATCH (s:Statement) RETURN " + ", ".join(f"s.{f}" for f in STATEMENT_FIELDS) + " ORDER BY s.id"))

    def describe(self) -> dict[str, Any]:
        return {"store": str(self.path),
                "store_bytes": sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file())}

    # -- writing -----------------------------------------------------------------
    def write(self, assembler: Assembler, statements: Iterator[Statement], report: LoadReport,
              progress: Progress | None = None) -> None:
        """All or nothing: one transaction of COPYs (no progress to report inside it)."""
        if self.read_only:
            raise StoreError(f"the store {self.path} is open read-only")
        existing = {row[0] for row in self._rows("MATCH (s:Statement) RETURN s.id")}
        types = relation_types()
        with tempfile.TemporaryDirectory(prefix="allegiance-load-") as tmp:
            # Everything is read and checked into CSV files first: an error in the last
            # record surfaces before the store is touched.
            files: dict[str, Any] = {}
            writers: dict[str, Any] = {}

            def writer(table: str):
                if table not in writers:
                    files[table] = open(os.path.join(tmp, f"{table}.csv"), "w", newline="", encoding="utf-8")
                    writers[table] = csv.writer(files[table])
                return writers[table]

            try:
                pending: list[Statement] = []
                for statement in statements:
                    if statement.id in existing:
                        continue
                    existing.add(statement.id)
                    pending.append(statement)
                    if len(pending) >= 50_000:
                        self._spool(pending, assembler, writer, types)
                        report.added += len(pending)
                        pending.clear()
                self._spool(pending, assembler, writer, types)
                report.added += len(pending)
            finally:
                for f in files.values():
                    f.close()
            actors, places, sources = assembler.changed()
            report.actors, report.places, report.sources = len(actors), len(places), len(sources)
            self._commit(tmp, set(files), actors, places, sources, assembler.known,
                         list(assembler.restated.values()))

    def _spool(self, statements: list[Statement], assembler: Assembler, writer, types) -> None:
        nodes = writer("Statement")
        for s in statements:
            known = known_day(assembler.sources.get(s.source))
            row = statement_row(s, known)
            nodes.writerow([_cell(row[f]) for f in STATEMENT_FIELDS])
            rtype = types[s.relation]
            edge = edge_row(s, rtype, known)
            writer(rtype.label).writerow([s.subject, s.object, *(_cell(edge[f]) for f in EDGE_FIELDS)])

    def _commit(self, tmp: str, tables: set[str], actors: list[Actor], places: list[Place],
                sources: list[Source], known: Known, restated: list[Statement]) -> None:
        conn = self._conn
        conn.execute("BEGIN TRANSACTION")
        try:
            self._upsert(conn, tmp, "Actor", actors, known.actors, lambda a: (
                a.id, a.name, a.type, json.dumps(list(a.aliases), ensure_ascii=False), a.country, scoped_to_json(a)))
            self._upsert(conn, tmp, "Place", places, known.places, lambda p: (
                p.id, p.name, json.dumps(list(p.aliases), ensure_ascii=False), p.country, p.lat, p.lon))
            self._upsert(conn, tmp, "Source", sources, known.sources, lambda s: (
                s.id, s.title, s.publisher, s.url, s.published, known_day(s), s.reliability))
            for source in sources:
                if source.id in known.sources and known_day(source) != known_day(known.sources[source.id]):
                    self._redate(conn, source)
            # Statement nodes first: rel tables only reference Actor/Place, already written above.
            for table in sorted(tables, key=lambda t: t != "Statement"):
                conn.execute(f"COPY {table} FROM '{os.path.join(tmp, table + '.csv')}' (header=false, parallel=false)")
            if restated:
                self._restate(conn, restated)
            conn.execute("COMMIT")
        except BaseException as e:
            try:
                conn.execute("ROLLBACK")
            except RuntimeError:
                pass  # LadybugDB has already rolled back a transaction whose statement failed
            if isinstance(e, RuntimeError):
                raise StoreError(f"the store {self.path} refused the load, nothing was written: {e}") from e
            raise

    def _upsert(self, conn, tmp: str, table: str, entities: list, known: dict, row) -> None:
        """New entities by COPY; changed ones by MERGE (COPY refuses existing keys)."""
        new = [e for e in entities if e.id not in known]
        changed = [e for e in entities if e.id in known]
        if new:
            path = os.path.join(tmp, f"{table}-new.csv")
            with open(path, "w", newline="", encoding="utf-8") as f:
                csv.writer(f).writerows([_cell(v) for v in row(e)] for e in new)
            conn.execute(f"COPY {table} FROM '{path}' (header=false, parallel=false)")
        if changed:
            names = [c.split()[0] for c in NODE_TABLES[table].split(", ") if not c.startswith("PRIMARY")]
            rows = [dict(zip(names, (None if v is None else v if not isinstance(v, PartialDate) else str(v) for v in row(e)))) for e in changed]
            assignments = ", ".join(f"n.{n} = row.{n}" for n in names[1:])
            conn.execute(f"UNWIND $rows AS row MATCH (n:{table} {{id: row.id}}) SET {assignments}", {"rows": rows})

    def _restate(self, conn, statements: list[Statement]) -> None:
        """Stored statements given again with another confidence or weight (outside their id):
        the node and its relation edge both change."""
        types = relation_types()
        by_label: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for s in statements:
            rtype = types[s.relation]
            by_label.setdefault((rtype.label, "Place" if rtype.object == "place" else "Actor"), []).append(
                {"id": s.id, "subject": s.subject, "object": s.object, "confidence": s.confidence, "weight": s.weight})
        # CAST: a column of nulls in $rows is typed STRING, which LadybugDB will not assign
        values = "confidence = CAST(row.confidence AS DOUBLE), {0}.weight = CAST(row.weight AS INT64)"
        for (label, target), rows in by_label.items():
            conn.execute("UNWIND $rows AS row MATCH (s:Statement {id: row.id}) SET s." + values.format("s"),
                         {"rows": rows})
            # the edge found from its two ends (primary keys), not by scanning every edge
            conn.execute(f"UNWIND $rows AS row MATCH (:Actor {{id: row.subject}})-[r:{label}]->"
                         f"(:{target} {{id: row.object}}) WHERE r.statement = row.id SET r." + values.format("r"),
                         {"rows": rows})

    def _redate(self, conn, source: Source) -> None:
        """A source's new publication date changes what was known when."""
        day = known_day(source)
        conn.execute("MATCH (s:Statement) WHERE s.source = $id SET s.known = $day", {"id": source.id, "day": day})
        for rtype in relation_types().values():
            conn.execute(f"MATCH ()-[r:{rtype.label}]->() WHERE r.source = $id SET r.known = $day", {"id": source.id, "day": day})


def _plain(value: Any) -> Any:
    """LadybugDB returns sums as Decimal; answers are plain JSON-able values."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list) and not all(type(v) is str for v in value):  # ids: most lists
        return [_plain(v) for v in value]
    return value
