"""YAML read strictly, for bundles and CAMEO mapping files.

A safe loader that:
- reads only true/false as booleans (YAML 1.1's on/off/yes/no would turn the field ``on:``
  into True) and keeps dates as the text written (``2020-05`` and ``2020-05-21`` alike, so
  that the bundle's own date rules judge them and their precision is kept; YAML 1.1's
  timestamps made ``2020-13-45`` a Python error);
- refuses a key given twice in one mapping (the last one silently won), lists and
  mappings nested deeper than ``MAX_DEPTH``, aliases that stand for more than
  ``MAX_ALIASED`` values in all, and integers of more than ``MAX_DIGITS`` characters;
- gives each mapping the line it starts on (``_LineDict.line``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import IO, Any, Protocol, cast

import yaml
from yaml.events import AliasEvent, MappingStartEvent, SequenceStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from allegiance.exc import InputError
from allegiance.loaders.untrusted import MAX_ALIASED, MAX_DEPTH, MAX_DIGITS, field_name, shown

_MERGE = "tag:yaml.org,2002:merge"


class _Mark(Protocol):
    """Where in the text: a mark of PyYAML's Python parser or of libyaml's."""

    line: int
    column: int


class Refused(yaml.YAMLError):
    """Valid YAML that this loader will not read, at ``mark``."""

    def __init__(self, message: str, mark: _Mark | None, field: object = None):
        super().__init__(message)
        self.message, self.mark, self.field = message, mark, field


class _LineDict(dict):
    line: int | None = None


def _where(mark: _Mark) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}"


class StrictLoader(yaml.SafeLoader):
    """See the module docstring."""

    def __init__(self, stream: IO[str] | str):
        super().__init__(stream)
        self._depth = 0
        self._open: set[str] = set()  # anchors of the collections being composed
        self._aliased = 0
        self._sizes: dict[int, int] = {}  # id(node) -> values it stands for, for aliased nodes
        self._checked: set[int] = set()  # mappings whose keys were checked

    # -- composing: nesting and aliases ------------------------------------------------
    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            if event.anchor in self._open:
                raise Refused(f"the alias *{event.anchor} is inside the value it names (a value with no end)",
                              event.start_mark)
            # An alias composes to the node its anchor named (Composer.compose_node), never to None.
            node = cast(Node, super().compose_node(parent, index))
            self._aliased += self._size(node)
            if self._aliased > MAX_ALIASED:
                raise Refused(f"aliases (*name) stand for more than {MAX_ALIASED:,} values in all; "
                              "write the values out, or use fewer aliases", event.start_mark)
            return node
        if not isinstance(event, (SequenceStartEvent, MappingStartEvent)):
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise Refused(f"lists and mappings nested more than {MAX_DEPTH} levels deep", event.start_mark)
        if event.anchor is not None:
            self._open.add(event.anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1
            self._open.discard(event.anchor)

    def _size(self, node: Node) -> int:
        """The values ``node`` stands for, itself included; nodes are shared, so memoised."""
        if isinstance(node, ScalarNode):
            return 1
        size = self._sizes.get(id(node))
        if size is None:
            children = node.value if isinstance(node, SequenceNode) else [n for pair in node.value for n in pair]
            size = self._sizes[id(node)] = 1 + sum(self._size(child) for child in children)
        return size

    # -- constructing: keys given twice ------------------------------------------------
    def flatten_mapping(self, node: MappingNode) -> None:
        # Checked before merging (<<) rewrites node.value: a merged key may be overridden.
        if id(node) not in self._checked:
            self._checked.add(id(node))
            first: dict[Any, yaml.Mark] = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, ScalarNode) or key_node.tag == _MERGE:
                    continue
                key = self.construct_object(key_node)
                try:
                    seen = first.get(key)
                except TypeError:  # unhashable: construct_mapping says so
                    continue
                if seen is not None:
                    raise Refused(f"duplicate key in one mapping (first at {_where(seen)})", key_node.start_mark,
                                  field=key)
                first[key] = key_node.start_mark
        super().flatten_mapping(node)


    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        try:
            return super().construct_mapping(node, deep=deep)
        except Refused as e:
            # a scalar refused ("!!int abc") knows its mark, not its key: the pair tells
            if e.field is None:
                e.field = next((k.value for k, v in node.value if v.start_mark is e.mark and isinstance(k, ScalarNode)),
                               None)
            raise


def _construct_map(loader: StrictLoader, node: MappingNode) -> Iterator[_LineDict]:
    data = _LineDict()
    data.line = node.start_mark.line + 1
    yield data
    data.update(loader.construct_mapping(node))


def _checked(construct: Callable[[yaml.SafeLoader, ScalarNode], Any], what: str):
    """A scalar constructor that refuses what it cannot read instead of raising Python's
    errors: an explicit ``!!int abc``, ``!!bool maybe``, or 5,000 digits."""

    def construct_checked(loader: StrictLoader, node: ScalarNode) -> Any:
        if len(node.value) > MAX_DIGITS:
            raise Refused(f"a number of {len(node.value):,} characters; at most {MAX_DIGITS} are read",
                          node.start_mark)
        try:
            return construct(loader, node)
        except (ValueError, IndexError, KeyError, OverflowError):
            raise Refused(f"expected {what}, got {shown(node.value)}", node.start_mark) from None

    return construct_checked


StrictLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
StrictLoader.add_constructor("tag:yaml.org,2002:int", _checked(yaml.SafeLoader.construct_yaml_int, "a whole number"))
StrictLoader.add_constructor("tag:yaml.org,2002:float", _checked(yaml.SafeLoader.construct_yaml_float, "a number"))
StrictLoader.add_constructor("tag:yaml.org,2002:bool", _checked(yaml.SafeLoader.construct_yaml_bool, "true or false"))
# An explicit !!timestamp stays text too. (types-PyYAML wants a loader as a constructor's first
# argument, though PyYAML registers its own SafeConstructor methods the same way.)
StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)  # type: ignore[type-var]
StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_yaml(stream: IO[str] | str, name: str) -> Any:
    """The document in ``stream``; ``InputError`` naming ``name`` and the line if it is bad."""
    try:
        return yaml.load(stream, Loader=StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except Refused as e:
        field = None if e.field is None else field_name(e.field)
        where = _where(e.mark) if e.mark is not None else None
        raise InputError(e.message, file=name, record=where, field=field) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        where = _where(mark) if mark else None
        raise InputError(f"not valid YAML: {e.problem}", file=name, record=where) from None
    except yaml.YAMLError as e:
        raise InputError(f"not valid YAML: {e}", file=name) from None
