"""One network page for a whole period: a date slider, a play button, and the relations that
hold at each step, filtered in the browser.

The spans come once from the core ``intervals`` query (each statement's days after
supersession). A relation holds at a date when one of its affirming spans overlaps the
date's span, and is contested there when a denying span overlaps it too: the rule that
``query relations --as-of`` applies (``tests/viz/test_timepage.py`` checks the two agree at
every step, in a real browser). The page carries the spans, not a picture per step; its
script (``timepage.js``) filters one vis-network DataView, so nodes keep their places while
edges come and go. The layout is computed once, by the browser, over every relation of the
period, and then frozen.

Everything user-written (names, quotes, titles, URLs) travels as JSON in a
``<script type="application/json">`` block with ``<``, ``>`` and ``&`` escaped, and is put
on the page with ``textContent``; a source URL becomes a link only for http and https.
"""

from __future__ import annotations

import html
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from allegiance.model.partial_date import PartialDate
from allegiance.output import atomic_output
from allegiance.viz.inline import asset, json_for_script, vis_network
from allegiance.viz.network import (
    DEFAULT_NODE_STYLE,
    NO_CAMP_COLOUR,
    NODE_STYLES,
    camp_colour,
    curves,
    node_style,
    relation_legend,
)

__all__ = ["DEFAULT_TOP", "LARGE_EDGES", "Selection", "page_data", "select", "write_time_page"]

# Above this many relations the page draws straight edges, lays out with Barnes-Hut for fewer
# iterations and hides edges while dragging: what keeps 50,000 relations usable (docs/page.md).
LARGE_EDGES = 2_000

# Without --top a page draws at most this many relations, those with the most statements:
# at 50,000 relations among 5,000 actors the page took 32 s to become interactive here and
# each step 3 s (scripts/bench_page.py, docs/page.md), and nobody reads the picture.
DEFAULT_TOP = 10_000

# The browser's layout gets at most this long; then it stops where it is and the page says so
# (vis-network spent about 130 ms an iteration on 4,500 actors here: 150 iterations, 20 s).
LAYOUT_BUDGET_MS = 10_000

Key = tuple[str, str, str]


@dataclass(frozen=True)
class Selection:
    """Which relations of the period the page draws, and what it says it left out."""

    keys: list[Key]
    left_out: int  # relations of the period not drawn
    actors_left_out: int
    reason: str  # "" when everything is drawn

    def note(self, among: str = "") -> str | None:
        """What a page says it left out ("Drawn: 5 of 38 relations (...). Left out: ..."), or
        None when it drew everything; ``among`` follows "relations" ("of the period")."""
        if not self.left_out:
            return None
        total = len(self.keys) + self.left_out
        return (f"Drawn: {len(self.keys):,} of {_count(total, 'relation')}{among} ({self.reason}). "
                f"Left out: {_count(self.left_out, 'relation')}, {_count(self.actors_left_out, 'actor')}.")


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _relations(intervals: Iterable[Mapping[str, Any]], lo: int, hi: int) -> dict[Key, list[Mapping[str, Any]]]:
    """Relation -> its statements' spans, for the relations one affirming span of which
    overlaps the period [lo, hi]."""
    found: dict[Key, list[Mapping[str, Any]]] = {}
    for row in intervals:
        found.setdefault((row["subject"], row["relation"], row["object"]), []).append(row)
    return {key: spans for key, spans in found.items()
            if any(not s["negated"] and s["first"] <= hi and s["last"] >= lo for s in spans)}


def _evidence(spans: Sequence[Mapping[str, Any]], lo: int, hi: int) -> int:
    return len({s["statement"] for s in spans if not s["negated"] and s["first"] <= hi and s["last"] >= lo})


def select(evidence: Mapping[Key, int], *, focus: str | None = None, depth: int = 1,
           top: int | None = None) -> Selection:
    """The relations to draw, out of ``evidence`` (relation -> its affirming statements): those
    within ``depth`` hops of ``focus`` (either direction), then the ``top`` with the most
    statements (ties by subject, relation, object); with no ``top``, at most ``DEFAULT_TOP``."""
    keys = sorted(evidence)
    reasons = []
    default = top is None
    top = DEFAULT_TOP if top is None else top
    if focus is not None:
        neighbours: dict[str, set[str]] = {}
        for s, _, o in keys:
            neighbours.setdefault(s, set()).add(o)
            neighbours.setdefault(o, set()).add(s)
        seen = {focus: 0}
        queue = deque([focus])
        while queue:
            node = queue.popleft()
            if seen[node] < depth:
                for other in sorted(neighbours.get(node, ())):
                    if other not in seen:
                        seen[other] = seen[node] + 1
                        queue.append(other)
        keys = [k for k in keys if k[0] in seen and k[2] in seen]
        reasons.append(f"within {depth} hop{'s' if depth != 1 else ''} of {focus}")
    if len(keys) > top:
        keys = sorted(sorted(keys, key=lambda k: (-evidence[k], k))[:top])
        reasons.append(f"the {top:,} with the most statements" + (", the default; --top N to choose" if default else ""))
    actors = {n for s, _, o in evidence for n in (s, o)}
    drawn = {n for s, _, o in keys for n in (s, o)}
    return Selection(keys, len(evidence) - len(keys), len(actors - drawn), "; ".join(reasons))


def _step(text: str) -> dict[str, Any]:
    date = PartialDate.parse(text)
    return {"date": text, "lo": date.lo, "hi": date.hi}


def page_data(intervals: Iterable[Mapping[str, Any]], nodes: Mapping[str, Mapping[str, Any]],
              sources: Mapping[str, Mapping[str, Any]],
              describe: Callable[[list[str]], Mapping[str, Mapping[str, Any]]],
              steps: Sequence[str], *, title: str, known_at: str | None = None, focus: str | None = None,
              depth: int = 1, top: int | None = None,
              camps: Sequence[Mapping[str, int]] | None = None) -> dict[str, Any]:
    """What the page's script reads: the steps, the relations with their spans, the statements,
    nodes and sources they name, and what was left out.

    ``intervals`` are rows of the core ``intervals`` query; ``describe`` gives statement id ->
    its quote, claimed_by and the rest (``snapshot.statement_details``), asked only for the
    statements of the relations drawn; ``camps``, if given, one actor -> camp number mapping
    per step."""
    if not steps:
        raise ValueError("a time page needs at least one step")
    step_rows = [_step(s) for s in steps]
    lo, hi = step_rows[0]["lo"], step_rows[-1]["hi"]
    relations = _relations(intervals, lo, hi)
    chosen = select({k: _evidence(v, lo, hi) for k, v in relations.items()}, focus=focus, depth=depth, top=top)
    statements: dict[str, int] = {}
    held_until: dict[str, str | None] = {}  # the span's end: as written, or the day before a successor
    edges: list[dict[str, Any]] = []
    for subject, relation, obj in chosen.keys:
        spans = []
        for s in sorted(relations[(subject, relation, obj)], key=lambda s: (s["first"], s["statement"])):
            index = statements.setdefault(s["statement"], len(statements))
            held_until[s["statement"]] = s["end"]
            spans.append([s["first"], s["last"], 1 if s["negated"] else 0, index])
        edges.append({"subject": subject, "relation": relation, "object": obj, "spans": spans})
    for edge, roundness in zip(edges, curves(edges), strict=True):
        edge["roundness"] = roundness
    used = {n for e in edges for n in (e["subject"], e["object"])}
    node_rows = [{"id": node_id, **node_style(node_id, nodes.get(node_id))} for node_id in sorted(used)]
    details = describe(list(statements))
    statement_rows: list[dict[str, Any]] = []
    for statement_id in statements:  # in index order
        d = details.get(statement_id, {})
        row = {"id": statement_id, **{k: d.get(k) for k in (
            "kind", "negated", "start", "end", "source", "quote", "claimed_by", "confidence")}}
        # A hold a successor cut short: its span ends before the end it was written with.
        row["until"] = held_until[statement_id] if held_until[statement_id] != row["end"] else None
        statement_rows.append(row)
    cited = {s["source"] for s in statement_rows if s["source"]}
    claimants = {s["claimed_by"] for s in statement_rows if s["claimed_by"]}
    kinds = sorted({statement_rows[i]["kind"] or "" for e in edges for _, _, neg, i in e["spans"] if not neg})
    data: dict[str, Any] = {
        "title": title, "known_at": known_at, "steps": step_rows, "relations": relation_legend(e["relation"] for e in edges),
        "kinds": kinds, "nodes": node_rows, "edges": edges, "statements": statement_rows,
        "sources": {s: dict(sources.get(s) or {}) for s in sorted(cited)},
        "names": {n: str((nodes.get(n) or {}).get("name") or n) for n in sorted(used | claimants)},
        "node_types": [{"type": t, "colour": NODE_STYLES.get(t, DEFAULT_NODE_STYLE)[1],
                        "glyph": NODE_STYLES.get(t, DEFAULT_NODE_STYLE)[2]} for t in sorted({n["type"] for n in node_rows})],
        "large": len(edges) > LARGE_EDGES, "layout_budget_ms": LAYOUT_BUDGET_MS,
        "left_out": {"relations": chosen.left_out, "actors": chosen.actors_left_out, "reason": chosen.reason},
        "note": chosen.note(" of the period"),
        "camps": None,
    }
    if camps is not None:
        if len(camps) != len(steps):
            raise ValueError(f"expected camps for each of the {len(steps)} steps, got {len(camps)}")
        # Each step's colours, from the one rule that colours camps (network.camp_colour).
        data["camps"] = {"none": NO_CAMP_COLOUR,
                         "steps": [{n: camp_colour(c) for n, c in step.items() if n in used} for step in camps]}
    return data


def write_time_page(data: Mapping[str, Any], path: str | Path) -> Path:
    """Write the page for ``data`` (``page_data``) to ``path``, whole or not at all."""
    path = Path(path)
    page = "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f"<title>{html.escape(str(data['title']))}</title>",
        f"<style>{vis_network('vis-network.css')}</style>", f"<style>{asset('timepage.css')}</style>",
        "</head>", "<body>", asset("timepage.html"),
        f'<script type="application/json" id="allegiance-data">{json_for_script(data)}</script>',
        f"<script>{vis_network('vis-network.min.js')}</script>", f"<script>{asset('timepage.js')}</script>",
        "</body>", "</html>", ""])
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path) as temp:
        temp.write_text(page, encoding="utf-8")
    return path
