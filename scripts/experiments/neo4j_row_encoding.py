#!/usr/bin/env python3
"""Experiment: Neo4j's CPU per statement by how the rows are encoded.

    python scripts/experiments/neo4j_row_encoding.py STATEMENTS VARIANT[,VARIANT...]

VARIANT is map (the rows as maps, as before 13f36b3), nonull (maps without null values),
list (flat lists, as the loader sends them since 13f36b3) or procedure (flat lists written
by the Java procedure in scripts/experiments/neo4j-procedure with Neo4j's core API instead
of Cypher; its jar must be in the server's plugins/ folder). The real rows of the
benchmark's JSONL for STATEMENTS (scripts/bench_neo4j.py makes and caches it) are built
by the loader, captured instead of sent, then sent again for each variant with ids
prefixed by the variant's name, two batches in flight. The statements stay in the graph
until the next benchmark wipe. It writes to the benchmark's server on port 17687, whose
JVM CPU time it reads from /proc. Figures: docs/benchmarks-neo4j.md.
"""
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import neo4j

from allegiance.graph.bolt_rows import plain_rows
from allegiance.graph.neo4j_store import EDGE_PROPERTIES, ROW_FIELDS, Neo4jStore, statement_writes
from allegiance.graph.rows import EDGE_FIELDS, STATEMENT_FIELDS
from allegiance.pipeline import load

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
from bench_neo4j import cpu_s, listening_pid  # noqa: E402

N, variants = int(sys.argv[1]), sys.argv[2].split(",")
PID = listening_pid(17687)
if PID is None:
    raise SystemExit("no Neo4j listening on 127.0.0.1:17687 (start the benchmark's server)")
AT = {f: i for i, f in enumerate(ROW_FIELDS)}

# Capture the loader's batches instead of sending them (and pretend the graph is empty).
store = Neo4jStore("bolt://127.0.0.1:17687", "neo4j", "allegiance-dev")
captured: list[tuple[str, str, bool, list[list]]] = []
real_execute = store._execute


def capture(cypher, params=None, *, write=False):
    if "RETURN s.id AS id" in cypher:
        return [], None, []
    return real_execute(cypher, params, write=write)


store._execute = capture
store._flush = lambda batch: captured.append((*batch[:3], plain_rows(batch[3]))) or len(batch[3][0])
load(store, [str(REPO / ".neo4j-bench" / "bench-data" / f"statements-{N}-5000-7.jsonl")])
print("captured", len(captured), "batches", sum(len(b[3]) for b in captured))


def map_cypher(label: str, target: str) -> str:
    """The statement Cypher as it was before 13f36b3: rows as maps, {st: {...}, lk, hk, ...}."""
    edge_from = {"statement": "row.st.id", "lo_key": "row.lk", "hi_key": "row.hk", "exclusive": "$exclusive"}
    edge = ", ".join(f"r.{f} = {edge_from.get(f, 'row.st.' + f)}" for f in EDGE_FIELDS)
    return f"""UNWIND $rows AS row
    MATCH (s:Actor {{id: row.st.subject}})
    MATCH (o:{target} {{id: row.st.object}})
    MATCH (src:Source {{id: row.st.source}})
    CREATE (st:Statement)
    SET st = row.st
    CREATE (st)-[:SUBJECT]->(s), (st)-[:OBJECT]->(o), (st)-[:CITES]->(src)
    CREATE (s)-[r:{label}]->(o)
    SET {edge}, r.start = row.sd, r.end = row.ed, r.start_precision = row.sp, r.end_precision = row.ep
    WITH st, row WHERE row.st.claimed_by IS NOT NULL
    MATCH (c:Actor {{id: row.st.claimed_by}})
    CREATE (st)-[:CLAIMED_BY]->(c)"""


def as_map(row: list, drop_nulls: bool) -> dict:
    st = {f: row[AT[f]] for f in STATEMENT_FIELDS}
    out = {"st": st, "lk": row[AT["lo_key"]], "hk": row[AT["hi_key"]], "sp": row[AT["start_precision"]],
           "ep": row[AT["end_precision"]], "sd": row[AT["start"]], "ed": row[AT["end"]]}
    if drop_nulls:
        out["st"] = {k: x for k, x in st.items() if x is not None}
        out = {k: x for k, x in out.items() if x is not None}
    return out


for v in variants:
    prefix = f"{v}{time.time_ns()}-"
    jobs = []
    for label, target, exclusive, rows in captured:
        rows = [[prefix + row[0], *row[1:]] for row in rows]
        if v == "list":
            jobs.append(("UNWIND $rows AS row\n" + statement_writes(label, target), rows, exclusive))
        elif v == "procedure":
            edge = [[f, -1 if f == "exclusive" else AT["id" if f == "statement" else f]] for f in EDGE_PROPERTIES]
            jobs.append((f"CALL allegiance.writeStatements($rows, {list(STATEMENT_FIELDS)!r}, {edge!r}, "
                         f"{label!r}, {target!r}, $exclusive)", rows, exclusive))
        else:
            jobs.append((map_cypher(label, target), [as_map(r, v == "nonull") for r in rows], exclusive))
    server0, client0, t0 = cpu_s(PID), cpu_s(), time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda j: store._driver.execute_query(j[0], {"rows": j[1], "exclusive": j[2]},
                                                            routing_=neo4j.RoutingControl.WRITE), jobs))
    seconds = time.perf_counter() - t0
    n = sum(len(j[1]) for j in jobs)
    print(f"{v:8} {n / seconds:8,.0f}/s  Neo4j {(cpu_s(PID) - server0) / n * 1e6:5.0f} us/statement  "
          f"client {(cpu_s() - client0) / n * 1e6:4.0f} us/statement", flush=True)
store.close()
