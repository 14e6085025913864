import pytest

from allegiance.exc import UnknownReference
from allegiance.model.names import NameIndex, name_key, slug


def test_names_match_ignoring_case_accents_and_spacing():
    assert name_key("Stéphanie  Williams") == name_key("STEPHANIE WILLIAMS") == "stephanie williams"
    assert name_key("Haftar’s forces") == name_key("Haftar's forces")
    assert slug("Wagner Group (PMC)") == "wagner-group-pmc"


def test_resolve_by_id_name_or_alias():
    index = NameIndex("actor")
    index.add("williams", ["Stéphanie Williams", "Acting SRSG"])
    assert index.resolve("Stephanie Williams") == index.resolve("acting srsg") == index.resolve("WILLIAMS") == "williams"


def test_an_alias_shared_by_two_actors_is_ambiguous():
    index = NameIndex("actor")
    index.add("gna", ["Government of National Accord", "Government of Libya"])
    index.add("gnc", ["General National Congress", "Government of Libya"])
    with pytest.raises(UnknownReference) as info:
        index.resolve("government of libya")
    assert str(info.value) == "ambiguous actor 'government of libya': it names gna, gnc; use an id"


def test_a_name_resolved_before_it_became_ambiguous_is_ambiguous_after():
    """resolve() remembers what it found (a large load names the same actors on every row);
    a name added later must not leave an answer it makes wrong."""
    index = NameIndex("actor")
    index.add("gna", ["Government of Libya"])
    assert index.resolve("Government of Libya") == "gna"
    index.add("gnc", ["Government of Libya"])
    with pytest.raises(UnknownReference, match="ambiguous actor"):
        index.resolve("Government of Libya")


def test_unknown_names_suggest_the_closest_known_ones():
    index = NameIndex("actor")
    index.add("turkey", ["Turkey", "Türkiye"])
    index.add("tunisia", ["Tunisia"])
    with pytest.raises(UnknownReference) as info:
        index.resolve("Turkye")
    assert str(info.value) == "unknown actor 'Turkye'; did you mean Turkey (turkey)?"
