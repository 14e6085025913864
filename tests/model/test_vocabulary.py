import pytest

from allegiance.exc import SchemaError
from allegiance.model import actor_types, relation_types
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

