"""Tests for allegiance.viz.timeline and `allegiance timeline`: the data built in Python, the
page as HTML, and the page in a real headless Chromium (bars against the timeline's own
date-to-pixel mapping, the panel, no fetch, no script from data)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import zipfile

import pytest
from click.testing import CliRunner

from allegiance.cli import cli
from allegiance.exc import QueryError
from allegiance.model.vocabulary import relation_types
from allegiance.viz import timeline as tl
from allegiance.viz.timeline import VIS_TIMELINE_VERSION, actor_timeline, timeline_data, write_timeline
from tests.browser import ARTIFACTS, Tags, chromium_or_skip, headless_chromium, severe_console_errors, web_requests
from tests.conftest import EXAMPLE, ROOT, ask
from tests.test_output import EARLIER, NO_SPACE, REFUSED, _fail_writing_temp_files, files

VENDOR = ROOT / "src" / "allegiance" / "viz" / "vendor" / "vis-timeline"
VENDORED = {  # sha256 of the files as published in vis-timeline 7.7.4 (vendor/vis-timeline/README.md)
    "vis-timeline-graph2d.min.js": "3d211aeb5146a9bc68abeb4ce22bcc9fe7697f7049c7a76bb2b30f96c7fa3d4c",
    "vis-timeline-graph2d.min.css": "b2fccd6ac3e0d7247982f11a45e8b68e0fa7e0f737b15c8c516792eb144087a5",
}
XSS_QUOTE = "<script>window.__pwned=1</script> A test fixture, not a real report."
XSS_TITLE = 'Fixture <b>bold</b> <img src=x onerror="window.__pwned=1">'
JS_URL = "javascript:window.__pwned=1"
# Loaded over the example: a denial that makes "Italy supports the GNA" contested, and a
# fictional holder whose start cuts the GNA's open hold of Tarhuna short (rule 3). The source
# is hostile: markup in its title and a javascript: URL; the quote holds a script tag.
EXTRA = f"""
sources:
  - id: fixture-hostile
    title: '{XSS_TITLE}'
    publisher: "Test desk <i>x</i>"
    url: "{JS_URL}"
    published: "2021-03-01"
actors:
  - {{id: test-brigade, name: "Test Brigade <i>fixture</i>", type: armed_group}}
statements:
  - subject: italy
    relation: supports
    object: gna
    negated: true
    start: "2020-02"
    end: "2020-04-15"
    source: fixture-hostile
    quote: '{XSS_QUOTE}'
    claimed_by: italy
  - subject: test-brigade
    relation: controls
    object: tarhuna
    start: "2021-02"
    source: fixture-hostile
    quote: "A test fixture: a fictional holder takes Tarhuna over."
"""
EXTERNAL = re.compile(r"^\s*(https?:)?//", re.I)


def day(text: str) -> int:
    return dt.date.fromisoformat(text).toordinal()


def by_label(data: dict) -> dict[str, dict]:
    return {r["label"]: r for r in data["relations"]}


def line_items(data: dict, statement: str) -> dict[str, dict]:
    return {i["kind"] if i["kind"] != "fuzzy" else i["id"].split(":")[0]: i
            for i in data["items"] if i["statement"] == statement}


@pytest.fixture
def gna(make_store):
    store = make_store(EXAMPLE, EXTRA)
    return store, actor_timeline(store, "GNA")


@pytest.fixture
def gna_page(gna, tmp_path):
    _, data = gna
    return write_timeline(data, tmp_path / "gna.html"), data


# -- the data ----------------------------------------------------------------------------------

def test_the_rows_are_the_actors_relations_each_with_its_statements(make_store):
    store = make_store(EXAMPLE)
    data = actor_timeline(store, "Government of National Accord")
    expected = {(r["subject"], r["relation"], r["object"]) for r in ask(store, "timeline", actor="gna")}
    assert [(r["subject"], r["relation"], r["object"]) for r in data["relations"]] != []
    assert {(r["subject"], r["relation"], r["object"]) for r in data["relations"]} == expected
    assert len(data["relations"]) == len(expected) == 22
    intervals = [r for r in ask(store, "intervals") if "gna" in (r["subject"], r["object"])]
    assert sorted(data["statements"]) == sorted(r["statement"] for r in intervals)
    for rel in data["relations"]:
        mine = [r for r in intervals if (r["subject"], r["relation"], r["object"]) == (rel["subject"], rel["relation"],
                                                                                        rel["object"])]
        assert sorted(rel["statements"]) == sorted(r["statement"] for r in mine)
        assert rel["colour"] == relation_types()[rel["relation"]].colour
        assert rel["label"] == f"{rel['subject_name']} {relation_types()[rel['relation']].caption} {rel['object_name']}"
    # Rows come in the legend's order of relation types, then by their first day.
    orders = [relation_types()[r["relation"]].order for r in data["relations"]]
    assert orders == sorted(orders)
    assert by_label(data)["Turkey supports Government of National Accord"]["contested"] is False


def test_both_backends_give_the_same_page_data(make_any_store, make_store):
    other = make_any_store(EXAMPLE, EXTRA)
    embedded = make_store(EXAMPLE, EXTRA, name="embedded.db")
    assert actor_timeline(other, "gna", known_at="2021-06") == actor_timeline(embedded, "gna", known_at="2021-06")


def test_a_bar_spans_the_days_a_statement_holds_and_a_year_start_is_hatched_over_the_year(gna):
    _, data = gna
    turkey = by_label(data)["Turkey supports Government of National Accord"]
    lines = [data["statements"][s] for s in turkey["statements"]]
    assert [s["start"] for s in lines] == ["2019", "2019-05", "2020-01"]  # line order: by first day
    assert [s["line"] for s in lines] == [0, 1, 2]
    first = line_items(data, lines[0]["id"])
    assert (first["bar"]["start"], first["bar"]["end"]) == ("2019-01-01", data["window"]["end"])
    assert (first["start"]["start"], first["start"]["end"]) == ("2019-01-01", "2020-01-01")  # the whole of 2019
    assert first["label"]["text"] == "2019 \u2013 ongoing" and "al-ongoing" in first["bar"]["classes"]
    assert "end" not in first  # an open end has no hatching, it has the arrow
    month = line_items(data, lines[1]["id"])
    assert (month["start"]["start"], month["start"]["end"]) == ("2019-05-01", "2019-06-01")
    # A day-precise span has no hatching; the bar ends after its last day (vis-timeline's end is exclusive).
    opposes = by_label(data)["Government of National Accord opposes Libyan National Army"]
    items = line_items(data, opposes["statements"][0])
    assert set(items) == {"bar", "label"}
    assert (items["bar"]["start"], items["bar"]["end"]) == ("2019-04-04", "2020-10-24")
    assert items["label"]["text"] == "2019-04-04 \u2013 2020-10-23"


def test_unknown_starts_and_open_ends_reach_the_edges(gna):
    _, data = gna
    window = data["window"]
    for label in ("Government of National Accord controls Tripoli", "Fayez al-Sarraj part of Government of National Accord"):
        st = data["statements"][by_label(data)[label]["statements"][0]]
        bar = line_items(data, st["id"])["bar"]
        assert (bar["start"], bar["end"]) == (window["start"], window["end"])
        assert {"al-unknown-start", "al-ongoing"} <= set(bar["classes"])
        assert st["label"] == "unknown \u2013 ongoing" and st["first"] is None and st["last"] is None
    salame = data["statements"][by_label(data)["Ghassan Salamé mediates Government of National Accord"]["statements"][0]]
    bar = line_items(data, salame["id"])["bar"]
    assert (bar["start"], bar["end"]) == (window["start"], "2020-03-03") and "al-ongoing" not in bar["classes"]
    # The window holds every dated day with a margin on both sides.
    dated = [d for s in data["statements"].values() for d in (s["first"], s["last"]) if d]
    assert window["start"] < min(dated) and window["end"] > max(dated)


def test_a_denial_has_a_line_of_its_own_and_flags_its_row_contested(gna):
    _, data = gna
    italy = by_label(data)["Italy supports Government of National Accord"]
    assert italy["contested"] is True
    affirm, denial = (data["statements"][s] for s in italy["statements"])
    assert (affirm["negated"], denial["negated"]) == (False, True)
    assert denial["label"] == "denied: 2020-02 \u2013 2020-04-15" and denial["line"] == 1
    items = line_items(data, denial["id"])
    assert "al-denial" in items["bar"]["classes"] and "al-denial" not in line_items(data, affirm["id"])["bar"]["classes"]
    assert (items["bar"]["start"], items["bar"]["end"]) == ("2020-02-01", "2020-04-16")
    assert (items["start"]["start"], items["start"]["end"]) == ("2020-02-01", "2020-03-01")
    assert denial["quote"] == XSS_QUOTE and denial["source"]["title"] == XSS_TITLE
    assert denial["source"]["href"] is None and denial["source"]["url"] == JS_URL
    # An https source may be a link.
    assert affirm["source"]["href"].startswith("https://")


def test_denials_alone_show_no_row(make_store):
    store = make_store(EXAMPLE, """
        statements:
          - {subject: egypt, relation: mediates, object: gna, negated: true, source: fixture, quote: "no"}
        sources:
          - {id: fixture, title: A test fixture}
        """)
    data = actor_timeline(store, "gna")
    assert "Egypt mediates Government of National Accord" not in by_label(data)
    assert "Egypt opposes Government of National Accord" in by_label(data)


def test_a_hold_cut_short_by_a_successor_ends_with_a_marker(gna):
    _, data = gna
    sirte = data["statements"][by_label(data)["Government of National Accord controls Sirte"]["statements"][0]]
    # As written the hold is open ("since 2016"); the LNA's start on 2020-01-06 ends it the day before.
    assert (sirte["start"], sirte["end"], sirte["last"], sirte["superseded"]) == ("2016", None, "2020-01-05", True)
    assert sirte["successor"] == {"ids": ["lna"], "name": "Libyan National Army", "day": "2020-01-06", "date": "2020-01-06"}
    items = line_items(data, sirte["id"])
    assert items["bar"]["end"] == "2020-01-06" and "al-superseded" in items["bar"]["classes"]
    assert items["label"]["text"] == "2016 \u2013 2020-01-05"
    assert items["handover"]["start"] == items["successor"]["start"] == "2020-01-06"
    assert items["successor"]["text"] == "until Libyan National Army took it on 2020-01-06"
    # The words have a line of their own, right under the statement's.
    assert (items["bar"]["line"], items["successor"]["line"]) == (0, 1)
    assert items["successor"]["subgroup"] != items["bar"]["subgroup"] == items["handover"]["subgroup"]
    # The fixture's holder starts in a month: the marker says the month, and goes on its first day.
    tarhuna = data["statements"][by_label(data)["Government of National Accord controls Tarhuna"]["statements"][0]]
    assert (tarhuna["last"], tarhuna["superseded"]) == ("2021-01-31", True)
    assert line_items(data, tarhuna["id"])["successor"] == {
        "statement": tarhuna["id"], "relation": tarhuna["relation"], "subgroup": f"{tarhuna['id']}/successor",
        "line": 1, "id": f"successor:{tarhuna['id']}", "kind": "successor", "start": "2021-02-01", "end": None,
        "classes": ["al-successor"], "text": "until Test Brigade <i>fixture</i> took it on 2021-02"}
    # ... and the GNA took Tarhuna from the LNA, whose hold ended the day before.
    assert tarhuna["predecessor"]["name"] == "Libyan National Army" and tarhuna["predecessor"]["date"] == "2020-06-04"


def test_known_at_recomputes_supersession(make_store):
    store = make_store(EXAMPLE, EXTRA)
    data = actor_timeline(store, "gna", known_at="2021-01")  # before the fixture's source was published
    tarhuna = data["statements"][by_label(data)["Government of National Accord controls Tarhuna"]["statements"][0]]
    assert (tarhuna["last"], tarhuna["superseded"], tarhuna["successor"]) == (None, False, None)
    assert by_label(data)["Italy supports Government of National Accord"]["contested"] is False
    assert data["known_at"] == "2021-01"
    early = actor_timeline(store, "gna", known_at="2019-06")
    assert len(early["relations"]) < len(data["relations"])


def test_an_actor_is_resolved_as_the_timeline_query_resolves_it(make_store):
    store = make_store(EXAMPLE)
    assert actor_timeline(store, "wefaq government")["actor"]["id"] == "gna"
    with pytest.raises(QueryError) as raised:
        actor_timeline(store, "nobody")
    with pytest.raises(QueryError) as from_query:
        ask(store, "timeline", actor="nobody")
    assert str(raised.value) == str(from_query.value) == "parameter 'actor': unknown actor 'nobody'"
    with pytest.raises(QueryError, match="unknown actor"):
        actor_timeline(store, "tripoli")  # a place, not an actor


@pytest.mark.parametrize(("url", "href"), [
    ("https://example.org/a?b=c", "https://example.org/a?b=c"),
    ("HTTP://example.org", "HTTP://example.org"),
    (" https://example.org ", "https://example.org"),
    ("javascript:alert(1)", None),
    (" javascript:alert(1)", None),
    ("java\nscript:alert(1)", None),
    ("JaVaScRiPt:alert(1)", None),
    ("data:text/html,<script>alert(1)</script>", None),
    ("//example.org/a", None),
    ("http:///no-host", None),
    ("http://[::1", None),
    (None, None),
])
def test_only_http_and_https_urls_become_links(url, href):
    assert tl._link(url) == href


def test_an_actor_without_relations_gets_a_page_that_says_so(make_store, tmp_path):
    store = make_store(EXAMPLE)
    data = actor_timeline(store, "united-nations")  # it only claims things
    assert (data["relations"], data["statements"], data["items"]) == ([], {}, [])
    text = write_timeline(data, tmp_path / "un.html").read_text(encoding="utf-8")
    assert "No statement affirms a relation of this actor." in text and "0 relations, 0 statements" in text


def test_nothing_dated_draws_around_the_sources_publication():
    rows = [{"subject": "a", "relation": "supports", "object": "b", "statement": "s1", "negated": False, "first": 0,
             "last": 9_999_999, "start": None, "end": None, "kind": None, "source": "src"}]
    data = timeline_data("a", rows, {}, {"src": {"title": "T", "published": "2011-05"}}, {})
    assert data["window"]["start"] < "2011-05-01" < data["window"]["end"]
    assert data["relations"][0]["label"] == "a supports b"  # a missing node shows its id


# -- the page as HTML --------------------------------------------------------------------------



def test_the_page_inlines_everything_and_refers_to_nothing_outside(gna_page):
    page, _ = gna_page
    text = page.read_text(encoding="utf-8")
    tags = Tags(text).tags
    refs = [(t, a, v) for t, attrs in tags for a, v in attrs.items()
            if a in ("src", "href", "srcset", "data", "poster", "action") and v]
    assert refs == []
    assert not [t for t, _ in tags if t in ("link", "iframe", "img", "object", "embed")]
    csp = [attrs["content"] for t, attrs in tags if t == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"]
    assert csp == [tl.CSP] and "default-src 'none'" in tl.CSP
    assert f"@version {VIS_TIMELINE_VERSION}" in text and "vis.Timeline" in text
    assert "sourceMappingURL" not in text
    assert [t for t, _ in tags].count("script") == 3  # the data, vis-timeline, the page's own


def test_data_cannot_break_out_of_its_script_block(gna_page):
    page, data = gna_page
    text = page.read_text(encoding="utf-8")
    assert XSS_QUOTE not in text and "<script>window.__pwned" not in text and "<b>bold</b>" not in text
    assert "<i>fixture</i>" not in text and "<i>x</i>" not in text
    block = re.search(r'<script type="application/json" id="al-data">(.*?)</script>', text, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block) == json.loads(json.dumps(data))


def test_title_is_text(gna, tmp_path):
    _, data = gna
    text = write_timeline(data, tmp_path / "t.html", title="GNA <i>over</i> time").read_text(encoding="utf-8")
    assert "<title>GNA &lt;i&gt;over&lt;/i&gt; time</title>" in text
    default = write_timeline(data, tmp_path / "d.html").read_text(encoding="utf-8")
    assert "<title>Government of National Accord: relations over time</title>" in default


def test_the_vendored_files_are_as_published_with_their_licences():
    for name, digest in VENDORED.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    for name in ("LICENSE.md", "LICENSE.Apache-2.0.txt", "LICENSE.MIT.txt", "THIRD-PARTY-LICENSES.txt", "README.md"):
        assert (VENDOR / name).stat().st_size > 200, name
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    assert f"vis-timeline {VIS_TIMELINE_VERSION}" in readme and all(d in readme for d in VENDORED.values())
    third = (VENDOR / "THIRD-PARTY-LICENSES.txt").read_text(encoding="utf-8")
    for bundled in ("moment 2.30.1", "@egjs/hammerjs 2.0.17", "xss 1.0.15", "vis-data 7.1.9", "uuid 9.0.1"):
        assert bundled in third


def test_the_wheel_carries_the_page_assets(tmp_path):
    from hatchling.builders.wheel import WheelBuilder

    wheel = next(iter(WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])))
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (*VENDORED, "LICENSE.md", "LICENSE.Apache-2.0.txt", "LICENSE.MIT.txt", "THIRD-PARTY-LICENSES.txt"):
        assert f"allegiance/viz/vendor/vis-timeline/{name}" in names
    assert {"allegiance/viz/timeline.js", "allegiance/viz/timeline.css", "allegiance/viz/timeline.py"} <= names


# -- the command ----------------------------------------------------------------------------------

@pytest.fixture
def store_path(tmp_path):
    path = tmp_path / "store" / "s.db"
    path.parent.mkdir()
    result = CliRunner().invoke(cli, ["load", str(EXAMPLE), "--store", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_the_command_writes_the_page(store_path, tmp_path):
    out = tmp_path / "gna.html"
    result = CliRunner().invoke(cli, ["timeline", "GNA", "-o", str(out), "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Wrote {out}: 22 relations, 25 statements of Government of National Accord\n"
    assert "<title>Government of National Accord: relations over time</title>" in out.read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["timeline", "gna", "-o", str(out), "--known-at", "2019-12",
                                      "--title", "GNA", "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    assert "<title>GNA</title>" in out.read_text(encoding="utf-8") and "as known at 2019-12" in out.read_text()


@pytest.mark.parametrize(("args", "message"), [
    (["nobody"], "Error: parameter 'actor': unknown actor 'nobody'\n"),
    (["gna", "--known-at", "2020-13"],
     "Error: --known-at: expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got '2020-13': month 13 does not exist\n"),
])
def test_the_command_refuses_with_the_queries_messages(store_path, tmp_path, args, message):
    out = tmp_path / "x.html"
    result = CliRunner().invoke(cli, ["timeline", *args, "-o", str(out), "--store", str(store_path)])
    assert (result.exit_code, result.stderr) == (1, message)
    assert not out.exists()


@pytest.mark.parametrize("spelling", ["the store", "its WAL", "a symlink to it"])
def test_the_store_is_never_the_output(store_path, spelling):
    folder = store_path.parent
    (folder / "link.db").symlink_to(store_path)
    target = {"the store": str(store_path), "its WAL": f"{store_path}.wal", "a symlink to it": str(folder / "link.db")}[spelling]
    before = files(folder)
    result = CliRunner().invoke(cli, ["timeline", "gna", "-o", target, "--store", str(store_path)])
    assert (result.exit_code, result.stderr) == (1, REFUSED.format(option="-o", path=target))
    assert files(folder) == before


def test_a_failed_write_keeps_the_earlier_page(store_path, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    target = out / "gna.html"
    target.write_bytes(EARLIER)
    _fail_writing_temp_files(monkeypatch)
    result = CliRunner().invoke(cli, ["timeline", "gna", "-o", str(target), "--store", str(store_path)])
    assert (result.exit_code, result.stderr) == (1, NO_SPACE.format(path=target))
    assert files(out) == {"gna.html": EARLIER}


# -- in a real browser ----------------------------------------------------------------------------

# vis-timeline's own mapping from a day to a pixel (Core._toScreen: the window's start at the
# itemset's left, its end at the centre panel's width), in page coordinates.
_X = """
const t = window.allegianceTimeline.timeline;
const set = document.querySelector('.vis-panel.vis-center .vis-itemset').getBoundingClientRect();
const x = (iso) => set.left + t._toScreen(new Date(iso + 'T00:00:00Z'));
"""


def _boxes(browser):
    """Item id -> (left, right) on screen, and the mapped x of its data's start and end."""
    return browser.execute_script(_X + """
    const out = {};
    for (const item of window.allegianceTimeline.data.items) {
      const box = document.querySelector(`.vis-item[data-id="${CSS.escape(item.id)}"]`);
      if (!box) continue;
      const r = (item.end ? box : box.querySelector('.vis-dot')).getBoundingClientRect();
      out[item.id] = {left: r.left, right: r.right, centre: (r.left + r.right) / 2, x0: x(item.start),
                      x1: item.end ? x(item.end) : null, kind: item.kind};
    }
    return out;""")


def test_the_gna_page_in_headless_chromium(gna_page, tmp_path):
    chromium_or_skip()
    page, data = gna_page
    with headless_chromium(tmp_path / "chrome-profile", size="1500,1500") as browser:
        _check_page(browser, page, data)


def _check_page(browser, page, data):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(page.as_uri())
    WebDriverWait(browser, 30).until(lambda d: d.execute_script(
        "return !!window.allegianceTimeline && window.allegianceTimeline.ready"
        " && document.querySelectorAll('.vis-item.al-bar').length === arguments[0]", len(data["statements"])))
    assert browser.execute_script("return getComputedStyle(document.querySelector('.vis-timeline')).visibility") == "visible"
    statements = data["statements"]
    rel = by_label(data)

    # One row per relation, labelled with its names and caption, in order; contested rows flagged.
    labels = browser.execute_script(
        "return Array.from(document.querySelectorAll('.vis-labelset .vis-label .al-group'),"
        " e => [e.querySelector('.al-group-text').textContent, !!e.querySelector('.al-flag')])")
    assert labels == [[r["label"], r["contested"]] for r in data["relations"]]
    assert browser.execute_script(
        "return Array.from(document.querySelectorAll('.al-flag'), e => e.textContent)") == ["contested"]

    # Every bar, hatching and label spans its days, by the timeline's own date-to-pixel mapping.
    boxes = _boxes(browser)
    assert len(boxes) == len(data["items"]) and len([b for b in boxes.values() if b["kind"] == "bar"]) == len(statements)
    for item_id, box in boxes.items():
        if box["x1"] is None:  # a point: the tick's middle on its day
            assert box["centre"] == pytest.approx(box["x0"], abs=1.5), item_id
        else:  # a one-day bar is drawn at least its two borders wide
            expected = (pytest.approx(box["x0"], abs=1.5), pytest.approx(max(box["x1"], box["x0"] + 2), abs=1.5))
            assert (box["left"], box["right"]) == expected, item_id
    # ... which is the axis's: a year's label sits where its 1 January maps.
    axis = browser.execute_script(_X + """
        return Array.from(document.querySelectorAll('.vis-time-axis.vis-foreground .vis-text.vis-major, '
          + '.vis-time-axis.vis-foreground .vis-text.vis-minor'))
          .filter(e => /^\\d{4}$/.test(e.textContent.trim()))
          .map(e => [e.textContent.trim(), e.getBoundingClientRect().left, x(e.textContent.trim() + '-01-01')]);""")
    assert len(axis) >= 4
    for year, left, mapped in axis:
        assert left == pytest.approx(mapped, abs=2), year

    # Turkey's first statement: 2019 hatched over the year, its bar from 1 January 2019 to the right edge.
    turkey = statements[rel["Turkey supports Government of National Accord"]["statements"][0]]
    hatch, bar = boxes[f"start:{turkey['id']}"], boxes[f"bar:{turkey['id']}"]
    assert hatch["left"] == pytest.approx(bar["left"], abs=1.5)
    assert hatch["right"] - hatch["left"] == pytest.approx(
        browser.execute_script(_X + "return x('2020-01-01') - x('2019-01-01');"), abs=1.5)
    # The edges: the window's first day and the day after its last, the timeline's min and max.
    edge = browser.execute_script(_X + "return [x(arguments[0]), x(arguments[1])];",
                                  data["window"]["start"], data["window"]["end"])
    assert browser.execute_script(_X + """
        const w = t.getWindow(); return [w.start.toISOString().slice(0, 10), w.end.toISOString().slice(0, 10)];""") == [
        data["window"]["start"], data["window"]["end"]]
    assert bar["right"] == pytest.approx(edge[1], abs=1.5)
    texts = browser.execute_script(
        "return Object.fromEntries(Array.from(document.querySelectorAll('.vis-item.al-text'),"
        " e => [e.dataset.statement, e.textContent]))")
    assert texts[turkey["id"]] == "2019 \u2013 ongoing"

    # Unknown start fades in from the left edge, an open end is an arrow at the right edge.
    tripoli = statements[rel["Government of National Accord controls Tripoli"]["statements"][0]]
    box = boxes[f"bar:{tripoli['id']}"]
    assert (box["left"], box["right"]) == (pytest.approx(edge[0], abs=1.5), pytest.approx(edge[1], abs=1.5))
    assert texts[tripoli["id"]] == "unknown \u2013 ongoing"
    style = browser.execute_script(
        "const s = getComputedStyle(document.querySelector(`.vis-item[data-id='bar:${arguments[0]}']`));"
        "return [s.backgroundImage, s.clipPath];", tripoli["id"])
    assert "linear-gradient" in style[0] and "polygon" in style[1]

    # Contested: the denial has its own line, drawn dashed and hatched.
    italy = rel["Italy supports Government of National Accord"]
    denial = statements[italy["statements"][1]]
    style = browser.execute_script(
        "const s = getComputedStyle(document.querySelector(`.vis-item[data-id='bar:${arguments[0]}']`));"
        "return [s.borderTopStyle, s.backgroundImage];", denial["id"])
    assert style[0] == "dashed" and "repeating-linear-gradient" in style[1]
    tops = browser.execute_script(
        "return arguments[0].map(id => document.querySelector(`.vis-item[data-id='bar:${id}']`)"
        ".getBoundingClientRect().top)", italy["statements"])
    assert tops[1] > tops[0] + 10
    assert texts[denial["id"]] == "denied: 2020-02 \u2013 2020-04-15"

    # Supersession: Sirte's bar stops where the LNA's hold starts, with the marker's words.
    sirte = statements[rel["Government of National Accord controls Sirte"]["statements"][0]]
    assert boxes[f"bar:{sirte['id']}"]["right"] == pytest.approx(boxes[f"handover:{sirte['id']}"]["centre"], abs=1.5)
    assert boxes[f"successor:{sirte['id']}"]["centre"] == pytest.approx(boxes[f"handover:{sirte['id']}"]["centre"], abs=1.5)
    marker = browser.execute_script(
        "const q = (id) => document.querySelector(`.vis-item[data-id='${id}']`).getBoundingClientRect();"
        "return [document.querySelector(`.vis-item[data-id='successor:${arguments[0]}']`).textContent,"
        " q('handover:' + arguments[0]).top, q('successor:' + arguments[0]).top, q('bar:' + arguments[0]).bottom]",
        sirte["id"])
    assert marker[0] == "until Libyan National Army took it on 2020-01-06"
    assert marker[2] >= marker[3] > marker[1]  # the tick on the bar's line, the words below it

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "timeline-gna.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000

    # Hover the denial: the panel shows its statement, the quote and the hostile title as text,
    # and the javascript: URL as text, not a link.
    scripts_before = browser.execute_script("return document.scripts.length")
    element = browser.find_element("css selector", f".vis-item[data-id='bar:{denial['id']}']")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    ActionChains(browser).move_to_element(element).perform()
    WebDriverWait(browser, 10).until(lambda d: d.execute_script(
        "const c = document.querySelector('#al-panel .al-statement.al-current');"
        "return c && c.dataset.statement === arguments[0]", denial["id"]))
    browser.save_screenshot(str(ARTIFACTS / "timeline-gna-panel.png"))
    current = browser.find_element("css selector", "#al-panel .al-statement.al-current")
    assert current.find_element("css selector", "blockquote").text == XSS_QUOTE
    assert current.find_element("css selector", ".al-source-title").text == XSS_TITLE
    assert current.find_element("css selector", ".al-source-url").text == JS_URL
    assert current.find_elements("css selector", "a") == []
    panel = browser.find_element("id", "al-panel").text
    for text in ("Italy supports Government of National Accord", "contested", "denial", "Test desk <i>x</i>",
                 "2021-03-01", "claimed by", "Italy", "2020-02", "2020-04-15"):
        assert text in panel, text
    assert browser.execute_script("return document.querySelectorAll('#al-panel *').length") > 10
    assert browser.execute_script(
        "return document.querySelectorAll('#al-panel script, #al-panel img, #al-panel b, #al-panel i, "
        ".vis-timeline img, .vis-timeline b, .vis-timeline i').length") == 0

    # Click the affirming statement: the panel keeps it (hovering elsewhere does not replace
    # it), and its https source is a link.
    affirm = browser.find_element("css selector", f".vis-item[data-id='bar:{italy['statements'][0]}']")
    ActionChains(browser).move_to_element_with_offset(affirm, 200, 0).click().perform()
    WebDriverWait(browser, 10).until(lambda d: d.execute_script(
        "const c = document.querySelector('#al-panel .al-statement.al-current');"
        "return c && c.dataset.statement === arguments[0]", italy["statements"][0]))
    link = browser.find_element("css selector", "#al-panel .al-current a.al-source-link")
    assert link.get_attribute("href").startswith("https://") and link.get_attribute("rel") == "noopener noreferrer"
    ActionChains(browser).move_to_element(element).perform()
    assert browser.execute_script(
        "return document.querySelector('#al-panel .al-statement.al-current').dataset.statement") == italy["statements"][0]

    assert browser.execute_script("return window.__pwned === undefined")
    assert browser.execute_script("return document.scripts.length") == scripts_before
    assert severe_console_errors(browser) == []
    assert web_requests(browser) == []

