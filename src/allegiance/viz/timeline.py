"""One actor's relations over time: an offline HTML page drawn with vis-timeline.

One row (a vis-timeline group) per relation of the actor, as subject or object, and in it one
line per statement: a bar over the days the statement holds, from the core ``intervals``
query (supersession and ``--known-at`` applied), and over it what the dates leave open:

* a start or end known to a year or a month is hatched over that year or month, and the
  label says it as written ("2019"), so that a year is never read as its 1 January;
* an unknown start fades in from the left edge, an open end runs to the right edge with an
  arrow; the labels say "unknown" and "ongoing";
* a denial has a line of its own, drawn hollow, and its row is flagged "contested" (rule 5;
  a relation that is only denied has no row, as it has no answer);
* a hold cut short by a successor (rule 3), or that ended the day before one, ends with a
  marker "until <successor> took it on <day>".

Hovering or clicking a bar shows its statements in a side panel (source, publisher,
published, quote, claimed_by, kind, dates as written). Names, quotes and titles come from
data: the page's script builds every element with ``textContent`` and hands vis-timeline
elements, never markup (its ``content`` and group ``content`` strings would be parsed as
HTML); a source URL is a link only for http and https. vis-timeline itself is inlined
(``viz/vendor/vis-timeline``) and a Content-Security-Policy forbids the page any fetch.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from allegiance.graph.base import GraphStore
from allegiance.model.partial_date import DAY, ONGOING_TEXT, OPEN_END, UNKNOWN_START, UNKNOWN_TEXT, PartialDate
from allegiance.model.vocabulary import presentation_order, relation_types
from allegiance.output import atomic_output
from allegiance.viz.inline import asset, json_for_script
from allegiance.viz.network import (
    DEFAULT_NODE_STYLE,
    NODE_STYLES,
    RELATION_COLOURS,
    UNKNOWN_RELATION_COLOUR,
    _caption,
)

__all__ = ["VIS_TIMELINE_VERSION", "actor_timeline", "timeline_data", "write_timeline"]

VIS_TIMELINE_VERSION = "7.7.4"
VENDOR = ("vendor", "vis-timeline")
DASH = "\u2013"
# The page may run only its own inline script and style: nothing is fetched, whatever a
# future vendored file or a crafted value tries (images only as data: URIs).
CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
       "base-uri 'none'; form-action 'none'")
# A statement's first and last day drawn (day numbers, sentinels included) and the start
# and end as written whose precision is hatched.
Span = tuple[int, int, PartialDate | None, PartialDate | None]


def actor_timeline(store: GraphStore, actor: str, *, known_at: str | None = None) -> dict[str, Any]:
    """The page's data for ``actor`` (an id, name or alias, resolved as ``query timeline
    --param actor=...`` resolves it, with its error for an unknown actor), counting only
    statements whose source was published by ``known_at``."""
    from allegiance.queries.pack import core_pack
    from allegiance.queries.runner import Binder, run_query
    from allegiance.queries.snapshot import entities, statement_details

    actor_id = Binder(store).entity(("actor",), actor, "actor")
    rows = run_query(store, core_pack()["intervals"], {}, known_at=known_at)
    mine = [r["statement"] for r in rows if actor_id in (r["subject"], r["object"])]
    found, cited = entities(store)
    return timeline_data(actor_id, rows, found, cited, statement_details(store, mine),
                         known_at=known_at)


def timeline_data(actor: str, intervals: Iterable[Mapping[str, Any]], nodes: Mapping[str, Mapping[str, Any]],
                  sources: Mapping[str, Mapping[str, Any]], details: Mapping[str, Mapping[str, Any]], *,
                  known_at: str | None = None) -> dict[str, Any]:
    """What the page draws, as JSON-ready data: ``relations`` (the rows, in order), ``statements``
    (id -> what the panel shows and how its line is drawn), ``items`` (the vis-timeline items,
    dates as ISO days, ``end`` exclusive) and ``window`` (the first and the day after the last
    day drawn: where unknown starts and open ends meet the edges).

    ``intervals`` are rows of the core ``intervals`` query, all of them (a successor's hold is
    another actor's row); ``details`` is ``snapshot.statement_details`` of the actor's
    statements; ``nodes`` and ``sources`` as a snapshot gives them.
    """
    intervals = list(intervals)
    mine = [r for r in intervals if actor in (r["subject"], r["object"])]
    by_key: dict[tuple[str, str, str], list[Mapping[str, Any]]] = {}
    for row in mine:
        by_key.setdefault((row["subject"], row["relation"], row["object"]), []).append(row)
    types = relation_types()
    order = {t.name: i for i, t in enumerate(presentation_order())}
    holders = _holders(intervals)

    def name(node_id: str | None) -> str | None:
        return None if node_id is None else str((nodes.get(node_id) or {}).get("name") or node_id)

    relations: list[dict[str, Any]] = []
    statements: dict[str, dict[str, Any]] = {}
    spans: dict[str, Span] = {}
    for (subject, relation, obj), rows in by_key.items():
        affirming = sorted((r for r in rows if not r["negated"]), key=_line_key)
        denials = sorted((r for r in rows if r["negated"]), key=_line_key)
        if not affirming:
            continue  # rule 5: denials alone show nothing
        rtype = types.get(relation)
        caption = _caption(relation)
        other = obj if subject == actor else subject
        shape = NODE_STYLES.get((nodes.get(other) or {}).get("type") or "unknown", DEFAULT_NODE_STYLE)
        relations.append({
            "subject": subject, "relation": relation, "object": obj, "subject_name": name(subject),
            "object_name": name(obj), "caption": caption, "label": f"{name(subject)} {caption} {name(obj)}",
            "colour": RELATION_COLOURS.get(relation) or UNKNOWN_RELATION_COLOUR,
            "glyph": shape[2], "glyph_colour": shape[1], "contested": bool(denials),
            "statements": [r["statement"] for r in (*affirming, *denials)],
            "_order": (order.get(relation, len(order)), affirming[0]["first"], f"{name(subject)} {caption} {name(obj)}"),
        })
        exclusive = bool(rtype and rtype.exclusive)
        for line, row in enumerate((*affirming, *denials)):
            statements[row["statement"]], spans[row["statement"]] = _statement(
                row, line, details.get(row["statement"]) or {}, sources, name, holders if exclusive else {})
    relations.sort(key=lambda r: r.pop("_order"))
    for i, rel in enumerate(relations):
        rel["id"] = f"r{i}"
        for st in rel["statements"]:
            statements[st]["relation"] = rel["id"]
    window = _window(statements.values(), spans.values())
    items = [item for rel in relations for st in rel["statements"] for item in _items(statements[st], spans[st], window)]
    info = nodes.get(actor) or {}
    return {"actor": {"id": actor, "name": name(actor), "type": info.get("type"), "country": info.get("country")},
            "known_at": known_at, "window": {"start": _iso(window[0]), "end": _iso(window[1])},
            "relations": relations, "statements": statements, "items": items}


def write_timeline(data: Mapping[str, Any], path: str | Path, *, title: str | None = None) -> Path:
    """Write the page of ``data`` (``timeline_data``) to ``path``, whole or not at all, and
    return the path."""
    title = title or f"{data['actor']['name']}: relations over time"
    page = _page(data, title)
    out = Path(path)
    with atomic_output(out) as temp:  # a failed write keeps the earlier page
        temp.write_text(page, encoding="utf-8")
    return out


# -- the data ------------------------------------------------------------------------------

def _line_key(row: Mapping[str, Any]) -> tuple[int, int, str]:
    return (row["first"], row["last"], row["statement"])


def _holders(intervals: list[Mapping[str, Any]]) -> dict[tuple[str, str], list[Mapping[str, Any]]]:
    """(relation, object) -> the affirming rows of every holder: where successors are found."""
    found: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for row in intervals:
        if not row["negated"]:
            found.setdefault((row["relation"], row["object"]), []).append(row)
    return found


def _bound(text: str | None) -> PartialDate | None:
    return PartialDate.parse(text) if text else None


def _statement(row: Mapping[str, Any], line: int, detail: Mapping[str, Any], sources: Mapping[str, Mapping[str, Any]],
               name: Callable[[str | None], str | None],
               holders: Mapping[tuple[str, str], list[Mapping[str, Any]]]) -> tuple[dict[str, Any], Span]:
    """What the panel shows of a statement and how its line is drawn, and its span: its first
    and last day drawn, and the bounds as written that hatching shows (no end once cut)."""
    # The dates as written come from the statement itself: the intervals row's `end` is the
    # day before a successor when one cut the hold short.
    start, end = detail.get("start", row["start"]), detail.get("end", row["end"])
    first, last = row["first"], row["last"]
    written_end = _bound(end)
    written_last = written_end.hi if written_end else OPEN_END
    cut = last < written_last
    others = [h for h in holders.get((row["relation"], row["object"]), []) if h["subject"] != row["subject"]]
    successors = [h for h in others if last < OPEN_END and h["first"] == last + 1]
    predecessors = [h for h in others if first > UNKNOWN_START and h["last"] == first - 1]
    source_id = detail.get("source") or row["source"]
    source = dict(sources.get(source_id) or {}) if source_id else {}
    if source_id:
        source["id"] = source_id
        source["href"] = _link(source.get("url"))
    drawn_end = _iso(last) if cut else end
    dates = start if start and start == drawn_end else f"{start or UNKNOWN_TEXT} {DASH} {drawn_end or ONGOING_TEXT}"
    claimed = detail.get("claimed_by")
    span = (first, last, _bound(start), None if cut else _bound(end))
    return {
        "id": row["statement"], "line": line, "negated": bool(row["negated"]), "start": start, "end": end,
        "first": None if first <= UNKNOWN_START else _iso(first), "last": None if last >= OPEN_END else _iso(last),
        "label": ("denied: " if row["negated"] else "") + dates, "superseded": cut,
        "successor": _handover(successors, last + 1, "start", name) if successors else None,
        "predecessor": _handover(predecessors, first - 1, "end", name) if predecessors else None,
        "kind": detail.get("kind", row["kind"]), "quote": detail.get("quote"), "claimed_by": claimed,
        "claimed_by_name": name(claimed), "confidence": detail.get("confidence"), "weight": detail.get("weight"),
        "source": source or None,
    }, span


def _handover(rows: list[Mapping[str, Any]], day: int, bound: str,
              name: Callable[[str | None], str | None]) -> dict[str, Any]:
    """Who took a hold over the day after it ended (or held it until the day before it began):
    ``day`` where the marker goes, ``date`` the other holder's ``bound`` as written."""
    ids = sorted({r["subject"] for r in rows})
    dates = sorted({r[bound] or _iso(day) for r in rows})
    return {"ids": ids, "name": " and ".join(str(name(i)) for i in ids), "day": _iso(day), "date": " / ".join(dates)}


def _link(url: Any) -> str | None:
    """``url`` if it may be a link: http or https with a host; anything else stays text."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _window(statements: Iterable[dict[str, Any]], spans: Iterable[Span]) -> tuple[int, int]:
    """The first day drawn and the day after the last: every dated day of the statements, with
    a margin where unknown starts and open ends meet the edges."""
    days: list[int] = []
    cited: list[int] = []
    for first, last, start, end in spans:
        days += [d for d in (first, last) if UNKNOWN_START < d < OPEN_END]
        days += [d for bound in (start, end) if bound for d in (bound.lo, bound.hi)]
    for st in statements:
        if st["successor"]:
            days.append(PartialDate.parse(st["successor"]["day"]).lo)
        published = (st["source"] or {}).get("published")
        if published:
            cited.append(PartialDate.parse(published).lo)
    # Nothing dated: the sources' publication says roughly when, or else this year does.
    days = days or cited or [dt.date.today().toordinal()]
    lo, hi = min(days), max(days) + 1
    margin = max(365, (hi - lo) // 6)
    return lo - margin, hi + margin


def _iso(day: int) -> str:
    return dt.date.fromordinal(day).isoformat()


def _items(st: dict[str, Any], span: Span, window: tuple[int, int]) -> list[dict[str, Any]]:
    """The vis-timeline items of one statement's line: its bar, the hatched spans of a bound
    known to a month or a year (within the bar), its label, and the marker of its successor
    (a tick where it starts, and its words under it)."""
    first, last, start, end = span
    lo = window[0] if first <= UNKNOWN_START else first
    hi = window[1] if last >= OPEN_END else last + 1  # vis-timeline's end is exclusive
    classes = ["al-bar", "al-denial" if st["negated"] else "al-affirm"]
    if first <= UNKNOWN_START:
        classes.append("al-unknown-start")
    if last >= OPEN_END:
        classes.append("al-ongoing")
    if st["superseded"]:
        classes.append("al-superseded")
    # Subgroups are lines: the statement's own, and below it the words of its successor.
    base = {"statement": st["id"], "relation": st["relation"], "subgroup": st["id"], "line": 2 * st["line"]}
    items = [{**base, "id": f"bar:{st['id']}", "kind": "bar", "start": _iso(lo), "end": _iso(hi),
              "classes": classes, "text": ""}]
    for side, bound in (("start", start), ("end", end)):
        if bound is not None and bound.precision != DAY:
            a, b = max(bound.lo, lo), min(bound.hi + 1, hi)
            if a < b:
                items.append({**base, "id": f"{side}:{st['id']}", "kind": "fuzzy", "start": _iso(a), "end": _iso(b),
                              "classes": ["al-fuzzy", f"al-fuzzy-{side}"], "text": str(bound)})
    # The words over the bar are an item of their own, above the hatching (a bar's content
    # could not be: each item is a stacking context of its own).
    items.append({**base, "id": f"label:{st['id']}", "kind": "label", "start": _iso(lo), "end": _iso(hi),
                  "classes": ["al-text", *(["al-text-unknown-start"] if first <= UNKNOWN_START else [])],
                  "text": st["label"]})
    if st["successor"]:
        successor = st["successor"]
        items.append({**base, "id": f"handover:{st['id']}", "kind": "handover", "start": successor["day"], "end": None,
                      "classes": ["al-handover"], "text": ""})
        # The words on a line of their own: over the bar they would hide its label.
        items.append({**base, "id": f"successor:{st['id']}", "kind": "successor", "start": successor["day"],
                      "end": None, "subgroup": f"{st['id']}/successor", "line": 2 * st["line"] + 1,
                      "classes": ["al-successor"], "text": f"until {successor['name']} took it on {successor['date']}"})
    return items


# -- the page --------------------------------------------------------------------------------

def _legend(data: Mapping[str, Any]) -> str:
    esc = html.escape
    drawn = {r["relation"] for r in data["relations"]}
    keys = [(t.caption, t.colour) for t in presentation_order() if t.name in drawn]
    if drawn - set(relation_types()):
        keys.append(("other", UNKNOWN_RELATION_COLOUR))
    parts = [f'<span class="al-key"><span class="al-swatch" style="background:{esc(colour)}"></span>{esc(caption)}</span>'
             for caption, colour in keys]
    parts += [
        '<span class="al-key"><span class="al-swatch al-swatch-fuzzy"></span>date known to a month or a year</span>',
        '<span class="al-key"><span class="al-swatch al-swatch-unknown"></span>unknown start</span>',
        '<span class="al-key"><span class="al-swatch al-swatch-ongoing"></span>ongoing</span>',
        '<span class="al-key"><span class="al-swatch al-swatch-denial"></span>denial</span>',
        '<span class="al-key"><span class="al-swatch al-swatch-handover"></span>taken over by a successor</span>',
    ]
    return "\n".join(parts)


def _page(data: Mapping[str, Any], title: str) -> str:
    esc = html.escape
    actor = data["actor"]
    hint = ("Hover or click a bar for its statements." if data["relations"] else
            "No statement affirms a relation of this actor" + (" by then." if data["known_at"] else "."))
    counts = (f"{len(data['relations'])} relations, {len(data['statements'])} statements"
              + (f", as known at {data['known_at']}" if data["known_at"] else ""))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="allegiance, vis-timeline {VIS_TIMELINE_VERSION}">
<title>{esc(title)}</title>
<style>{asset(*VENDOR, "vis-timeline-graph2d.min.css")}</style>
<style>{asset("timeline.css")}</style>
</head>
<body>
<header id="al-header">
<h1>{esc(title)}</h1>
<div class="al-sub"><span id="al-actor">{esc(actor["name"] or actor["id"])}</span> &middot; {esc(counts)}</div>
<div id="al-legend">{_legend(data)}</div>
</header>
<main id="al-main">
<div id="al-timeline"></div>
<aside id="al-panel" aria-live="polite"><p class="al-hint">{esc(hint)}</p></aside>
</main>
<script type="application/json" id="al-data">{json_for_script(data)}</script>
<script>{asset(*VENDOR, "vis-timeline-graph2d.min.js")}</script>
<script>{asset("timeline.js")}</script>
</body>
</html>
"""
