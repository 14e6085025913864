"""Render alliance relations as a single, self-contained HTML network page.

The page must open from ``file://`` on a machine with no network access and
must be safe to build from untrusted text (source titles, quotes, names), so
this module works around two pyvis 0.3.2 behaviours:

* even with ``cdn_resources="in_line"`` the bundled template always links
  Bootstrap's CSS/JS from a CDN; we strip every external ``<link>``/``<script>``
  from the template source before rendering and re-check the output.
* ``Network.generate_html`` switches to a "tooltip_link" template whenever a
  node title contains the substring ``href``; that template assigns the title
  to ``popup.innerHTML`` (HTML injection).  We render the template ourselves
  with ``tooltip_link=False`` so vis-network's own tooltip is used, which sets
  string titles via ``innerText`` (literal text, ``\\n`` becomes a line break).
"""
from __future__ import annotations

import html
import os
import pathlib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from pyvis.network import Network

from allegiance.model.partial_date import ONGOING_TEXT, UNKNOWN_TEXT
from allegiance.model.vocabulary import presentation_order, relation_types
from allegiance.output import atomic_output

if TYPE_CHECKING:
    from allegiance.queries.snapshot import Snapshot


class _Colours(Mapping[str, str]):
    """Relation type -> its edges' colour, from its YAML's ``presentation``, in legend order;
    read when asked, so that a schema folder in use (``--schema``) shows its types too."""

    def __getitem__(self, relation: str) -> str:
        return relation_types()[relation].colour

    def __iter__(self) -> Iterator[str]:
        return (t.name for t in presentation_order())

    def __len__(self) -> int:
        return len(relation_types())


RELATION_COLOURS: Mapping[str, str] = _Colours()
# Lighter than part_of so an unknown relation is not mistaken for a known one.
UNKNOWN_RELATION_COLOUR = "#b0b0b0"

# (vis shape, colour, legend glyph).  Shapes whose label sits below the shape
# keep every label readable at the same offset.
NODE_STYLES = {
    "state": ("diamond", "#2f4b7c", "\u25c6"),
    "government": ("dot", "#4e79a7", "\u25cf"),
    "armed_group": ("triangle", "#7b3294", "\u25b2"),
    "person": ("dot", "#e377c2", "\u25cf"),
    "place": ("square", "#76b7b2", "\u25a0"),
}
DEFAULT_NODE_STYLE = ("dot", "#9e9e9e", "\u25cf")
# With --color-by camp: colour-blind-safe categorical colours (Okabe-Ito), grey for no camp.
CAMP_COLOURS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000"]
NO_CAMP_COLOUR = "#bdbdbd"

_PARTIAL_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_EXTERNAL_URL = re.compile(r"^\s*(https?:)?//", re.I)
# Applied to the template source only (never to rendered data), so user text
# that happens to look like a tag can't be mangled by these patterns.
_TEMPLATE_STRIP = [
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"<link\b[^>]*?\bhref\s*=\s*[\"']?\s*(https?:)?//[^>]*>", re.I),
    re.compile(r"<script\b[^>]*?\bsrc\s*=\s*[\"']?\s*(https?:)?//[^>]*>\s*</script\s*>", re.I),
    # pyvis prints the heading twice; we show our own legend instead.
    re.compile(r"<center>\s*<h1>\s*\{\{\s*heading\s*\}\}\s*</h1>\s*</center>"),
]

_PAGE_CSS = """
body { margin: 0; font-family: sans-serif; }
#mynetwork { box-sizing: border-box; float: none; border: 0; }
div.vis-tooltip { white-space: pre-wrap; max-width: 40em; font-family: sans-serif; font-size: 13px; }
#allegiance-legend { position: fixed; top: 10px; left: 10px; z-index: 20; max-width: 22em;
  background: rgba(255,255,255,0.93); border: 1px solid #bbb; border-radius: 6px;
  padding: 8px 12px; font-size: 13px; line-height: 1.5; color: #222; }
#allegiance-legend .al-title { font-size: 16px; font-weight: bold; }
#allegiance-legend .al-asof { color: #555; margin-bottom: 4px; }
#allegiance-legend .al-note { margin: 4px 0; padding: 3px 6px; background: #fff8e1; border: 1px solid #ffe082; }
#allegiance-legend .al-line { display: inline-block; width: 28px; margin: 0 8px 3px 0;
  border-top: 3px solid; vertical-align: middle; }
#allegiance-legend .al-glyph { display: inline-block; width: 28px; margin-right: 8px; text-align: center;
  font-size: 17px; line-height: 1; }
"""


def write_page(rows, nodes, sources, path, *, title="allegiance", as_of=None, note=None, camps=None) -> pathlib.Path:
    """Write an offline HTML network of ``rows`` to ``path`` and return the path.

    Only ids referenced by ``rows`` are drawn; ``nodes`` and ``sources`` are
    lookup tables (missing entries fall back to showing the bare id). ``note`` is a line
    for the legend (what was left out); ``camps``, actor id -> camp number, colours the
    actors by camp instead of type.
    """
    _check_args(rows, nodes, sources, path, title, as_of)
    net = _build_network(rows, nodes, sources, camps)
    page = _render(net, title, as_of, rows, nodes, note, camps)
    external = _external_references(page)
    if external:  # a future pyvis template could add new CDN assets
        raise RuntimeError(f"page would load external resources: {external}")
    out = pathlib.Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(out) as temp:  # a failed write keeps the earlier page
        temp.write_text(page, encoding="utf-8")
    return out


def snapshot_page(snap: Snapshot, path, *, title="allegiance", rows=None, note=None, camps=None) -> pathlib.Path:
    """``write_page`` of a snapshot (``queries.snapshot.snapshot``), as of its date: its
    relations, or the part of them in ``rows``."""
    return write_page(snap.relations if rows is None else rows, snap.nodes, snap.sources, path, title=title,
                      as_of=snap.as_of, note=note, camps=camps)


def _check_args(rows, nodes, sources, path, title, as_of):
    if not isinstance(rows, Sequence) or isinstance(rows, (str, bytes)):
        raise ValueError("rows must be a list of relation dicts")
    for name, table in (("nodes", nodes), ("sources", sources)):
        if not isinstance(table, Mapping) or not all(isinstance(v, Mapping) for v in table.values()):
            raise ValueError(f"{name} must be a dict of id -> dict")
    if not isinstance(path, (str, os.PathLike)) or pathlib.Path(path).is_dir():
        raise ValueError(f"path must be a file path, got {path!r}")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("title must be a non-empty string")
    if as_of is not None and not isinstance(as_of, str):
        raise ValueError("as_of must be a string or None")
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise ValueError(f"row {i} is not a dict")
        for key in ("subject", "relation", "object"):
            if not isinstance(row.get(key), str) or not row[key]:
                raise ValueError(f"row {i}: {key} must be a non-empty string")
        for key in ("start", "end"):
            value = row.get(key)
            if value is not None and not (isinstance(value, str) and _PARTIAL_DATE.fullmatch(value)):
                raise ValueError(f"row {i}: {key} must be None or YYYY[-MM[-DD]], got {value!r}")
        for key in ("kinds", "sources", "statements"):
            value = row.get(key) or []  # None (e.g. a NULL column) means "none recorded"
            if isinstance(value, str) or not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"row {i}: {key} must be a list of strings")
        if not isinstance(row.get("contested", False), bool):
            raise ValueError(f"row {i}: contested must be a bool")


def _period(start, end):
    return f"{start or UNKNOWN_TEXT} \u2013 {end or ONGOING_TEXT}"


def _node_text(node_id, info):
    if info is None:
        return f"{node_id}\n(no details recorded)"
    lines = [str(info.get("name") or node_id), f"type: {info.get('type') or 'unknown'}"]
    if info.get("country"):
        lines.append(f"country: {info['country']}")
    return "\n".join(lines)


def _source_text(source_id, info):
    if info is None:
        return f"- {source_id} (unknown source)"
    extra = ", ".join(str(info[k]) for k in ("publisher", "published") if info.get(k))
    text = f"- {info.get('title') or source_id}" + (f" ({extra})" if extra else "")
    # Shown as plain text (tooltips are not clickable) so readers can still cite it.
    return text + (f"\n  {info['url']}" if info.get("url") else "")


def _caption(relation):
    rtype = relation_types().get(relation)
    return rtype.caption if rtype else relation.replace("_", " ")


def _edge_text(row, nodes, sources):
    def name(node_id):
        return str((nodes.get(node_id) or {}).get("name") or node_id)

    lines = [f"{name(row['subject'])} {_caption(row['relation'])} {name(row['object'])}"]
    if row.get("kinds"):
        lines.append("kinds: " + ", ".join(row["kinds"]))
    lines.append(_period(row.get("start"), row.get("end")))
    if row.get("contested"):
        lines.append("contested")
    if row.get("sources"):
        lines.append("sources:")
        lines += [_source_text(s, sources.get(s)) for s in row["sources"]]
    return "\n".join(lines)


def node_style(node_id: str, info: Mapping | None) -> dict[str, str]:
    """How a page draws an actor or place: ``label``, vis ``shape`` and ``color`` (by its type),
    ``title`` (its tooltip, text) and ``type``."""
    node_type = (info or {}).get("type") or "unknown"
    shape, colour, _ = NODE_STYLES.get(node_type, DEFAULT_NODE_STYLE)
    return {"label": str((info or {}).get("name") or node_id), "shape": shape, "color": colour,
            "title": _node_text(node_id, info), "type": node_type}


def curves(rows: Iterable[Mapping]) -> list[float]:
    """Each edge's curve (vis ``roundness``): every parallel edge between the same two nodes,
    either way, gets a wider curve, so that relations over one pair stay apart."""
    seen: dict[frozenset[str], int] = {}
    out = []
    for row in rows:
        pair = frozenset((row["subject"], row["object"]))
        k = seen[pair] = seen.get(pair, -1) + 1
        out.append(0.12 + 0.18 * k)
    return out


def relation_legend(relations: Iterable[str]) -> list[dict[str, str]]:
    """The relations given as a legend, in the types' order, then those no type declares (in
    the colour for an unknown relation): ``relation``, ``caption``, ``colour``."""
    present = set(relations)
    known = [t for t in RELATION_COLOURS if t in present]
    return [{"relation": r, "caption": _caption(r), "colour": RELATION_COLOURS.get(r, UNKNOWN_RELATION_COLOUR)}
            for r in known + sorted(present - set(known))]


def camp_colour(camp: int | None) -> str:
    """A camp's colour on a page (None: in no camp)."""
    return NO_CAMP_COLOUR if camp is None else CAMP_COLOURS[(camp - 1) % len(CAMP_COLOURS)]


def _build_network(rows, nodes, sources, camps=None):
    net = Network(directed=True, cdn_resources="in_line", height="100vh", width="100%")
    for row in rows:
        for node_id in (row["subject"], row["object"]):
            info = nodes.get(node_id)
            style = node_style(node_id, info)
            if camps is not None:
                style["color"] = camp_colour(camps.get(node_id))
            net.add_node(node_id, label=style["label"], shape=style["shape"], color=style["color"], title=style["title"])
    for i, (row, roundness) in enumerate(zip(rows, curves(rows), strict=True)):
        colour = RELATION_COLOURS.get(row["relation"], UNKNOWN_RELATION_COLOUR)
        net.add_edge(
            row["subject"], row["object"], id=f"e{i}", title=_edge_text(row, nodes, sources),
            color={"color": colour, "highlight": colour, "hover": colour},
            dashes=bool(row.get("contested")), relation=row["relation"],
            contested=bool(row.get("contested")),
            smooth={"enabled": True, "type": "curvedCW", "roundness": roundness},
        )
    net.options = {
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.6}}, "width": 2},
        "nodes": {"size": 14, "font": {"size": 15, "face": "sans-serif"}},
        "interaction": {"hover": True, "tooltipDelay": 150},
        "layout": {"randomSeed": 7},  # same data -> same picture, so pages diff/compare
        "physics": {"solver": "forceAtlas2Based", "stabilization": {"iterations": 300},
                    "forceAtlas2Based": {"springLength": 140, "avoidOverlap": 0.3}},
    }
    return net


def _legend(title, as_of, rows, nodes, note=None, camps=None):
    esc = html.escape
    parts = [f'<div id="allegiance-legend"><div class="al-title">{esc(title)}</div>']
    if as_of:
        parts.append(f'<div class="al-asof">as of {esc(as_of)}</div>')
    if note:
        parts.append(f'<div class="al-note">{esc(note)}</div>')
    relations = {_caption(rel): colour for rel, colour in RELATION_COLOURS.items()}
    if any(r["relation"] not in RELATION_COLOURS for r in rows):
        relations["other"] = UNKNOWN_RELATION_COLOUR
    for caption, colour in relations.items():
        parts.append(f'<div><span class="al-line" style="border-top-color:{colour}"></span>'
                     f"{esc(caption)}</div>")
    parts.append('<div><span class="al-line" style="border-top-style:dashed;border-top-color:#555">'
                 "</span>contested</div>")
    types = sorted({(nodes.get(i) or {}).get("type") or "unknown"
                    for r in rows for i in (r["subject"], r["object"])})
    for node_type in types:
        _, colour, glyph = NODE_STYLES.get(node_type, DEFAULT_NODE_STYLE)
        if camps is not None:
            colour = "#555"
        parts.append(f'<div><span class="al-glyph" style="color:{colour}">{glyph}</span>'
                     f"{esc(node_type.replace('_', ' '))}</div>")
    if camps is not None:
        drawn = {i for r in rows for i in (r["subject"], r["object"])}
        for camp in sorted({c for n, c in camps.items() if n in drawn}):
            parts.append(f'<div><span class="al-glyph" style="color:{camp_colour(camp)}">\u25cf</span>camp {camp}</div>')
        parts.append(f'<div><span class="al-glyph" style="color:{NO_CAMP_COLOUR}">\u25cf</span>in no camp</div>')
    return "\n".join(parts) + "</div>"


def _render(net, title, as_of, rows, nodes, note=None, camps=None):
    env = net.templateEnv
    source, _, _ = env.loader.get_source(env, net.path)
    for pattern in _TEMPLATE_STRIP:
        source = pattern.sub("", source)
    source = source.replace("</head>", "{{ allegiance_head }}\n</head>", 1)
    source = source.replace("<body>", "<body>\n{{ allegiance_legend }}", 1)
    nodes_data, edges_data, _, height, width, options = net.get_network_data()
    head = f"<title>{html.escape(title)}</title>\n<style>{_PAGE_CSS}</style>"
    # The template's autoescape is off; nodes/edges go through Jinja's
    # ``tojson`` (which escapes < > & ' as \\u00XX, so "</script>" in data
    # cannot end the script block), but options are emitted raw, hence "<\/".
    # pyvis omits the doctype; without it Chromium renders in quirks mode.
    return "<!DOCTYPE html>\n" + env.from_string(source).render(
        nodes=nodes_data, edges=edges_data, heading="", height=height, width=width,
        options=options.replace("</", "<\\/"), physics_enabled=True, use_DOT=False,
        dot_lang="", widget=False, bgcolor=net.bgcolor, conf=False, tooltip_link=False,
        neighborhood_highlight=False, select_menu=False, filter_menu=False, notebook=False,
        cdn_resources="in_line", allegiance_head=head,
        allegiance_legend=_legend(title, as_of, rows, nodes, note, camps),
    )


def _external_references(page):
    # A real HTML parser, not a regex: it skips script/style bodies the way a
    # browser does, so only attributes of actual tags are inspected.
    found: list[str] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend(f"<{tag} {a}={v}>" for a, v in attrs if v and _EXTERNAL_URL.match(v)
                         and a in ("src", "href", "srcset", "data", "poster", "action"))

    Parser().feed(page)
    return found
