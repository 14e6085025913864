"""Dataset names mapped to our actors: aliases by dataset, code and period; the rest scoped."""

from __future__ import annotations

import pytest

from allegiance.exc import InputError
from allegiance.loaders import read_records
from allegiance.loaders.assemble import Assembler
from allegiance.loaders.records import DatasetRef, Record
from tests.conftest import ask

ALIASES = """
sources:
  - {id: ucdp-acd-22.1, title: UCDP/PRIO Armed Conflict Dataset 22.1}
actors:
  - id: gna
    name: Government of National Accord
    type: government
    aliases:
      - GNA
      - {dataset: ucdp-acd, code: "6", start: "2016", end: "2021-03"}
  - id: gaddafi-government
    name: Gaddafi government
    type: government
    aliases:
      - {name: Government of Libya, start: "1969", end: "2011-10"}
  - id: turkey
    name: Turkey
    type: state
    aliases: [{dataset: ucdp-acd, code: "99"}]
"""


def _statement(subject: DatasetRef, obj: DatasetRef, year: str) -> Record:
    return Record("statement", {"subject": subject, "relation": "opposes", "object": obj, "start": year,
                                "end": year, "source": "ucdp-acd-22.1", "record": f"row-{year}"}, "acd.csv", "line 2")


def _assembler(tmp_path):
    path = tmp_path / "aliases.yaml"
    path.write_text(ALIASES, encoding="utf-8")
    assembler = Assembler()
    list(assembler.statements(read_records(str(path))))
    return assembler


def test_an_alias_maps_a_dataset_code_for_its_period_only(tmp_path):
    assembler = _assembler(tmp_path)
    libya = DatasetRef("ucdp-acd", "Government of Libya", "6", type="government", country="LY")
    rebels = DatasetRef("ucdp-acd", "Forces of the House of Representatives", "1234")
    [in_2019] = assembler.statements([_statement(libya, rebels, "2019")])
    [in_2011] = assembler.statements([_statement(libya, rebels, "2011")])
    [in_2022] = assembler.statements([_statement(libya, rebels, "2022")])
    assert in_2019.subject == "gna"
    assert in_2011.subject == "gaddafi-government"  # the name alias of the earlier period
    assert in_2022.subject == "ucdp-acd:6"  # no alias covers 2022: a dataset-scoped actor
    assert in_2019.object == "ucdp-acd:1234" and in_2019.record == "row-2019"
    scoped = assembler.actors["ucdp-acd:6"]
    assert (scoped.name, scoped.type, scoped.country) == ("Government of Libya", "government", "LY")
    assert assembler.unmapped == {("ucdp-acd", "Forces of the House of Representatives", "1234"): 3,
                                  ("ucdp-acd", "Government of Libya", "6"): 1}


def test_generic_sector_actors_stay_apart_per_country(tmp_path):
    assembler = _assembler(tmp_path)
    libya = DatasetRef("icews", "Other Authorities / Officials (Libya)")
    egypt = DatasetRef("icews", "Other Authorities / Officials (Egypt)")
    [s] = assembler.statements([_statement(libya, egypt, "2012")])
    assert (s.subject, s.object) == ("icews:other-authorities-officials-libya", "icews:other-authorities-officials-egypt")


def test_a_plain_name_or_alias_maps_in_any_dataset(tmp_path):
    assembler = _assembler(tmp_path)
    [s] = assembler.statements([_statement(DatasetRef("acled", "GNA"), DatasetRef("ucdp-acd", "T", "99"), "2020")])
    assert (s.subject, s.object) == ("gna", "turkey")
    assert assembler.unmapped == {}


@pytest.mark.parametrize(("alias", "message"), [
    ('{colour: red}', "unknown alias field 'colour'; expected name, code, dataset, start, end"),
    ('{code: "6"}', "an alias with a code needs the dataset it belongs to"),
    ('{dataset: ucdp}', "an alias needs a name or a code"),
    ('{name: X, start: "2016-13"}', "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got '2016-13': month 13 does "
                                     "not exist (in start)"),
])
def test_bad_aliases_are_reported(tmp_path, alias, message):
    path = tmp_path / "a.yaml"
    path.write_text(f"actors:\n  - {{id: x, name: X, type: state, aliases: [ok, {alias}]}}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        list(Assembler().statements(read_records(str(path))))
    assert str(info.value) == f"{path}, actors[0], line 2, field 'aliases[0]': {message}"


def test_scoped_aliases_survive_the_store(make_any_store):
    store = make_any_store(ALIASES)
    gna = store.known().actors["gna"]
    assert [a.as_dict() for a in gna.scoped] == [{"code": "6", "dataset": "ucdp-acd", "start": "2016", "end": "2021-03"}]
    assert ask(store, "who-backs-whom") == []


def test_two_dataset_names_mapped_to_one_actor_make_no_self_relation(tmp_path, make_store):
    from allegiance.loaders import DATASETS
    from allegiance.pipeline import load

    assert "ucdp-acd" in DATASETS
    assembler = _assembler(tmp_path)
    same = [_statement(DatasetRef("x", "GNA"), DatasetRef("x", "Government of National Accord"), "2019")]
    assert list(assembler.statements(same)) == [] and assembler.self_relations == 1
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text(ALIASES.replace("      - GNA\n", "      - GNA\n      - Tripoli forces\n"), encoding="utf-8")
    events = tmp_path / "events.jsonl"
    events.write_text('{"subject": "GNA", "relation": "supports", "object": "Tripoli forces", "source": "ucdp-acd-22.1"}\n',
                      encoding="utf-8")
    # Plain references are the user's own words: a self-relation there is still an error.
    with pytest.raises(InputError, match="subject and object are both 'gna'"):
        load(make_store(), [str(events)], actors=[str(aliases)])
