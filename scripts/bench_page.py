#!/usr/bin/env python3
"""Time until the time page is interactive in headless Chromium, at several sizes.

    python scripts/bench_page.py [--relations 1000 10000 50000] [--out bench-page] [--seed 7] [--json]

For each size: synthetic statements (scripts/bench.py's generator; about one relation per
statement), loaded into an embedded store; then `allegiance viz --from 1990 --to 2025 --step
year` (wall seconds, page size), the page opened in /usr/bin/chromium until
``window.allegiance.ready`` (its ``readyMs``, from navigation start: parsing, the layout,
the first drawing), and one step change through ``allegiance.setStep`` (median of five).
``--top`` adds pages that draw only the N relations with the most statements. docs/page.md
reports the figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import CLI, generate, machine
from tests.browser import headless_chromium


def measure(relations: int, out: Path, seed: int, timeout: float, top: int | None) -> dict[str, object]:
    out.mkdir(parents=True, exist_ok=True)
    data, store = out / f"data-{relations}.jsonl", out / f"store-{relations}.db"
    page = out / f"page-{relations}-{top or 'all'}.html"
    actors = max(100, min(5000, relations // 10))
    if not store.exists():
        generate(data, relations, actors, seed)
        subprocess.run([CLI, "load", "--store", str(store), str(data)], check=True, capture_output=True)
    start = time.perf_counter()
    # --top above the relation count draws every one; the default (DEFAULT_TOP) is measured apart.
    subprocess.run([CLI, "viz", "--store", str(store), "--from", "1990", "--to", "2025", "--step", "year",
                    "--top", str(top or 10 * relations), "-o", str(page)], check=True, capture_output=True)
    build = time.perf_counter() - start
    from selenium.webdriver.support.ui import WebDriverWait

    with tempfile.TemporaryDirectory() as profile, headless_chromium(profile) as browser:
        browser.set_page_load_timeout(timeout)
        browser.set_script_timeout(timeout)
        browser.get(page.as_uri())
        WebDriverWait(browser, timeout).until(lambda d: d.execute_script("return !!(window.allegiance && allegiance.ready)"))
        ready_ms = browser.execute_script("return allegiance.readyMs")
        timings = {k: round(v) for k, v in browser.execute_script("return allegiance.timings").items()}
        drawn = browser.execute_script("return [allegiance.network.body.data.nodes.length, "
                                       "allegiance.network.body.data.edges.length]")
        steps = []
        for i in (5, 10, 15, 20, 12):
            t = time.perf_counter()
            browser.execute_script("allegiance.setStep(arguments[0])", i)
            steps.append((time.perf_counter() - t) * 1000)
    edges = json.loads(page.read_text(encoding="utf-8").split('id="allegiance-data">', 1)[1].split("</script>", 1)[0])
    return {"top": top, "relations": len(edges["edges"]), "left_out": edges["left_out"]["relations"], "actors": len(edges["nodes"]), "statements": relations,
            "build_s": round(build, 2), "page_mb": round(page.stat().st_size / 2**20, 1),
            "ready_s": round(ready_ms / 1000, 2), "step_ms": round(statistics.median(steps), 1),
            "drawn_at_step_12": {"nodes": drawn[0], "edges": drawn[1]}, "timings_ms": timings}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--relations", type=int, nargs="+", default=[1000, 10000, 50000])
    ap.add_argument("--out", default="bench-page", help="Folder for the data, stores and pages.")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--timeout", type=float, default=900, help="Seconds to wait for a page.")
    ap.add_argument("--top", type=int, nargs="*", default=[],
                    help="Also measure pages of the N relations with the most statements (e.g. 10000, the default).")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    results = []
    for n in args.relations:
        for top in [None, *(t for t in args.top if t < n)]:
            r = measure(n, Path(args.out), args.seed, args.timeout, top)
            results.append(r)
            print(f"{r['statements']:>7,} statements, {r['relations']:>7,} relations drawn ({r['left_out']:,} left out), "
                  f"{r['actors']:>6,} actors: page built in {r['build_s']:.1f} s ({r['page_mb']} MB), "
                  f"interactive after {r['ready_s']:.1f} s, a step in {r['step_ms']:.0f} ms", flush=True)
    if args.json:
        print(json.dumps({"machine": machine(), "results": results}, indent=2))


if __name__ == "__main__":
    main()
