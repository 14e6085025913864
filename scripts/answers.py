#!/usr/bin/env python3
"""Every answer on the example and the dataset fixtures, as files to compare across a change.

    python scripts/answers.py OUT_DIR [--neo4j URI]     # then: diff -r before/ after/

For each data set (the example, the UCDP ACD and ESD, Mapping Militants and CAMEO fixtures)
it loads a fresh embedded store (or, with ``--neo4j``, the server's database, WIPED first:
never a server with data you keep), writes ``allegiance export`` of it, and every core
query's rows as JSON: for the whole record and as of a date, with the example's parameters
for the example and, for the datasets, the first actors and places the data names. A
refactoring that keeps the behaviour leaves the folder byte-identical.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from allegiance.loaders import Options  # noqa: E402
from allegiance.pipeline import export, load  # noqa: E402
from allegiance.queries.browser import DEFAULT_EXAMPLES  # noqa: E402
from allegiance.queries.pack import core_pack  # noqa: E402
from allegiance.queries.runner import run_query  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures"
# name: (files, format, dates to ask "as of", from/to for changes)
DATASETS = {
    "example": ([REPO / "examples" / "libya-2020.yaml"], None, ["2020-05", "2020-05-20"], ("2020-01", "2020-06")),
    "ucdp-acd": ([FIXTURES / "ucdp" / "acd-excerpt.csv"], "ucdp-acd", ["2015", "2020"], ("2014", "2020")),
    "ucdp-esd": ([FIXTURES / "ucdp" / "esd-excerpt.csv"], "ucdp-esd", ["2015"], ("2010", "2017")),
    "mmp": ([FIXTURES / "mmp" / "relationships.csv"], "mmp", ["2014-02", "2010"], ("2005", "2015")),
    "cameo": ([FIXTURES / "cameo" / "icews05-15-excerpt.tsv"], "cameo", ["2014-06"], ("2010", "2015")),
}
PICKS = 3  # actors (and places) per dataset for the queries that take one


def answers(store, name: str, dates: list[str], span: tuple[str, str]) -> dict[str, object]:
    pack = core_pack()
    out: dict[str, object] = {}
    relations = run_query(store, pack["relations"], {})
    actors = sorted({r["subject"] for r in relations})[:PICKS]
    places = sorted({r["object"] for r in relations if r["relation"] == "controls"})[:PICKS]
    for qname, query in sorted(pack.items()):
        if name == "example":
            choices = [DEFAULT_EXAMPLES.get(qname, {})]
        else:
            choices = _choices(query, actors, places, relations, span)
        for params in choices:
            for as_of in [None, *dates]:
                key = f"{qname}{''.join(f' {k}={v}' for k, v in sorted(params.items()))} as-of={as_of or 'all'}"
                rows = run_query(store, query, dict(params), as_of=as_of)
                if "UNION" in query.cypher and not query.order:  # a union has no order of its own
                    rows.sort(key=lambda row: json.dumps(row, sort_keys=True, default=str))
                out[key] = rows
    return out


def _choices(query, actors, places, relations, span) -> list[dict[str, str]]:
    needed = [p for p in query.params if p.required]
    if not needed:
        return [{}]
    names = {p.name for p in needed}
    if names == {"actor"}:
        return [{"actor": a} for a in actors]
    if names == {"place"}:
        return [{"place": p} for p in places]
    if names == {"from", "to"} and all(p.type == "date" for p in needed):
        return [{"from": span[0], "to": span[1]}]
    if names == {"from", "to"}:
        return [{"from": a, "to": b} for a in actors[:2] for b in actors[:2] if a != b]
    if names == {"subject", "relation", "object"}:
        return [{"subject": r["subject"], "relation": r["relation"], "object": r["object"]} for r in relations[:PICKS]]
    raise SystemExit(f"answers.py: no parameters chosen for {query.name} ({sorted(names)})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--neo4j", metavar="URI", help="Run on this Neo4j (its database is wiped) instead of embedded.")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, (files, fmt, dates, span) in DATASETS.items():
        with tempfile.TemporaryDirectory() as tmp:
            if args.neo4j:
                from allegiance.graph.neo4j_store import open_neo4j

                store = open_neo4j(args.neo4j, default_password="allegiance-dev")  # the dev server's
                store.run("MATCH (n) DETACH DELETE n", {}, write=True)
            else:
                from allegiance.graph.embedded import EmbeddedStore

                store = EmbeddedStore(Path(tmp) / "s.db")
            with store:
                load(store, [str(f) for f in files], fmt, create_missing=True, options=Options())
                dump = io.StringIO()
                export(store, dump)
                (args.out / f"{name}.export.jsonl").write_text(dump.getvalue(), encoding="utf-8")
                result = answers(store, name, dates, span)
        (args.out / f"{name}.answers.json").write_text(
            json.dumps(result, indent=1, ensure_ascii=False, sort_keys=True, default=str) + "\n", encoding="utf-8")
        print(f"{name}: {len(result)} answers, {sum(len(v) for v in result.values())} rows")


if __name__ == "__main__":
    main()
