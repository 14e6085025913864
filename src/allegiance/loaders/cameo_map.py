"""The CAMEO mapping: codes and ICEWS labels to relations and kinds, declared as data.

``schema/cameo.yaml`` is packaged; ``--cameo-map FILE`` replaces it. Also the ICEWS
sector names and GDELT actor types that tell an actor's type, and country names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from allegiance.exc import InputError
from allegiance.loaders.untrusted import field_name, refuse_lone_surrogates, shown
from allegiance.loaders.yaml_loader import load_yaml
from allegiance.model import actor_types, relation_types
from allegiance.model.names import name_key


@dataclass(frozen=True, slots=True)
class Entry:
    code: str
    label: str
    relation: str
    kind: str | None
    object: str  # "actor" or "place", as the relation type declares


@dataclass(frozen=True)
class Mapping:
    codes: dict[str, Entry]
    labels: dict[str, Entry]  # case-folded label -> entry
    sectors: dict[str, str]  # ICEWS sector ("Police") -> actor type
    gdelt_types: dict[str, str]  # GDELT type code ("GOV") -> actor type
    countries: dict[str, str]  # name_key(country name) -> ISO alpha-2
    alpha3: dict[str, str]  # ISO alpha-3 (GDELT's country codes) -> alpha-2

    def lookup(self, code: str | None, label: str | None) -> Entry | None:
        if code:
            entry = self.codes.get(code) or (self.codes.get(code[:3]) if len(code) == 4 else None)
            if entry is not None:
                return entry
        return self.labels.get(label.casefold()) if label else None

    def country(self, name: str) -> str | None:
        return self.countries.get(name_key(name)) if name else None


SECTIONS = ("codes", "icews_sectors", "gdelt_types", "countries")
_CODE = re.compile(r"^\d{2,4}$")


@cache
def _packaged() -> dict[str, Any]:
    text = resources.files("allegiance.schema").joinpath("cameo.yaml").read_text(encoding="utf-8")
    return load_yaml(text, "schema/cameo.yaml")


@cache
def _packaged_mapping() -> Mapping:
    return _build(_packaged(), "schema/cameo.yaml")


def load_mapping(path: str | None = None) -> Mapping:
    """The packaged mapping, or with the sections a user's file gives replaced."""
    if path is None:
        return _packaged_mapping()
    try:
        with open(path, encoding="utf-8") as f:
            user = load_yaml(f, path)
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read the CAMEO mapping: {e}", file=path) from None
    if not isinstance(user, dict):
        raise InputError(f"expected a mapping with sections {', '.join(SECTIONS)}", file=path)
    refuse_lone_surrogates(user, path)
    return _build({**_packaged(), **user}, path)


def _build(data: dict[str, Any], origin: str) -> Mapping:
    def fail(message: str, where: str) -> InputError:
        return InputError(message, file=origin, field=where)

    for section in data:
        if section not in SECTIONS:
            raise fail(f"unknown section; expected {', '.join(SECTIONS)}", field_name(section))
    for section in SECTIONS:
        if not isinstance(data.get(section), dict):
            raise fail("expected a mapping", section)
    relations, types = relation_types(), actor_types()
    codes = {}
    for code, spec in data["codes"].items():
        where = f"codes.{field_name(code)}"
        if not isinstance(code, str) or not _CODE.match(code):
            # YAML reads an unquoted 072 as the number 58
            raise fail(f'a CAMEO code must be quoted digits such as "072", got {shown(code)}', where)
        if not isinstance(spec, dict) or set(spec) - {"label", "relation", "kind"}:
            raise fail("expected {label, relation, kind}", where)
        label, relation, kind = spec.get("label"), spec.get("relation"), spec.get("kind")
        if not isinstance(label, str) or not label.strip():
            raise fail("a code needs its label", where)
        if not isinstance(relation, str) or relation not in relations:
            raise fail(f"unknown relation {shown(relation)}; expected one of {', '.join(relations)}", where)
        if kind is not None and (not isinstance(kind, str) or kind not in relations[relation].kinds):
            raise fail(f"unknown kind {shown(kind)} for {relation}; expected one of "
                       f"{', '.join(relations[relation].kinds)}", where)
        codes[code] = Entry(code, label.strip(), relation, kind, relations[relation].object)
    labels = {e.label.casefold(): e for e in codes.values()}

    def typed(section: str) -> dict[str, str]:
        table: dict[str, str] = {}
        for type_, names in data[section].items():
            if type_ not in types:
                raise fail(f"unknown actor type {shown(type_)}; expected one of {', '.join(types)}",
                           f"{section}.{field_name(type_)}")
            if not isinstance(names, list):
                raise fail("expected a list", f"{section}.{type_}")
            table.update((str(name), type_) for name in names)
        return table

    countries: dict[str, str] = {}
    alpha3: dict[str, str] = {}
    for alpha2, names in data["countries"].items():
        if not (isinstance(alpha2, str) and len(alpha2) == 2 and isinstance(names, list) and names):
            raise fail("expected an alpha-2 code and a list [alpha-3, names...]", f"countries.{field_name(alpha2)}")
        alpha3[str(names[0])] = alpha2
        countries.update((name_key(str(name)), alpha2) for name in names[1:])
    return Mapping(codes, labels, typed("icews_sectors"), typed("gdelt_types"), countries, alpha3)
