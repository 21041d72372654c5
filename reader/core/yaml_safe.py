"""Safe, bounded loading of YAML and TOML front matter.

YAML is loaded with a `SafeLoader` subclass that refuses ``!!python/*`` tags (the safe
constructor already does) and bounds aliases and their expanded size, so a "billion laughs"
document fails fast instead of eating memory. libyaml is used when PyYAML has it; a document it
cannot parse is parsed again by the pure-Python loader, whose messages are reported. Problems are
appended to an ``errors`` list, never raised.
"""

from __future__ import annotations

import sys
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

MAX_ALIASES = 100
MAX_EXPANDED_NODES = 50_000


class _AliasLimitError(yaml.YAMLError):
    pass


#: libyaml's parser and composer (C) when PyYAML was built with it, else the pure-Python ones.
#: The constructor is `SafeConstructor` either way: no ``!!python/*`` tag is ever constructed.
HAVE_LIBYAML = bool(getattr(yaml, "__with_libyaml__", False)) and hasattr(yaml, "CSafeLoader")


class PyBoundedSafeLoader(yaml.SafeLoader):
    """The pure-Python SafeLoader, counting aliases while composing (it stops at the limit)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._alias_count = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            self._alias_count += 1
            if self._alias_count > MAX_ALIASES:
                raise _AliasLimitError(f"more than {MAX_ALIASES} YAML aliases")
        return super().compose_node(parent, index)


# plain scalar → its implicit tag: with no path resolvers (none in a SafeLoader) the tag of a
# plain scalar depends on its text alone
_RESOLVED: dict[str, str] = {}

if HAVE_LIBYAML:

    class BoundedSafeLoader(yaml.CSafeLoader):
        """A SafeLoader on libyaml. Its C composer cannot be hooked, so the aliases and the
        expanded size are bounded after composing, by `_check_graph` (libyaml itself refuses
        nesting deeper than 1,000 levels; `_check_graph` refuses more than 200)."""

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            """`Resolver.resolve`, remembering the tags of short plain scalars (``title``,
            ``true``, ``2020-01-02``…), the same in every front matter."""
            if kind is ScalarNode and implicit[0] and not self.yaml_path_resolvers:
                tag = _RESOLVED.get(value)
                if tag is None:
                    tag = super().resolve(kind, value, implicit)
                    if len(value) <= 64 and len(_RESOLVED) < 4096:
                        _RESOLVED[value] = tag
                return tag
            return super().resolve(kind, value, implicit)

else:  # pragma: no cover - PyYAML without libyaml
    BoundedSafeLoader = PyBoundedSafeLoader  # type: ignore[assignment,misc]


def _check_graph(root: Node) -> None:
    """Refuse a composed document with too many aliases, too deep, or too large expanded.

    A composer (libyaml's too) gives an alias as the very node object it names, so every visit
    to a node already seen is one alias: counting them needs no hook in the composer. A
    document without aliases is a tree of at most ``MAX_EXPANDED_NODES`` nodes; one with
    aliases gets the memoised expansion count of `_expanded_size`.
    """
    seen: set[int] = set()
    aliases = 0
    level: list[Node] = [root]
    depth = 0
    while level:
        if depth > 200:
            raise _AliasLimitError("YAML nesting is too deep")
        below: list[Node] = []
        for node in level:
            key = id(node)
            if key in seen:
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise _AliasLimitError(f"more than {MAX_ALIASES} YAML aliases")
                continue
            seen.add(key)
            value = node.value
            if isinstance(value, list):
                if isinstance(node, MappingNode):
                    for k, v in value:
                        below.append(k)
                        below.append(v)
                else:
                    below.extend(value)
        level = below
        depth += 1
    if aliases:
        _expanded_size(root)
    elif len(seen) > MAX_EXPANDED_NODES:
        raise _AliasLimitError("YAML aliases expand to too large a document")


_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
# scalar tags whose `SafeConstructor` method returns the value directly (no generator)
_PLAIN_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("null", "bool", "int", "float", "timestamp")
)


class _NotPlain(Exception):
    """The document needs the full constructor (another tag, a merge key, a complex key)."""


def _construct_plain(loader: Any, root: Node) -> Any:
    """What ``loader.construct_document(root)`` gives, for a plain tree (the common case).

    Plain: no aliases, at most ``MAX_EXPANDED_NODES`` nodes nested at most 200 deep, strings,
    null, booleans, numbers and timestamps (built by the loader's own `SafeConstructor`
    methods), lists and mappings with scalar keys, without ``<<`` merge or ``=`` value keys.
    Anything else raises `_NotPlain`, and `_check_graph` and the general constructor decide.
    Several times faster than they are, which keep per-node state for aliases and recursion.
    """
    seen: set[int] = set()
    constructors = loader.yaml_constructors

    def build(node: Node, depth: int) -> Any:
        key = id(node)
        if key in seen or depth > 200:
            raise _NotPlain  # an alias (the very node again), or deep nesting
        seen.add(key)
        cls = node.__class__
        tag = node.tag
        if cls is ScalarNode:
            if tag == _STR_TAG:
                return node.value
            if tag in _PLAIN_SCALAR_TAGS:
                return constructors[tag](loader, node)
        elif cls is MappingNode:
            if tag == _MAP_TAG:
                out: dict[Any, Any] = {}
                for key_node, value_node in node.value:
                    if key_node.__class__ is not ScalarNode:
                        raise _NotPlain
                    out[build(key_node, depth + 1)] = build(value_node, depth + 1)
                return out
        elif cls is SequenceNode and tag == _SEQ_TAG:
            return [build(child, depth + 1) for child in node.value]
        raise _NotPlain

    data = build(root, 0)
    if len(seen) > MAX_EXPANDED_NODES:
        raise _NotPlain
    return data


def _expanded_size(root: Node) -> int:
    """Node count of ``root`` with every alias expanded; memoised, so linear in the graph."""
    memo: dict[int, int] = {}
    in_progress: set[int] = set()

    def size(node: Node, depth: int) -> int:
        key = id(node)
        if key in memo:
            return memo[key]
        if key in in_progress:
            raise _AliasLimitError("recursive YAML alias")
        if depth > 200:
            raise _AliasLimitError("YAML nesting is too deep")
        in_progress.add(key)
        total = 1
        if isinstance(node, SequenceNode):
            for child in node.value:
                total += size(child, depth + 1)
                if total > MAX_EXPANDED_NODES:
                    break
        elif isinstance(node, MappingNode):
            for k, v in node.value:
                total += size(k, depth + 1) + size(v, depth + 1)
                if total > MAX_EXPANDED_NODES:
                    break
        in_progress.discard(key)
        memo[key] = total
        if total > MAX_EXPANDED_NODES:
            raise _AliasLimitError("YAML aliases expand to too large a document")
        return total

    return size(root, 0)


def load_yaml(raw: str, errors: list[str]) -> Any:
    """Load one YAML document safely; on any problem append an error and return None.

    With libyaml, a document it cannot parse is parsed again by the pure-Python parser, so the
    documents accepted and the error messages are those of the pure-Python loader.
    """
    if BoundedSafeLoader is not PyBoundedSafeLoader:
        result = _load_yaml_with(BoundedSafeLoader, raw, errors, retry=True)
        if result is not _RETRY:
            return result
    return _load_yaml_with(PyBoundedSafeLoader, raw, errors, retry=False)


_RETRY = object()


def _load_yaml_with(cls: Any, raw: str, errors: list[str], *, retry: bool) -> Any:
    loader = cls(raw)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}
        try:
            return _construct_plain(loader, node)
        except Exception:  # not plain, or a bad value: decided below, in the usual order
            pass  # (the limits are checked before any value is built, as always)
        _check_graph(node)
        return loader.construct_document(node)
    except _AliasLimitError as exc:
        errors.append(f"front matter refused: {exc}")
    except yaml.constructor.ConstructorError as exc:
        errors.append(f"front matter refused: {_one_line(str(exc.problem or exc))}")
    except yaml.YAMLError as exc:
        if retry:
            return _RETRY
        errors.append(f"invalid YAML front matter: {_one_line(str(exc))}")
    except (RecursionError, ValueError, TypeError, OverflowError) as exc:
        if retry:
            return _RETRY
        errors.append(f"invalid YAML front matter: {_one_line(str(exc))}")
    finally:
        loader.dispose()
    return None


def load_toml(raw: str, errors: list[str]) -> Any:
    """Load TOML front matter with tomllib; on a syntax error append an error, return None."""
    try:
        return tomllib.loads(raw)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
        errors.append(f"invalid TOML front matter: {_one_line(str(exc))}")
        return None


def _one_line(message: str) -> str:
    return " ".join(message.split())[:300]
