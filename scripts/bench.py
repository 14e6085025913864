#!/usr/bin/env python3
"""Benchmark allegiance on synthetic data: load, store size, queries, whole commands.

    python scripts/bench.py --statements 1000000 --actors 5000 [--out bench-out] [--seed 7] [--json]

The data is generated from a seed, so two runs load the same statements. Loads and
whole commands run as child processes of the installed ``allegiance`` script, which
is what a user pays; queries are also timed in-process to separate Cypher time from
interpreter start-up. See docs/benchmarks.md for results and how to read them.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

# The script sits next to the interpreter in a venv; fall back to PATH elsewhere.
CLI = str(Path(sys.executable).with_name("allegiance")) if Path(sys.executable).with_name("allegiance").exists() \
    else shutil.which("allegiance") or "allegiance"

ACTOR_TYPES = ["state", "government", "armed_group", "militia", "person", "international_org",
               "political_party", "mercenary", "coalition", "unit"]
KINDS = {
    "supports": ["troops", "weapons", "funding", "training", "intelligence", "drones", "political"],
    "opposes": ["armed", "political", "sanctions"],
    "mediates": ["talks", "ceasefire", "hosting"],
}
WORDS = ("according to officials the group received shipments of arms and money from its "
         "patron while fighters crossed the border near the city despite denials by").split()
# The targets. The load's scales with the statement count, so below ~100k statements
# the command's fixed start-up (about 0.3 s) alone can miss it.
LOAD_RATE_TARGET = 1_000_000 / 60  # 1M statements in 60 s
BACKERS_MS_TARGET, QUERY_CMD_MS_TARGET, HELP_MS_TARGET = 10.0, 1000.0, 300.0


# -- data ------------------------------------------------------------------------
def partial_date(rng: random.Random, year: int) -> str:
    """A date in ``year`` known to the year, the month or the day, in about equal shares."""
    precision = rng.random()
    if precision < 0.33:
        return f"{year:04d}"
    month = rng.randint(1, 12)
    if precision < 0.66:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{rng.randint(1, 28):02d}"


def generate(path: Path, statements: int, actors: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    n_sources = max(1, statements // 100)
    counts = {"supports": 0, "opposes": 0, "mediates": 0}
    with path.open("w", encoding="utf-8") as f:
        write = f.write
        for i in range(1, actors + 1):
            write(json.dumps({"record": "actor", "id": f"a{i}", "name": f"Actor {i}",
                              "type": rng.choice(ACTOR_TYPES)}) + "\n")
        for i in range(1, n_sources + 1):
            write(json.dumps({"record": "source", "id": f"s{i}", "title": f"Report {i}",
                              "published": partial_date(rng, rng.randint(1990, 2025))}) + "\n")
        for i in range(statements):
            subject = rng.randint(1, actors)
            obj = rng.randint(1, actors - 1)
            obj += obj >= subject  # never the subject itself
            roll = rng.random()
            relation = "supports" if roll < 0.60 else "opposes" if roll < 0.95 else "mediates"
            counts[relation] += 1
            st = {"subject": f"a{subject}", "relation": relation, "object": f"a{obj}",
                  "kind": rng.choice(KINDS[relation]), "source": f"s{rng.randint(1, n_sources)}"}
            if rng.random() >= 0.10:  # ~10% say nothing of when it started
                start_year = rng.randint(1990, 2025)
                st["start"] = partial_date(rng, start_year)
                if rng.random() >= 0.30:  # ~30% still ongoing
                    end_year = min(2025, start_year + rng.randint(0, 10))
                    # A year-precision end always covers a start in the same year.
                    st["end"] = partial_date(rng, end_year) if end_year > start_year else f"{end_year:04d}"
            elif rng.random() >= 0.30:
                st["end"] = partial_date(rng, rng.randint(1990, 2025))
            if rng.random() < 0.03:
                st["negated"] = True
            # The statement number keeps quotes, hence content ids, distinct.
            st["quote"] = f"#{i} " + " ".join(rng.choices(WORDS, k=12))[:74]
            write(json.dumps(st) + "\n")
    return {"actors": actors, "sources": n_sources, "statements": statements, **counts}


# -- measuring -------------------------------------------------------------------
def run_child(args: list[str]) -> tuple[float, int, str, float]:
    """Wall seconds, peak RSS (KiB), stdout and CPU seconds of one child; raises if it fails.

    os.wait4 gives this child's own rusage: the same ru_maxrss that
    getrusage(RUSAGE_CHILDREN) reports, but not mixed with earlier children. CPU time
    (user + system) is less swayed than wall time by other work on a shared machine.
    """
    start = time.perf_counter()
    with open(os.devnull, "w") as null:
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=null, text=True)
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from waiting again
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed with exit code {proc.returncode}")
    return elapsed, usage.ru_maxrss, out, usage.ru_utime + usage.ru_stime


def timed_ms(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def time_backers(graph, backers, picks: list[str], as_of: str | None, rows: list[int]) -> list[float]:
    """Milliseconds of `backers` for each actor in `picks` (run_query, id lookup included);
    the answer sizes are appended to `rows`. Shared with scripts/bench_neo4j.py."""
    from allegiance.queries.runner import run_query

    times = []
    for actor in picks:
        start = time.perf_counter()
        rows.append(len(run_query(graph, backers, {"actor": actor}, as_of=as_of)))
        times.append((time.perf_counter() - start) * 1000)
    return times


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median_ms": round(statistics.median(ordered), 2), "p95_ms": round(p95, 2),
            "max_ms": round(ordered[-1], 2), "runs": len(ordered)}


def store_bytes(store: Path) -> dict[str, int]:
    """The store file and its siblings (.wal, .lock, ...), as LadybugDB leaves them."""
    return {p.name: p.stat().st_size for p in sorted(store.parent.glob(store.name + "*")) if p.is_file()}


def in_process(store: Path, actors: int, rng: random.Random, whole_graph: bool) -> dict[str, object]:
    from allegiance.exc import StoreError
    from allegiance.graph import open_store
    from allegiance.queries.pack import core_pack
    from allegiance.queries.runner import bind, run_query

    pack = core_pack()
    picks = [f"a{rng.randint(1, actors)}" for _ in range(200)]
    figures: dict[str, object] = {}
    with open_store(str(store), read_only=True) as graph:
        backers = pack["backers"]
        # Warm-up: the first query pays for LadybugDB's buffer pool and plan caches.
        run_query(graph, backers, {"actor": picks[0]}, as_of="2010")
        rows = []
        for label, as_of in (("backers_as_of", "2010-05"), ("backers_all_time", None)):
            figures[label] = summary(time_backers(graph, backers, picks, as_of, rows))
        figures["backers_rows_mean"] = round(statistics.mean(rows), 1)
        # run_query also resolves the actor (one small id lookup); time the Cypher alone.
        values = [bind(backers, graph, {"actor": a}, as_of="2010-05") for a in picks]
        pending = iter(values)
        times = timed_ms(lambda: graph.run(backers.cypher, next(pending)), len(values))
        figures["backers_cypher_only"] = summary(times)
        times = timed_ms(lambda: bind(backers, graph, {"actor": picks[0]}, as_of="2010-05"), 200)
        figures["actor_lookup"] = summary(times)

        # Whole-graph queries, three runs each. One that the store refuses (LadybugDB
        # gives up when its buffer pool fills) is reported, not fatal: the rest still count.
        big = (("who_backs_whom_2010", "who-backs-whom", {}, "2010"),
               ("changes_2005_2010", "changes", {"from": "2005", "to": "2010"}, None),
               ("timeline_one_actor", "timeline", {"actor": picks[1]}, None))
        for label, name, params, as_of in big if whole_graph else big[2:]:
            times, start = [], time.perf_counter()
            try:
                for _ in range(3):
                    start = time.perf_counter()
                    n = len(run_query(graph, pack[name], params, as_of=as_of))
                    times.append((time.perf_counter() - start) * 1000)
                figures[label] = {**summary(times), "rows": n}
            except StoreError as e:
                figures[label] = {"error": str(e), "failed_after_ms": round((time.perf_counter() - start) * 1000)}
            print(f"  {name}: {figures[label]}", file=sys.stderr)
    # The buffer pool lives in this process: its peak RSS is what the queries cost.
    figures["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return figures


# -- the raw engine, on the same data in the same run -------------------------------
RAW_QUERIES = (("who_backs_whom_2010", "who-backs-whom", {}, "2010"),
               ("relations_2010", "relations", {}, "2010"),
               ("changes_2005_2010", "changes", {"from": "2005", "to": "2010"}, None))


def copy_source(path: str) -> str:
    """A file name for LadybugDB's COPY (the bench's own folder: no quotes or globs in it;
    the store's version handles any name, but older commits compared here lack it)."""
    if any(c in path for c in "'\\*?["):
        raise SystemExit(f"--out: use a folder whose path has no quotes, backslashes or glob characters: {path}")
    return f"'{path}'"


def raw_engine(store: Path, out: Path, whole_graph: bool) -> dict[str, object]:
    """LadybugDB on its own, on what our store holds: its tables written to CSV by the engine
    itself, COPY of those files into a fresh database made with the store's own tables
    (CPU seconds of this process, so engine threads count); and the packs' Cypher run
    straight on the store's connection with the rows fetched into Python, no runner, no
    presentation, no JSON. These are the denominators of the ratios (issue 12's targets).
    The whole-graph answers as a user runs them (`allegiance query NAME --format json`, wall
    and CPU seconds of the child) are timed in turns with them, under ``"answers"``."""
    import ladybug

    from allegiance.graph.embedded import EDGE_COLUMNS, EDGE_FIELDS, NODE_TABLES
    from allegiance.model import relation_types
    from allegiance.queries.pack import core_pack
    from allegiance.queries.runner import bind

    folder = out / "raw"
    folder.mkdir()
    source = ladybug.Database(str(store), read_only=True)
    conn = ladybug.Connection(source)
    tables = {}
    for table, columns in NODE_TABLES.items():
        names = [c.split()[0] for c in columns.split(", ") if not c.startswith("PRIMARY")]
        path = folder / f"{table}.csv"
        conn.execute(f"COPY (MATCH (n:{table}) RETURN {', '.join('n.' + n for n in names)}) "
                     f"TO {copy_source(str(path))} (header=false)")
        tables[table] = (f"CREATE NODE TABLE {table}({columns})", path)
    for rtype in relation_types().values():
        path = folder / f"{rtype.label}.csv"
        conn.execute(f"COPY (MATCH (a:Actor)-[r:{rtype.label}]->(b:{rtype.object_label}) RETURN a.id, b.id, "
                     f"{', '.join('r.' + f for f in EDGE_FIELDS)}) TO {copy_source(str(path))} (header=false)")
        tables[rtype.label] = (f"CREATE REL TABLE {rtype.label}(FROM Actor TO {rtype.object_label}, {EDGE_COLUMNS})", path)
    figures: dict[str, object] = {"csv_mib": round(sum(p.stat().st_size for _, p in tables.values()) / 2**20, 1)}

    fresh = ladybug.Database(str(folder / "raw.db"))
    target_conn = ladybug.Connection(fresh)
    cpu, wall = time.process_time(), time.perf_counter()
    for ddl, _ in tables.values():
        target_conn.execute(ddl)
    for name, (_, path) in tables.items():  # nodes first: the dict keeps that order
        if path.stat().st_size:
            target_conn.execute(f"COPY {name} FROM {copy_source(str(path))} (header=false)")
    figures["copy"] = {"cpu_seconds": round(time.process_time() - cpu, 2), "seconds": round(time.perf_counter() - wall, 2)}
    target_conn.close()
    fresh.close()
    print(f"  raw COPY: {figures['copy']}", file=sys.stderr)
    # The COPY and the CSV files leave hundreds of megabytes for the kernel to write back: done
    # now, not while the queries below are timed.
    os.sync()

    # The same Cypher, the same bound values, rows fetched into Python, and the command as a
    # user runs it, in turns (raw, raw with the collector paused, command; three rounds), so
    # that what the machine is doing meanwhile (writing back the raw COPY, say) falls on both.
    from allegiance.graph import open_store

    pack = core_pack()
    answers: dict[str, object] = {}
    with open_store(str(store), read_only=True) as graph:
        for label, name, params, as_of in RAW_QUERIES if whole_graph else ():
            values = bind(pack[name], graph, params, as_of=as_of)
            cmd = [CLI, "query", name, "--store", str(store), "--format", "json"]
            cmd += [f"--param={k}={v}" for k, v in params.items()] + (["--as-of", as_of] if as_of else [])
            plain, paused, runs = [], [], []
            for _ in range(3):
                cpu, wall = time.process_time(), time.perf_counter()
                rows = conn.execute(pack[name].whole().cypher, values).get_all()
                plain.append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))
                n = len(rows)
                del rows
                # As allegiance runs a query (runner.collector_paused): the floor of
                # fetching these rows into Python.
                gc.disable()
                try:
                    wall = time.perf_counter()
                    rows = conn.execute(pack[name].whole().cypher, values).get_all()
                    paused.append((time.perf_counter() - wall) * 1000)
                finally:
                    gc.enable()
                del rows
                runs.append(run_child(cmd))
            figures[label] = {**summary([t[0] for t in plain]), "cpu_ms": round(statistics.median(t[1] for t in plain)),
                              "rows": n, "collector_paused": summary(paused)}
            answers[label] = {**summary([r[0] * 1000 for r in runs]),
                              "cpu_ms": round(statistics.median(r[3] * 1000 for r in runs)),
                              "rows": len(json.loads(runs[0][2]))}
            print(f"  raw {name}: {figures[label]}\n  allegiance query {name}: {answers[label]}", file=sys.stderr)
    conn.close()
    source.close()
    figures["answers"] = answers
    return figures


def ratios(r: dict) -> dict[str, float]:
    """Ours over the raw engine's, from figures of this run (CPU, which other work on the
    machine sways less than wall time; wall for the commands' answers as a user waits)."""
    out = {"load_cpu_vs_copy_cpu": round(r["load"]["cpu_seconds"] / max(r["raw"]["copy"]["cpu_seconds"], 1e-9), 2)}
    for label, *_ in RAW_QUERIES:
        if label in r["raw"] and label in r["answers"]:
            ours, raw = r["answers"][label]["median_ms"], r["raw"][label]
            out[f"{label}_command_vs_raw"] = round(ours / max(raw["median_ms"], 1e-9), 2)
            out[f"{label}_command_vs_raw_collector_paused"] = round(
                ours / max(raw["collector_paused"]["median_ms"], 1e-9), 2)
    return out


def machine() -> dict[str, object]:
    mem = next((line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")), "0")
    return {"nproc": len(os.sched_getaffinity(0)), "mem_gib": round(int(mem) / 2**20, 1),
            "python": platform.python_version(), "ladybug": metadata.version("ladybug"),
            "allegiance": metadata.version("allegiance"), "platform": platform.platform(),
            # Other work on the machine skews every figure: say how busy it was.
            "loadavg_1m_at_start": round(os.getloadavg()[0], 2), "commit": commit()}


def commit() -> str:
    """The checkout measured, marked dirty when src/ has uncommitted changes."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=root, capture_output=True,
                               text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("-dirty" if dirty else "")


# -- report ----------------------------------------------------------------------
def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def table(r: dict) -> str:
    q, c = r["queries"], r["commands"]
    lines = [
        f"allegiance benchmark: {r['data']['statements']:,} statements, {r['data']['actors']:,} actors, "
        f"{r['data']['sources']:,} sources (seed {r['seed']}), commit {r['machine']['commit']}",
        f"machine: {r['machine']['nproc']} cores, {r['machine']['mem_gib']} GiB, Python {r['machine']['python']}, "
        f"ladybug {r['machine']['ladybug']}, load average {r['machine']['loadavg_1m_at_start']} at start, "
        f"{r['loadavg_1m_at_end']} at end",
        "",
        f"{'measure':<44} {'figure':>16}  target",
        f"{'generate JSONL (not part of load)':<44} {r['generate_s']:>14.1f} s",
        f"{'JSONL size':<44} {r['jsonl_bytes'] / 2**20:>13.1f} MiB",
    ]

    def row(name: str, figure: str, target: str = "") -> None:
        lines.append(f"{name:<44} {figure:>16}  {target}")

    ld = r["load"]
    row("load, fresh store (whole command)", f"{ld['seconds']:.1f} s",
        f"{verdict(ld['pass'])} (< {ld['target_s']:.3g} s at this size)")
    row("  CPU time (user + system)", f"{ld['cpu_seconds']:.1f} s")
    row("  statements/s", f"{ld['statements_per_s']:,.0f}")
    row("  peak RSS of the load", f"{ld['peak_rss_mib']:,.0f} MiB")
    rl = r["reload"]
    row("load again, same file", f"{rl['seconds']:.1f} s",
        f"statements_added = {rl['statements_added']} ({verdict(rl['statements_added'] == 0)})")
    row("  CPU time (user + system)", f"{rl['cpu_seconds']:.1f} s")
    row("  peak RSS of the reload", f"{rl['peak_rss_mib']:,.0f} MiB")
    row("store on disk", f"{r['store_mib']:,.1f} MiB")
    for key, name in (("backers_as_of", "backers, as_of 2010-05 (200 actors)"),
                      ("backers_all_time", "backers, no as_of (200 actors)")):
        s = q[key]
        row(f"{name}", f"{s['median_ms']:.1f} / {s['p95_ms']:.1f} ms",
            f"median/p95 {verdict(s['median_ms'] < BACKERS_MS_TARGET)} (< {BACKERS_MS_TARGET:.0f} ms)")
    row("  of which Cypher only (median/p95)", f"{q['backers_cypher_only']['median_ms']:.1f} / "
        f"{q['backers_cypher_only']['p95_ms']:.1f} ms")
    row("  of which actor lookup (median)", f"{q['actor_lookup']['median_ms']:.2f} ms")
    for key, name in (("who_backs_whom_2010", "who-backs-whom --as-of 2010"),
                      ("changes_2005_2010", "changes 2005 -> 2010"), ("timeline_one_actor", "timeline, one actor")):
        s = q.get(key, {"error": "skipped (--no-whole-graph)", "failed_after_ms": 0})
        if "skipped" in s.get("error", ""):
            row(name, "skipped")
        elif "error" in s:
            reason = s["error"].split("refused the query: ")[-1]
            row(name, f"FAILED after {s['failed_after_ms'] / 1000:,.0f} s", reason[:70] + "..." * (len(reason) > 70))
        else:
            row(f"{name} ({s['rows']:,} rows)", f"{s['median_ms']:,.0f} ms")
    row("  peak RSS of the in-process queries", f"{q['peak_rss_mib']:,} MiB")
    row("`allegiance query backers ...` (10 runs)", f"{c['query_backers']['median_ms']:,.0f} ms",
        f"median {verdict(c['query_backers']['median_ms'] < QUERY_CMD_MS_TARGET)} (< 1 s)")
    row("`allegiance --help` (20 runs)", f"{c['help']['median_ms']:,.0f} ms",
        f"median {verdict(c['help']['median_ms'] < HELP_MS_TARGET)} (< 0.3 s)")
    if "ratios" in r:
        lines += ["", "ratios to the raw engine, this run (ours / LadybugDB's own on the same data)"]
        raw = r["raw"]
        row("load CPU / COPY CPU", f"{r['ratios']['load_cpu_vs_copy_cpu']:.2f} x",
            f"{ld['cpu_seconds']:.1f} s / {raw['copy']['cpu_seconds']:.1f} s (COPY wall {raw['copy']['seconds']:.1f} s)")
        for label, name, *_ in RAW_QUERIES:
            key = f"{label}_command_vs_raw"
            if key in r["ratios"]:
                ours, theirs = r["answers"][label], raw[label]
                row(f"`query {name}` (JSON) / raw Cypher", f"{r['ratios'][key]:.2f} x",
                    f"{ours['median_ms']:,.0f} ms / {theirs['median_ms']:,.0f} ms, {theirs['rows']:,} rows")
                row("  / raw Cypher, collector paused", f"{r['ratios'][key + '_collector_paused']:.2f} x",
                    f"{ours['median_ms']:,.0f} ms / {theirs['collector_paused']['median_ms']:,.0f} ms")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--statements", type=int, default=100_000)
    ap.add_argument("--actors", type=int, default=5_000)
    ap.add_argument("--out", default="bench-out", help="Folder for the data and the store (emptied first).")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", action="store_true", help="Also print every figure as one JSON object.")
    ap.add_argument("--no-whole-graph", action="store_true",
                    help="Skip who-backs-whom and changes, the whole-graph queries (seconds each at 1M).")
    ap.add_argument("--no-raw", action="store_true",
                    help="Skip the raw-engine step (LadybugDB's own COPY and Cypher on the same data) and the ratios.")
    args = ap.parse_args()

    out = Path(args.out).resolve()
    shutil.rmtree(out, ignore_errors=True)  # a fresh store every time: an old one would make the load a reload
    out.mkdir(parents=True)
    data, store = out / "statements.jsonl", out / "bench.db"
    r: dict = {"seed": args.seed, "machine": machine()}

    print(f"generating {args.statements:,} statements...", file=sys.stderr)
    start = time.perf_counter()
    r["data"] = generate(data, args.statements, args.actors, args.seed)
    r["generate_s"] = round(time.perf_counter() - start, 2)
    r["jsonl_bytes"] = data.stat().st_size

    print("loading into a fresh store...", file=sys.stderr)
    load_cmd = [CLI, "load", str(data), "--store", str(store), "--json"]
    seconds, rss, text, cpu = run_child(load_cmd)
    report = json.loads(text)
    target_s = args.statements / LOAD_RATE_TARGET
    r["load"] = {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "statements_per_s": round(args.statements / seconds),
                 "peak_rss_mib": round(rss / 1024), "statements_added": report["statements_added"],
                 "target_s": target_s, "pass": seconds < target_s}
    print(f"  {r['load']}\nloading the same file again...", file=sys.stderr)
    seconds, rss, text, cpu = run_child(load_cmd)
    r["reload"] = {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "peak_rss_mib": round(rss / 1024),
                   "statements_added": json.loads(text)["statements_added"]}
    print(f"  {r['reload']}", file=sys.stderr)
    files = store_bytes(store)
    r["store_files"], r["store_mib"] = files, round(sum(files.values()) / 2**20, 1)

    os.sync()  # the loads' writes, before anything else is timed
    print("querying in-process...", file=sys.stderr)
    rng = random.Random(args.seed + 1)
    r["queries"] = in_process(store, args.actors, rng, whole_graph=not args.no_whole_graph)

    if not args.no_raw:
        print("the raw engine on the same data...", file=sys.stderr)
        r["raw"] = raw_engine(store, out, whole_graph=not args.no_whole_graph)
        r["answers"] = r["raw"].pop("answers")  # the commands, run in turns with the raw queries
        r["ratios"] = ratios(r)

    print("timing whole commands...", file=sys.stderr)
    actor = f"a{rng.randint(1, args.actors)}"
    query_cmd = [CLI, "query", "backers", "--param", f"actor={actor}", "--as-of", "2010",
                 "--store", str(store), "--format", "json"]
    r["commands"] = {
        "query_backers": summary([run_child(query_cmd)[0] * 1000 for _ in range(10)]),
        "help": summary([run_child([CLI, "--help"])[0] * 1000 for _ in range(20)]),
    }
    r["targets"] = {
        "load_at_60s_per_1m": r["load"]["pass"],
        "backers_under_10ms": r["queries"]["backers_as_of"]["median_ms"] < BACKERS_MS_TARGET,
        "query_command_under_1s": r["commands"]["query_backers"]["median_ms"] < QUERY_CMD_MS_TARGET,
        "help_under_300ms": r["commands"]["help"]["median_ms"] < HELP_MS_TARGET,
    }
    r["loadavg_1m_at_end"] = round(os.getloadavg()[0], 2)
    print(table(r))
    if args.json:
        print(json.dumps(r, indent=2))


if __name__ == "__main__":
    main()
