"""The embedded store: LadybugDB, in-process, one file on disk, Cypher.

Why LadybugDB: it runs the query packs' own Cypher (see docs/embedded-store.md for
the measurements), so a pack written for Neo4j runs here without a server.

Loads go through ``COPY FROM`` inside one transaction: row-by-row ``CREATE`` managed
about 4,000 statements a second, ``COPY`` about 200,000. The statements are spooled to
temporary Parquet files (a row group per batch, so memory stays bounded), entities are
handed over as Arrow tables: LadybugDB copies them about as fast as its own unquoted CSV,
and a quote holding commas, quotes or line breaks needs no quoted CSV (which, read
serially as the old spool had to, or not, took 2.5 times as long as Arrow at 200,000 and
at 1M statements).
A lock file beside the store (``lockfile``) serialises writers and keeps readers out
while a load commits; the temporary files are in a marked folder (``spool``).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from allegiance.exc import QueryError, StoreError
from allegiance.graph import lockfile, vocabulary_memory
from allegiance.graph.base import WRITE_REFUSED, Changes, GraphStore, Progress, StoreWriter
from allegiance.graph.rows import (
    EDGE_FIELDS,
    FIELD_TYPES,
    STATEMENT_FIELDS,
    known_day,
    scoped_from_json,
    scoped_to_json,
    statement_from_row,
)
from allegiance.graph.spool import ParquetSpool, arrow_batch, arrow_type, by_relation, copy_source
from allegiance.model import Actor, Known, PartialDate, Place, Source, Statement, relation_types

if TYPE_CHECKING:
    import ladybug
    import pyarrow as pa

LOCK_TIMEOUT = 120.0

NODE_TABLES = {
    "Actor": "id STRING, name STRING, type STRING, aliases STRING, country STRING, scoped STRING, PRIMARY KEY(id)",
    "Place": "id STRING, name STRING, aliases STRING, country STRING, lat DOUBLE, lon DOUBLE, PRIMARY KEY(id)",
    "Source": "id STRING, title STRING, publisher STRING, url STRING, published STRING, known INT64, "
    "reliability DOUBLE, PRIMARY KEY(id)",
}
NODE_TABLES["Meta"] = "key STRING, value STRING, PRIMARY KEY(key)"
# Bumped whenever a table changes: an older store is refused with a clear message, not misread.
SCHEMA_VERSION = "2"
NODE_TABLES["Statement"] = ", ".join(f"{f} {FIELD_TYPES.get(f, 'STRING')}" for f in STATEMENT_FIELDS) + ", PRIMARY KEY(id)"
EDGE_COLUMNS = ", ".join(f"{f} {FIELD_TYPES.get(f, 'STRING')}" for f in EDGE_FIELDS)



def _columns(table: str) -> list[tuple[str, str]]:
    """(name, LadybugDB type) of each column a COPY into ``table`` gives, in order: a rel
    table's rows start with the ids of its two ends."""
    if table in NODE_TABLES:
        return [(c.split()[0], c.split()[1]) for c in NODE_TABLES[table].split(", ") if not c.startswith("PRIMARY")]
    return [("from", "STRING"), ("to", "STRING"), *((f, FIELD_TYPES.get(f, "STRING")) for f in EDGE_FIELDS)]


def _schema(table: str) -> pa.Schema:
    import pyarrow as pa

    return pa.schema([(name, arrow_type(kind)) for name, kind in _columns(table)])


MIN_POOL_MB = 64  # below this LadybugDB runs out of cache loading even the example


def _buffer_pool() -> int:
    """Bytes LadybugDB may cache: ``ALLEGIANCE_BUFFER_POOL_MB``, else a quarter of the memory
    (at most 8 GiB). LadybugDB's own default, 80% of the memory, lets one runaway query
    take the whole machine."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    given = os.environ.get("ALLEGIANCE_BUFFER_POOL_MB")
    if given:
        try:
            megabytes = int(given)
        except ValueError:
            raise StoreError(f"ALLEGIANCE_BUFFER_POOL_MB: expected a number of megabytes, got {given!r}") from None
        # LadybugDB takes a negative size for a type error, and reserves a huge one up front
        # (MemoryError), or, if the reservation passes, lets the cache outgrow the machine.
        most = memory // 2**20
        if not MIN_POOL_MB <= megabytes <= most:
            raise StoreError(f"ALLEGIANCE_BUFFER_POOL_MB: expected {MIN_POOL_MB} to {most} megabytes "
                             f"(this machine's memory), got {given!r}")
        return megabytes * 2**20
    return min(memory // 4, 8 * 2**30)


# What LadybugDB says when a checkpoint was cut short: only a read-write open replays it.
RECOVERY_PENDING = "Cannot open database in read-only mode while checkpoint recovery is pending"
# The exceptions pybind11 makes of C++ ones (runtime_error, length_error, out_of_range,
# overflow_error, bad_alloc) when LadybugDB meets a file it cannot make sense of.
ENGINE_ERRORS = (RuntimeError, ValueError, IndexError, OverflowError, MemoryError)


class EmbeddedStore(GraphStore):
    """The store in the file ``path``.

    ``read_only``: shared lock, for queries. Otherwise the store holds the exclusive lock
    from open to close, except with ``for_load``: then it holds nothing until its writer
    has read and checked all its input, and the exclusive lock only while it commits, so
    a load waiting on its input keeps no reader and no other load waiting.
    """

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False, for_load: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        self.for_load = for_load and not read_only
        self._pool = _buffer_pool()
        self._db: ladybug.Database | None = None
        self._conn: ladybug.Connection | None = None
        self._lock: int | None = None
        self._tables: set[str] = set()
        if read_only and not self.path.exists():
            raise StoreError(f"no store at {self.path}; load data first with 'allegiance load FILE'")
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a directory, not an allegiance store")
        if not self.for_load:
            self._open(read_only)

    # -- lifecycle -----------------------------------------------------------
    def _open(self, read_only: bool) -> None:
        import ladybug  # lazy: `allegiance --help` must not pay for it

        if not read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise StoreError(f"cannot make the folder {self.path.parent} for the store: "
                                 f"{(e.strerror or str(e)).lower()}") from e
        self._lock = lockfile.take(self.path, shared=read_only, timeout=LOCK_TIMEOUT)
        try:
            # Under the lock: a writer making a new store has it empty for a moment.
            existed = self.path.exists()
            if existed and self.path.stat().st_size == 0:
                raise self._damaged("the file is empty")
            self._db = self._database(read_only)
            self._conn = conn = ladybug.Connection(self._db)
            self._check_version(existed)
            if not read_only:
                self._create_schema(conn)
        except BaseException:
            self._release()
            raise

    def _database(self, read_only: bool) -> ladybug.Database:
        import ladybug

        try:
            return ladybug.Database(str(self.path), read_only=read_only, buffer_pool_size=self._pool)
        except ENGINE_ERRORS as e:
            if not (read_only and RECOVERY_PENDING in str(e)):
                raise self._refused(e, read_only) from e
        self._recover()
        try:
            return ladybug.Database(str(self.path), read_only=True, buffer_pool_size=self._pool)
        except ENGINE_ERRORS as e:
            raise self._refused(e, read_only) from e

    def _recover(self) -> None:
        """A write was killed during a checkpoint: replay it by opening the store read-write
        once, under the exclusive lock, then go back to reading."""
        import ladybug

        needs = (f"the store {self.path} needs recovery: a write to it was cut short during a checkpoint, and only "
                 "a process that can write to it can finish it; run 'allegiance check --store "
                 f"{self.path}' once as a user who can write to {self.path.parent}")
        if self._lock is None:
            raise StoreError(needs)
        lockfile.convert(self._lock, self.path, shared=False, timeout=LOCK_TIMEOUT)
        try:
            ladybug.Database(str(self.path), buffer_pool_size=self._pool).close()
        except ENGINE_ERRORS as e:
            if "Permission denied" in str(e):
                raise StoreError(needs) from e
            raise self._refused(e, read_only=False) from e
        finally:
            lockfile.convert(self._lock, self.path, shared=True, timeout=LOCK_TIMEOUT)

    def _refused(self, e: BaseException, read_only: bool) -> StoreError:
        """LadybugDB would not open the file: busy, not ours to read or write, or damaged."""
        text = str(e)
        if "Could not set lock on file" in text:
            return StoreError(lockfile.BUSY.format(path=self.path))
        if "Permission denied" in text:
            return StoreError(f"cannot {'read' if read_only else 'write to'} the store {self.path}: permission denied")
        return self._damaged(f"LadybugDB cannot open it ({text or type(e).__name__})")

    def _damaged(self, why: str) -> StoreError:
        return StoreError(f"{self.path}: {why}: it is not an allegiance store or is damaged; restore it from a copy, "
                          "or load your files into a new store")

    def _release(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._db is not None:
            self._db.close()
        self._db = self._conn = None
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def close(self) -> None:
        self._release()

    def _connection(self) -> ladybug.Connection | None:
        """The open connection; a store opened ``for_load`` opens read-only on demand, and
        None when there is no store yet."""
        if self._conn is None and self.for_load:
            if not self.path.exists():
                return None
            self._open(read_only=True)
        if self._conn is None:
            raise StoreError(f"the store {self.path} is closed")
        return self._conn

    def _check_version(self, existed: bool) -> None:
        tables = {row[0] for row in self._rows("CALL show_tables() RETURN name")}
        if not tables:
            if existed:  # LadybugDB opens any file of its own, or a blank one, as an empty database
                raise self._damaged("it holds no allegiance tables")
            return
        self._tables = tables
        version = None
        if "Meta" in tables:
            version = next((r[0] for r in self._rows("MATCH (m:Meta {key: 'schema'}) RETURN m.value")), None)
        if version != SCHEMA_VERSION:
            raise StoreError(f"the store {self.path} was made by another version of allegiance (schema "
                             f"{version or '1'}, this one reads {SCHEMA_VERSION}); export it with the version that made "
                             "it ('allegiance export'), or load your files into a new store")
        vocabulary_memory.check(self._remembered(), str(self.path))

    def _remembered(self) -> set[str]:
        """The relation types and kinds the store's statements use (see vocabulary_memory)."""
        try:
            return {item for (value,) in self._rows("MATCH (m:Meta {key: $key}) RETURN m.value",
                                                      {"key": vocabulary_memory.KEY}) for item in json.loads(value)}
        except (ValueError, TypeError) as e:
            raise self._damaged(f"its vocabulary cannot be read ({e})") from e

    def holds_edges(self, label: str) -> bool:
        # a store opened read-only has no table for a type declared after it was written
        return label in self._tables

    def _create_schema(self, conn: ladybug.Connection) -> None:
        for table, columns in NODE_TABLES.items():
            conn.execute(f"CREATE NODE TABLE IF NOT EXISTS {table}({columns})")
        for rtype in relation_types().values():
            conn.execute(f"CREATE REL TABLE IF NOT EXISTS {rtype.label}(FROM Actor TO {rtype.object_label}, {EDGE_COLUMNS})")
            self._tables.add(rtype.label)
        conn.execute("MERGE (m:Meta {key: 'schema'}) SET m.value = $v", {"v": SCHEMA_VERSION})

    # -- reading -------------------------------------------------------------
    def _rows(self, cypher: str, params: dict[str, Any] | None = None) -> Iterator[list[Any]]:
        """Rows of our own queries: an engine error here means the store cannot be read."""
        conn = self._connection()
        if conn is None:
            return  # a store opened for a load that does not exist yet: empty
        try:
            result = _one(conn.execute(cypher, params or {}))
            while result.has_next():
                yield cast(list[Any], result.get_next())  # a list: rows are dicts only after rows_as_dict()
        except ENGINE_ERRORS as e:
            if "Buffer manager exception" in str(e):
                raise StoreError(f"the store {self.path} needs more cache than ALLEGIANCE_BUFFER_POOL_MB allows: "
                                 f"{e}") from e
            raise self._damaged(f"reading it failed ({e})") from e

    def attributes(self) -> dict[str, tuple[float | None, int | None]]:
        # _rows: a store opened for a load that does not exist yet holds nothing
        return {id_: (confidence, weight) for id_, confidence, weight in self._rows(self.ATTRIBUTES)}

    def run(self, cypher: str, params: dict[str, Any], *, write: bool = False) -> tuple[list[str], list[list[Any]]]:
        if write and self.read_only:
            raise StoreError(f"the store {self.path} is open read-only")
        conn = self._connection()
        if conn is None:
            raise StoreError(f"no store at {self.path}; load data first with 'allegiance load FILE'")
        try:
            result = _one(conn.execute(cypher, params))
            columns = result.get_column_names()
            rows = cast("list[list[Any]]", result.get_all())  # rows as lists: get_all never gives dicts
            # Only a column of a type LadybugDB returns as Decimal (sums are INT128) is converted:
            # a column has one type, so the other cells are left as the engine gave them.
            convert = [i for i, t in enumerate(result.get_column_data_types()) if _DECIMAL_TYPES.search(t)]
            for row in rows if convert else ():
                for i in convert:
                    row[i] = _plain(row[i])
        except RuntimeError as e:
            if "read-only database" in str(e):
                raise QueryError(WRITE_REFUSED) from e
            raise StoreError(f"the embedded store refused the query: {e}") from e
        except ENGINE_ERRORS as e:  # a value it cannot decode (text that is not UTF-8...): damage
            raise self._damaged(f"reading it failed ({e})") from e
        return columns, rows

    def known(self) -> Known:
        known = Known()
        try:
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
                known.sources[id_] = Source(id_, title, publisher, url, PartialDate.parse(published) if published else None,
                                            reliability)
        except (ValueError, TypeError, AttributeError) as e:  # JSON or a date that no load wrote
            raise self._damaged(f"an actor, place or source cannot be read ({e})") from e
        return known

    def statements(self) -> Iterator[Statement]:
        for row in self._rows("MATCH (s:Statement) RETURN " + ", ".join(f"s.{f}" for f in STATEMENT_FIELDS)
                              + " ORDER BY s.id"):
            try:
                yield statement_from_row(dict(zip(STATEMENT_FIELDS, row, strict=False)))
            except (ValueError, TypeError) as e:
                raise self._damaged(f"statement {row[0]} cannot be read ({e})") from e

    def _statement_ids(self) -> Iterator[str]:
        return (row[0] for row in self._rows("MATCH (s:Statement) RETURN s.id"))

    def describe(self) -> dict[str, Any]:
        return {"store": str(self.path),
                "store_bytes": sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file())}

    # -- writing -----------------------------------------------------------------
    def statement_ids(self) -> set[str]:
        return set(self._statement_ids())

    def writer(self) -> StoreWriter:
        """All or nothing: the statements are spooled to Parquet files, then written in one
        transaction of COPYs (no progress to report inside it). An error in the last record
        surfaces before the store is touched (and before a new store exists)."""
        if self.read_only:
            raise StoreError(f"the store {self.path} is open read-only")
        return _Writer(self)

    def _commit(self, spool: ParquetSpool, actors: list[Actor], places: list[Place],
                sources: list[Source], known: Known, restated: list[Statement], stale: list[Source],
                used: set[str]) -> None:
        """``spool``: the load's files (``_Writer``); ``known``: what the store holds now;
        ``restated``: stored statements given with new attributes; ``stale``: sources redated
        since the statements were spooled; ``used``: the relation types and kinds of the
        statements spooled."""
        conn = self._conn
        if conn is None:  # what _remembered would say: a store for a load is open by now
            raise StoreError(f"the store {self.path} is closed")
        remembered = self._remembered()
        conn.execute("BEGIN TRANSACTION")
        try:
            self._upsert(conn, "Actor", actors, known.actors, lambda a: (
                a.id, a.name, a.type, json.dumps(list(a.aliases), ensure_ascii=False), a.country, scoped_to_json(a)))
            self._upsert(conn, "Place", places, known.places, lambda p: (
                p.id, p.name, json.dumps(list(p.aliases), ensure_ascii=False), p.country, p.lat, p.lon))
            self._upsert(conn, "Source", sources, known.sources, lambda s: (
                s.id, s.title, s.publisher, s.url, s.published, known_day(s), s.reliability))
            for source in sources:
                if source.id in known.sources and known_day(source) != known_day(known.sources[source.id]):
                    self._redate(conn, source)
            # Statement nodes first: rel tables only reference Actor/Place, already written above.
            for table in sorted(spool.names(), key=lambda t: t != "Statement"):
                conn.execute(f"COPY {table} FROM {copy_source(spool.path(table))}")
            if restated:
                self._restate(conn, restated)
            for source in stale:
                self._redate(conn, source)
            if not used <= remembered:  # in the load's transaction: no data without its vocabulary
                conn.execute("MERGE (m:Meta {key: $key}) SET m.value = $value",
                             {"key": vocabulary_memory.KEY, "value": json.dumps(sorted(remembered | used))})
            conn.execute("COMMIT")
        except BaseException as e:
            try:
                conn.execute("ROLLBACK")
            except RuntimeError:
                pass  # LadybugDB has already rolled back a transaction whose statement failed
            if isinstance(e, RuntimeError):
                raise StoreError(f"the store {self.path} refused the load, nothing was written: {e}") from e
            raise

    def _upsert(self, conn, table: str, entities: list, known: dict, row) -> None:
        """New entities by COPY (from Arrow); changed ones by MERGE (COPY refuses existing keys)."""
        new = [e for e in entities if e.id not in known]
        changed = [e for e in entities if e.id in known]
        if new:
            import pyarrow as pa

            schema = _schema(table)
            values = [tuple(str(v) if isinstance(v, PartialDate) else v for v in row(e)) for e in new]
            conn.execute(f"COPY {table} FROM $rows", {"rows": pa.Table.from_batches([arrow_batch(schema, values)])})
        if changed:
            columns = _columns(table)
            names = [name for name, _ in columns]
            rows = [dict(zip(names, (str(v) if isinstance(v, PartialDate) else v for v in row(e)), strict=False))
                    for e in changed]
            # CAST: a column that is null in every row arrives as STRING, which LadybugDB
            # will not store in a DOUBLE or INT64 column.
            assignments = ", ".join(f"n.{name} = CAST(row.{name} AS {kind})" for name, kind in columns[1:])
            conn.execute(f"UNWIND $rows AS row MATCH (n:{table} {{id: row.id}}) SET {assignments}", {"rows": rows})

    def _restate(self, conn, statements: list[Statement]) -> None:
        """Stored statements given again with another confidence or weight (outside their id):
        the node and its relation edge both change."""
        types = relation_types()
        by_label: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for s in statements:
            rtype = types[s.relation]
            by_label.setdefault((rtype.label, rtype.object_label), []).append(
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
            conn.execute(f"MATCH ()-[r:{rtype.label}]->() WHERE r.source = $id SET r.known = $day",
                         {"id": source.id, "day": day})


class _Writer(StoreWriter):
    """One load's spool. Opened ``for_load``, the store holds no lock while the load reads
    its input, so what other loads wrote in between is read again under the exclusive lock
    at commit: statements they added leave the spool, entities they added are updated
    rather than added twice, and sources they redated redate this load's statements too."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.store = store
        self.types = relation_types()
        self.spool = ParquetSpool()  # "Statement", and each relation type's label: its edges
        self.spooled: set[str] = set()
        self.used: set[str] = set()  # the relation types and kinds the statements use
        if store.for_load:
            store._release()

    def add_columns(self, table: pa.Table) -> None:
        """Spool new statements: their nodes, and for each relation type their edges."""
        import pyarrow as pa

        if not table.num_rows:
            return
        self.spool.write("Statement", table.select(list(STATEMENT_FIELDS)))
        for name, part in by_relation(table):
            rtype = self.types[name]
            columns = [part["subject"], part["object"]] + [
                pa.array([rtype.exclusive] * part.num_rows, pa.bool_()) if f == "exclusive"
                else part["id" if f == "statement" else f] for f in EDGE_FIELDS]
            self.spool.write(rtype.label, pa.Table.from_arrays(columns, schema=_schema(rtype.label)))
        self.spooled.update(table["id"].to_pylist())
        vocabulary_memory.used_columns(table, self.used)

    def commit(self, changes: Changes, progress: Progress | None = None) -> int:
        self.spool.finish()
        store, spool = self.store, self.spool
        if not store.for_load:
            store._commit(spool, changes.actors, changes.places, changes.sources, changes.known or Known(),
                          changes.restated, stale=[], used=self.used)
            return len(self.spooled)
        store._open(read_only=False)
        try:
            known = store.known()
            appeared = {i for i in store._statement_ids() if i in self.spooled} if self.spooled else set()
            if appeared:
                _drop_rows(spool, appeared)
            ours = {s.id for s in changes.sources}
            stale = [s for i, s in known.sources.items() if i not in ours and i in changes.used
                     and known_day(s) != known_day(changes.used[i])]
            store._commit(spool, changes.actors, changes.places, changes.sources, known, changes.restated,
                          stale=stale, used=self.used)
            return len(self.spooled) - len(appeared)
        finally:
            store._release()

    def close(self) -> None:
        self.spool.close()


def _drop_rows(spool: ParquetSpool, ids: set[str]) -> None:
    """Take the statements ``ids`` out of the spooled files: the id is a Statement row's
    first column and a relation edge row's third (after subject and object)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    gone = pa.array(sorted(ids), type=pa.string())
    for table in spool.names():
        path = spool.path(table)
        rows = pq.read_table(path)
        column = rows.column(0 if table == "Statement" else 2)
        kept = spool.path(f"{table}-kept")
        pq.write_table(rows.filter(pc.invert(pc.is_in(column, value_set=gone))), kept)
        os.replace(kept, path)


_DECIMAL_TYPES = re.compile(r"INT128|DECIMAL")


def _plain(value: Any) -> Any:
    """LadybugDB returns sums as Decimal; answers are plain JSON-able values."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list) and not all(type(v) is str for v in value):  # ids: most lists
        return [_plain(v) for v in value]
    return value


def _one(result: ladybug.QueryResult | list[ladybug.QueryResult]) -> ladybug.QueryResult:
    """The result of one statement: LadybugDB answers a text of several statements with a
    list, and every text we run is one statement (pack queries: the guard refuses a second)."""
    return cast("ladybug.QueryResult", result)
