"""Declaring again what a store holds: what adds is merged and what is left out kept, another
value for a stored one is refused unless --replace, and the load report lists each field, on
both backends. (On Neo4j the tests that read back a changed confidence need
Neo4jStore.update_statements called from its write.)"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from allegiance.cli import cli
from allegiance.exc import AllegianceError, InputError
from allegiance.model import Actor
from allegiance.pipeline import load, push
from tests.conftest import EXAMPLE, FIXTURES, ask

BUNDLE = FIXTURES / "bundle.yaml"
HINT = "(load with --replace to replace it)"
CONTROLS = "{subject: GNA, relation: controls, object: AL-WITYA, start: 2020-05-18, source: s1"


@pytest.fixture
def later(tmp_path):
    """later(yaml_text) -> the path of a file to load after the first load."""
    def write(text: str, name: str = "later.yaml"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def _edge(store, statement_id: str) -> list:
    return store.run("MATCH ()-[r]->() WHERE r.statement = $id RETURN r.confidence, r.weight", {"id": statement_id})[1]


def _statement(store, relation: str):
    [found] = [s for s in store.statements() if s.relation == relation]
    return found


# -- entities -------------------------------------------------------------------
def test_a_stored_actor_declared_differently_is_refused_and_kept(make_any_store, later):
    store = make_any_store(BUNDLE)
    before = store.known()
    path = later("actors:\n  - {id: gna, name: Hijacked GNA, type: state}\n")
    with pytest.raises(InputError) as info:
        load(store, [str(path)])
    assert str(info.value) == (f"{path}, actors[0], line 2, field 'name': actor 'gna' is in the store with name "
                               f"'Government of National Accord'; this file gives 'Hijacked GNA' {HINT}")
    assert store.known() == before
    assert ask(store, "backers", actor="GNA")  # the old alias still resolves


@pytest.mark.parametrize(("text", "message"), [
    ("actors:\n  - {id: gna, name: Government of National Accord, aliases: [GNA], type: militia, country: LY}\n",
     "actors[0], line 2, field 'type': actor 'gna' is in the store with type 'government'; this file gives 'militia'"),
    ("actors:\n  - {id: gna, name: Government of National Accord, type: government, country: TN}\n",
     "actors[0], line 2, field 'country': actor 'gna' is in the store with country 'LY'; this file gives 'TN'"),
    ("places:\n  - {id: al-watiya, name: al-Watiya Air Base, lat: 32.5}\n",
     "places[0], line 2, field 'lat': place 'al-watiya' is in the store with lat 32.47; this file gives 32.5"),
    ('sources:\n  - {id: s1, title: Report, published: "2022"}\n',
     "sources[0], line 2, field 'published': source 's1' is in the store with published '2020-05-21'; this file "
     "gives '2022'"),
    ('sources:\n  - {id: s1, title: Report, url: "https://example.org/other"}\n',
     "sources[0], line 2, field 'url': source 's1' is in the store with url 'https://example.org/r'; this file "
     "gives 'https://example.org/other'"),
])
def test_another_value_for_a_stored_one_is_refused(make_any_store, later, text, message):
    store = make_any_store(BUNDLE)
    before = store.known()
    path = later(text)
    with pytest.raises(InputError) as info:
        load(store, [str(path)])
    assert str(info.value) == f"{path}, {message} {HINT}"
    assert store.known() == before


def test_a_declaration_that_only_adds_is_merged_and_reported(make_any_store, later):
    store = make_any_store(BUNDLE, "actors:\n  - {id: wagner, name: Wagner Group}\n")
    path = later("actors:\n"
                 "  - {id: williams, name: Stéphanie Williams, aliases: [SRSG Williams], type: person, country: US}\n"
                 "  - id: gna\n    name: Government of National Accord\n    type: government\n    country: LY\n"
                 '    aliases: [{dataset: ucdp-acd, code: "6"}, GNA]\n'
                 "  - {id: wagner, name: Wagner Group, type: armed_group}\n"
                 "  - {id: lna, name: Libyan National Army, aliases: [LNA], type: armed_group, country: LY}\n")
    report = load(store, [str(path)])
    assert report.updated == [
        {"record": "actor", "id": "williams", "fields": {"aliases": {"old": [], "new": ["SRSG Williams"]},
                                                         "country": {"old": None, "new": "US"}}},
        {"record": "actor", "id": "gna", "fields": {"aliases": {"old": ["GNA"], "new": [
            "GNA", {"code": "6", "dataset": "ucdp-acd"}]}}},
        {"record": "actor", "id": "wagner", "fields": {"type": {"old": "other", "new": "armed_group"}}},
    ]
    assert (report.replaced, report.actors) == ([], 3)  # lna is declared as it is stored
    actors = store.known().actors
    assert actors["williams"] == Actor("williams", "Stéphanie Williams", "person", ("SRSG Williams",), "US")
    assert [a.as_dict() for a in actors["gna"].scoped] == [{"code": "6", "dataset": "ucdp-acd"}]
    assert (actors["gna"].aliases, actors["wagner"].type) == (("GNA",), "armed_group")
    assert ask(store, "backers", actor="SRSG Williams") == []  # the new alias resolves


def test_what_a_declaration_leaves_out_is_kept(make_any_store, later):
    """As the error fixtures do: a source by its title only, an actor without its country."""
    store = make_any_store(BUNDLE)
    before = store.known()
    path = later("sources:\n  - {id: s1, title: Report}\nactors:\n"
                 "  - {id: gna, name: Government of National Accord, aliases: [Tripoli]}\n")
    report = load(store, [str(path)])
    assert report.updated == [{"record": "actor", "id": "gna", "fields": {
        "aliases": {"old": ["GNA"], "new": ["GNA", "Tripoli"]}}}]
    assert (report.replaced, report.actors, report.sources) == ([], 1, 0)
    after = store.known()
    assert after.sources == before.sources
    assert (after.actors["gna"].type, after.actors["gna"].country) == ("government", "LY")


def test_replace_replaces_and_lists_each_field(make_any_store, later):
    store = make_any_store(BUNDLE)
    path = later("actors:\n  - {id: gna, name: Hijacked GNA, type: state}\n")
    report = load(store, [str(path)], replace=True)
    assert report.replaced == [{"record": "actor", "id": "gna", "fields": {
        "name": {"old": "Government of National Accord", "new": "Hijacked GNA"},
        "type": {"old": "government", "new": "state"},
        "aliases": {"old": ["GNA"], "new": []},
        "country": {"old": "LY", "new": None},
    }}]
    assert (report.updated, report.actors) == ([], 1)
    assert store.known().actors["gna"] == Actor("gna", "Hijacked GNA", "state")
    with pytest.raises(AllegianceError, match="unknown actor 'Government of National Accord'"):
        ask(store, "backers", actor="Government of National Accord")  # the old name is gone


def test_a_new_publication_date_with_replace_is_listed(make_any_store, later):
    store = make_any_store(BUNDLE)
    path = later('sources:\n  - {id: s1, title: Report, publisher: Wire, url: "https://example.org/r", '
                 'published: "2022", reliability: 0.7}\n')
    report = load(store, [str(path)], replace=True)
    assert report.replaced == [{"record": "source", "id": "s1",
                                "fields": {"published": {"old": "2020-05-21", "new": "2022"}}}]
    assert ask(store, "who-backs-whom", known_at="2020-06") == []


def test_declared_twice_in_one_load_stays_an_error_with_replace(make_any_store, later):
    store = make_any_store(BUNDLE)
    path = later("actors:\n  - {id: gna, name: Hijacked GNA, type: state}\n  - {id: gna, name: GNA, type: state}\n")
    with pytest.raises(InputError) as info:
        load(store, [str(path)], replace=True)
    assert str(info.value) == (f"{path}, actors[1], line 3, field 'id': actor 'gna' is declared twice with different "
                               f"fields (first at {path}, actors[0], line 2)")


def test_push_copies_the_sources_entities_over_the_targets(make_store, later):
    source = make_store(BUNDLE, name="a.db")
    target = make_store(later("actors:\n  - {id: gna, name: Hijacked GNA, type: state}\n", "t.yaml"), name="b.db")
    report = push(source, target)
    assert [(item["id"], item["fields"]["name"]["new"]) for item in report.replaced] == [
        ("gna", "Government of National Accord")]
    assert target.known() == source.known()
    assert report.added == report.read == 6


# -- statements -----------------------------------------------------------------
def test_a_stored_statement_with_another_confidence_is_refused(make_any_store, later):
    store = make_any_store(BUNDLE)
    controls = _statement(store, "controls")
    path = later(f"statements:\n  - {CONTROLS}, confidence: 0.6}}\n")
    with pytest.raises(InputError) as info:
        load(store, [str(path)])
    assert str(info.value) == (f"{path}, statements[0], line 2, field 'confidence': statement {controls.id} (gna "
                               f"controls al-watiya) is in the store with confidence 0.9; this file gives 0.6 {HINT}")
    assert _statement(store, "controls").confidence == 0.9


def test_a_stored_statement_without_its_confidence_keeps_it_unless_replaced(make_any_store, later):
    store = make_any_store(BUNDLE)
    controls = _statement(store, "controls")
    path = later(f"statements:\n  - {CONTROLS}}}\n")
    report = load(store, [str(path)])
    assert (report.changed, report.updated, report.replaced) == (0, [], [])
    assert _statement(store, "controls").confidence == 0.9
    report = load(store, [str(path)], replace=True)
    assert report.replaced == [{"record": "statement", "id": controls.id, "statement": "gna controls al-watiya",
                                "fields": {"confidence": {"old": 0.9, "new": None}}}]
    assert _statement(store, "controls").confidence is None
    assert _edge(store, controls.id) == [[None, None]]


def test_replace_writes_the_new_confidence_on_the_statement_and_its_edge(make_any_store, later):
    store = make_any_store(BUNDLE)
    controls = _statement(store, "controls")
    path = later(f"statements:\n  - {CONTROLS}, confidence: 0.6}}\n")
    report = load(store, [str(path)], replace=True)
    assert (report.read, report.added, report.changed, report.unchanged) == (1, 0, 1, 0)
    assert report.replaced == [{"record": "statement", "id": controls.id, "statement": "gna controls al-watiya",
                                "fields": {"confidence": {"old": 0.9, "new": 0.6}}}]
    assert _statement(store, "controls").confidence == 0.6
    assert _edge(store, controls.id) == [[0.6, None]]
    assert load(store, [str(path)]).changed == 0  # now it is what the store holds


def test_a_confidence_and_weight_where_there_were_none_are_merged(make_any_store, later):
    store = make_any_store(BUNDLE)
    troops = next(s for s in store.statements() if s.kind == "troops")
    path = later('statements:\n  - {subject: Turkiye, relation: supports, object: gna, kind: troops, start: "2020-01", '
                 'source: s1, quote: "Turkish troops", confidence: 0.8, weight: 3}\n')
    report = load(store, [str(path)])
    assert report.updated == [{"record": "statement", "id": troops.id, "statement": "turkey supports gna",
                               "fields": {"confidence": {"old": None, "new": 0.8}, "weight": {"old": None, "new": 3}}}]
    assert (report.changed, report.replaced) == (1, [])
    assert _edge(store, troops.id) == [[0.8, 3]]


def test_a_stored_statement_given_twice_differently_in_one_load_is_an_error(make_any_store, later):
    store = make_any_store(BUNDLE)
    controls = _statement(store, "controls")
    path = later(f"statements:\n  - {CONTROLS}, confidence: 0.6}}\n  - {CONTROLS}, confidence: 0.7}}\n")
    with pytest.raises(InputError) as info:
        load(store, [str(path)], replace=True)
    assert str(info.value) == (f"{path}, statements[1], line 3, field 'confidence': statement {controls.id} (gna "
                               f"controls al-watiya) is given twice with different confidence (first at {path}, "
                               "statements[0], line 2)")
    assert _statement(store, "controls").confidence == 0.9


def _rerated(path, count: int) -> list[float]:
    """The example with its first ``count`` confidences lowered by 0.05; their new values."""
    new: list[float] = []

    def lower(match: re.Match) -> str:
        if len(new) == count:
            return match.group(0)
        new.append(round(float(match.group(1)) - 0.05, 2))
        return f"confidence: {new[-1]}"

    path.write_text(re.sub(r"confidence: ([0-9.]+)", lower, EXAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
    return new


def test_the_example_with_nine_confidences_changed(make_any_store, tmp_path):
    """The issue's case: this loaded "0 new" and kept the old confidences without a word."""
    store = make_any_store(EXAMPLE)
    path = tmp_path / "rerated.yaml"
    new = _rerated(path, 9)
    with pytest.raises(InputError, match=r"is in the store with confidence 0\.95; this file gives 0\.9 "):
        load(store, [str(path)])
    report = load(store, [str(path)], replace=True)
    assert (report.added, report.changed, report.actors, report.sources) == (0, 9, 0, 0)
    assert [item["fields"]["confidence"]["new"] for item in report.replaced] == new
    held = {s.id: s.confidence for s in store.statements()}
    assert [held[item["id"]] for item in report.replaced] == new
    assert [_edge(store, item["id"])[0][0] for item in report.replaced] == new


# -- the command line -----------------------------------------------------------
def _cli(*args: str):
    # The embedded store whatever the environment names: these test the summary, not a backend.
    return CliRunner(env={"ALLEGIANCE_NEO4J_URI": None}).invoke(cli, ["load", *args])


def test_the_cli_refuses_with_one_error_line(tmp_path, later):
    db = str(tmp_path / "s.db")
    assert _cli(str(BUNDLE), "--store", db).exit_code == 0
    path = later("actors:\n  - {id: gna, name: Hijacked GNA, type: state}\n")
    result = _cli(str(path), "--store", db)
    assert (result.exit_code, result.stderr) == (1, (
        f"Error: {path}, actors[0], line 2, field 'name': actor 'gna' is in the store with name "
        f"'Government of National Accord'; this file gives 'Hijacked GNA' {HINT}\n"))


def test_the_cli_summary_lists_what_was_merged_and_replaced(tmp_path, later):
    db = str(tmp_path / "s.db")
    assert _cli(str(BUNDLE), "--store", db).exit_code == 0
    merge = later("actors:\n  - {id: williams, name: Stéphanie Williams, aliases: [SRSG Williams], type: person}\n",
                  "merge.yaml")
    result = _cli(str(merge), "--store", db)
    assert (result.exit_code, result.stdout) == (0, (
        f"Loaded 0 statements from 1 file(s) into {db}: 0 new, 0 already there; 1 actors, 0 places, 0 sources written.\n"
        "  updated actor 'williams': aliases none -> ['SRSG Williams']\n"))
    replace = later(f"actors:\n  - {{id: gna, name: Hijacked GNA, type: state}}\nstatements:\n"
                    f"  - {CONTROLS.replace('GNA', 'gna')}, confidence: 0.6}}\n", "replace.yaml")
    result = _cli(str(replace), "--replace", "--store", db)
    with _embedded(db) as store:
        statement_id = _statement(store, "controls").id
    assert (result.exit_code, result.stdout) == (0, (
        f"Loaded 1 statements from 1 file(s) into {db}: 0 new, 1 changed, 0 already there; 1 actors, 0 places, "
        "0 sources written.\n"
        "  replaced actor 'gna': name 'Government of National Accord' -> 'Hijacked GNA'; type 'government' -> "
        "'state'; aliases ['GNA'] -> none; country 'LY' -> none\n"
        f"  replaced statement {statement_id} (gna controls al-watiya): confidence 0.9 -> 0.6\n"))


def test_the_cli_json_report_and_a_long_list(tmp_path):
    db = str(tmp_path / "s.db")
    assert _cli(str(EXAMPLE), "--store", db).exit_code == 0
    path = tmp_path / "rerated.yaml"
    new = _rerated(path, 25)
    data = json.loads(_cli(str(path), "--replace", "--json", "--store", db).stdout)
    assert (data["statements_added"], data["statements_changed"], data["updated"]) == (0, 25, [])
    assert data["statements_unchanged"] == data["statements_read"] - 25
    assert [item["fields"] for item in data["replaced"]][:2] == [
        {"confidence": {"old": round(n + 0.05, 2), "new": n}} for n in new[:2]]
    again = _cli(str(EXAMPLE), "--replace", "--store", db).stdout.splitlines()
    assert again[0].endswith(": 0 new, 25 changed, 42 already there; 0 actors, 0 places, 0 sources written.")
    assert len(again) == 22 and again[-1] == "  ... and 5 more (--json lists them all)"
    assert all(line.startswith("  replaced statement ") for line in again[1:21])


def _embedded(path: str):
    from allegiance.graph.embedded import EmbeddedStore

    return EmbeddedStore(path, read_only=True)
