"""Safe YAML reading that keeps where every key came from.

PyYAML's ``SafeLoader`` builds only plain data (no tags, no Python objects). We subclass it so
that every mapping remembers the file and line of each key, which is what lets every
definition error name ``file:line``. Two YAML 1.1 traps are closed on the way: ``yes``/``no``/
``on``/``off`` stay strings (a code ``no`` must not become ``False``), and scalars keep their
raw text so a code written ``01`` is not silently read as the number 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Problem:
    """One definition error, printed as ``file:line: id: message``."""

    file: str
    line: int
    item_id: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.item_id or '-'}: {self.message}"


class QuestionnaireError(ValueError):
    """Raised with every problem found, so an author can fix them all in one go."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


Location = tuple[str, int]


class LocatedDict(dict[str, Any]):
    """A mapping that knows its own location and the location and raw text of each key."""

    where: Location = ("", 0)

    def __init__(self) -> None:
        super().__init__()
        self.locations: dict[str, Location] = {}
        self.raw: dict[str, str] = {}

    def loc(self, key: str) -> Location:
        return self.locations.get(key, self.where)


class LocatedList(list[Any]):
    where: Location = ("", 0)
    item_locations: list[Location]


class _Loader(yaml.SafeLoader):
    filename = ""
    duplicate_keys: list[Problem]


# Only true/false are booleans; yes/no/on/off stay strings.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LocatedDict:
    loader.flatten_mapping(node)
    result = LocatedDict()
    result.where = (loader.filename, node.start_mark.line + 1)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            first = result.locations[key][1]
            loader.duplicate_keys.append(
                Problem(loader.filename, line, None,
                        f"key '{key}' appears twice in one mapping (first on line {first})")
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.locations[key] = (loader.filename, line)
        if isinstance(value_node, yaml.ScalarNode):
            result.raw[key] = value_node.value
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LocatedList:
    result = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    result.where = (loader.filename, node.start_mark.line + 1)
    result.item_locations = [(loader.filename, child.start_mark.line + 1) for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def read_yaml(path: Path, display: str) -> tuple[Any, list[Problem]]:
    """Parse one file; syntax errors come back as problems, never as tracebacks."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [Problem(display, 1, None, f"cannot read file: {error}")]
    loader = _Loader(text)
    loader.filename = display
    loader.duplicate_keys = []
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        what = error.problem or "invalid YAML"
        context = error.context_mark
        if error.context and context is not None and context.line + 1 != line:
            what += f" ({error.context} on line {context.line + 1})"
        return None, [Problem(display, line, None, f"YAML syntax error: {what}")]
    except yaml.YAMLError as error:
        return None, [Problem(display, 1, None, f"YAML error: {error}")]
    finally:
        loader.dispose()
    return data, loader.duplicate_keys
