"""Every relation type shows in the report and the page, and a user's schema folder extends
the vocabulary on both backends; a store refuses a vocabulary that lacks what it holds."""

from __future__ import annotations

import os
import textwrap

import pytest
from click.testing import CliRunner

from allegiance.cli import cli
from allegiance.exc import StoreError
from allegiance.model import relation_types, vocabulary
from allegiance.report import situation_report
from tests.conftest import FIXTURES, ask, neo4j_or_fail

MMP = FIXTURES / "mmp" / "relationships.csv"
SUPPORTS = "name: supports\nkinds: [aircraft]\n"
RECOGNIZES = """\
    name: recognizes
    label: RECOGNIZES
    description: The subject recognises the object as the government of its country.
    directed: true
    object: actor
    exclusive: false
    multiple_objects: false
    kinds: [formal, other]
    presentation:
      caption: recognizes
      colour: "#ff8f00"
      order: 7
      headings: {subject: Recognizes, object: Recognized by}
      phrase: "by {subject} of {object}"
"""
DATA = """\
    sources: [{id: s1, title: A report}]
    actors:
      - {id: turkey, name: Turkey, type: state}
      - {id: gna, name: Government of National Accord, type: government}
    statements:
      - {subject: turkey, relation: supports, object: gna, kind: aircraft, source: s1, start: "2020-01"}
      - {subject: turkey, relation: recognizes, object: gna, kind: formal, source: s1, start: "2016"}
"""


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env=env)


def test_lineage_is_in_the_report_under_its_headings_and_in_the_page_in_its_colour(tmp_path):
    store = str(tmp_path / "mmp.db")
    assert run("load", "--format", "mmp", str(MMP), "--store", store).exit_code == 0
    report = run("report", "--store", store)
    assert report.exit_code == 0, report.output
    assert "- **Descends from:**" in report.stdout and "- **Gave rise to:**" in report.stdout
    page = tmp_path / "mmp.html"
    assert run("viz", "-o", str(page), "--store", store).exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert '"relation": "lineage"' in html and '"color": "#00838f"' in html
    assert "#b0b0b0" not in html  # no relation drawn in the unknown grey
    legend = html[html.index('<div id="allegiance-legend">'):]
    assert 'border-top-color:#00838f"></span>lineage</div>' in legend[:legend.index("</div></div>")]


def test_the_report_has_a_line_for_every_declared_heading():
    rows = [{"subject": "a", "relation": name, "object": "b", "kinds": [], "sources": ["s"]}
            for name in relation_types()]
    nodes = {"a": {"name": "A", "type": "state"}, "b": {"name": "B", "type": "state"}}
    text = situation_report(rows, nodes, {"s": {"title": "S"}})
    for rtype in relation_types().values():
        for _role, heading in rtype.headings:
            assert f"- **{heading}:**" in text


@pytest.fixture
def schema(tmp_path, request):
    """A schema folder adding the kind 'aircraft' to supports and the type 'recognizes', in
    use for the test; a Neo4j graph loaded with it is emptied while it is still in use."""
    folder = tmp_path / "schema"
    folder.mkdir()
    (folder / "supports.yaml").write_text(SUPPORTS, encoding="utf-8")
    (folder / "recognizes.yaml").write_text(textwrap.dedent(RECOGNIZES), encoding="utf-8")
    vocabulary.use([folder])
    yield folder
    if getattr(request.node, "callspec", None) and request.node.callspec.params.get("make_any_store") == "neo4j":
        neo4j_or_fail().close()  # empties it: the next test's vocabulary would refuse it
    vocabulary.use(None)


@pytest.mark.parametrize("make_any_store", ["embedded", "neo4j"], indirect=True)
def test_a_new_type_and_kind_load_query_report_and_draw_on_both_backends(make_any_store, schema, tmp_path):
    store = make_any_store(textwrap.dedent(DATA))
    if hasattr(store, "path"):  # the embedded store made its rel table at open
        assert "RECOGNIZES" in {row[0] for row in store._rows("CALL show_tables() RETURN name")}
    else:  # Neo4j its indexes
        indexes = {row[0] for row in store.run("SHOW INDEXES YIELD name RETURN name", {})[1]}
        assert {"recognizes_statement", "recognizes_interval", "recognizes_start", "recognizes_end"} <= indexes
    rows = ask(store, "relations")
    assert [(r["relation"], r["kinds"]) for r in rows] == [("recognizes", ["formal"]), ("supports", ["aircraft"])]
    assert ask(store, "relations", relation="recognizes")[0]["start"] == "2016"
    assert store.stats()["by_relation"]["recognizes"] == 1
    from allegiance.graph.check import check

    assert check(store).ok
    nodes = {"turkey": {"name": "Turkey", "type": "state"}, "gna": {"name": "GNA", "type": "government"}}
    assert "- **Recognized by:**\n  - Turkey (formal, since 2016) [1]" in situation_report(rows, nodes, {})
    from allegiance.viz.network import write_page

    html = write_page(rows, nodes, {}, tmp_path / "p.html").read_text(encoding="utf-8")
    assert '"color": "#ff8f00"' in html and "></span>recognizes</div>" in html


@pytest.mark.parametrize("make_any_store", ["embedded", "neo4j"], indirect=True)
def test_a_store_refuses_a_vocabulary_that_lacks_a_type_or_kind_it_holds(make_any_store, schema, tmp_path):
    store = make_any_store(textwrap.dedent(DATA))
    where = str(store.describe()["store"])
    store.close()  # the embedded store holds its write lock while open
    reopen = (lambda: type(store)(store.path, read_only=True)) if hasattr(store, "path") else neo4j_reopen
    vocabulary.use([])
    try:
        with pytest.raises(StoreError) as info:
            reopen().close()
        assert str(info.value) == (f"the store {where} holds relation type 'recognizes', which the vocabulary in "
                                   "use does not declare; pass the --schema folder it was loaded with")
        lacking = tmp_path / "lacking"
        lacking.mkdir()
        (lacking / "recognizes.yaml").write_text(textwrap.dedent(RECOGNIZES), encoding="utf-8")
        vocabulary.use([lacking])
        with pytest.raises(StoreError) as info:
            reopen().close()
        assert str(info.value) == (f"the store {where} holds the kind 'aircraft' of supports, which the vocabulary "
                                   "in use does not declare; pass the --schema folder it was loaded with")
    finally:
        vocabulary.use([schema])
    reopen().close()


def neo4j_reopen():
    from allegiance.graph.neo4j_store import open_neo4j
    from tests import neo4j_server
    from tests.conftest import neo4j_uri

    return open_neo4j(neo4j_uri(), read_only=True, default_password=neo4j_server.PASSWORD)


def test_a_read_only_store_made_before_a_type_was_declared_counts_none(make_store, schema):
    vocabulary.use(None)
    made = make_store(textwrap.dedent(DATA).replace("kind: aircraft", "kind: weapons").rsplit("\n  - ", 1)[0])
    made.close()
    vocabulary.use([schema])
    from allegiance.graph.check import check
    from allegiance.graph.embedded import EmbeddedStore

    with EmbeddedStore(made.path, read_only=True) as store:
        assert store.stats()["statements"] == 1
        assert store.stats()["by_relation"]["recognizes"] == 0
        assert check(store).ok


def test_the_cli_takes_schema_folders_from_the_option_or_the_environment(tmp_path, schema):
    vocabulary.use(None)  # as a new process starts
    data = tmp_path / "data.yaml"
    data.write_text(textwrap.dedent(DATA), encoding="utf-8")
    store = str(tmp_path / "cli.db")
    refused = run("load", str(data), "--store", store)
    assert refused.exit_code == 1
    assert refused.stderr.endswith("expected one of troops, weapons, funding, training, intelligence, drones, "
                                   "political, mercenaries, materiel, logistics, airstrikes, diplomatic, advisers, "
                                   "territory, other; or add it in a --schema folder, see README\n")
    assert run("load", str(data), "--store", store, "--schema", str(schema)).exit_code == 0
    assert "recognizes" not in relation_types()  # the option holds for its command only
    assert run("stats", "--store", store).stderr == (
        f"Error: the store {store} holds relation type 'recognizes', which the vocabulary in use does not declare; "
        "pass the --schema folder it was loaded with\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {"ALLEGIANCE_SCHEMA_PATH": os.pathsep.join([str(empty), str(schema)])}
    result = run("query", "relations", "--store", store, "--format", "json", env=env)
    assert result.exit_code == 0 and '"relation": "recognizes"' in result.stdout
    for command in (["report"], ["viz", "-o", str(tmp_path / "p.html")], ["check"], ["export", "-o", "-"]):
        assert run(*command, "--store", store, "--schema", str(schema)).exit_code == 0, command
    bad = run("stats", "--store", store, "--schema", str(tmp_path / "nowhere"))
    assert bad.exit_code == 2 and "'--schema': Directory" in bad.stderr
