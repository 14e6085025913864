"""Rule 3 for every type declared ``exclusive: true``, not only ``controls``: the core
queries' successor pattern comes from the vocabulary, on both backends.

The second exclusive type is declared in a user schema folder (``--schema``), the way a
user adds one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from allegiance.model import relation_types, vocabulary
from tests.conftest import ask, pairs
from tests.queries.test_semantics import HEADER

COMMANDS = """name: commands
label: COMMANDS
description: The subject commands the actor. One commander at a time.
directed: true
object: actor
exclusive: true
multiple_objects: false
kinds: []
presentation:
  caption: commands
  colour: "#6a1b9a"
  order: 8
  headings: {subject: Commands, object: Commanded by}
  phrase: "by {subject} of {object}"
"""

DATA = HEADER.replace("places:", """  - {id: haftar, name: Khalifa Haftar, type: person}
  - {id: nadhuri, name: Abdulrazek al-Nadhuri, type: person}
places:""") + """
statements:
  - {subject: haftar, relation: commands, object: lna, start: "2014", source: early}
  - {subject: nadhuri, relation: commands, object: lna, start: "2020-05-18", source: late}
  - {subject: lna, relation: controls, object: al-watiya, start: "2014", source: early}
  - {subject: gna, relation: controls, object: al-watiya, start: "2020-05-18", source: late}
"""


def schema(tmp_path: Path, **files: str) -> None:
    """A user schema folder with ``files`` (file stem -> YAML), layered over the package's."""
    folder = tmp_path / "schema"
    folder.mkdir()
    for stem, text in files.items():
        (folder / f"{stem}.yaml").write_text(text, encoding="utf-8")
    vocabulary.use([folder])


@pytest.fixture(autouse=True)
def _package_vocabulary_after():
    yield
    vocabulary.use(None)  # the next test reads the package's types again


def test_a_second_exclusive_type_supersedes_its_own_holds(tmp_path, make_any_store):
    schema(tmp_path, commands=COMMANDS)
    assert {name for name, t in relation_types().items() if t.exclusive} == {"commands", "controls"}
    store = make_any_store(DATA)
    assert pairs(ask(store, "relations", relation="commands", as_of="2020-05-25")) == {("nadhuri", "lna")}
    assert pairs(ask(store, "relations", relation="commands", as_of="2020-05-17")) == {("haftar", "lna")}
    haftar = next(r for r in ask(store, "relations", relation="commands") if r["subject"] == "haftar")
    assert (haftar["start"], haftar["end"]) == ("2014", "2020-05-17")
    timeline = {(r["subject"], r["relation"]): r["end"] for r in ask(store, "timeline", actor="lna")}
    assert timeline[("haftar", "commands")] == "2020-05-17" and timeline[("nadhuri", "commands")] is None
    changes = {(r["change"], r["subject"], r["relation"]) for r in ask(store, "changes", from_="2020-01", to="2020-06")}
    assert changes == {("removed", "haftar", "commands"), ("added", "nadhuri", "commands"),
                       ("removed", "lna", "controls"), ("added", "gna", "controls")}
    # Rule 6: before the late report, nobody had succeeded Haftar.
    assert pairs(ask(store, "relations", relation="commands", as_of="2020-06", known_at="2020-12")) == {("haftar", "lna")}
    # controls keeps its own supersession, and one type's holder never ends another's hold.
    assert pairs(ask(store, "control", as_of="2020-05-25")) == {("gna", "al-watiya")}
    lna = next(r for r in ask(store, "control") if r["subject"] == "lna")
    assert lna["end"] == "2020-05-17"


def test_a_type_declared_not_exclusive_is_not_superseded(tmp_path, make_any_store):
    # The same holds, of a type declared not exclusive: both holders hold, neither ends.
    schema(tmp_path, commands=COMMANDS.replace("exclusive: true", "exclusive: false"))
    assert {name for name, t in relation_types().items() if t.exclusive} == {"controls"}
    store = make_any_store(DATA)
    assert pairs(ask(store, "relations", relation="commands", as_of="2020-05-25")) == {
        ("haftar", "lna"), ("nadhuri", "lna")}
    haftar = next(r for r in ask(store, "relations", relation="commands") if r["subject"] == "haftar")
    assert haftar["end"] is None
