import copy
import os
import textwrap
from pathlib import Path

import pytest
import yaml

from allegiance.exc import AllegianceError, SchemaError
from allegiance.model import actor_types, relation_types, vocabulary
from allegiance.model.vocabulary import _relation_type


def test_the_declared_relation_types():
    types = relation_types()
    assert set(types) == {"supports", "opposes", "mediates", "controls", "part_of", "lineage"}
    assert types["controls"].exclusive and types["controls"].object == "place"
    assert types["mediates"].multiple_objects
    assert not types["supports"].exclusive and types["supports"].label == "SUPPORTS"
    assert {"troops", "weapons", "funding", "training", "intelligence", "drones", "political"} <= set(types["supports"].kinds)


def test_actor_types_include_what_the_model_names():
    assert {"state", "government", "armed_group", "person", "international_org"} <= set(actor_types())


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "Backs", "object": "actor"}, "x.yaml: 'name' must be lowercase letters and underscores, got 'Backs'"),
    ({"name": "backs", "object": "thing"}, "x.yaml: 'object' must be one of ['actor', 'place'], got 'thing'"),
    ({"name": "backs", "object": "actor", "colour": 1}, "x.yaml: unknown keys ['colour']"),
    ({"name": "backs", "object": "actor", "exclusive": "yes"}, "x.yaml: 'exclusive' must be true or false"),
])
def test_a_malformed_declaration_names_the_file(data, message):
    with pytest.raises(SchemaError) as info:
        _relation_type(data, "x.yaml")
    assert str(info.value) == message


# -- every type wholly as data ----------------------------------------------------------
RELATIONS = Path(vocabulary.__file__).resolve().parent.parent / "schema" / "relations"
A_TYPE = {
    "name": "recognizes", "label": "RECOGNIZES", "description": "The subject recognises the object's government.",
    "directed": True, "object": "actor", "exclusive": False, "multiple_objects": False, "kinds": ["diplomatic"],
    "presentation": {"caption": "recognizes", "colour": "#ff8f00", "order": 7, "phrase": "by {subject} of {object}",
                     "headings": {"subject": "Recognizes", "object": "Recognized by"}},
}


@pytest.mark.parametrize("path", sorted(RELATIONS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_packaged_type_declares_every_key(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(data) == vocabulary._KEYS
    assert set(data["presentation"]) == vocabulary._PRESENTATION
    assert list(data["presentation"]["headings"]) in (["subject", "object"], ["object", "subject"])


def test_the_presentation_of_the_packaged_types():
    types = relation_types()
    assert [t.name for t in vocabulary.presentation_order()] == [
        "supports", "opposes", "mediates", "controls", "part_of", "lineage"]
    assert types["lineage"].colour == "#00838f" and types["part_of"].caption == "part of"
    assert dict(types["supports"].headings) == {"object": "Backed by", "subject": "Backs"}
    assert types["opposes"].phrase == "by {subject} against {object}"
    assert len({t.colour for t in types.values()}) == len(types)


@pytest.mark.parametrize(("drop", "message"), [
    ("label", "x.yaml: missing key 'label': a relation type declares description, directed, exclusive, kinds, "
              "label, multiple_objects, name, object, presentation"),
    ("presentation", "x.yaml: missing key 'presentation': a relation type declares description, directed, "
                     "exclusive, kinds, label, multiple_objects, name, object, presentation"),
    ("presentation.colour", "x.yaml: missing key 'presentation.colour'"),
    ("presentation.headings", "x.yaml: missing key 'presentation.headings'"),
])
def test_a_declaration_missing_a_key_is_refused_naming_the_file_and_the_key(drop, message):
    data = copy.deepcopy(A_TYPE)
    outer, _, inner = drop.partition(".")
    del (data[outer] if inner else data)[inner or outer]
    with pytest.raises(SchemaError) as info:
        _relation_type(data, "x.yaml")
    assert str(info.value) == message


@pytest.fixture
def folder(tmp_path):
    """folder(name=yaml text, ...) -> a schema folder in use; the package's alone afterwards."""
    def make(**files: str) -> Path:
        for name, text in files.items():
            (tmp_path / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
        vocabulary.use([tmp_path])
        return tmp_path

    yield make
    vocabulary.use(None)


RECOGNIZES = yaml.safe_dump(A_TYPE, sort_keys=False)


def test_a_folder_adds_kinds_a_type_and_actor_types_and_changes_presentation(folder):
    folder(supports="name: supports\nkinds: [aircraft, troops]\npresentation: {colour: '#000000'}\n",
           recognizes=RECOGNIZES, actor_types="militia: A militia, as we count them.\nwarlord: A warlord.\n")
    types = relation_types()
    assert types["supports"].kinds[-2:] == ("other", "aircraft") and types["supports"].kinds.count("troops") == 1
    assert types["supports"].colour == "#000000" and types["supports"].caption == "supports"
    assert types["recognizes"].label == "RECOGNIZES" and types["recognizes"].object == "actor"
    assert vocabulary.presentation_order()[-1].name == "recognizes"
    assert actor_types()["warlord"] == "A warlord." and actor_types()["militia"] == "A militia, as we count them."
    assert "state" in actor_types()


def test_folders_come_from_the_environment_by_default(tmp_path, monkeypatch):
    (tmp_path / "recognizes.yaml").write_text(RECOGNIZES, encoding="utf-8")
    other = tmp_path / "two"
    other.mkdir()
    (other / "supports.yaml").write_text("name: supports\nkinds: [aircraft]\n", encoding="utf-8")
    monkeypatch.setenv("ALLEGIANCE_SCHEMA_PATH", os.pathsep.join([str(tmp_path), str(other)]))
    vocabulary.use(None)
    try:
        assert "recognizes" in relation_types() and "aircraft" in relation_types()["supports"].kinds
    finally:
        monkeypatch.delenv("ALLEGIANCE_SCHEMA_PATH")
        vocabulary.use(None)
    assert "recognizes" not in relation_types()


@pytest.mark.parametrize(("files", "message"), [
    ({"supports": "name: supports\nkinds: [aircraft\n"},
     "{f}/supports.yaml, line 3, column 1: not valid YAML: expected ',' or ']', but got '<stream end>'"),
    ({"supports": "name: supports\nkind: [aircraft]\n"}, "{f}/supports.yaml: unknown keys ['kind']"),
    ({"supports": "name: supports\npresentation: {color: '#000000'}\n"},
     "{f}/supports.yaml: unknown keys ['presentation.color']"),
    ({"supports": "name: supports\npresentation: {colour: green}\n"},
     "{f}/supports.yaml: 'presentation.colour' must be a colour such as \"#2e7d32\", got 'green'"),
    ({"supports": "name: supports\npresentation: {phrase: 'from {subject.__class__} to {object}'}\n"},
     "{f}/supports.yaml: 'presentation.phrase' must be text naming {subject} and {object}, e.g. \"from {subject} "
     "to {object}\", got 'from {subject.__class__} to {object}'"),
    ({"supports": "name: supports\npresentation: {headings: {subject: Backs}}\n"},
     "{f}/supports.yaml: 'presentation.headings' must give the report's heading for the subject and for the "
     "object, e.g. {subject: Backs, object: Backed by}"),
    ({"supports": "name: supports\nexclusive: true\n"},
     "{f}/supports.yaml: 'exclusive' is False for the declared type 'supports'; a schema folder may add kinds and "
     "change the presentation, not what a type means"),
    ({"controls": "name: controls\nobject: actor\n"},
     "{f}/controls.yaml: 'object' is 'place' for the declared type 'controls'; a schema folder may add kinds and "
     "change the presentation, not what a type means"),
    ({"supports": "name: supports\nlabel: BACKS\n"},
     "{f}/supports.yaml: 'label' is 'SUPPORTS' for the declared type 'supports'; a schema folder may add kinds and "
     "change the presentation, not what a type means"),
    ({"recognizes": RECOGNIZES.replace("label: RECOGNIZES", "label: 'X]->() DETACH DELETE n //'")},
     "{f}/recognizes.yaml: 'label' must be capital letters, digits and underscores starting with a letter, and not "
     "one of ACTOR, CITES, CLAIMED_BY, META, OBJECT, PLACE, SOURCE, STATEMENT, SUBJECT, got 'X]->() DETACH DELETE "
     "n //'"),
    ({"recognizes": RECOGNIZES.replace("label: RECOGNIZES", "label: CITES")},
     "{f}/recognizes.yaml: 'label' must be capital letters, digits and underscores starting with a letter, and not "
     "one of ACTOR, CITES, CLAIMED_BY, META, OBJECT, PLACE, SOURCE, STATEMENT, SUBJECT, got 'CITES'"),
    ({"recognizes": RECOGNIZES.replace("label: RECOGNIZES", "label: SUPPORTS")},
     "{f}/recognizes.yaml: 'label' 'SUPPORTS' is the label of 'supports'"),
    ({"recognizes": RECOGNIZES.replace("  colour: '#ff8f00'\n", "")},
     "{f}/recognizes.yaml: missing key 'presentation.colour'"),
    ({"actor_types": "Warlord: A warlord.\n"},
     "{f}/actor_types.yaml: 'Warlord': an actor type is a lowercase name (letters and underscores) with a "
     "description"),
    ({"actor_types": "- warlord\n"}, "{f}/actor_types.yaml: expected a mapping of type name to description"),
])
def test_a_bad_schema_file_is_refused_naming_the_file_and_the_field(folder, files, message):
    where = folder(**files)
    with pytest.raises(AllegianceError) as info:
        relation_types()
        actor_types()
    assert str(info.value) == message.replace("{f}", str(where))


def test_a_schema_folder_that_is_not_there_is_refused(tmp_path):
    vocabulary.use([tmp_path / "nowhere"])
    try:
        with pytest.raises(SchemaError) as info:
            relation_types()
        assert str(info.value) == f"{tmp_path / 'nowhere'}: no such schema folder"
    finally:
        vocabulary.use(None)
