"""Relation types and actor types, declared as YAML inside the package.

Adding a relation type is a YAML file in ``schema/relations/`` and a test: the
store's tables, the loaders' checks and the CLI's choices all come from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

import yaml

from allegiance.exc import SchemaError

_NAME = re.compile(r"^[a-z][a-z_]*$")
_OBJECTS = ("actor", "place")
_KEYS = {"name", "description", "directed", "object", "exclusive", "kinds", "multiple_objects"}


@dataclass(frozen=True, slots=True)
class RelationType:
    name: str
    description: str
    directed: bool
    object: str  # "actor" or "place"
    exclusive: bool
    kinds: tuple[str, ...]
    multiple_objects: bool = False

    @property
    def label(self) -> str:
        """The graph label; labels only ever come from here, never from user input."""
        return self.name.upper()


def _relation_type(data: object, origin: str) -> RelationType:
    if not isinstance(data, dict):
        raise SchemaError(f"{origin}: expected a mapping")
    unknown = set(data) - _KEYS
    if unknown:
        raise SchemaError(f"{origin}: unknown keys {sorted(unknown)}")
    name = data.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise SchemaError(f"{origin}: 'name' must be lowercase letters and underscores, got {name!r}")
    if data.get("object") not in _OBJECTS:
        raise SchemaError(f"{origin}: 'object' must be one of {list(_OBJECTS)}, got {data.get('object')!r}")
    kinds = data.get("kinds") or []
    if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
        raise SchemaError(f"{origin}: 'kinds' must be a list of names")
    for flag in ("directed", "exclusive", "multiple_objects"):
        if not isinstance(data.get(flag, False), bool):
            raise SchemaError(f"{origin}: {flag!r} must be true or false")
    return RelationType(
        name=name,
        description=str(data.get("description", "")),
        directed=data.get("directed", True),
        object=data["object"],
        exclusive=data.get("exclusive", False),
        kinds=tuple(kinds),
        multiple_objects=data.get("multiple_objects", False),
    )


def _relations_folder() -> Traversable:
    """The folder of relation type files: the package's (a test declares its own types by
    pointing this elsewhere and clearing ``relation_types``' cache)."""
    return resources.files("allegiance.schema").joinpath("relations")


@cache
def relation_types() -> dict[str, RelationType]:
    """Every declared relation type by name, read once from the package."""
    folder = _relations_folder()
    types: dict[str, RelationType] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        origin = f"schema/relations/{entry.name}"
        try:
            data = yaml.safe_load(entry.read_text(encoding="utf-8"))
        except yaml.YAMLError as e:
            raise SchemaError(f"{origin}: not valid YAML: {e}") from e
        rtype = _relation_type(data, origin)
        if rtype.name in types:
            raise SchemaError(f"{origin}: relation type {rtype.name!r} is declared twice")
        types[rtype.name] = rtype
    return types


@cache
def actor_types() -> dict[str, str]:
    """Actor type name -> description."""
    text = resources.files("allegiance.schema").joinpath("actor_types.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise SchemaError("schema/actor_types.yaml: expected a mapping of type name to description")
    return {str(k): str(v) for k, v in data.items()}
