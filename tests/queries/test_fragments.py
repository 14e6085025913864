"""Fragments: ``// include: _NAME`` lines, expanded when a pack loads, so the engines, the
guard and the Browser favorites see one plain query; a user's pack includes core ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from allegiance.cli import cli
from allegiance.exc import QueryError
from allegiance.queries.browser import browser_favorites
from allegiance.queries.pack import _core_folder, core_pack, load_pack
from tests.conftest import EXAMPLE, ROOT

# The README's example of a user query made of core fragments (so the README stays true):
# what an actor holds, each hold ended by its successor as in the core `control` query.
HOLDINGS = next(block for block in re.findall(r"```cypher\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"),
                                              re.S) if "// name: holdings" in block)


def pack(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir(exist_ok=True)
    for stem, text in files.items():
        (folder / f"{stem}.cypher").write_text(text, encoding="utf-8")
    return folder


def refusal(folder: Path, **files: str) -> str:
    with pytest.raises(QueryError) as info:
        load_pack(pack(folder, **files))
    return str(info.value)


def test_core_queries_are_expanded_and_fragments_are_not_queries():
    queries = core_pack()
    assert not any(name.startswith("_") for name in queries)
    for query in queries.values():
        assert "// include" not in query.cypher and "{{" not in query.cypher, query.name
        assert len(query.origins) == len(query.cypher.splitlines()), query.name
    assert [c.name for c in queries["backers"].columns][:2] == ["subject", "subject_name"]
    assert "OPTIONAL MATCH (b:Actor)-[r2:CONTROLS]->(o)" in queries["relations"].cypher


def test_a_user_pack_includes_the_core_fragments(tmp_path):
    folder = pack(tmp_path, holdings=HOLDINGS)
    store = str(tmp_path / "s.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["load", str(EXAMPLE), "--store", store]).exit_code == 0
    mine = runner.invoke(cli, ["query", "holdings", "--pack", str(folder), "-p", "actor=lna", "--format", "json",
                               "--store", store])
    core = runner.invoke(cli, ["query", "control", "--format", "json", "--store", store])
    assert mine.exit_code == 0, mine.output
    assert '"end": "2020-05-17"' in mine.stdout  # al-Watiya, until the GNA took it
    assert mine.stdout.count('"subject": "lna"') == core.stdout.count('"subject": "lna"') > 0
    favorite = browser_favorites(load_pack(folder))["holdings.cypher"]
    assert "OPTIONAL MATCH (b:Actor)-[r2:CONTROLS]->(o)" in favorite and "// include" not in favorite


def test_a_pack_fragment_fills_its_slots_with_names_from_the_include_line(tmp_path):
    folder = pack(tmp_path, _held="  AND NOT {{r}}.negated AND {{r}}.lo <= $as_of_hi AND {{r}}.hi >= $as_of_lo", q="""// name: q
// column subject: id
MATCH (s:Actor)-[r1:SUPPORTS]->(o:Actor)
WHERE r1.known <= $known_at
// include: _held r=r1
RETURN DISTINCT s.id AS subject ORDER BY subject
""")
    query = load_pack(folder)["q"]
    assert query.cypher.splitlines()[2] == "  AND NOT r1.negated AND r1.lo <= $as_of_hi AND r1.hi >= $as_of_lo"
    assert query.origins[2] == (str(folder / "_held.cypher"), 1)
    assert set(load_pack(folder)) == {"q"}


def test_a_pack_fragment_shadows_a_core_one(tmp_path):
    folder = pack(tmp_path, _relation_columns="// column only: text", q="// include: _relation_columns\nRETURN 1 AS only")
    assert [c.name for c in load_pack(folder)["q"].columns] == ["only"]


@pytest.mark.parametrize("line", ["// include: ../secret", "// include: _x r='a'", "// include: _x r=$actor",
                                  "// include:", "// include: /etc/passwd",
                                  "// include: _x r=r\u00e9"])
def test_an_include_names_a_fragment_and_names_only(tmp_path, line):
    assert refusal(tmp_path, q=f"// name: q\n{line}\nRETURN 1") == (
        f"{tmp_path / 'mine' / 'q.cypher'}, line 2: expected '// include: _FRAGMENT [NAME=NAME ...]', "
        "a fragment's file name and names to fill its slots")


def test_a_missing_fragment_is_named_with_where_it_was_looked_for(tmp_path):
    folder = tmp_path / "mine"
    assert refusal(tmp_path, q="// name: q\n// include: _nope\nRETURN 1") == (
        f"{folder / 'q.cypher'}, line 2: no fragment '_nope' (_nope.cypher in {folder} or {_core_folder()})")


def test_a_fragment_that_includes_itself_is_refused(tmp_path):
    folder = tmp_path / "mine"
    assert refusal(tmp_path, _a="// include: _b", _b="RETURN 1\n// include: _a", q="// include: _a") == (
        f"{folder / '_b.cypher'}, line 2: '_a' includes itself")


def test_an_unknown_slot_is_named(tmp_path):
    folder = tmp_path / "mine"
    assert refusal(tmp_path, _f="RETURN {{ who }} AS x", q="// include: _f r=r1") == (
        f"{folder / '_f.cypher'}, line 1: unknown slot {{{{who}}}}; this include fills bound_scale, day_precision, exclusive, r")


def test_an_include_cannot_fill_a_vocabulary_slot(tmp_path):
    assert refusal(tmp_path, _f="MATCH ()-[r:{{exclusive}}]->() RETURN r", q="// include: _f exclusive=SUPPORTS") == (
        f"{tmp_path / 'mine' / 'q.cypher'}, line 1: {{{{exclusive}}}} is filled by the vocabulary, not by an include")


def test_a_bad_header_line_in_a_fragment_names_the_fragment(tmp_path):
    folder = tmp_path / "mine"
    assert refusal(tmp_path, _cols="// column a: id\n// column b: nope", q="// name: q\n// include: _cols\nRETURN 1") == (
        f"{folder / '_cols.cypher'}, line 2: expected '// column NAME: TYPE', TYPE one of "
        "id, text, date, set, list, bool, int, float")


def test_the_guard_checks_the_expanded_text_and_names_the_fragment(tmp_path):
    folder = pack(tmp_path, _wipe="WITH s\n  DETACH DELETE s", attack="// name: attack\nMATCH (s:Statement)\n// include: _wipe")
    store = str(tmp_path / "s.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["load", str(EXAMPLE), "--store", store]).exit_code == 0
    result = runner.invoke(cli, ["query", "attack", "--pack", str(folder), "--store", store])
    assert (result.exit_code, result.stderr) == (
        1, f"Error: {folder / '_wipe.cypher'}, line 2: refused: DETACH DELETE writes to the graph; pack queries run "
           "read-only unless you pass --write\n")
