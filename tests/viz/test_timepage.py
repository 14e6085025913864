"""The time page (`allegiance viz --from --to --step`): the data built in Python, the command,
and the page in a real headless Chromium, where the edges shown at each step must be what
`query relations --as-of STEP` returns."""

from __future__ import annotations

import json
import re
import time

import pytest
from click.testing import CliRunner

from allegiance.cli import cli
from allegiance.model.partial_date import date_steps
from allegiance.queries.pack import core_pack
from allegiance.queries.runner import run_query
from allegiance.queries.snapshot import entities, statement_details
from allegiance.viz.inline import json_for_script
from allegiance.viz.timepage import page_data, select
from tests.browser import ARTIFACTS, Tags, chromium_or_skip, headless_chromium, severe_console_errors, web_requests
from tests.conftest import EXAMPLE, ask

FROM, TO = "2019-01", "2021-06"
HOSTILE = """
sources:
  - {id: bad, title: 'Leak <img src=x onerror="window.__pwned=1">', publisher: "<b>Wire</b>",
     url: "javascript:window.__pwned=2", published: 2020-02-01}
  - {id: good, title: Good report, url: "https://example.org/good", published: 2020-02-02}
actors:
  - {id: a, name: "Alpha <script>window.__pwned=3</script>", type: state}
  - {id: b, name: Bravo, type: armed_group}
  - {id: c, name: Charlie, type: armed_group}
statements:
  - {subject: a, relation: supports, object: b, start: 2020-01, source: bad, kind: weapons,
     quote: "they said <script>window.__pwned=4</script> & more", claimed_by: c}
  - {subject: c, relation: opposes, object: b, start: 2020-02, source: good, quote: plain}
"""


def _key(row):
    return (row["subject"], row["relation"], row["object"])


def _data(store, steps, **options):
    spans = run_query(store, core_pack()["intervals"], {})
    found, cited = entities(store)
    return page_data(spans, found, cited, lambda ids: statement_details(store, ids), steps, title="t", **options)


def _viz(store_path, out, *extra):
    return CliRunner().invoke(cli, ["viz", "--store", str(store_path), "--from", FROM, "--to", TO, "-o", str(out),
                                    "--title", "Libya <i>2020</i>", *extra])


# ---------------------------------------------------------------- the data, in Python


def test_every_relation_of_the_period_is_drawn_once_with_its_spans(make_store):
    store = make_store(EXAMPLE)
    data = _data(store, date_steps(FROM, TO, "month"))
    assert [s["date"] for s in data["steps"]][:3] == ["2019-01", "2019-02", "2019-03"] and len(data["steps"]) == 30
    whole = ask(store, "relations", as_of="2019-01-01")  # not the period: a check on the keys below
    period = {_key(r) for step in ("2019", "2020", "2021-01", "2021-02", "2021-03", "2021-04", "2021-05", "2021-06")
              for r in ask(store, "relations", as_of=step)}
    assert {_key(e) for e in data["edges"]} == period and {_key(r) for r in whole} <= period
    assert len(data["edges"]) == len(period)
    watiya = {e["subject"]: e for e in data["edges"] if e["object"] == "al-watiya"}
    lna_hold = [data["statements"][i] for _, _, _, i in watiya["lna"]["spans"]]
    # The LNA's hold of al-Watiya was written open; the GNA took it on 18 May 2020.
    assert [(s["end"], s["until"]) for s in lna_hold if not s["negated"]] == [(None, "2020-05-17")]
    assert {n["id"] for n in data["nodes"]} == {n for e in data["edges"] for n in (e["subject"], e["object"])}
    assert data["left_out"] == {"relations": 0, "actors": 0, "reason": ""}
    quoted = [s for s in data["statements"] if s["quote"]]
    assert quoted and all(s["source"] for s in quoted)


def test_focus_and_top_draw_a_part_and_say_what_they_left_out():
    evidence = {("a", "supports", "b"): 3, ("b", "supports", "c"): 1, ("c", "opposes", "d"): 2, ("x", "opposes", "y"): 5}
    one_hop = select(evidence, focus="b", depth=1)
    assert one_hop.keys == [("a", "supports", "b"), ("b", "supports", "c")]
    assert (one_hop.left_out, one_hop.actors_left_out, one_hop.reason) == (2, 3, "within 1 hop of b")
    assert select(evidence, focus="b", depth=2).keys == [("a", "supports", "b"), ("b", "supports", "c"),
                                                          ("c", "opposes", "d")]
    top = select(evidence, top=2)
    assert top.keys == [("a", "supports", "b"), ("x", "opposes", "y")] and top.left_out == 2
    assert top.reason == "the 2 with the most statements"
    assert select(evidence, top=10).left_out == 0 and select(evidence, focus="nobody").keys == []


def test_the_data_block_cannot_end_its_script():
    text = json_for_script({"quote": "</script><script>alert(1)</script> <!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text)["quote"] == "</script><script>alert(1)</script> <!-- & \u2028"


# ---------------------------------------------------------------- the command


@pytest.mark.parametrize("extra, message", [
    (["--from", "2020"], "--from and --to go together"),
    (["--from", "2020", "--to", "2021", "--as-of", "2020"], "--as-of is one date"),
    (["--from", "2020", "--to", "2021", "--step", "week"], "expected a step of day, month, quarter, year"),
    (["--from", "2021", "--to", "2020"], "comes after"),
    (["--from", "2020", "--to", "2021", "--focus", "Atlantis"], "Atlantis"),
    (["--from", "2020", "--to", "2021", "--top", "0"], "--top"),
])
def test_bad_options_are_refused_and_write_nothing(make_store, tmp_path, extra, message):
    make_store(EXAMPLE).close()
    out = tmp_path / "page.html"
    result = CliRunner().invoke(cli, ["viz", "--store", str(tmp_path / "test.db"), "-o", str(out), *extra])
    assert result.exit_code != 0 and message in result.output, result.output
    assert "Traceback" not in result.output and not out.exists()


def test_the_static_page_draws_the_top_relations_and_says_so(make_store, tmp_path):
    make_store(EXAMPLE).close()
    out = tmp_path / "page.html"
    result = CliRunner().invoke(cli, ["viz", "--store", str(tmp_path / "test.db"), "--as-of", "2020-05", "--top", "5",
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    start = html.index("edges = new vis.DataSet(") + len("edges = new vis.DataSet(")
    assert len(json.JSONDecoder().raw_decode(html, start)[0]) == 5
    total = len(ask(make_store(name="test.db"), "relations", as_of="2020-05"))
    assert f"Drawn: 5 of {total} relations (the 5 with the most statements)" in html


# ---------------------------------------------------------------- the page, in a browser




def _open(browser, page):
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(page.as_uri())
    WebDriverWait(browser, 60).until(lambda d: d.execute_script("return !!(window.allegiance && window.allegiance.ready)"))


def _shown(browser):
    """What the page says it shows and what vis-network actually draws, as key sets."""
    api = {tuple(e) for e in browser.execute_script(
        "return allegiance.visibleEdges().map(e => [e.subject, e.relation, e.object])")}
    drawn = set(map(tuple, browser.execute_script(
        "const n = allegiance.network; return n.body.data.edges.getIds().map(i => n.body.data.edges.get(i))"
        ".map(e => [e.from, e.to]);")))
    assert {(s, o) for s, _, o in api} == drawn  # the DataView holds exactly the edges the API names
    return api


def _expected(store, as_of):
    rows = ask(store, "relations", as_of=as_of)
    return {_key(r) for r in rows}, {_key(r) for r in rows if r["contested"]}


def _with_kind(store, as_of, kind):
    return {_key(r) for r in ask(store, "relations", as_of=as_of) if kind in r["kinds"]}


def _contested(browser):
    named = {tuple(e) for e in browser.execute_script(
        "return allegiance.contestedEdges().map(e => [e.subject, e.relation, e.object])")}
    dashed = {tuple(e) for e in browser.execute_script(
        "const d = allegiance.network.body.data.edges;"
        "return d.getIds().map(i => d.get(i)).filter(e => e.dashes).map(e => [e.from, e.relation, e.to]);")}
    assert named == dashed  # what the API calls contested is what is drawn dashed
    return named


def test_the_page_shows_what_relations_as_of_each_step_returns(make_store, tmp_path):
    chromium_or_skip()
    store = make_store(EXAMPLE)
    store.close()
    page = tmp_path / "libya.html"
    result = _viz(tmp_path / "test.db", page)
    assert result.exit_code == 0, result.output
    store = make_store(name="test.db")
    html = page.read_text(encoding="utf-8")
    tags = Tags(html).tags
    assert not [a for _, attrs in tags for a, v in attrs.items() if a in ("src", "href") and v]
    steps = date_steps(FROM, TO, "month")
    with headless_chromium(tmp_path / "profile") as browser:
        _open(browser, page)
        assert browser.title == "Libya <i>2020</i>"
        assert not browser.find_element("id", "al-layout").is_displayed()  # laid out in full
        assert browser.execute_script("return allegiance.steps") == steps
        checked = 0
        for index, step in enumerate(steps):  # every step, through the API
            browser.execute_script("allegiance.setStep(arguments[0])", index)
            holding, contested = _expected(store, step)
            assert _shown(browser) == holding, step
            assert _contested(browser) == contested, step
            checked += 1
        assert checked == 30
        # Through the slider itself, as a person drags it.
        for index in (0, 5, 15, 16, 17, 29):
            browser.execute_script(
                "const s = document.getElementById('al-slider'); s.value = arguments[0];"
                "s.dispatchEvent(new Event('input', {bubbles: true}));", index)
            assert browser.execute_script("return allegiance.date()") == steps[index]
            assert browser.find_element("id", "al-date").text == steps[index]
            assert _shown(browser) == _expected(store, steps[index])[0]
        # Dates between steps, to the day: the GNA took al-Watiya on 18 May 2020.
        for day in ("2020-05-17", "2020-05-18", "2019-04-04", "2020", "2021-03-15"):
            assert browser.execute_script("return allegiance.setDate(arguments[0])", day) == day
            assert _shown(browser) == _expected(store, day)[0], day
        browser.execute_script("allegiance.setDate('2020-05-17')")
        assert ("lna", "controls", "al-watiya") in _shown(browser)
        browser.execute_script("allegiance.setDate('2020-05-18')")
        holders = {s for s, r, o in _shown(browser) if o == "al-watiya"}
        assert holders == {"gna"}
        with pytest.raises(Exception, match="no such date"):
            browser.execute_script("allegiance.setDate('2020-02-30')")

        # The changes panel: what holds now and not at the step before, and the reverse.
        browser.execute_script("allegiance.setDate('2020-06')")
        before, _ = _expected(store, "2020-05")
        now, _ = _expected(store, "2020-06")
        changes = browser.execute_script("return allegiance.changes()")
        assert changes["since"] == "2020-05"
        assert {_key(c) for c in changes["added"]} == now - before
        assert {_key(c) for c in changes["removed"]} == before - now
        lines = browser.find_elements("css selector", "#al-changes .al-change")
        assert len(lines) == len(now - before) + len(before - now)

        # Nodes keep their places from one step to the next.
        where = browser.execute_script("return allegiance.network.getPositions(['gna', 'turkey'])")
        browser.execute_script("allegiance.setDate('2019-06')")
        assert browser.execute_script("return allegiance.network.getPositions(['gna', 'turkey'])") == where

        browser.execute_script("allegiance.setDate('2020-05')")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / "timepage-2020-05.png"))

        _check_filters(browser, store)
        _check_play(browser)
        _check_panel(browser)
        assert severe_console_errors(browser) == []
        assert web_requests(browser) == []


def _check_filters(browser, store):
    everything, _ = _expected(store, "2020-05")
    box = browser.find_element("css selector", "#al-relations input[value='supports']")
    box.click()
    assert _shown(browser) == {k for k in everything if k[1] != "supports"}
    box.click()
    assert _shown(browser) == everything
    browser.execute_script("allegiance.setKinds([])")
    assert _shown(browser) == set()
    browser.find_element("xpath", "//summary[text()='Kinds']").click()  # the section starts closed
    arms = browser.find_element("css selector", "#al-kinds input[value='weapons']")
    arms.click()
    assert _shown(browser) == {k for k in everything if k in _with_kind(store, "2020-05", "weapons")} != set()
    browser.find_element("id", "al-kinds-all").click()
    assert _shown(browser) == everything
    # The actor search focuses on the GNA and its neighbours.
    search = browser.find_element("id", "al-search")
    search.send_keys("Government of National Accord\n")
    focused = _shown(browser)
    assert focused == {k for k in everything if "gna" in (k[0], k[2])} and focused
    assert browser.find_element("id", "al-focus").is_displayed()
    browser.find_element("id", "al-unfocus").click()
    assert _shown(browser) == everything


def _check_play(browser):
    from selenium.webdriver.support.ui import WebDriverWait

    browser.execute_script("allegiance.setStep(0); document.getElementById('al-speed').value = '250';")
    browser.find_element("id", "al-play").click()
    WebDriverWait(browser, 30).until(lambda d: d.execute_script("return allegiance.step() >= 3"))
    browser.find_element("id", "al-play").click()
    assert not browser.execute_script("return allegiance.playing()")
    stopped = browser.execute_script("return allegiance.step()")
    time.sleep(0.6)  # paused: a tick would have come in 0.25 s
    assert browser.execute_script("return allegiance.step()") == stopped
    browser.execute_script("allegiance.setStep(28); allegiance.play();")
    WebDriverWait(browser, 30).until(lambda d: d.execute_script("return !allegiance.playing()"))
    assert browser.execute_script("return allegiance.step()") == 29  # stops at the last step


def _click_edge(browser, subject, relation, obj):
    """Click the middle of a drawn edge, as a person would, after centring the view on it."""
    from selenium.webdriver.common.action_chains import ActionChains

    point = ("const n = allegiance.network;"
             "const i = n.body.data.edges.getIds().find(i => { const e = n.body.data.edges.get(i);"
             "  return e.from === arguments[0] && e.relation === arguments[1] && e.to === arguments[2]; });"
             "const p = n.body.edges[i].edgeType.getPoint(0.5);")
    browser.execute_script(point + "n.moveTo({position: p, scale: 1.5, animation: false}); n.redraw();",
                           subject, relation, obj)
    x, y = browser.execute_script(point + "const d = n.canvasToDOM(p);"
                                  "const r = document.querySelector('#al-network canvas').getBoundingClientRect();"
                                  "return [r.left + d.x, r.top + d.y];", subject, relation, obj)
    assert browser.execute_script("return document.elementFromPoint(arguments[0], arguments[1]).tagName", x, y) == "CANVAS"
    canvas = browser.find_element("css selector", "#al-network canvas")
    rect = canvas.rect
    ActionChains(browser).move_to_element_with_offset(canvas, int(x - rect["x"] - rect["width"] / 2),
                                                      int(y - rect["y"] - rect["height"] / 2)).click().perform()


def _check_panel(browser):
    browser.execute_script("allegiance.setDate('2020-05')")
    _click_edge(browser, "turkey", "supports", "gna")
    panel = browser.find_element("id", "al-panel")
    assert panel.is_displayed()
    text = panel.text
    assert "Turkey supports Government of National Accord" in text and "Statements at 2020-05" in text
    links = browser.execute_script("return Array.from(document.querySelectorAll('#al-panel a'), a => a.href)")
    assert links and all(re.match(r"https?://", u) for u in links)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "timepage-panel.png"))
    browser.find_element("id", "al-close").click()
    assert not panel.is_displayed()


def test_hostile_text_stays_text_and_a_javascript_url_is_no_link(make_store, tmp_path):
    chromium_or_skip()
    make_store(HOSTILE).close()
    page = tmp_path / "hostile.html"
    result = CliRunner().invoke(cli, ["viz", "--store", str(tmp_path / "test.db"), "--from", "2020", "--to", "2020",
                                      "-o", str(page)])
    assert result.exit_code == 0, result.output
    assert "<script>window" not in page.read_text(encoding="utf-8")
    with headless_chromium(tmp_path / "profile") as browser:
        _open(browser, page)
        scripts = browser.execute_script("return document.querySelectorAll('script').length")
        browser.execute_script("allegiance.openEdge('a', 'supports', 'b')")
        text = browser.find_element("id", "al-panel").text
        assert "they said <script>window.__pwned=4</script> & more" in text
        assert 'Leak <img src=x onerror="window.__pwned=1">' in text and "<b>Wire</b>" in text
        assert "Alpha <script>window.__pwned=3</script> supports Bravo" in text and "claimed by Charlie" in text
        assert "javascript:window.__pwned=2" in text  # shown, as text
        assert browser.execute_script("return document.querySelectorAll('#al-panel a').length") == 0
        browser.execute_script("allegiance.openEdge('c', 'opposes', 'b')")
        assert browser.execute_script(
            "return Array.from(document.querySelectorAll('#al-panel a'), a => a.href)") == ["https://example.org/good"]
        assert browser.execute_script("return document.querySelectorAll('script').length") == scripts
        assert browser.execute_script("return document.querySelectorAll('img, b').length") == 0
        assert browser.execute_script("return window.__pwned === undefined")
        browser.save_screenshot(str(ARTIFACTS / "timepage-hostile.png"))
        assert severe_console_errors(browser) == []
        assert web_requests(browser) == []
    # --top 1 draws one relation of the two and the page says so.
    result = CliRunner().invoke(cli, ["viz", "--store", str(tmp_path / "test.db"), "--from", "2020", "--to", "2020",
                                      "--top", "1", "-o", str(page)])
    assert result.exit_code == 0 and "(1 left out: the 1 with the most statements)" in result.output, result.output
    with headless_chromium(tmp_path / "profile2") as browser:
        _open(browser, page)
        assert browser.find_element("id", "al-note").text == (
            "Drawn: 1 of 2 relations of the period (the 1 with the most statements). Left out: 1 relation, 1 actor.")
        assert len(_shown(browser)) == 1


def test_colour_by_camp_colours_each_step_by_its_camps(make_store, tmp_path):
    chromium_or_skip()
    make_store(EXAMPLE).close()
    page = tmp_path / "camps.html"
    result = _viz(tmp_path / "test.db", page, "--color-by", "camp", "--step", "quarter")
    assert result.exit_code == 0, result.output
    camps = json.loads(CliRunner().invoke(cli, ["camps", "--store", str(tmp_path / "test.db"), "--from", FROM,
                                                "--to", TO, "--every", "quarter", "--format", "json"]).stdout)
    several = 0
    with headless_chromium(tmp_path / "profile") as browser:
        _open(browser, page)
        for index, step in enumerate(camps["steps"]):
            browser.execute_script("allegiance.setStep(arguments[0])", index)
            colours = browser.execute_script(
                "const d = allegiance.network.body.data.nodes;"
                "return Object.fromEntries(d.getIds().map(i => [i, d.get(i).color]))")
            by_camp: dict[int, set[str]] = {}
            for camp in step["camps"]:
                for member in camp["members"]:
                    if member in colours:
                        by_camp.setdefault(camp["camp"], set()).add(colours[member])
            assert all(len(c) == 1 for c in by_camp.values()), step["as_of"]  # one colour per camp
            if len(by_camp) > 1:
                assert len(set().union(*by_camp.values())) == len(by_camp)  # and camps differ
                several += 1
    assert several >= 5  # the example has two camps at most steps


def test_without_top_a_page_draws_at_most_the_default_number(monkeypatch):
    import allegiance.viz.timepage as timepage

    monkeypatch.setattr(timepage, "DEFAULT_TOP", 2)
    evidence = {("a", "supports", "b"): 3, ("b", "supports", "c"): 1, ("c", "opposes", "d"): 2}
    chosen = timepage.select(evidence)
    assert chosen.keys == [("a", "supports", "b"), ("c", "opposes", "d")]
    assert chosen.reason == "the 2 with the most statements, the default; --top N to choose"
    assert timepage.select(evidence, top=3).left_out == 0


def test_a_layout_past_its_time_is_stopped_and_the_page_says_so(make_store, tmp_path, monkeypatch):
    chromium_or_skip()
    import allegiance.viz.timepage as timepage

    monkeypatch.setattr(timepage, "LAYOUT_BUDGET_MS", 0)
    store = make_store(EXAMPLE)
    steps = date_steps("2020", "2020", "year")
    page = timepage.write_time_page(_data(store, steps), tmp_path / "quick.html")
    with headless_chromium(tmp_path / "profile") as browser:
        _open(browser, page)
        note = browser.find_element("id", "al-layout")
        assert note.is_displayed() and note.text.startswith("The layout was stopped after 0 s")
        assert browser.execute_script("return allegiance.timings.layoutStoppedAt") < 300
        assert _shown(browser) == _expected(store, "2020")[0]  # the answer does not depend on the layout
