#!/usr/bin/env python3
"""Experiment: Neo4j's own write rate for hand-written variants of our statement shape.

    python scripts/experiments/neo4j_shapes.py VARIANT [STATEMENTS]

VARIANT is one of full, slimnode, slimboth, nolinks, edgeonly, nodeonly, optionally
with "+2" for two writers (full+2). Rows are made on the server (UNWIND range), so nothing
is read, checked, packed or sent: the figure is what the server alone manages for that
shape. It needs the benchmark's 5,000 actors (a1..a5000) and 1,000+ sources (s1..) in the
graph: run scripts/bench_neo4j.py --steps load first. It writes to the benchmark's server
on port 17687 and leaves the statements it makes in the graph (ids start with the
variant's name), so the next benchmark run's wipe removes them. The figures are in
docs/benchmarks-neo4j.md ("What the graph shape costs"); the real statement Cypher's
ceiling is bench_neo4j.py's `ceiling` step.
"""
import os
import sys
import threading
import time

import neo4j

URI = os.environ.get("BENCH_NEO4J_URI", "bolt://127.0.0.1:17687")
if URI.rstrip("/").endswith(":7687"):
    raise SystemExit("refusing the development server on port 7687: use the benchmark's (17687)")
drv = neo4j.GraphDatabase.driver(URI, auth=("neo4j", "allegiance-dev"), notifications_min_severity="OFF")
N = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
variant = sys.argv[1]
WITH = """UNWIND range($a, $b) AS i
WITH i, 'a' + toString(1 + i % 5000) AS sid, 'a' + toString(1 + (i * 7 + 1) % 4999) AS oid, 's' + toString(1 + i % 1000) AS src,
 $p + toString(i) + 'c6f1e0b2a9d84e3f' AS sidn
MATCH (s:Actor {id: sid}) MATCH (o:Actor {id: oid}) MATCH (x:Source {id: src})
"""
FULL_NODE = """CREATE (st:Statement {id: sidn, subject: sid, object: oid, relation: 'supports', kind: 'weapons',
  start_date: '2001-05', source: src, quote: '#' + toString(i) + ' according to officials the group received shipments of arms and money',
  negated: false, lo: 730000 + i % 5000, hi: 731000 + i % 5000, known: 0, confidence: 'medium'})
"""
SLIM_NODE = """CREATE (st:Statement {id: sidn, start_date: '2001-05',
  quote: '#' + toString(i) + ' according to officials the group received shipments of arms and money'})
"""
LINKS = "CREATE (st)-[:SUBJECT]->(s), (st)-[:OBJECT]->(o), (st)-[:CITES]->(x)\n"
FULL_EDGE = """CREATE (s)-[r:SUPPORTS {statement: sidn, relation: 'supports', kind: 'weapons', lo: 730000 + i % 5000,
  hi: 731000 + i % 5000, lo_key: 2920000 + i % 5000, hi_key: 2924000 + i % 5000, known: 0, negated: false, source: src,
  exclusive: false, confidence: 'medium', start: date('2001-05-01'), end: date('2003-12-31'), start_precision: 'month', end_precision: 'year'}]->(o)"""
SLIM_EDGE = """CREATE (s)-[r:SUPPORTS {statement: sidn, kind: 'weapons', lo: 730000 + i % 5000,
  hi: 731000 + i % 5000, lo_key: 2920000 + i % 5000, hi_key: 2924000 + i % 5000, known: 0, source: src,
  start: date('2001-05-01'), end: date('2003-12-31'), start_precision: 'month', end_precision: 'year'}]->(o)"""
Q = {
 "full": WITH + FULL_NODE + LINKS + FULL_EDGE,
 "slimnode": WITH + SLIM_NODE + LINKS + FULL_EDGE,
 "slimboth": WITH + SLIM_NODE + LINKS + SLIM_EDGE,
 "nolinks": WITH + FULL_NODE + FULL_EDGE,
 "edgeonly": WITH + FULL_EDGE,
 "nodeonly": WITH + FULL_NODE,
}
q = Q[variant.split("+")[0]]
threads = 2 if "+2" in variant else 1
B = 10000
prefix = f"{variant}-{time.time_ns()}-"
def work(ks):
    for k in ks:
        drv.execute_query(q, {"a": k * B, "b": k * B + B - 1, "p": prefix}, routing_=neo4j.RoutingControl.WRITE)
t0 = time.perf_counter()
ks = list(range(N // B))
ts = [threading.Thread(target=work, args=(ks[j::threads],)) for j in range(threads)]
for t in ts:
    t.start()
for t in ts:
    t.join()
dt = time.perf_counter() - t0
print(f"{variant}: {N / dt:,.0f} statements/s ({dt:.1f} s)", flush=True)
