"""Tests for allegiance.viz.network: static HTML checks plus a real headless Chromium run."""
from __future__ import annotations

import json
import re
import time

import pytest

from allegiance.viz.network import RELATION_COLOURS, UNKNOWN_RELATION_COLOUR, write_page
from tests.browser import ARTIFACTS, Tags, chromium_or_skip, headless_chromium

XSS = "<script>alert(1)</script>"
EXTERNAL = re.compile(r"^\s*(https?:)?//", re.I)

# Fictional actors, so nothing here reads as a claim about the real world.
NODES = {
    "avalon": {"name": "Republic of Avalon", "type": "state", "country": "AV"},
    "gov_avalon": {"name": "Government of Avalon", "type": "government", "country": "AV"},
    "borduria": {"name": "Borduria", "type": "state", "country": "BD"},
    "front": {"name": "Northern Front", "type": "armed_group", "country": "BD"},
    "mira": {"name": "Mira Vance", "type": "person", "country": None},
    "kell": {"name": "Port Kell", "type": "place", "country": "BD"},
    "syldavia": {"name": "Syldavia <b>x</b>", "type": "state", "country": "SY"},
}
SOURCES = {
    "s1": {"title": "Arms shipments to the Northern Front", "publisher": "Avalon Herald",
           "url": "https://news.example.org/a", "published": "2020-02-03"},
    "s2": {"title": f'Quote: "{XSS}" and <b>x</b> <img src=x onerror="window.__pwned=1">',
           "publisher": "Border Watch", "url": "http://example.net/b", "published": "2020-05-18"},
}


def row(subject, relation, obj, start=None, end=None, kinds=(), sources=(), contested=False):
    return {"subject": subject, "relation": relation, "object": obj, "start": start, "end": end,
            "kinds": list(kinds), "sources": list(sources), "statements": ["st-" + subject],
            "contested": contested}


ROWS = [
    row("avalon", "supports", "front", "2020-01", None, ["arms", "training"], ["s1"]),
    row("borduria", "opposes", "front", None, "2020-05-17", ["armed clashes"], ["s2"], contested=True),
    row("mira", "mediates", "borduria", "2021", "2021-06"),
    row("front", "controls", "kell", "2021-03-02", None, sources=["s-missing"]),
    row("gov_avalon", "part_of", "avalon"),
    row("avalon", "opposes", "front", "2023", None, contested=True),  # parallel to row 0
    row("ghost", "allied_with", "syldavia"),  # unknown relation, id missing from NODES
]
NODE_COUNT = 8  # the seven named ids plus "ghost"
XSS_EDGE = "e1"


@pytest.fixture
def page(tmp_path):
    return write_page(ROWS, NODES, SOURCES, tmp_path / "graph.html",
                      title="Test <i>alliances</i>", as_of="2024-06-01")




def vis_data(html, name):
    start = html.index(f"{name} = new vis.DataSet(") + len(f"{name} = new vis.DataSet(")
    return json.JSONDecoder().raw_decode(html, start)[0]


# ---------------------------------------------------------------- static HTML


def test_no_external_resources(page):
    html = page.read_text(encoding="utf-8")
    tags = Tags(html).tags
    refs = [(t, a, v) for t, attrs in tags for a, v in attrs.items()
            if a in ("src", "href", "srcset", "data", "poster", "action") and v and EXTERNAL.match(v)]
    assert refs == []
    assert not [t for t, attrs in tags if t == "link"]  # pyvis's CDN stylesheet links are gone
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html
    # vis-network itself is inlined, not fetched.
    assert "vis-network" in html and "vis.Network" in html and len(html) > 300_000


def test_edge_colours_dashes_and_one_edge_per_row(page):
    edges = vis_data(page.read_text(encoding="utf-8"), "edges")
    assert [e["id"] for e in edges] == [f"e{i}" for i in range(len(ROWS))]
    for edge, r in zip(edges, ROWS, strict=False):
        expected = RELATION_COLOURS.get(r["relation"], UNKNOWN_RELATION_COLOUR)
        assert edge["color"]["color"] == expected
        assert (edge["from"], edge["to"], edge["dashes"]) == (r["subject"], r["object"], r["contested"])
    assert RELATION_COLOURS["supports"] == "#2e7d32" and RELATION_COLOURS["opposes"] == "#c62828"
    # Parallel edges between the same pair get different curvature.
    assert edges[0]["smooth"]["roundness"] != edges[5]["smooth"]["roundness"]


def test_script_in_data_cannot_break_out(page, tmp_path):
    html = page.read_text(encoding="utf-8")
    benign = write_page([row("a", "supports", "b")], {}, {}, tmp_path / "benign.html").read_text()
    assert XSS not in html and "</script><script>" not in html
    assert "<b>x</b>" not in html.split("<body>", 1)[1]  # only escaped forms reach the page body
    assert [t for t, _ in Tags(html).tags].count("script") == [t for t, _ in Tags(benign).tags].count("script")
    assert not [t for t, _ in Tags(html).tags if t in ("b", "img", "i")]
    title = {e["id"]: e for e in vis_data(html, "edges")}[XSS_EDGE]["title"]
    assert XSS in title and "<b>x</b>" in title  # literal text survives JSON decoding


def test_hover_text(page):
    html = page.read_text(encoding="utf-8")
    edges = {e["id"]: e["title"] for e in vis_data(html, "edges")}
    assert edges["e0"].splitlines()[:3] == [
        "Republic of Avalon supports Northern Front", "kinds: arms, training", "2020-01 \u2013 ongoing"]
    assert "- Arms shipments to the Northern Front (Avalon Herald, 2020-02-03)" in edges["e0"]
    assert "https://news.example.org/a" in edges["e0"]  # as text only
    assert "unknown \u2013 2020-05-17\ncontested\nsources:" in edges["e1"]
    assert "2021 \u2013 2021-06" in edges["e2"] and "contested" not in edges["e2"]
    assert "- s-missing (unknown source)" in edges["e3"]
    assert "unknown \u2013 ongoing" in edges["e4"]
    nodes = {n["id"]: n for n in vis_data(html, "nodes")}
    assert len(nodes) == NODE_COUNT
    assert nodes["avalon"]["title"] == "Republic of Avalon\ntype: state\ncountry: AV"
    assert nodes["mira"]["title"] == "Mira Vance\ntype: person"
    assert nodes["ghost"]["label"] == "ghost" and "no details" in nodes["ghost"]["title"]
    assert nodes["kell"]["shape"] == "square" and nodes["avalon"]["shape"] != "square"


def test_page_title_and_legend(page):
    html = page.read_text(encoding="utf-8")
    assert "<title>Test &lt;i&gt;alliances&lt;/i&gt;</title>" in html
    legend = html[html.index('<div id="allegiance-legend">'):]
    legend = legend[:legend.index("</div></div>")]
    for text in ("as of 2024-06-01", "supports", "opposes", "mediates", "controls", "part of",
                 "contested", "other", "armed group", "place"):
        assert text in legend
    for colour in RELATION_COLOURS.values():
        assert colour in legend


@pytest.mark.parametrize("kwargs, message", [
    ({"rows": "nope"}, "rows"),
    ({"rows": [{"subject": "a", "relation": "supports"}]}, "object"),
    ({"rows": [dict(ROWS[0], start="May 2020")]}, "start"),
    ({"rows": [dict(ROWS[0], kinds="arms")]}, "kinds"),
    ({"rows": [dict(ROWS[0], contested="yes")]}, "contested"),
    ({"nodes": []}, "nodes"),
    ({"sources": {"s1": "title"}}, "sources"),
    ({"title": ""}, "title"),
    ({"as_of": 2024}, "as_of"),
])
def test_bad_arguments(tmp_path, kwargs, message):
    args = {"rows": ROWS, "nodes": NODES, "sources": SOURCES, "path": tmp_path / "x.html"}
    title = kwargs.pop("title", "t")
    as_of = kwargs.pop("as_of", None)
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        write_page(**args, title=title, as_of=as_of)


def test_directory_path_rejected(tmp_path):
    with pytest.raises(ValueError, match="path"):
        write_page(ROWS, NODES, SOURCES, tmp_path)


# ---------------------------------------------------------------- real browser


def test_page_in_headless_chromium(page, tmp_path):
    # Checked in the test body (not a fixture) so CI reports FAILED, not ERROR.
    chromium_or_skip()
    with headless_chromium(tmp_path / "chrome-profile") as browser:
        _check_page_in_browser(page, browser)


def _check_page_in_browser(page, browser):
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(page.as_uri())
    WebDriverWait(browser, 30).until(lambda d: d.execute_script(
        "return typeof network !== 'undefined' && network !== null"
        " && network.body.data.nodes.length === arguments[0]"
        " && document.querySelector('#mynetwork canvas') !== null", NODE_COUNT))
    # Let physics settle (or stop it) so positions and the screenshot are stable.
    try:
        WebDriverWait(browser, 20).until(lambda d: d.execute_script("return network.physics.stabilized"))
    except TimeoutException:
        pass  # stopSimulation below freezes it wherever it is; still a valid drawing
    browser.execute_async_script(
        "const done = arguments[0]; network.stopSimulation(); network.fit({animation: false});"
        "network.once('afterDrawing', () => done(true)); network.redraw();")
    scripts_before = browser.execute_script("return document.querySelectorAll('script').length")

    assert browser.title == "Test <i>alliances</i>"
    legend = browser.find_element("id", "allegiance-legend").text
    assert "as of 2024-06-01" in legend and "supports" in legend

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "viz-network.png"))

    # Data handed to vis keeps the literal markup as text.
    title = browser.execute_script("return network.body.data.edges.get(arguments[0]).title", XSS_EDGE)
    assert XSS in title and "<b>x</b>" in title

    # Hover the middle of the edge carrying the hostile source title.  Centre the
    # view on it first so the fixed legend can't sit between mouse and canvas.
    browser.execute_script(
        "const p = network.body.edges[arguments[0]].edgeType.getPoint(0.5);"
        "network.moveTo({position: p, scale: 1.2, animation: false}); network.redraw();", XSS_EDGE)
    time.sleep(0.2)
    x, y = browser.execute_script(
        "const p = network.body.edges[arguments[0]].edgeType.getPoint(0.5);"
        "const d = network.canvasToDOM(p);"
        "const r = document.querySelector('#mynetwork canvas').getBoundingClientRect();"
        "return [r.left + d.x, r.top + d.y];", XSS_EDGE)
    assert browser.execute_script(
        "return document.elementFromPoint(arguments[0], arguments[1]).tagName", x, y) == "CANVAS"
    actions = ActionBuilder(browser)
    actions.pointer_action.move_to_location(int(x) - 6, int(y))
    actions.pointer_action.pause(0.1)
    actions.pointer_action.move_to_location(int(x), int(y))
    actions.perform()
    tooltip = WebDriverWait(browser, 10).until(lambda d: d.execute_script(
        "const t = document.querySelector('.vis-tooltip');"
        "return t && t.style.visibility === 'visible' ? t.innerText : null"))
    assert "Borduria opposes Northern Front" in tooltip
    assert XSS in tooltip and "<b>x</b>" in tooltip and "contested" in tooltip
    # innerText turns "\n" into <br>; nothing else may appear inside the tooltip.
    children = browser.execute_script(
        "return Array.from(document.querySelector('.vis-tooltip').querySelectorAll('*'), e => e.tagName)")
    assert children and set(children) == {"BR"}
    browser.save_screenshot(str(ARTIFACTS / "viz-network-tooltip.png"))

    assert browser.execute_script("return document.querySelectorAll('script').length") == scripts_before
    assert browser.execute_script("return document.querySelectorAll('b, img, i').length") == 0
    assert browser.execute_script("return window.__pwned === undefined")

    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []
    requested = [json.loads(e["message"])["message"] for e in browser.get_log("performance")]
    urls = [m["params"]["request"]["url"] for m in requested if m["method"] == "Network.requestWillBeSent"]
    # chrome:// entries are the browser's own UI pages; only web schemes would mean a fetch.
    assert page.as_uri() in urls
    assert [u for u in urls if re.match(r"(https?|wss?|ftp):", u, re.I)] == []


def test_href_in_node_name_keeps_safe_tooltip(tmp_path):
    # pyvis 0.3.2 switches to an innerHTML popup when any node title contains "href".
    nodes = {"a": {"name": '<a href="javascript:alert(1)">x</a>', "type": "person", "country": None}}
    html = write_page([row("a", "supports", "b")], nodes, {}, tmp_path / "href.html").read_text()
    assert "popup.innerHTML" not in html and "showPopup(params)" not in html
    assert vis_data(html, "nodes")[0]["label"] == nodes["a"]["name"]
