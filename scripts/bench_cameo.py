#!/usr/bin/env python3
"""Benchmark the CAMEO events loader on generated ICEWS-style rows.

    python scripts/bench_cameo.py --events 1000000 [--out bench-cameo] [--seed 7] [--json]

Writes a four-column ICEWS file (source, event label, target, date) from a seed, then
measures, each in a child process so that its peak RSS is its own:

1. ``read()`` alone, parse and consolidate, its records consumed and dropped: events/s
   and peak RSS, against the targets (100,000 events/s, under 1 GB);
2. the whole command ``allegiance load --format cameo FILE --store <fresh store>``:
   wall time and peak RSS.

The data: 2,000 actors (sector actors "Police (Libya)" over 60 countries, the
countries themselves, named people and organisations) drawn with Zipf-like weights, so
that some pairs recur as in the real data; 40 ICEWS labels of which 15 are mapped,
drawn uniformly (so 15/40 of the rows map: several times the real share, the harder
case); days uniform over 2005-2015. See docs/benchmarks-cameo.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLI = str(Path(sys.executable).with_name("allegiance")) if Path(sys.executable).with_name("allegiance").exists() \
    else shutil.which("allegiance") or "allegiance"
EVENTS_PER_S_TARGET, PEAK_RSS_MIB_TARGET = 100_000, 1024

MAPPED = ["Provide military aid", "Provide military protection or peacekeeping", "Cooperate militarily",
          "Provide economic aid", "Share intelligence or information", "Mediate", "Express intent to mediate",
          "Grant diplomatic recognition", "Impose embargo, boycott, or sanctions", "Use conventional military force",
          "fight with small arms and light weapons", "Use unconventional violence", "Employ aerial weapons",
          "Abduct, hijack, or take hostage", "Occupy territory"]
UNMAPPED = ["Make statement", "Consult", "Express intent to meet or negotiate", "Make an appeal or request",
            "Host a visit", "Make a visit", "Arrest, detain, or charge with legal action", "Praise or endorse",
            "Criticize or denounce", "Accuse", "Engage in negotiation", "Express intent to cooperate",
            "Sign formal agreement", "Engage in diplomatic cooperation", "Investigate", "Demand", "Reject",
            "Make optimistic comment", "Discuss by telephone", "Make pessimistic comment", "Threaten",
            "Demonstrate or rally", "Engage in symbolic act", "Meet at a 'third' location",
            "Provide humanitarian aid"]
SECTORS = ["Citizen", "Police", "Government", "Head of Government", "Military", "Ministry", "Foreign Affairs",
           "Other Authorities / Officials", "Cabinet / Council of Ministers / Advisors", "Armed Rebel",
           "Militant", "Insurgent", "Media", "Protester", "Armed Gang", "Military Personnel - Special",
           "Member of Parliament", "Criminal", "Business", "Envoy"]
COUNTRIES = ["Libya", "Egypt", "Sudan", "South Sudan", "Iraq", "Iran", "Syria", "Yemen", "Turkey", "Russia",
             "United States", "United Kingdom", "France", "Germany", "China", "Japan", "India", "Pakistan",
             "Afghanistan", "Nigeria", "Mali", "Niger", "Somalia", "Ethiopia", "Kenya", "Uganda", "Thailand",
             "Cambodia", "Philippines", "Indonesia", "Mexico", "Colombia", "Venezuela", "Brazil", "Ukraine",
             "Georgia", "Israel", "Lebanon", "Jordan", "Saudi Arabia", "Qatar", "United Arab Emirates",
             "Tunisia", "Algeria", "Morocco", "Chad", "Central African Republic", "Democratic Republic of Congo",
             "Rwanda", "Burundi", "Tanzania", "Mozambique", "Zimbabwe", "South Africa", "Bangladesh",
             "Myanmar", "Vietnam", "South Korea", "North Korea", "Australia"]
GIVEN = ["Ahmed", "Maria", "John", "Ali", "Chen", "Olga", "Kwame", "Fatima", "Ivan", "Aisha", "Pedro", "Yusuf"]
FAMILY = ["Haddad", "Okafor", "Petrov", "Santos", "Nguyen", "Khan", "Mensah", "Rossi", "Kim", "Ibrahim",
          "Moreau", "Tanaka", "Osei", "Novak", "Farouk"]


def actors(rng: random.Random, count: int) -> list[str]:
    names = list(COUNTRIES)
    sectors = [f"{s} ({c})" for s in SECTORS for c in COUNTRIES]
    rng.shuffle(sectors)
    names += sectors[:int(count * 0.6)]
    people = sorted({f"{g} {f}" for g in GIVEN for f in FAMILY})
    names += people[:count - len(names) - 40]
    names += [f"Organisation {i}" for i in range(count - len(names))]
    rng.shuffle(names)
    return names[:count]


def generate(path: Path, events: int, seed: int) -> None:
    rng = random.Random(seed)
    names = actors(rng, 2000)
    weights = [1 / (rank + 1) for rank in range(len(names))]  # Zipf: a few actors in most events
    labels = MAPPED + UNMAPPED
    first = dt.date(2005, 1, 1).toordinal()
    days = [dt.date.fromordinal(first + i).isoformat() for i in range(dt.date(2015, 12, 31).toordinal() - first + 1)]
    batch = 50_000
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for done in range(0, events, batch):
            k = min(batch, events - done)
            sources = rng.choices(names, weights, k=k)
            targets = rng.choices(names, weights, k=k)
            f.writelines(f"{s}\t{rng.choice(labels)}\t{t}\t{rng.choice(days)}\n"
                         for s, t in zip(sources, targets, strict=True))


def measure_read(path: str) -> None:
    """In a child: read() alone, records counted and dropped; prints JSON."""
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    from allegiance.loaders import Options, cameo

    imported = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    statements = sum(1 for record in cameo.read(path, Options()) if record.kind == "statement")
    elapsed = time.perf_counter() - start
    report = cameo.last_report
    print(json.dumps({"seconds": round(elapsed, 2), "rows": report["rows"], "statements": statements,
                      "mapped": report["mapped"], "runs": report["runs"],
                      "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                      "interpreter_rss_mib": round(base / 1024), "after_imports_rss_mib": round(imported / 1024)}))


def child_rusage(args: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (KiB) and stdout of one child; os.wait4 gives its own rusage."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from waiting again
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed with exit code {proc.returncode}")
    return time.perf_counter() - start, usage.ru_maxrss, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, help="keep the data and store here (default: a temporary folder)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--measure-read", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_read:
        measure_read(args.measure_read)
        return
    folder = args.out or Path(tempfile.mkdtemp(prefix="bench-cameo-"))
    folder.mkdir(parents=True, exist_ok=True)
    data, store = folder / f"icews-{args.events}.tsv", folder / "store" / "cameo.db"
    start = time.perf_counter()
    generate(data, args.events, args.seed)
    print(f"generated {args.events:,} rows in {time.perf_counter() - start:.1f} s: {data}", file=sys.stderr)

    _, _read_rss, out = child_rusage([sys.executable, __file__, "--measure-read", str(data)])
    read = json.loads(out)
    read["events_per_s"] = round(read["rows"] / read["seconds"])
    print(f"read(): {read}", file=sys.stderr)

    shutil.rmtree(store.parent, ignore_errors=True)
    store.parent.mkdir(parents=True)
    seconds, rss, out = child_rusage([CLI, "load", "--format", "cameo", "--store", str(store), str(data)])
    load = {"seconds": round(seconds, 1), "peak_rss_mib": round(rss / 1024),
            "events_per_s": round(args.events / seconds), "output": out.splitlines()[0] if out else ""}
    print(f"load: {load}", file=sys.stderr)

    figures = {"events": args.events, "seed": args.seed, "read": read, "load": load,
               "machine": {"nproc": len(os.sched_getaffinity(0)), "loadavg_1m": round(os.getloadavg()[0], 2),
                           "python": sys.version.split()[0]}}
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    ok = lambda good: "PASS" if good else "MISS"  # noqa: E731
    print(f"| measure | figure | target | |\n|---|---|---|---|\n"
          f"| read(): parse + consolidate | {read['events_per_s']:,} events/s ({read['seconds']} s) "
          f"| >= {EVENTS_PER_S_TARGET:,} events/s | {ok(read['events_per_s'] >= EVENTS_PER_S_TARGET)} |\n"
          f"| read(): peak RSS | {read['peak_rss_mib']} MiB | < {PEAK_RSS_MIB_TARGET} MiB "
          f"| {ok(read['peak_rss_mib'] < PEAK_RSS_MIB_TARGET)} |\n"
          f"| `allegiance load --format cameo` | {load['seconds']} s ({load['events_per_s']:,} events/s) | | |\n"
          f"| `allegiance load --format cameo`: peak RSS | {load['peak_rss_mib']} MiB | | |")


if __name__ == "__main__":
    main()
