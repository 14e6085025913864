"""Rule 3 for every type declared ``exclusive: true``, not only ``controls``: the core
queries' successor pattern comes from the vocabulary, on both backends.

The second exclusive type is declared in a temporary copy of the schema folder, which the
vocabulary is pointed at (``_relations_folder``) with its cache cleared before and after.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from allegiance.model import relation_types, vocabulary
from tests.conftest import ask, pairs
from tests.queries.test_semantics import HEADER

COMMANDS = """name: commands
description: The subject commands the actor. One commander at a time.
directed: true
object: actor
exclusive: true
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


def schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **extra: str) -> None:
    """The vocabulary reads the package's relation types plus ``extra`` (file stem -> YAML)."""
    folder = tmp_path / "relations"
    shutil.copytree(Path(str(resources.files("allegiance.schema").joinpath("relations"))), folder)
    for stem, text in extra.items():
        (folder / f"{stem}.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(vocabulary, "_relations_folder", lambda: folder)
    relation_types.cache_clear()


@pytest.fixture(autouse=True)
def _package_vocabulary_after():
    yield
    relation_types.cache_clear()  # the next test reads the package's types again


def test_a_second_exclusive_type_supersedes_its_own_holds(tmp_path, monkeypatch, make_any_store):
    schema(tmp_path, monkeypatch, commands=COMMANDS)
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


def test_a_type_declared_not_exclusive_is_not_superseded(tmp_path, monkeypatch, make_any_store):
    # No exclusive type at all: the successor pattern names every label and finds nothing.
    controls = Path(str(resources.files("allegiance.schema").joinpath("relations/controls.yaml")))
    schema(tmp_path, monkeypatch, controls=controls.read_text(encoding="utf-8").replace(
        "exclusive: true", "exclusive: false"))
    assert not any(t.exclusive for t in relation_types().values())
    store = make_any_store(DATA.replace("relation: commands", "relation: supports"))
    assert pairs(ask(store, "control", as_of="2020-05-25")) == {("lna", "al-watiya"), ("gna", "al-watiya")}
    assert pairs(ask(store, "backers", actor="lna", as_of="2020-05-25")) == {("haftar", "lna"), ("nadhuri", "lna")}
