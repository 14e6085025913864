"""The Neo4j backend: the same graph on a Neo4j 5 server, over Bolt.

The graph is one a Browser user can read: ``(:Actor)``, ``(:Place)``, ``(:Source)``,
``(:Statement)`` nodes; relation edges ``SUPPORTS``, ``OPPOSES``, ... with the same
properties as on the embedded store (so the packs run unchanged) plus real ``DATE``
properties ``start``/``end`` and their precision for Bloom and range indexes; each
statement linked to its subject, object and source (``SUBJECT``, ``OBJECT``, ``CITES``).

Writes go in batches (``UNWIND $rows``) of new statements only, each batch in its own
transaction, its rows packed for Bolt from their columns (``bolt_rows``): input is
checked in full before the first batch, and an interrupted load completes on a re-run
without duplicates, since statement ids are content hashes and a re-run skips the ids the
graph already has.

A team shares a server, so loads run concurrently: the uniqueness constraint on statement
ids is what keeps each statement once. A batch that meets a statement another loader wrote
meanwhile fails on that constraint as a whole; it is sent again without the statements now
there. Deadlocks and other transient errors are retried here, a bounded number of times
and quietly (the driver's own retrying logs warnings, so it is not used).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import re
import time
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import TYPE_CHECKING, Any

from allegiance.exc import QueryError, StoreError
from allegiance.graph import bolt_rows, vocabulary_memory
from allegiance.graph.base import SHARES_ENV, WRITE_REFUSED, Changes, GraphStore, Progress, StoreWriter
from allegiance.graph.rows import (
    EDGE_FIELDS,
    SPOOL_FIELDS,
    STATEMENT_FIELDS,
    known_day,
    scoped_from_json,
    scoped_to_json,
    statement_from_row,
)
from allegiance.graph.spool import ParquetSpool, by_relation
from allegiance.model import Actor, Known, PartialDate, Place, Source, Statement, relation_types
from allegiance.model.partial_date import BOUND_SCALE, OPEN_END, PRECISIONS, UNKNOWN_START

if TYPE_CHECKING:
    import neo4j
    import pyarrow as pa

BATCH = 5_000
WRITERS = 2  # batches in flight at once
# Transient errors (deadlocks between concurrent loaders, a leader switch) are retried this
# many times, waiting a random 0.5-1.5 times a delay that doubles from 50 ms up to 2 s.
ATTEMPTS = 12
# A batch whose statements other loaders keep writing first is sent again at most this often.
CONFLICT_ROUNDS = 20
_CONFLICT = "Neo.ClientError.Schema.ConstraintValidationFailed"
# What a concurrent CREATE ... IF NOT EXISTS of the same rule reports: the rule is there.
_SCHEMA_THERE = ("Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists",
                 "Neo.ClientError.Schema.ConstraintAlreadyExists", "Neo.ClientError.Schema.IndexAlreadyExists")
# A whole-graph answer in shares (queries/pack.py, ``_share``): Neo4j Community runs one
# query on one core, so a query in shares runs as this many queries at once, each over a
# range of the actors' ids holding about as many of their edges. Measured on 2 cores at 1M
# statements: `changes` 10.1 -> 6.1 s, `relations` 9.2 -> 6.5 s (4 shares as fast as 2).
DEFAULT_SHARES = 4
MOST_SHARES = 64
_SHARE_WEIGHTS = "MATCH (a:Actor) RETURN a.id AS id, COUNT { (a)-->() } AS edges ORDER BY id"
# The driver logs retries and pool events as warnings; with no handler of ours Python would
# print them on stderr. Our errors say what the user needs.
logging.getLogger("neo4j").addHandler(logging.NullHandler())

# A statement goes to the server as one flat list: its node's fields (STATEMENT_FIELDS),
# then what only its relation edge has. Lists, not maps: the server decodes no key names,
# which measured 103 to 142 instead of 118 to 161 us of Neo4j CPU per statement
# (docs/benchmarks-neo4j.md).
ROW_FIELDS = (*STATEMENT_FIELDS, "lo_key", "hi_key", "start_precision", "end_precision", "start", "end")
_AT = {f: i for i, f in enumerate(ROW_FIELDS)}


def _cell(field: str) -> str:
    return f"row[{_AT[field]}]"


# The relation edge's properties: EDGE_FIELDS, as on the embedded store, plus real DATEs and
# their precision for Bloom and range indexes. All come from the same row.
EDGE_PROPERTIES = (*EDGE_FIELDS, "start", "end", "start_precision", "end_precision")
_EDGE_FROM = {"statement": _cell("id"), "exclusive": "$exclusive"}
assert all(f in _EDGE_FROM or f in _AT for f in EDGE_PROPERTIES)
_EDGE_SET = ", ".join(f"r.{f} = {_EDGE_FROM.get(f) or _cell(f)}" for f in EDGE_PROPERTIES)
# CREATE skips properties whose value is null, as SET st = map would.
_STATEMENT_PROPS = ", ".join(f"{f}: {_cell(f)}" for f in STATEMENT_FIELDS)
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
DEFAULT_URI = "bolt://127.0.0.1:7687"
DEFAULT_USER = "neo4j"


_PLAIN = (str, int, float, bool, type(None))
# What _native leaves as it is, at the top of a cell and inside a list.
_KEPT = frozenset({*_PLAIN, dict})

# A read that starts as a pack query does (past comments) comes back many rows to a Bolt
# record (``_chunked``): the driver spends about 40 us of Python on every record it receives,
# which was 7.5 s of who-backs-whom's 187,821 rows at 1M statements (3.4 s on the server).
# Possessive (Python 3.11): nothing gives back, so no text makes it backtrack (with plain
# quantifiers, 24 slashes and no clause took 25 ms, and each 4 more slashes four times that).
_CHUNKED = re.compile(r"(?:\s++|//[^\n]*+|/\*.*?\*/)*+(?:MATCH|OPTIONAL|UNWIND|WITH|RETURN)\b", re.I | re.S)
CHUNK = 2_000  # rows to a record
_COLUMNS: dict[str, list[str] | None] = {}  # of the texts read lately (``_columns``)
_UNREAD: Any = object()
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# What sends a chunked read back to the plain one: the wrapping refused (a text that stands
# alone but not inside CALL () { }, such as one ending in ';', or a server older than 5.23),
# or the whole answer not fitting the server's transaction memory at once, which a stream
# of rows may.
_REFUSED_WRAP = "Neo.ClientError.Statement.SyntaxError"
_OUT_OF_MEMORY = "Neo.TransientError.General.MemoryPoolOutOfMemoryError"
_UNCHUNKED = (_REFUSED_WRAP, _OUT_OF_MEMORY)


class _Conflict(StoreError):
    """A write met a statement id that another transaction wrote first."""


def _native(value: Any) -> Any:
    """Driver temporal values as Python's own, so answers look the same on every backend."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, list):
        return [_native(v) for v in value]
    return value.to_native() if hasattr(value, "to_native") else value


def _natives(rows: list[list[Any]]) -> list[list[Any]]:
    """``rows`` with every cell ``_native``. Most answers hold nothing to convert: the types
    of each column's cells, and of what its lists hold, tell, and then the rows are returned
    as they are (cell by cell took 0.8 s of a whole answer at 1M statements; a set of the
    types built in Python, 1.0 s of `changes`; by ``map``, a tenth of that)."""
    for column in zip(*rows, strict=True):
        cells = set(map(type, column))
        if cells <= _KEPT:
            continue
        # A column of lists (and nulls): what the lists hold, or the slow way for any other mix.
        if not cells <= {list, type(None)} or not set(map(type, chain.from_iterable(filter(None, column)))) <= _KEPT:
            return [[_native(v) for v in row] for row in rows]
    return rows


def _chunked(cypher: str, keys: list[str]) -> str:
    """The query, its rows sent ``CHUNK`` to a record, in order: one list of rows (its
    ``keys`` in order) per record. Only our names are added; the text runs as it is inside
    (``CALL () { }``, Neo4j 5.23's form: an older server refuses it, and ``_read`` then reads
    the plain query)."""
    row = ", ".join("`" + k.replace("`", "``") + "`" for k in keys)
    return (f"CALL () {{\n{cypher}\n}}\nWITH collect([{row}]) AS `allegiance rows`\n"
            f"UNWIND range(0, size(`allegiance rows`) - 1, {CHUNK}) AS `allegiance at`\n"
            f"RETURN `allegiance rows`[`allegiance at`..`allegiance at` + {CHUNK}]")


class Neo4jStore(GraphStore):
    """``driver``: a driver of the caller's (or anything with the driver's ``session()``,
    ``verify_connectivity()`` and ``close()``), which the store uses and leaves open; without
    one the store makes its own from ``uri``, ``user`` and ``password`` and closes it."""

    def __init__(self, uri: str, user: str | None = None, password: str | None = None,
                 database: str | None = None, *, read_only: bool = False, driver: Any = None,
                 shares: int = DEFAULT_SHARES):
        import neo4j
        from neo4j import exceptions

        self.uri = uri
        self.user = user or DEFAULT_USER
        self.database = database or "neo4j"
        self.read_only = read_only
        self.shares = shares  # how many at once a query in shares runs as (``share_bounds``)
        self._exceptions = exceptions
        self._driver: neo4j.Driver | None = None  # or the caller's stand-in for one
        self._own_driver = driver is None
        if uri.split("://", 1)[0] not in SCHEMES:
            raise StoreError(f"not a Neo4j address: {uri!r}; expected bolt://HOST:PORT or neo4j://HOST:PORT")
        try:
            # Server notifications (unknown property keys on an empty graph...) are not
            # for our users; errors still raise.
            self._driver = driver or neo4j.GraphDatabase.driver(
                uri, auth=None if password is None else (self.user, password), notifications_min_severity="OFF")
            self._driver.verify_connectivity()
        except Exception as e:
            self.close()
            raise self._translate(e) from e
        try:
            vocabulary_memory.check(self._remembered(), f"{uri} (database {self.database})")
            if not read_only:
                self._create_schema()
        except BaseException:
            self.close()  # a driver left open warns when collected, in whatever runs then
            raise

    # -- errors ------------------------------------------------------------------
    def _translate(self, e: Exception) -> Exception:
        """Driver errors become ours; never with the password in them."""
        x = self._exceptions
        if isinstance(e, x.AuthError):
            return StoreError(f"authentication failed for user {self.user} at {self.uri}")
        if isinstance(e, (x.ServiceUnavailable, OSError)):
            return StoreError(f"cannot reach Neo4j at {self.uri}: connection refused or server not running")
        if isinstance(e, (ValueError, x.ConfigurationError)):
            return StoreError(f"not a Neo4j address: {self.uri!r} ({e})")
        if isinstance(e, x.ClientError) and e.code == "Neo.ClientError.Statement.AccessMode":
            return QueryError(WRITE_REFUSED)
        if isinstance(e, x.ClientError) and e.code == _CONFLICT:
            return _Conflict(f"Neo4j refused the query: {e.message}")
        if isinstance(e, x.Neo4jError):
            return StoreError(f"Neo4j refused the query: {getattr(e, 'message', None) or e}")
        return e

    def _execute(self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False,
                 final: tuple[str, ...] = ()):
        """(records, summary, keys) of one auto-commit transaction, retried on transient errors
        but those whose code is in ``final``."""
        delay = 0.05
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return self._attempt(cypher, params or {}, write)
            except StoreError:
                raise  # ours already (a closed store)
            except Exception as e:
                if not self._transient(e) or getattr(e, "code", None) in final:
                    raise self._translate(e) from e
                if attempt == ATTEMPTS:
                    raise StoreError(f"{self._translate(e)} (still failing after {ATTEMPTS} tries)") from e
            time.sleep(delay * random.uniform(0.5, 1.5))  # noqa: S311 - jitter, not secrecy
            delay = min(delay * 2, 2.0)
        raise AssertionError("unreachable")

    def _attempt(self, cypher: str, params: dict[str, Any], write: bool):
        # (cypher, params, write): a test replaces this method to simulate transient errors.
        from neo4j import READ_ACCESS, WRITE_ACCESS

        driver = self._driver
        if driver is None:  # not transient: _execute translates it at once
            raise StoreError(f"the store {self.uri} is closed")
        with driver.session(database=self.database,
                            default_access_mode=WRITE_ACCESS if write else READ_ACCESS) as session:
            result = session.run(cypher, params)
            records = list(result)
            return records, result.consume(), result.keys()

    def _transient(self, e: Exception) -> bool:
        x = self._exceptions
        if isinstance(e, x.Neo4jError):
            return isinstance(e, x.TransientError) or e.is_retryable()
        return isinstance(e, (x.SessionExpired, x.ServiceUnavailable))

    def close(self) -> None:
        driver = getattr(self, "_driver", None)
        if driver is not None:
            if self._own_driver:
                driver.close()
            self._driver = None

    # -- schema ------------------------------------------------------------------
    def _create_schema(self) -> None:
        """Constraints and indexes, created once; safe when several processes start at once."""
        rules = {f"{label.lower()}_id": f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) "
                 "REQUIRE n.id IS UNIQUE" for label in ("Actor", "Place", "Source", "Statement")}
        for rtype in relation_types().values():
            name, on = rtype.name, f"FOR ()-[r:{rtype.label}]-()"
            rules |= {f"{name}_statement": f"CREATE INDEX {name}_statement IF NOT EXISTS {on} ON (r.statement)",
                      f"{name}_interval": f"CREATE INDEX {name}_interval IF NOT EXISTS {on} ON (r.lo, r.hi)",
                      f"{name}_start": f"CREATE INDEX {name}_start IF NOT EXISTS {on} ON (r.start)",
                      f"{name}_end": f"CREATE INDEX {name}_end IF NOT EXISTS {on} ON (r.end)"}
        # A schema write takes the database's schema lock: skip what is there, so that the
        # usual start (everything there) writes nothing and waits for no other loader.
        there = {r[0] for r in self._execute("SHOW INDEXES YIELD name RETURN name")[0]}
        for name, cypher in rules.items():
            if name in there:
                continue
            try:
                self._execute(cypher, write=True)
            except StoreError as e:
                cause = e.__cause__
                if getattr(cause, "code", None) not in _SCHEMA_THERE:
                    raise

    def _remembered(self) -> set[str]:
        """The relation types and kinds the graph's statements use (see vocabulary_memory);
        two loaders starting at once may each have made a Meta node: every one counts."""
        records, _, _ = self._execute("MATCH (m:Meta {key: $key}) RETURN m.value", {"key": vocabulary_memory.KEY})
        return {item for (value,) in records for item in value or ()}

    def _remember(self, used: set[str]) -> None:
        """Written before the statements: a load cut short leaves no edge of a type unremembered."""
        if used <= self._remembered():
            return
        # The first SET takes the node's write lock, so the list is read after any other
        # loader's update commits and none is lost.
        self._execute("MERGE (m:Meta {key: $key}) SET m.lock = true "
                      "WITH m SET m.value = [x IN coalesce(m.value, []) WHERE NOT x IN $used] + $used",
                      {"key": vocabulary_memory.KEY, "used": sorted(used)}, write=True)

    # -- reading -----------------------------------------------------------------
    def run(self, cypher: str, params: dict[str, Any], *, write: bool = False) -> tuple[list[str], list[list[Any]]]:
        if not write and _CHUNKED.match(cypher):
            return self._read(cypher, params)
        return self._plain(cypher, params, write)

    def _plain(self, cypher: str, params: dict[str, Any], write: bool = False) -> tuple[list[str], list[list[Any]]]:
        """Columns and rows of the query as it is, a record a row."""
        records, _, keys = self._execute(cypher, params, write=write)
        return list(keys), _natives([r.values() for r in records])

    def _read(self, cypher: str, params: dict[str, Any], keys: list[str] | None = None) -> tuple[list[str], list[list[Any]]]:
        """A read's columns and rows, the rows sent many to a record (``_chunked``) when its
        columns allow (``_columns``) or the caller names them (aliases, in order)."""
        keys = keys or self._columns(cypher, params)
        if keys is not None:
            try:
                records, _, _ = self._execute(_chunked(cypher, keys), params, final=_UNCHUNKED)
                return keys, _natives([row for record in records for row in record[0]])
            except StoreError as e:
                code = getattr(e.__cause__, "code", None)
                if code not in _UNCHUNKED:
                    raise
                if code == _REFUSED_WRAP:
                    _COLUMNS[cypher] = None  # the text cannot be wrapped: not tried again
        return self._plain(cypher, params)

    def _columns(self, cypher: str, params: dict[str, Any]) -> list[str] | None:
        """The columns of a query that can be wrapped (``_chunked``), or None. Read from its
        plan (``EXPLAIN``: no rows are made, and a query the server refuses is refused as the
        user wrote it), and kept: a query's columns follow from its text alone. Inside
        ``CALL { }`` every returned expression but a variable must be aliased, and a column
        not named so (``n.id``, ``count(n)``) is such an expression."""
        known = _COLUMNS.get(cypher, _UNREAD)
        if known is not _UNREAD:
            return known
        keys = list(self._execute("EXPLAIN " + cypher, params)[2])
        columns = keys if all(_NAME.fullmatch(k) for k in keys) else None
        if len(_COLUMNS) >= 256:
            _COLUMNS.clear()  # read again when needed: simpler than an order, and safe in threads
        _COLUMNS[cypher] = columns
        return columns

    def share_bounds(self) -> list[str]:
        """Where the second and later of ``shares`` shares begin: the actors in id order, cut
        into runs of about as many outgoing edges (each degree is a count Neo4j keeps)."""
        if self.shares < 2:
            return []
        return cut_shares([(id_, edges) for id_, edges in self.run(_SHARE_WEIGHTS, {})[1]], self.shares)

    def known(self) -> Known:
        known = Known()
        records, _, _ = self._execute("MATCH (a:Actor) RETURN a.id, a.name, a.type, a.aliases, a.country, a.scoped")
        for id_, name, type_, aliases, country, scoped in records:
            known.actors[id_] = Actor(id_, name, type_, tuple(aliases or ()), country, scoped_from_json(scoped))
        records, _, _ = self._execute("MATCH (p:Place) RETURN p.id, p.name, p.aliases, p.country, p.lat, p.lon")
        for id_, name, aliases, country, lat, lon in records:
            known.places[id_] = Place(id_, name, tuple(aliases or ()), country, lat, lon)
        records, _, _ = self._execute(
            "MATCH (s:Source) RETURN s.id, s.title, s.publisher, s.url, s.published, s.reliability")
        for id_, title, publisher, url, published, reliability in records:
            known.sources[id_] = Source(id_, title, publisher, url,
                                        PartialDate.parse(published) if published else None, reliability)
        return known

    def statements(self) -> Iterator[Statement]:
        _, rows = self._read("MATCH (s:Statement) RETURN " + ", ".join(f"s.{f} AS {f}" for f in STATEMENT_FIELDS)
                             + " ORDER BY s.id", {}, list(STATEMENT_FIELDS))
        for row in rows:
            yield statement_from_row(dict(zip(STATEMENT_FIELDS, row, strict=True)))

    def describe(self) -> dict[str, Any]:
        return {"store": f"{self.uri} (database {self.database})"}

    # -- writing -----------------------------------------------------------------
    def statement_ids(self) -> set[str]:
        return {row[0] for row in self._read("MATCH (s:Statement) RETURN s.id AS id", {}, ["id"])[1]}

    def writer(self) -> StoreWriter:
        """The statements are spooled first: a bad record anywhere stops the load before the
        first batch reaches the server."""
        if self.read_only:
            raise StoreError(f"the Neo4j store at {self.uri} is open read-only")
        return _Writer(self)

    def update_statements(self, statements: Iterable[Statement]) -> None:
        """Statements the graph holds, given again with another confidence or weight (outside
        their id; ``Assembler.restated``): their node and relation edge take the new values.
        One transaction per relation label; a null value removes the property."""
        by_label: dict[str, list[dict[str, Any]]] = {}
        for s in statements:
            by_label.setdefault(relation_types()[s.relation].label, []).append(
                {"id": s.id, "confidence": s.confidence, "weight": s.weight})
        for label, rows in by_label.items():
            self._execute("UNWIND $rows AS row MATCH (st:Statement {id: row.id}) "
                          "SET st.confidence = row.confidence, st.weight = row.weight WITH row "
                          f"MATCH ()-[r:{label}]->() WHERE r.statement = row.id "
                          "SET r.confidence = row.confidence, r.weight = row.weight", {"rows": rows}, write=True)

    def _write_entities(self, actors: list[Actor], places: list[Place], sources: list[Source], known: Known) -> None:
        if actors:
            self._execute(
                "UNWIND $rows AS row MERGE (n:Actor {id: row.id}) SET n += row",
                {"rows": [{"id": a.id, "name": a.name, "type": a.type, "aliases": list(a.aliases),
                           "country": a.country, "scoped": scoped_to_json(a)} for a in actors]}, write=True)
        if places:
            self._execute(
                "UNWIND $rows AS row MERGE (n:Place {id: row.id}) SET n += row.props, "
                "n.location = CASE WHEN row.props.lat IS NULL THEN null "
                "ELSE point({latitude: row.props.lat, longitude: row.props.lon}) END",
                {"rows": [{"id": p.id, "props": {"id": p.id, "name": p.name, "aliases": list(p.aliases),
                                                  "country": p.country, "lat": p.lat, "lon": p.lon}}
                          for p in places]}, write=True)
        if sources:
            rows = [{"id": s.id, "title": s.title, "publisher": s.publisher, "url": s.url,
                     "published": str(s.published) if s.published else None,
                     "published_on": s.published.earliest if s.published else None,
                     "known": known_day(s), "reliability": s.reliability} for s in sources]
            self._execute("UNWIND $rows AS row MERGE (n:Source {id: row.id}) SET n += row", {"rows": rows}, write=True)
            redated = [{"id": s.id, "known": known_day(s)} for s in sources
                       if s.id in known.sources and known_day(s) != known_day(known.sources[s.id])]
            if redated:
                self._execute("UNWIND $rows AS row MATCH (st:Statement {source: row.id}) SET st.known = row.known",
                              {"rows": redated}, write=True)
                for rtype in relation_types().values():
                    self._execute(f"UNWIND $rows AS row MATCH ()-[r:{rtype.label}]->() WHERE r.source = row.id "
                                  "SET r.known = row.known", {"rows": redated}, write=True)

    def _write_statements(self, spool: ParquetSpool, total: int, progress: Progress | None,
                          written: list[int]) -> None:
        """Batches from the spool, two in flight at a time: the server writes one while the
        client makes the next (measured 24% faster on 2 cores). Each batch is still its own
        transaction, so a re-run completes an interrupted load. ``written[0]`` counts the
        statements of the batches that committed."""
        from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

        import pyarrow.parquet as pq

        running: set = set()

        def settle(futures) -> None:
            for future in futures:
                running.discard(future)
                written[0] += future.result()  # a failed batch stops the load here
                if progress:
                    progress("batch", written[0], written[0], total)

        with ThreadPoolExecutor(max_workers=WRITERS) as pool:
            try:
                for rtype in relation_types().values():
                    if rtype.label not in spool.names():
                        continue
                    key = (rtype.label, rtype.object_label, rtype.exclusive)
                    for batch in pq.ParquetFile(spool.path(rtype.label)).iter_batches(batch_size=BATCH):
                        columns = row_columns(batch)
                        while len(running) >= WRITERS:
                            settle(wait(running, return_when=FIRST_COMPLETED)[0])
                        running.add(pool.submit(self._flush, (*key, columns)))
                settle(list(running))
            finally:
                # A batch that failed leaves the other one in flight: count it if it committed.
                for future in list(running):
                    if future.exception() is None:
                        written[0] += future.result()
        if progress:
            progress("batch", written[0], written[0], total)

    def _flush(self, batch: tuple[str, str, bool, list[pa.Array]]) -> int:
        """One batch of statements of one relation label (its ``row_columns``), in one
        transaction; returns how many statements it wrote. A batch that meets statements
        another loader wrote first is sent again without them."""
        import pyarrow as pa
        import pyarrow.compute as pc

        label, target, exclusive, columns = batch
        cypher = "UNWIND $rows AS row\n" + statement_writes(label, target)
        for _ in range(CONFLICT_ROUNDS):
            try:
                self._execute(cypher, {"rows": bolt_rows.rows_parameter(columns), "exclusive": exclusive}, write=True)
                return len(columns[0])
            except _Conflict:
                ids = columns[_AT["id"]]
                there, _, _ = self._execute("UNWIND $ids AS id MATCH (s:Statement {id: id}) RETURN s.id",
                                            {"ids": ids.to_pylist()})
                left = pc.invert(pc.is_in(ids, value_set=pa.array([record[0] for record in there], ids.type)))
                columns = [column.filter(left) for column in columns]
                if not len(columns[0]):
                    return 0
        raise StoreError(f"Neo4j: other loaders kept writing this batch's statements first ({CONFLICT_ROUNDS} tries)")


class _Writer(StoreWriter):
    def __init__(self, store: Neo4jStore) -> None:
        self.store = store
        self.types = relation_types()
        self.spool = ParquetSpool()  # a file per relation type (its label): SPOOL_FIELDS columns
        self.new = 0
        self.used: set[str] = set()  # the relation types and kinds the statements use

    def add_columns(self, table: pa.Table) -> None:
        if not table.num_rows:
            return
        for name, part in by_relation(table):
            self.spool.write(self.types[name].label, part)
        self.new += table.num_rows
        vocabulary_memory.used_columns(table, self.used)

    def commit(self, changes: Changes, progress: Progress | None = None) -> int:
        store, written = self.store, [0]  # statements this load wrote, as batches commit
        self.spool.finish()
        try:
            store._remember(self.used)  # before the batches: a load cut short leaves nothing unrecorded
            store._write_entities(changes.actors, changes.places, changes.sources, changes.known or Known())
            store.update_statements(changes.restated)
            store._write_statements(self.spool, self.new, progress, written)
        except StoreError as e:
            raise StoreError(
                f"{e}; the load stopped after writing {written[0]:,} of {self.new:,} new statements: "
                "run the same load again to complete it (what was written is skipped)") from e
        return written[0]

    def close(self) -> None:
        self.spool.close()


def row_columns(batch: pa.RecordBatch) -> list[pa.Array]:
    """Spooled statements (``SPOOL_FIELDS`` columns) as the ``ROW_FIELDS`` columns a batch
    sends: the precision of each bound read from its key (``encode_bound``), its day as a
    DATE (``date32``; none for an open bound)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = [batch.column(f) for f in SPOOL_FIELDS]
    names = pa.array([PRECISIONS.get(p) for p in range(BOUND_SCALE)], pa.string())
    for key in ("lo_key", "hi_key"):
        keys = batch.column(key)
        columns.append(names.take(pc.subtract(keys, pc.multiply(pc.divide(keys, BOUND_SCALE), BOUND_SCALE))))
    for day, none in (("lo", UNKNOWN_START), ("hi", OPEN_END)):
        days = batch.column(day)
        days = pc.if_else(pc.equal(days, none), pa.scalar(None, days.type), days)
        columns.append(pc.subtract(days, _UNIX_EPOCH).cast(pa.int32()).cast(pa.date32()))
    return columns


_UNIX_EPOCH = dt.date(1970, 1, 1).toordinal()


def statement_writes(label: str, target: str) -> str:
    """The Cypher that writes one statement ``row`` (a ROW_FIELDS list): its node, its links
    and its relation edge. Shared with the benchmark's server-only ceiling, which feeds it
    rows made on the server.

    Labels come from the declared relation types, never from input; values are parameters.
    CREATE, not MERGE: write() sends only statements the graph lacks, and each batch is one
    transaction, so a batch is either all there or absent when a load is re-run."""
    return f"""MATCH (s:Actor {{id: {_cell("subject")}}})
    MATCH (o:{target} {{id: {_cell("object")}}})
    MATCH (src:Source {{id: {_cell("source")}}})
    CREATE (st:Statement {{{_STATEMENT_PROPS}}})
    CREATE (st)-[:SUBJECT]->(s), (st)-[:OBJECT]->(o), (st)-[:CITES]->(src)
    CREATE (s)-[r:{label}]->(o)
    SET {_EDGE_SET}
    WITH st, row WHERE {_cell("claimed_by")} IS NOT NULL
    MATCH (c:Actor {{id: {_cell("claimed_by")}}})
    CREATE (st)-[:CLAIMED_BY]->(c)"""


def cut_shares(weights: list[tuple[str, int]], shares: int) -> list[str]:
    """The ids, from ``weights`` ((id, edges) in increasing id order), where each share after
    the first begins, so that the ``shares`` runs hold about as many edges each; fewer
    bounds when one actor holds more than a share's part."""
    total = sum(edges for _, edges in weights)
    bounds: list[str] = []
    level, before = 0, 0  # the shares' parts reached so far; the edges of the actors before this one
    for id_, edges in weights:
        reached = min(before * shares // total, shares - 1) if total else 0
        if reached > level and id_:
            bounds.append(id_)
            level = reached
        before += edges
    return bounds


def shares_from_env() -> int:
    """``ALLEGIANCE_NEO4J_SHARES``: how many queries at once a query in shares runs as."""
    given = os.environ.get(SHARES_ENV, "").strip()
    if not given:
        return DEFAULT_SHARES
    if not (given.isascii() and given.isdigit()) or not 1 <= int(given) <= MOST_SHARES:
        raise StoreError(f"{SHARES_ENV}: expected a whole number from 1 (each query whole) to {MOST_SHARES}, "
                         f"how many queries at once a whole-graph answer runs as; got {given!r}")
    return int(given)


def open_neo4j(uri: str | None = None, *, read_only: bool = False, default_password: str | None = None) -> Neo4jStore:
    """A store on the server at ``uri`` (else ``ALLEGIANCE_NEO4J_URI``), with the credentials
    and database of ``ALLEGIANCE_NEO4J_USER``, ``_PASSWORD`` (else ``default_password``) and
    ``_DATABASE``, answering in ``ALLEGIANCE_NEO4J_SHARES`` shares."""
    shares = shares_from_env()
    return Neo4jStore(
        uri or os.environ.get("ALLEGIANCE_NEO4J_URI") or DEFAULT_URI,
        os.environ.get("ALLEGIANCE_NEO4J_USER"),
        os.environ.get("ALLEGIANCE_NEO4J_PASSWORD") or default_password,
        os.environ.get("ALLEGIANCE_NEO4J_DATABASE"),
        read_only=read_only,
        shares=shares,
    )


