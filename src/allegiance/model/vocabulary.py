"""Relation types and actor types, declared as YAML: the package's, and folders layered over it.

Adding a relation type is a YAML file and a test: the store's tables, the loaders' checks,
the CLI's choices, the report's headings, the page's colours and the datasets' quotes all
come from here. Each file holds a type's meaning (``label``, ``object``, ``exclusive``...)
and, under ``presentation``, how it is shown.

``sign`` says whether the type is a signed tie for the analyses (``allegiance.analysis``):
1 a positive one (supports), -1 a negative one (opposes), 0 none. It is the one key a
declaration may leave out (meaning 0): a type declared in full before the key existed, in a
user's folder, stays valid and is no signed tie until it says so. The package's files still
declare it on every type, so that each shows every key.

Folders given by ``use()`` (the CLI's ``--schema``) or, by default, in
``ALLEGIANCE_SCHEMA_PATH`` (``os.pathsep``-separated) are layered over the package's, in
order, as followthemoney reads ``FTM_MODEL_PATH``. A folder's file for a type declared
before it may add kinds and change the presentation and description, never the meaning
(data loaded under one meaning must not be read under another); a file for a new type
declares it in full. ``actor_types.yaml`` in a folder adds actor types.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from allegiance.exc import SchemaError

SCHEMA_PATH_ENV = "ALLEGIANCE_SCHEMA_PATH"
# The end of a message refusing a kind: a new user's next step.
ADD_KIND = "; or add it in a --schema folder, see README"
_NAME = re.compile(r"^[a-z][a-z_]*$")
# Labels become Cypher identifiers (table and relationship type names), never quoted.
_LABEL = re.compile(r"^[A-Z][A-Z0-9_]*$")
# The store's own tables and edges: a relation type named like one would mix with them.
_RESERVED = {"ACTOR", "PLACE", "SOURCE", "STATEMENT", "META", "SUBJECT", "OBJECT", "CITES", "CLAIMED_BY"}
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_OBJECTS = ("actor", "place")
_ROLES = ("subject", "object")
_FLAGS = ("directed", "exclusive", "multiple_objects")
# What a type means for the data: fixed once declared.
_MEANING = ("label", "object", *_FLAGS, "sign")
_PRESENTATION = {"caption", "colour", "order", "headings", "phrase"}
_KEYS = {"name", "description", "kinds", "presentation", *_MEANING}
_OPTIONAL = {"sign"}  # absent: 0, see the module's docstring
_REQUIRED = _KEYS - _OPTIONAL
_SIGNS = (1, -1, 0)


@dataclass(frozen=True, slots=True)
class RelationType:
    name: str
    description: str
    directed: bool
    object: str  # "actor" or "place"
    exclusive: bool
    kinds: tuple[str, ...]
    multiple_objects: bool = False
    label: str = ""  # the graph label; labels only ever come from here, never from user input
    caption: str = ""  # its name in a page's legend and tooltips
    colour: str = ""  # its edges' colour in a page
    order: int = 0  # where its lines come in the report and the legend
    headings: tuple[tuple[str, str], ...] = ()  # (the actor's role, the report's heading), in report order
    phrase: str = ""  # "from {subject} to {object}": how a dataset's quote says who did what to whom
    sign: int = 0  # 1 a positive tie, -1 a negative one, 0 not a signed tie (the analyses read it)

    @property
    def object_label(self) -> str:
        """The graph label of its objects' nodes."""
        return "Place" if self.object == "place" else "Actor"


def _relation_type(data: object, origin: str, base: RelationType | None = None) -> RelationType:
    """A declaration checked key by key; with ``base``, a layer over a type declared earlier."""
    if not isinstance(data, dict):
        raise SchemaError(f"{origin}: expected a mapping")
    unknown = set(data) - _KEYS
    if unknown:
        raise SchemaError(f"{origin}: unknown keys {sorted(unknown)}")
    name = data.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise SchemaError(f"{origin}: 'name' must be lowercase letters and underscores, got {name!r}")
    if "object" in data and data["object"] not in _OBJECTS:
        raise SchemaError(f"{origin}: 'object' must be one of {list(_OBJECTS)}, got {data.get('object')!r}")
    kinds = data.get("kinds") or []
    if not isinstance(kinds, list) or not all(isinstance(k, str) and _NAME.match(k) for k in kinds):
        raise SchemaError(f"{origin}: 'kinds' must be a list of names")
    for flag in _FLAGS:
        if not isinstance(data.get(flag, False), bool):
            raise SchemaError(f"{origin}: {flag!r} must be true or false")
    if "label" in data:
        label = data["label"]
        if not isinstance(label, str) or not _LABEL.match(label) or label in _RESERVED:
            raise SchemaError(f"{origin}: 'label' must be capital letters, digits and underscores starting with a "
                              f"letter, and not one of {', '.join(sorted(_RESERVED))}, got {label!r}")
    if "description" in data and not isinstance(data["description"], str):
        raise SchemaError(f"{origin}: 'description' must be text")
    if "sign" in data and (isinstance(data["sign"], bool) or data["sign"] not in _SIGNS):
        raise SchemaError(f"{origin}: 'sign' must be 1 (a positive tie), -1 (a negative tie) or 0 (not a signed tie), "
                          f"got {data['sign']!r}")
    missing = [k for k in sorted(_REQUIRED) if k not in data] if base is None else []
    if missing:
        raise SchemaError(f"{origin}: missing key {missing[0]!r}: a relation type declares "
                          f"{', '.join(sorted(_REQUIRED))}")
    shown = _presentation(data.get("presentation"), origin, required=base is None)
    if base is None:
        headings = shown.pop("headings")
        return RelationType(name=name, description=data["description"], directed=data["directed"],
                            object=data["object"], exclusive=data["exclusive"], kinds=tuple(kinds),
                            multiple_objects=data["multiple_objects"], label=data["label"],
                            sign=data.get("sign", 0), headings=tuple(headings.items()), **shown)
    for key in _MEANING:
        if key in data and data[key] != getattr(base, key):
            raise SchemaError(f"{origin}: {key!r} is {getattr(base, key)!r} for the declared type {name!r}; a "
                              f"schema folder may add kinds and change the presentation, not what a type means")
    if "headings" in shown:
        shown["headings"] = tuple(shown["headings"].items())
    return replace(base, description=data.get("description", base.description),
                   kinds=base.kinds + tuple(k for k in kinds if k not in base.kinds), **shown)


def _presentation(data: object, origin: str, *, required: bool) -> dict[str, Any]:
    if data is None and not required:
        return {}
    if not isinstance(data, dict):
        raise SchemaError(f"{origin}: 'presentation' must be a mapping of {', '.join(sorted(_PRESENTATION))}")
    unknown = set(data) - _PRESENTATION
    if unknown:
        raise SchemaError(f"{origin}: unknown keys {sorted(f'presentation.{k}' for k in unknown)}")
    missing = sorted(_PRESENTATION - set(data)) if required else []
    if missing:
        raise SchemaError(f"{origin}: missing key 'presentation.{missing[0]}'")
    if "caption" in data and (not isinstance(data["caption"], str) or not data["caption"].strip()):
        raise SchemaError(f"{origin}: 'presentation.caption' must be text")
    if "colour" in data and not (isinstance(data["colour"], str) and _COLOUR.match(data["colour"])):
        raise SchemaError(f"{origin}: 'presentation.colour' must be a colour such as \"#2e7d32\", "
                          f"got {data['colour']!r}")
    if "order" in data and (not isinstance(data["order"], int) or isinstance(data["order"], bool)):
        raise SchemaError(f"{origin}: 'presentation.order' must be a whole number, got {data['order']!r}")
    headings = data.get("headings")
    if "headings" in data and (not isinstance(headings, dict) or set(headings) != set(_ROLES)
            or not all(isinstance(h, str) and h.strip() for h in headings.values())):
        raise SchemaError(f"{origin}: 'presentation.headings' must give the report's heading for the subject and "
                          "for the object, e.g. {subject: Backs, object: Backed by}")
    if "phrase" in data and not _phrase_ok(data["phrase"]):
        raise SchemaError(f"{origin}: 'presentation.phrase' must be text naming {{subject}} and {{object}}, e.g. "
                          f"\"from {{subject}} to {{object}}\", got {data['phrase']!r}")
    return dict(data)


def _phrase_ok(phrase: object) -> bool:
    """Text whose only fields are a plain {subject} and {object} (no attributes, formats or
    conversions: the phrase is formatted with names from the data)."""
    if not isinstance(phrase, str):
        return False
    try:
        fields = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(phrase) if f is not None]
    except ValueError:
        return False
    return sorted(f for f, _, _ in fields) == sorted(_ROLES) and not any(spec or conv for _, spec, conv in fields)


def _read(text: str, origin: str) -> object:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise SchemaError(f"{origin}: not valid YAML: {e}") from e


# -- where the vocabulary comes from ------------------------------------------------
_folders: tuple[str, ...] | None = None  # None: ALLEGIANCE_SCHEMA_PATH


def use(folders: Iterable[str | os.PathLike[str]] | None) -> None:
    """Layer these schema folders over the package's from now on (None: ALLEGIANCE_SCHEMA_PATH)."""
    global _folders
    _folders = None if folders is None else tuple(str(f) for f in folders)
    relation_types.cache_clear()
    actor_types.cache_clear()


def schema_folders() -> tuple[str, ...]:
    """The folders in use, in layering order."""
    if _folders is not None:
        return _folders
    return tuple(p for p in os.environ.get(SCHEMA_PATH_ENV, "").split(os.pathsep) if p)


def _folder(path: str) -> Path:
    folder = Path(path)
    if not folder.is_dir():
        raise SchemaError(f"{path}: no such schema folder")
    return folder


def _user_file(path: Path) -> object:
    """A schema folder's file, read as untrusted YAML: a colleague's folder may hold anything."""
    # Imported here: the loaders import the model, and only a schema folder needs their reader.
    from allegiance.loaders.yaml_loader import load_yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise SchemaError(f"{path}: cannot be read as UTF-8 text ({e})") from e
    return load_yaml(text, str(path))


def _user_files(folder: Path) -> Iterator[tuple[str, object]]:
    for entry in sorted(folder.glob("*.yaml")):
        if entry.name != "actor_types.yaml":
            yield str(entry), _user_file(entry)


@cache
def relation_types() -> dict[str, RelationType]:
    """Every declared relation type by name: the package's, then each schema folder's."""
    packaged = resources.files("allegiance.schema").joinpath("relations")
    types: dict[str, RelationType] = {}
    for entry in sorted(packaged.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        origin = f"schema/relations/{entry.name}"
        rtype = _relation_type(_read(entry.read_text(encoding="utf-8"), origin), origin)
        if rtype.name in types:
            raise SchemaError(f"{origin}: relation type {rtype.name!r} is declared twice")
        types[rtype.name] = rtype
    for folder in schema_folders():
        for origin, data in _user_files(_folder(folder)):
            name = data.get("name") if isinstance(data, dict) else None
            base = types.get(name) if isinstance(name, str) else None
            rtype = _relation_type(data, origin, base)
            clash = next((t.name for t in types.values() if t.label == rtype.label and t.name != name), None)
            if clash:
                raise SchemaError(f"{origin}: 'label' {rtype.label!r} is the label of {clash!r}")
            types[rtype.name] = rtype
    return types


def presentation_order() -> list[RelationType]:
    """The relation types in the order the report and the page show them."""
    return sorted(relation_types().values(), key=lambda t: (t.order, t.name))


@cache
def actor_types() -> dict[str, str]:
    """Actor type name -> description: the package's, then each schema folder's."""
    text = resources.files("allegiance.schema").joinpath("actor_types.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise SchemaError("schema/actor_types.yaml: expected a mapping of type name to description")
    types = {str(k): str(v) for k, v in data.items()}
    for folder in schema_folders():
        path = _folder(folder) / "actor_types.yaml"
        if not path.is_file():
            continue
        data = _user_file(path)
        if not isinstance(data, dict):
            raise SchemaError(f"{path}: expected a mapping of type name to description")
        for key, value in data.items():
            if not isinstance(key, str) or not _NAME.match(key) or not isinstance(value, str):
                raise SchemaError(f"{path}: {key!r}: an actor type is a lowercase name (letters and underscores) "
                                  "with a description")
            types[key] = value
    return types
