#!/usr/bin/env python3
"""Benchmark allegiance's Neo4j backend: our batched loader, a naive loader, as-of queries.

    python scripts/bench_neo4j.py --statements 1000000 [--uri bolt://127.0.0.1:17687] [--json]

THE DATABASE IS WIPED at start (and again before the naive loader): run it against a
Neo4j of its own, e.g. the one ``scripts/neo4j-local`` starts with
``NEO4J_LOCAL_HOME=.neo4j-bench NEO4J_LOCAL_BOLT_PORT=17687 NEO4J_LOCAL_HTTP_PORT=17474``.
Port 7687 (the development server) is refused unless ``--i-know-this-wipes`` is given.

Steps, in order:
 1. generate the synthetic JSONL with scripts/bench.py's seeded generator (cached);
 2. warm-up: the server-only ceilings of step 6 once on bare actors and sources, then wiped, so
    that no timed step meets a cold JVM;
 3. the full ceiling: ``--statements`` statements made on the server, written by our
    statement Cypher with two writers into bare actors and sources (the graph our load
    starts from), then wiped: the denominator of the load's ratio;
 4. wipe; ``load(store, [file])`` timed end to end and by phase (reading and checking,
    entities, batches), every server call timed, Neo4j's own time read from the
    result summaries;
 5. once the server is idle again, as-of queries on the loaded graph, in process through
    ``run_query``;
 6. the server alone on top of the loaded graph: ``--ceiling`` rows made on the server,
    with one and with two writers, ids like ours, and two writers with sequential ids, and
    the Neo4j JVM's CPU time per statement (those statements are deleted afterwards);
 7. wipe; a naive loader (one auto-commit MERGE transaction per statement) on the
    first ``--naive`` statements, with the same constraints and indexes present;
 8. the embedded store on the same file (a temporary one): loaded, then the same
    whole-graph queries, in process, as many runs each.

The ratios come first in the table, each from figures of this run: our Bolt load's rate
over the full ceiling's (issue 12's target is at least 0.8; over the ceilings on top of
the loaded graph too, for comparison), and each whole-graph query on Neo4j over the same
query on the embedded store (target: at most 2).

``--batch N`` runs with ``allegiance.graph.neo4j_store.BATCH = N``; ``--profile`` also
runs the load under cProfile (slower) and prints the top functions. See
docs/benchmarks-neo4j.md for results.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import importlib.util
import io
import json
import os
import platform
import pstats
import random
import resource
import statistics
import sys
import threading
import time
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
DEFAULT_URI = "bolt://127.0.0.1:17687"
DEV_PORT = 7687
LOAD_RATE_TARGET = 20_000  # statements/s, whole load
NAIVE_RATIO_TARGET = 30.0  # ours / naive


# -- helpers ---------------------------------------------------------------------
@functools.cache
def _bench():
    """scripts/bench.py, whose generator and timing helpers this benchmark shares, so both
    load the same statements and report figures the same way."""
    spec = importlib.util.spec_from_file_location("allegiance_bench", REPO / "scripts" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bench_generate():
    return _bench().generate


def log(*args: object) -> None:
    print(*args, file=sys.stderr, flush=True)


def peak_rss_mib() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def summary(times: list[float]) -> dict[str, float]:
    return _bench().summary(times)


def listening_pid(port: int) -> int | None:
    """The process listening on 127.0.0.1:``port`` (the Neo4j JVM), from /proc."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if f[3] == "0A" and int(f[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(f[9])
    if not inodes:
        return None
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                link = os.readlink(fd)
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return int(proc.name)
        except OSError:
            continue
    return None


def cpu_s(pid: int | None = None) -> float | None:
    """CPU seconds (user + system, every thread) used so far by this process, or by ``pid``
    (the Neo4j JVM, from /proc/PID/stat; its GC and background threads included)."""
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def cpu_budget(client_s: float, server_s: float | None, n: int) -> dict[str, object]:
    """CPU per statement, client and server, and the rate those costs allow when every core
    of this machine does nothing else: cores / (client + server CPU per statement)."""
    out: dict[str, object] = {"client_us_per_statement": round(client_s / n * 1e6, 1)}
    if server_s is not None:
        per = (client_s + server_s) / n
        out["server_us_per_statement"] = round(server_s / n * 1e6, 1)
        out["cores"] = len(os.sched_getaffinity(0))
        out["bound_statements_per_s"] = round(out["cores"] / per)
    return out


def proc_rss(pid: int | None) -> dict[str, int] | None:
    """Current and peak RSS (MiB) of a process, from /proc/PID/status."""
    if pid is None:
        return None
    try:
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    out = {}
    for line in status:
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out["rss_mib" if key == "VmRSS" else "peak_rss_mib"] = round(int(value.split()[0]) / 1024)
    return out


def machine(uri: str, driver) -> dict[str, object]:
    mem = next((line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")), "0")
    info: dict[str, object] = {
        "nproc": len(os.sched_getaffinity(0)), "mem_gib": round(int(mem) / 2**20, 1),
        "python": platform.python_version(), "neo4j_driver": metadata.version("neo4j"),
        "allegiance": metadata.version("allegiance"), "platform": platform.platform(),
        "loadavg_1m_at_start": round(os.getloadavg()[0], 2), "uri": uri,
    }
    records, _, _ = driver.execute_query("CALL dbms.components() YIELD name, versions, edition "
                                         "RETURN name, versions[0] AS version, edition")
    info["server"] = " ".join(str(v) for v in records[0].values())
    # Memory settings are visible to an admin user through SHOW SETTINGS.
    try:
        records, _, _ = driver.execute_query(
            "SHOW SETTINGS YIELD name, value WHERE name IN "
            "['server.memory.heap.initial_size', 'server.memory.heap.max_size', 'server.memory.pagecache.size'] "
            "RETURN name, value")
        info["server_memory"] = {r["name"]: r["value"] for r in records}
    except Exception as e:  # noqa: BLE001 - informative only
        info["server_memory"] = f"unknown ({type(e).__name__})"
    return info


def settle(neo4j_pid: int | None, limit: float = 180.0) -> float | None:
    """Wait until the Neo4j JVM is about idle (under 5% of a core over 3 s) after a load:
    its checkpoint and collections would otherwise fall on the first queries timed
    (Community has no db.checkpoint() to run first). Seconds waited, or None without a pid."""
    if neo4j_pid is None:
        return None
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        before = cpu_s(neo4j_pid)
        time.sleep(3)
        if before is None or (cpu_s(neo4j_pid) or 0) - before < 0.15:
            break
    return round(time.perf_counter() - start, 1)


def wipe(driver, database: str | None) -> float:
    """Delete every node and relationship (constraints and indexes stay); seconds taken."""
    start = time.perf_counter()
    # CALL { } IN TRANSACTIONS needs an implicit (auto-commit) transaction: session.run.
    # Relationships go first: on the 1M graph one batch of 10,000 DETACH DELETEs takes all
    # 5,000 actors with their ~2M relationships and exceeds the transaction memory pool.
    with driver.session(database=database) as session:
        session.run("MATCH ()-[r]->() CALL { WITH r DELETE r } IN TRANSACTIONS OF 50000 ROWS").consume()
        session.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
        left = session.run("MATCH (n) RETURN count(n) AS n").single()["n"]
    if left:
        raise SystemExit(f"wipe left {left} nodes")
    return round(time.perf_counter() - start, 2)


def graph_counts(driver, database: str | None) -> dict[str, int]:
    with driver.session(database=database) as session:
        def one(q: str) -> int:
            return session.run(q).single()[0]
        return {"nodes": one("MATCH (n) RETURN count(n)"),
                "relationships": one("MATCH ()-[r]->() RETURN count(r)"),
                "statements": one("MATCH (s:Statement) RETURN count(s)"),
                "actors": one("MATCH (a:Actor) RETURN count(a)")}


# -- 1. our loader ---------------------------------------------------------------
class _TimedDriver:
    """A driver whose sessions record every query: what it was, when it started, its wall
    time, the server's own time (from the result summary) and the rows it sent."""

    def __init__(self, driver, calls: list) -> None:
        self._driver, self._calls = driver, calls

    def session(self, **config):
        return _TimedSession(self._driver.session(**config), self._calls)

    def verify_connectivity(self) -> None:
        self._driver.verify_connectivity()

    def close(self) -> None:
        self._driver.close()


class _TimedSession:
    def __init__(self, session, calls: list) -> None:
        self._session, self._calls = session, calls

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._session.close()

    def run(self, cypher: str, params: dict | None = None):
        return _TimedResult(self._session.run(cypher, params or {}), cypher, params or {}, self._calls)


class _TimedResult:
    def __init__(self, result, cypher: str, params: dict, calls: list) -> None:
        self._result, self._cypher, self._params, self._calls = result, cypher, params, calls
        self._start = time.perf_counter()

    def __iter__(self):
        return iter(self._result)

    def keys(self):
        return self._result.keys()

    def consume(self):
        s = self._result.consume()
        wall = time.perf_counter() - self._start
        server = ((s.result_available_after or 0) + (s.result_consumed_after or 0)) / 1000
        cypher = self._cypher
        what = ("batch" if "CREATE (st:Statement" in cypher else "existing_ids" if "RETURN s.id AS id" in cypher
                else "entities" if cypher.startswith("UNWIND") else "known" if "RETURN" in cypher else "other")
        self._calls.append((what, self._start, wall, server, len(self._params.get("rows", ()))))
        return s


def our_load(args, data: Path, n: int, neo4j_pid: int | None) -> dict[str, object]:
    import neo4j

    from allegiance.graph import bolt_rows, neo4j_store
    from allegiance.graph.neo4j_store import Neo4jStore
    from allegiance.pipeline import load

    if args.batch:
        neo4j_store.BATCH = args.batch
    # Time every server call through the store's driver seam: a driver that times its sessions.
    calls: list[tuple[str, float, float, float, int]] = []  # (what, start, wall s, server s, rows)
    driver = _TimedDriver(neo4j.GraphDatabase.driver(args.uri, auth=(args.user, args.password),
                                                     notifications_min_severity="OFF"), calls)
    store = Neo4jStore(args.uri, args.user, args.password, args.database, driver=driver)
    marks: dict[str, float] = {}
    cpu: dict[str, tuple[float, float | None]] = {}  # (client, server) CPU seconds at each mark

    def progress(phase: str, count: int, done: int, total: int) -> None:
        now = time.perf_counter()
        if phase == "read":
            marks.setdefault("read", now)
        elif phase == "write":
            marks["write"] = now
            cpu["write"] = (cpu_s(), cpu_s(neo4j_pid))

    profiler = cProfile.Profile() if args.profile else None
    rss_before = peak_rss_mib()
    cpu["start"] = (cpu_s(), cpu_s(neo4j_pid))
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    report = load(store, [str(data)], progress=progress)
    if profiler:
        profiler.disable()
    end = time.perf_counter()
    cpu["end"] = (cpu_s(), cpu_s(neo4j_pid))
    store.close()
    driver.close()  # ours, not the store's
    total_s = end - start
    write_s = end - marks["write"]
    batch_calls = [c for c in calls if c[0] == "batch"]
    first_batch_at = batch_calls[0][1] if batch_calls else end
    r: dict[str, object] = {
        "batch_size": neo4j_store.BATCH,
        # How the batches' rows went: packed from their columns, or as lists where the
        # driver's packers failed bolt_rows' self-test (a slower path, worth knowing).
        "rows_sent_as": "packed rows" if bolt_rows.ready() else "lists",
        "statements_read": report.read, "statements_added": report.added,
        "actors_written": report.actors, "sources_written": report.sources,
        "seconds": round(total_s, 2), "statements_per_s": round(report.added / total_s),
        "phases_s": {
            # known() and the ids the graph already has, before the first record is read
            "setup": round(marks.get("read", marks["write"]) - start, 2),
            # read JSONL, check, assemble, spool rows to a temp file
            "read_check_spool": round(marks["write"] - marks.get("read", start), 2),
            # actors and sources, one UNWIND each
            "entities": round(first_batch_at - marks["write"], 2),
            "batches": round(end - first_batch_at, 2),
            "write_total": round(write_s, 2),
        },
        "write_statements_per_s": round(report.added / write_s),
        # Where the CPU went: this process (reading, checking, packing) and the Neo4j JVM.
        "cpu_s": {phase: {"client": round(cpu[b][0] - cpu[a][0], 1),
                          "server": None if cpu[a][1] is None else round(cpu[b][1] - cpu[a][1], 1)}
                  for phase, a, b in (("whole_load", "start", "end"), ("before_write", "start", "write"),
                                      ("write", "write", "end"))},
        "cpu_whole_load": cpu_budget(cpu["end"][0] - cpu["start"][0],
                                     None if neo4j_pid is None else cpu["end"][1] - cpu["start"][1], report.added),
        "batch_calls": len(batch_calls),
        "batch_wall_s": round(sum(c[2] for c in batch_calls), 2),
        "batch_server_s": round(sum(c[3] for c in batch_calls), 2),
        "server_calls_s": {w: round(sum(c[2] for c in calls if c[0] == w), 2) for w in sorted({c[0] for c in calls})},
        "python_peak_rss_mib_before": rss_before,
        "python_peak_rss_mib": peak_rss_mib(),
        "neo4j_rss": proc_rss(neo4j_pid),
    }
    # Does the write rate fall as the graph grows? Compare the first and last tenth.
    # (rows / wall time of the server calls themselves, so spool parsing is not counted)
    if len(batch_calls) >= 10:
        tenth = len(batch_calls) // 10
        def rate(part: list) -> int:
            return round(sum(c[4] for c in part) / sum(c[2] for c in part))
        r["batch_rate_first_tenth"] = rate(batch_calls[:tenth])
        r["batch_rate_last_tenth"] = rate(batch_calls[-tenth:])
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(35)
        out.write("\n--- by own time ---\n")
        stats.sort_stats("tottime").print_stats(25)
        r["profile"] = out.getvalue()
    return r


# -- 3. queries ------------------------------------------------------------------
class Watchdog:
    """Ends a query Neo4j is still running after ``limit`` s (TERMINATE TRANSACTIONS)."""

    def __init__(self, driver, database: str | None, limit: float):
        self.driver, self.database, self.limit = driver, database, limit
        self.fired = False
        self._stop = threading.Event()

    def __enter__(self):
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _watch(self) -> None:
        if self._stop.wait(self.limit):
            return
        self.fired = True
        with self.driver.session(database=self.database) as session:
            ids = [r["id"] for r in session.run(
                "SHOW TRANSACTIONS YIELD transactionId AS id, currentQuery "
                "WHERE NOT currentQuery STARTS WITH 'SHOW TRANSACTIONS' RETURN id")]
            if ids:
                session.run("TERMINATE TRANSACTIONS $ids", ids=ids).consume()

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def queries(args, driver, n_actors: int, neo4j_pid: int | None) -> dict[str, object]:
    from allegiance.graph.neo4j_store import Neo4jStore, shares_from_env
    from allegiance.queries.pack import core_pack
    from allegiance.queries.runner import bind, run_query

    pack = core_pack()
    rng = random.Random(args.seed + 1)
    picks = [f"a{rng.randint(1, n_actors)}" for _ in range(args.queries)]
    shares = shares_from_env()  # ALLEGIANCE_NEO4J_SHARES, as the CLI reads it
    figures: dict[str, object] = {"shares": shares}
    with Neo4jStore(args.uri, args.user, args.password, args.database, read_only=True, shares=shares) as graph:
        backers = pack["backers"]
        for _ in range(3):  # warm-up: plan cache, page cache for the first actor
            run_query(graph, backers, {"actor": picks[0]}, as_of="2010-05")
        rows = []
        for label, as_of in (("backers_as_of", "2010-05"), ("backers_all_time", None)):
            figures[label] = summary(_bench().time_backers(graph, backers, picks, as_of, rows))
            log(f"  {label}: {figures[label]}")
        figures["backers_rows_mean"] = round(statistics.mean(rows), 1)
        # run_query = bind (one id lookup round trip) + the Cypher: time the Cypher alone too.
        values = [bind(backers, graph, {"actor": a}, as_of="2010-05") for a in picks]
        times = []
        for v in values:
            start = time.perf_counter()
            graph.run(backers.cypher, v)
            times.append((time.perf_counter() - start) * 1000)
        figures["backers_cypher_only"] = summary(times)

        figures.update(whole_graph(graph, pack, picks, lambda: Watchdog(driver, args.database, args.query_timeout)))
    figures["python_peak_rss_mib"] = peak_rss_mib()
    figures["neo4j_rss"] = proc_rss(neo4j_pid)
    return figures


WHOLE_GRAPH = (("who_backs_whom_2010", "who-backs-whom", {}, "2010", 3),
               ("relations_2010", "relations", {}, "2010", 3),
               ("timeline_one_actor", "timeline", {"actor": None}, None, 3),
               ("changes_2005_2010", "changes", {"from": "2005", "to": "2010"}, None, 3))


def whole_graph(graph, pack, picks: list[str], timeout=None) -> dict[str, object]:
    """The whole-graph queries (and one actor's timeline) through ``run_query``, as many
    runs as WHOLE_GRAPH says; one the store refuses is reported, not fatal. ``timeout``: a
    context manager factory that ends a runaway query (Neo4j's watchdog)."""
    import contextlib

    from allegiance.exc import StoreError
    from allegiance.queries.runner import run_query

    figures: dict[str, object] = {}
    for label, name, params, as_of, repeat in WHOLE_GRAPH:
        params = {k: picks[1] if v is None else v for k, v in params.items()}
        times: list[float] = []
        n = 0
        start = time.perf_counter()
        guard = timeout or contextlib.nullcontext
        try:
            for _ in range(repeat):
                with guard():
                    start = time.perf_counter()
                    n = len(run_query(graph, pack[name], params, as_of=as_of))
                    times.append((time.perf_counter() - start) * 1000)
            figures[label] = {**summary(times), "rows": n}
        except StoreError as e:
            figures[label] = {"error": str(e)[:300], "failed_after_ms": round((time.perf_counter() - start) * 1000)}
        log(f"  {name}: {figures[label]}")
    return figures


def embedded(args, data: Path) -> dict[str, object]:
    """The embedded store on the same file, in a temporary folder: the load (CPU of this
    process, so the engine's threads count) and the same whole-graph queries."""
    import tempfile

    from allegiance.graph import open_store
    from allegiance.pipeline import load
    from allegiance.queries.pack import core_pack

    rng = random.Random(args.seed + 1)
    picks = [f"a{rng.randint(1, args.actors)}" for _ in range(max(args.queries, 2))]
    with tempfile.TemporaryDirectory(prefix="bench-neo4j-embedded-") as folder:
        path = os.path.join(folder, "bench.db")
        cpu, wall = time.process_time(), time.perf_counter()
        with open_store(path, for_load=True) as store:
            added = load(store, [str(data)]).added
        figures: dict[str, object] = {"load": {"seconds": round(time.perf_counter() - wall, 2),
                                               "cpu_seconds": round(time.process_time() - cpu, 2), "added": added}}
        log(f"  load: {figures['load']}")
        with open_store(path, read_only=True) as graph:
            figures.update(whole_graph(graph, core_pack(), picks))
    return figures


# -- 3b. the server's own ceiling --------------------------------------------------
# Made-up statements with the generator's proportions: a quote of about 80 characters, a
# start known to the month and an end known to the year; every ROW_FIELDS value is set.
# Ids are shaped like the loader's content hashes: 20 characters, in no order, so that each
# lands somewhere in the id constraint's and the edges' statement index, as ours do
# (sequential ids, which append to one end of both indexes, let the same server write
# 10-25% faster: docs/benchmarks-neo4j.md). Each run's statements are marked in `record`.
HASHED_ID = ("right('000000000' + toString((i * 2654435761 + $seed) % 4294967296), 10) + "
             "right('000000000' + toString((i * 40503 + $seed) % 1000000007), 10)")
SEQUENTIAL_ID = "$prefix + toString(i)"
CEILING_VALUES = {
    "id": HASHED_ID, "subject": "sid", "relation": "'supports'", "object": "oid", "kind": "'weapons'",
    "start_date": "'2001-05'", "end_date": "'2003'", "on_date": "null", "source": "src",
    "quote": "'#' + toString(i) + ' according to officials the group received arms while fighters crossed the'",
    "confidence": "null", "claimed_by": "null", "negated": "false", "lo": "lo", "hi": "lo + 900", "known": "0",
    "record": "$prefix", "weight": "null", "lo_key": "lo * 4 + 1", "hi_key": "(lo + 900) * 4 + 2",
    "start_precision": "'month'", "end_precision": "'year'", "start": "date('2001-05-01')", "end": "date('2003-12-31')",
}


def ceiling_rows(ids: str = HASHED_ID) -> str:
    from allegiance.graph.neo4j_store import ROW_FIELDS

    values = {**CEILING_VALUES, "id": ids}
    return f"""UNWIND range($a, $b) AS i
WITH i, 'a' + toString(1 + i % $actors) AS sid, 'a' + toString(1 + (i * 7 + 1) % $actors) AS oid,
     's' + toString(1 + i % $sources) AS src, 730000 + i % 9000 AS lo
WITH [{", ".join(values[f] for f in ROW_FIELDS)}] AS row
"""


CEILING_RUNS = (("writers_1", 1, HASHED_ID), ("writers_2", 2, HASHED_ID), ("writers_2_sequential_ids", 2, SEQUENTIAL_ID))
FULL_CEILING_RUNS = (("writers_2", 2, HASHED_ID),)  # as our load writes: two batches in flight


def ceiling(args, driver, neo4j_pid: int | None, n_actors: int, n_sources: int, *, runs=CEILING_RUNS,
            count: int | None = None, keep: bool = False) -> dict[str, object]:
    """The server alone: our statement Cypher (``statement_writes``, the body of every
    batch) fed rows made on the server, so nothing is read, checked, packed or sent.
    ``count`` (default ``--ceiling``) statements in batches of ``BATCH`` rows, one
    transaction each, once for each of ``runs``: by default with one and with two writers at
    a time (ids like ours), then two writers with sequential ids (the ceiling's ids before
    2026-12-07, for comparison). The statements written are deleted again unless ``keep``."""
    from concurrent.futures import ThreadPoolExecutor

    import neo4j

    from allegiance.graph.neo4j_store import BATCH, statement_writes

    count = count or args.ceiling
    out: dict[str, object] = {"statements": count, "batch": BATCH}
    for label, writers, ids in runs:
        cypher = ceiling_rows(ids) + statement_writes("SUPPORTS", "Actor")
        prefix, seed = f"ceiling-{label}-{time.time_ns()}-", time.time_ns() % 1_000_003
        starts = list(range(0, count, BATCH))

        def one(a: int, prefix: str = prefix, seed: int = seed, cypher: str = cypher) -> None:
            driver.execute_query(cypher, {"a": a, "b": min(a + BATCH, count) - 1, "prefix": prefix,
                                          "seed": seed, "actors": n_actors, "sources": n_sources, "exclusive": False},
                                 database_=args.database, routing_=neo4j.RoutingControl.WRITE)

        server0, t0 = cpu_s(neo4j_pid), time.perf_counter()
        with ThreadPoolExecutor(max_workers=writers) as pool:
            list(pool.map(one, starts))
        seconds = time.perf_counter() - t0
        server = None if neo4j_pid is None else cpu_s(neo4j_pid) - server0
        out[label] = {
            "seconds": round(seconds, 2), "statements_per_s": round(count / seconds),
            "server_cpu_s": None if server is None else round(server, 1),
            "server_us_per_statement": None if server is None else round(server / count * 1e6, 1)}
        log(f"  ceiling, {label}: {out[label]}")
        if keep:
            continue
        with driver.session(database=args.database) as session:
            session.run("MATCH (st:Statement) WHERE st.record = $p WITH st.id AS id "
                        "MATCH ()-[r:SUPPORTS]->() WHERE r.statement = id "
                        "CALL { WITH r DELETE r } IN TRANSACTIONS OF 50000 ROWS", p=prefix).consume()
            session.run("MATCH (st:Statement) WHERE st.record = $p "
                        "CALL { WITH st DETACH DELETE st } IN TRANSACTIONS OF 10000 ROWS", p=prefix).consume()
    return out


def on_bare_graph(args, driver, neo4j_pid: int | None, n_actors: int, n_sources: int, *, runs,
                  count: int) -> dict[str, object]:
    """``ceiling`` on an empty graph of bare actors and sources (the ids the generator uses,
    with the store's constraints and indexes), wiped afterwards: the state our load starts
    from. Opening a writable store makes the constraints and indexes: on a new server,
    without the id index, every batch would scan the actors."""
    from allegiance.graph.neo4j_store import Neo4jStore

    Neo4jStore(args.uri, args.user, args.password, args.database, driver=driver).close()  # leaves our driver open
    with driver.session(database=args.database) as session:
        session.run("UNWIND range(1, $n) AS i CREATE (:Actor {id: 'a' + toString(i)})", n=n_actors).consume()
        session.run("UNWIND range(1, $n) AS i CREATE (:Source {id: 's' + toString(i)})", n=n_sources).consume()
    out = ceiling(args, driver, neo4j_pid, n_actors, n_sources, runs=runs, count=count, keep=True)
    out["wipe_after_s"] = wipe(driver, args.database)
    return out


# -- 2. naive loader -------------------------------------------------------------
NAIVE_CYPHER = ("MERGE (s:Actor {{id: $s}}) MERGE (o:Actor {{id: $o}}) MERGE (st:Statement {{id: $id}}) "
                "SET st += $props MERGE (s)-[r:{label} {{statement: $id}}]->(o) SET r += $edge")


def naive_load(args, driver, data: Path, sample: int) -> dict[str, object]:
    from allegiance.model import relation_types

    labels = {name: rt.label for name, rt in relation_types().items()}
    # Parameters are prepared before the clock starts: only the server round trips count,
    # which flatters the naive loader (ours pays for parsing and checking in its figure).
    jobs = []
    with data.open(encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if "record" in rec:
                continue
            sid = f"st{len(jobs)}"
            props = {k: v for k, v in rec.items() if k not in ("subject", "object")}
            edge = {k: rec.get(k) for k in ("kind", "start", "end", "source", "negated")}
            edge["negated"] = bool(edge["negated"])
            jobs.append((labels[rec["relation"]], {"s": rec["subject"], "o": rec["object"], "id": sid,
                                                   "props": props, "edge": edge}))
            if len(jobs) >= sample:
                break
    queries = {label: NAIVE_CYPHER.format(label=label) for label in set(labels.values())}
    times = []
    with driver.session(database=args.database) as session:
        start = time.perf_counter()
        for i, (label, params) in enumerate(jobs, 1):
            t = time.perf_counter()
            session.run(queries[label], params).consume()  # one auto-commit transaction each
            times.append(time.perf_counter() - t)
            if i % 5000 == 0:
                log(f"  naive: {i:,} statements, {i / (time.perf_counter() - start):,.0f}/s")
        seconds = time.perf_counter() - start
    rate = len(jobs) / seconds
    tenth = max(1, len(times) // 10)
    return {"statements": len(jobs), "seconds": round(seconds, 2), "statements_per_s": round(rate),
            "rate_first_tenth": round(tenth / sum(times[:tenth])), "rate_last_tenth": round(tenth / sum(times[-tenth:])),
            "per_statement_ms": summary([t * 1000 for t in times]),
            "extrapolated_1m_s_NOT_MEASURED": round(1_000_000 / rate)}


# -- report ----------------------------------------------------------------------
def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def best_on_top(ce: dict) -> int:
    """The ceiling on top of the loaded graph: the better rate of one and two writers."""
    return max(ce[f"writers_{w}"]["statements_per_s"] for w in (1, 2))


def ratios(r: dict) -> dict[str, float]:
    """Figures of this run over each other: the Bolt load over the server-only ceiling (the
    better of one and two writers), and each whole-graph query on Neo4j over the embedded
    store's. Three decimals, and the verdicts judge those: rounded to two, a median of
    0.795 printed as 0.80 and passed."""
    out: dict[str, float] = {}
    ce, ours = r.get("ceiling"), r.get("ours")
    if r.get("pairs"):
        out["load_vs_ceiling"] = round(statistics.median(p["ratio"] for p in r["pairs"]), 3)
    if ce and ours:
        out["load_vs_ceiling_on_top"] = round(ours["statements_per_s"] / best_on_top(ce), 3)
        if "writers_2_sequential_ids" in ce:
            out["load_vs_ceiling_sequential_ids"] = round(
                ours["statements_per_s"] / ce["writers_2_sequential_ids"]["statements_per_s"], 3)
    q, e = r.get("queries"), r.get("embedded")
    for label, *_ in WHOLE_GRAPH if q and e else ():
        if label == "timeline_one_actor":
            continue  # one actor's answer, not a whole-graph one: not among the targets
        if "median_ms" in q.get(label, {}) and "median_ms" in e.get(label, {}):
            out[f"{label}_neo4j_vs_embedded"] = round(q[label]["median_ms"] / max(e[label]["median_ms"], 1e-9), 3)
    return out


def table(r: dict) -> str:
    d, m = r["data"], r["machine"]
    lines = [f"allegiance Neo4j benchmark: {d['statements']:,} statements, {d['actors']:,} actors, "
             f"{d['sources']:,} sources (seed {r['seed']})",
             f"server {m['server']} at {m['uri']}, memory {m['server_memory']}",
             f"machine: {m['nproc']} cores, {m['mem_gib']} GiB, Python {m['python']}, driver {m['neo4j_driver']}, "
             f"load average {m['loadavg_1m_at_start']} at start, {r.get('loadavg_1m_at_end')} at end", ""]

    def row(name: str, figure: str, note: str = "") -> None:
        lines.append(f"{name:<48} {figure:>18}  {note}")

    rs = r.get("ratios") or {}
    if rs:
        lines.append("ratios, this run (issue 12's targets)")
        if "load_vs_ceiling" in rs:
            pairs = r["pairs"]
            row("Bolt load / server-only ceiling", f"{rs['load_vs_ceiling']:.3f} x",
                f"{verdict(rs['load_vs_ceiling'] >= 0.8)} (>= 0.8): the same count into the same bare graph, "
                f"{'median of ' + str(len(pairs)) + ' pairs' if len(pairs) > 1 else 'one pair'}")
            for i, p in enumerate(pairs, 1):
                row(f"  pair {i}", f"{p['ratio']:.3f} x", f"{p['ours_per_s']:,}/s against {p['ceiling_per_s']:,}/s")
        ce = r.get("ceiling")
        if "load_vs_ceiling_on_top" in rs:
            best = best_on_top(ce)
            row("  against the ceiling on top of the loaded graph", f"{rs['load_vs_ceiling_on_top']:.2f} x",
                f"{best:,}/s ({ce['statements']:,}, the better of 1 and 2 writers; not the target's)")
        if "load_vs_ceiling_sequential_ids" in rs:
            row("  against that ceiling with sequential ids", f"{rs['load_vs_ceiling_sequential_ids']:.2f} x",
                f"{ce['writers_2_sequential_ids']['statements_per_s']:,}/s (2 writers; not the target's)")
        for label, name, *_ in WHOLE_GRAPH:
            key = f"{label}_neo4j_vs_embedded"
            if key in rs:
                row(f"{name}: Neo4j / embedded", f"{rs[key]:.3f} x",
                    f"{verdict(rs[key] <= 2)} (<= 2): {r['queries'][label]['median_ms']:,.0f} ms "
                    f"against {r['embedded'][label]['median_ms']:,.0f} ms")
        lines.append("")

    if "wipe_s" in r:
        row("wipe before load", f"{r['wipe_s']} s")
    o = r.get("ours")
    if o:
        p = o["phases_s"]
        row(f"our load (BATCH={o['batch_size']:,}), end to end", f"{o['seconds']:.1f} s",
            f"rows sent as {o['rows_sent_as']}" if "rows_sent_as" in o else "")
        row("  statements/s", f"{o['statements_per_s']:,}",
            f"{verdict(o['statements_per_s'] >= LOAD_RATE_TARGET)} (>= {LOAD_RATE_TARGET:,})")
        row("  setup (known, existing ids)", f"{p['setup']:.1f} s")
        row("  read + check + spool", f"{p['read_check_spool']:.1f} s")
        row("  write: entities", f"{p['entities']:.1f} s")
        row("  write: statement batches", f"{p['batches']:.1f} s", f"{o['batch_calls']} calls")
        row("    of which Neo4j's own time (summaries)", f"{o['batch_server_s']:.1f} s")
        row("  write phase statements/s", f"{o['write_statements_per_s']:,}")
        c = o.get("cpu_whole_load")
        if c and "server_us_per_statement" in c:
            row("  CPU per statement, client / Neo4j", f"{c['client_us_per_statement']:.0f} / "
                f"{c['server_us_per_statement']:.0f} us")
            row(f"  rate those allow on {c['cores']} idle cores", f"{c['bound_statements_per_s']:,}/s")
        if "batch_rate_first_tenth" in o:
            row("  batch rate first / last tenth", f"{o['batch_rate_first_tenth']:,} / {o['batch_rate_last_tenth']:,}/s")
        row("  Python peak RSS after load", f"{o['python_peak_rss_mib']:,} MiB")
        if o.get("neo4j_rss"):
            row("  Neo4j JVM RSS after load (peak)", f"{o['neo4j_rss']['rss_mib']:,} ({o['neo4j_rss']['peak_rss_mib']:,}) MiB")
        g = r.get("graph_after_load", r["graph"])
        row("graph after load", f"{g['nodes']:,} nodes", f"{g['relationships']:,} relationships")
    q = r.get("queries")
    if q:
        for key, name in (("backers_as_of", f"backers, as_of 2010-05 ({q['backers_as_of']['runs']} actors)"),
                          ("backers_all_time", "backers, no as_of"), ("backers_cypher_only", "  Cypher only (as_of)")):
            row(name, f"{q[key]['median_ms']:.1f} / {q[key]['p95_ms']:.1f} ms", "median / p95")
        for key, name in (("who_backs_whom_2010", "who-backs-whom --as-of 2010"),
                          ("relations_2010", "relations --as-of 2010"),
                          ("timeline_one_actor", "timeline, one actor"), ("changes_2005_2010", "changes 2005 -> 2010")):
            s = q.get(key)
            if s is None:
                continue
            if "error" in s:
                row(name, f"FAILED after {s['failed_after_ms'] / 1000:,.0f} s", s["error"][:60])
            else:
                row(f"{name} ({s['rows']:,} rows)", f"{s['median_ms']:,.0f} ms", f"median of {s['runs']}")
        row("Python peak RSS after queries", f"{q['python_peak_rss_mib']:,} MiB")
        if q.get("neo4j_rss"):
            row("Neo4j JVM RSS after queries (peak)", f"{q['neo4j_rss']['rss_mib']:,} ({q['neo4j_rss']['peak_rss_mib']:,}) MiB")
    def ceiling_row(name: str, x: dict) -> None:
        cpu = f", {x['server_us_per_statement']:.0f} us CPU each" if x["server_us_per_statement"] else ""
        row(name, f"{x['statements_per_s']:,}/s", f"{x['seconds']:.1f} s{cpu}")

    full = r.get("ceiling_full")
    if full:
        ceiling_row(f"server alone, {full['statements']:,} into bare actors and sources, 2 writers", full["writers_2"])
    ce = r.get("ceiling")
    for label, writers, ids in CEILING_RUNS if ce else ():
        if label in ce:
            shape = "sequential ids" if ids == SEQUENTIAL_ID else "ids like ours"
            ceiling_row(f"server alone, {ce['statements']:,} made there, {writers} writer(s), {shape}", ce[label])
    nv = r.get("naive")
    if nv:
        row(f"naive loader, first {nv['statements']:,} statements", f"{nv['seconds']:.1f} s")
        row("  statements/s", f"{nv['statements_per_s']:,}")
        row("  1M statements, EXTRAPOLATED", f"~{nv['extrapolated_1m_s_NOT_MEASURED'] / 60:,.0f} min")
        if o:
            ratio = o["statements_per_s"] / nv["statements_per_s"]
            row("ours / naive (end to end vs naive)", f"{ratio:,.1f}x",
                f"{verdict(ratio >= NAIVE_RATIO_TARGET)} (>= {NAIVE_RATIO_TARGET:.0f}x)")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--uri", default=DEFAULT_URI)
    ap.add_argument("--user", default="neo4j")
    ap.add_argument("--password", default="allegiance-dev")
    ap.add_argument("--database", default=None)
    ap.add_argument("--statements", type=int, default=100_000)
    ap.add_argument("--actors", type=int, default=5_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--data-dir", default=str(REPO / ".neo4j-bench" / "bench-data"),
                    help="Where the generated JSONL is kept (reused when present).")
    ap.add_argument("--batch", type=int, default=0, help="Override neo4j_store.BATCH.")
    ap.add_argument("--naive", type=int, default=20_000, help="Statements for the naive loader (0: skip).")
    ap.add_argument("--queries", type=int, default=100, help="Actors for the backers query (0: skip queries).")
    ap.add_argument("--query-timeout", type=float, default=900, help="Seconds before a whole-graph query is ended (TERMINATE TRANSACTIONS on every "
                    "running transaction: another reason to use a server of its own).")
    ap.add_argument("--ceiling", type=int, default=100_000,
                    help="Statements for the server-only ceiling step (0: skip).")
    ap.add_argument("--pairs", type=int, default=1, help="Run the full ceiling and our load this many times in "
                    "turn; the load's ratio is the median of theirs (the last load's graph is queried).")
    ap.add_argument("--profile", action="store_true", help="Run our load under cProfile and print the top.")
    ap.add_argument("--steps", default="warmup,ceiling_full,load,queries,ceiling,naive,embedded",
                    help="Comma-separated subset of warmup,ceiling_full,load,queries,ceiling,naive,embedded, run "
                    "in that order (warmup runs the ceilings once on bare actors and sources, then wipes, so "
                    "that no timed step meets a cold JVM; ceiling_full writes --statements server-made "
                    "statements into the same bare graph our load starts from, the ratio's denominator; "
                    "queries and ceiling need a loaded graph, ceiling adds --ceiling statements on top of it; "
                    "embedded loads the same file into a temporary embedded store).")
    ap.add_argument("--json", metavar="FILE", help="Also write every figure as JSON to FILE "
                    "(merged into FILE when it exists, so steps can be run separately).")
    ap.add_argument("--i-know-this-wipes", action="store_true",
                    help=f"Allow port {DEV_PORT}, the development server (its data is deleted).")
    args = ap.parse_args()

    parts = urlsplit(args.uri)
    port = parts.port or DEV_PORT
    if port == DEV_PORT and not args.i_know_this_wipes:
        raise SystemExit(f"refusing to run against port {DEV_PORT}: this benchmark DELETES EVERY NODE. "
                         f"Use a Neo4j of its own (default {DEFAULT_URI}) or pass --i-know-this-wipes.")
    import neo4j

    driver = neo4j.GraphDatabase.driver(args.uri, auth=(args.user, args.password),
                                        notifications_min_severity="OFF")
    driver.verify_connectivity()
    neo4j_pid = listening_pid(port) if parts.hostname in ("127.0.0.1", "localhost", "::1") else None
    r: dict = {"seed": args.seed, "machine": machine(args.uri, driver), "neo4j_pid": neo4j_pid}

    data_dir = Path(args.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    data = data_dir / f"statements-{args.statements}-{args.actors}-{args.seed}.jsonl"
    meta = data.with_suffix(".json")
    if data.exists() and meta.exists():
        r["data"] = json.loads(meta.read_text())
        log(f"reusing {data}")
    else:
        log(f"generating {args.statements:,} statements into {data} ...")
        start = time.perf_counter()
        r["data"] = bench_generate()(data, args.statements, args.actors, args.seed)
        meta.write_text(json.dumps(r["data"]))
        r["generate_s"] = round(time.perf_counter() - start, 2)
    r["jsonl_mib"] = round(data.stat().st_size / 2**20, 1)

    steps = set(args.steps.split(","))
    n_actors, n_sources = r["data"]["actors"], r["data"]["sources"]
    if args.ceiling and "warmup" in steps:
        # The JIT warmed before anything is timed: without this the first step alone pays for
        # it (at 100k our load cost 448 us of Neo4j CPU per statement against a later
        # ceiling's 160 us), and a ratio would measure the order of the steps.
        log(f"warming the JVM: the ceilings' {args.ceiling:,} statements on bare actors and sources, then wiped ...")
        log(f"  {wipe(driver, args.database)} s to wipe first")
        r["ceiling_cold"] = on_bare_graph(args, driver, neo4j_pid, n_actors, n_sources, runs=CEILING_RUNS,
                                          count=args.ceiling)
    # The full ceiling and our load, --pairs times in turn: the server's CPU per statement
    # moves by 15% or more between identical runs here, so one pair's ratio is one sample.
    r["pairs"] = []
    for pair in range(1, args.pairs + 1):
        if "ceiling_full" in steps:
            log(f"[pair {pair}/{args.pairs}] the server alone, {args.statements:,} statements made on the server "
                "into a graph of bare actors and sources (what our load writes into), then wiped ...")
            log(f"  {wipe(driver, args.database)} s to wipe first")
            r["ceiling_full"] = on_bare_graph(args, driver, neo4j_pid, n_actors, n_sources, runs=FULL_CEILING_RUNS,
                                              count=args.statements)
        if "load" in steps:
            log(f"[pair {pair}/{args.pairs}] wiping ...")
            r["wipe_s"] = wipe(driver, args.database)
            log(f"  {r['wipe_s']} s\nour loader ...")
            r["ours"] = our_load(args, data, args.statements, neo4j_pid)
            log("  " + json.dumps({k: v for k, v in r["ours"].items() if k != "profile"}))
            if args.profile:
                print(r["ours"]["profile"])
        if "ceiling_full" in steps and "load" in steps:
            ours, ceiling_rate = r["ours"]["statements_per_s"], r["ceiling_full"]["writers_2"]["statements_per_s"]
            r["pairs"].append({"ours_per_s": ours, "ceiling_per_s": ceiling_rate, "ratio": round(ours / ceiling_rate, 3),
                               "ours_cpu_us": r["ours"]["cpu_whole_load"],
                               "ceiling_server_us": r["ceiling_full"]["writers_2"]["server_us_per_statement"]})
            log(f"  pair {pair}: {ours:,}/s against {ceiling_rate:,}/s, {ours / ceiling_rate:.2f}x")
    r["graph"] = graph_counts(driver, args.database)
    if "load" in steps:
        r["graph_after_load"] = r["graph"]
    log(f"  graph: {r['graph']}")

    if args.queries and "queries" in steps:
        r["settled_before_queries_s"] = settle(neo4j_pid)
        log(f"queries (the server idle after {r['settled_before_queries_s']} s) ...")
        r["queries"] = queries(args, driver, args.actors, neo4j_pid)

    if args.ceiling and "ceiling" in steps:
        log(f"the server alone, {args.ceiling:,} statements made on the server ...")
        r["ceiling"] = ceiling(args, driver, neo4j_pid, n_actors, n_sources)

    if args.naive and "naive" in steps:
        log("wiping for the naive loader ...")
        r["wipe_before_naive_s"] = wipe(driver, args.database)
        log(f"  {r['wipe_before_naive_s']} s\nnaive loader on the first {args.naive:,} statements ...")
        r["naive"] = naive_load(args, driver, data, args.naive)
        log("  " + json.dumps(r["naive"]))
    driver.close()
    if "embedded" in steps:
        log("the embedded store on the same file ...")
        r["embedded"] = embedded(args, data)
    r["ratios"] = ratios(r)
    r["python_peak_rss_mib"] = peak_rss_mib()
    r["neo4j_rss_end"] = proc_rss(neo4j_pid)
    r["loadavg_1m_at_end"] = round(os.getloadavg()[0], 2)
    if args.json:
        path = Path(args.json)
        if path.exists():
            r = {**json.loads(path.read_text()), **r}
        path.write_text(json.dumps(r, indent=2, default=str))
    print(table(r))


if __name__ == "__main__":
    main()
