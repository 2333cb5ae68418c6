"""YAML input: safe loading (no Python tags), YAML 1.2 scalars, size and depth limits, and the line of every key and item."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..errors import Problem, ProfileError
from .source import MAX_DEPTH, MAX_NODES, FieldPath, Source

SUFFIXES = (".yaml", ".yml")


class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # LibYAML parses ten times faster
    """A safe loader that reads plain scalars as a person means them (YAML 1.2's core schema, not 1.1's).

    YAML 1.1 reads `country: NO` as false, `start: 10:30` as the number 630 and `first_month: 010`
    as octal 8. Here only `true`/`false` are booleans, only `null`/`~`/nothing is null, only
    decimal numbers without a leading zero are numbers, and nothing is a date: everything else stays
    text, and the profile's models turn text into the type each field needs (`010` into 10 for a
    month, an ISO date into a date, reporting a date that cannot exist with its field and line).
    """

    yaml_implicit_resolvers: dict = {}

    def construct_object(self, node, deep=False):
        # A value the constructors cannot build (an explicit `!!timestamp 2027-02-30`) is a YAML error with its line.
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(None, None, f"cannot read the value: {exc}", node.start_mark) from None


def _int(loader: Loader, node: yaml.Node) -> int:
    return int(loader.construct_scalar(node))


for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:null", r"~|null|Null|NULL|", "~nN"),
    ("tag:yaml.org,2002:bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("tag:yaml.org,2002:int", r"[-+]?(?:0|[1-9][0-9]*)", "-+0123456789"),
    ("tag:yaml.org,2002:float", r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
     "-+.0123456789"),
    ("tag:yaml.org,2002:merge", r"<<", "<"),
):
    Loader.add_implicit_resolver(_tag, re.compile(rf"^(?:{_pattern})$"), [*_first, ""] if _tag.endswith("null") else list(_first))
Loader.add_constructor("tag:yaml.org,2002:int", _int)


def read(path: Path, text: str) -> Source:
    """Parse YAML safely, remembering the line of every key and item."""
    loader = None
    try:
        loader = Loader(text)  # already reads the text: a NUL byte fails here
        node = loader.get_single_node()
        lines, problems = _node_lines(path, node)  # before constructing: it enforces the size limits
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = exc.problem or exc.context or "cannot parse"
        raise ProfileError([Problem(path, f"malformed YAML: {reason}", line=line)]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, such as NUL
        line = text.count("\n", 0, exc.position) + 1
        raise ProfileError([Problem(path, f"malformed YAML: character {chr(exc.character)!r} is not allowed",
                                    line=line)]) from None
    except yaml.YAMLError as exc:
        raise ProfileError([Problem(path, f"malformed YAML: {exc}")]) from None
    except RecursionError:
        raise ProfileError([Problem(path, f"YAML nested too deeply (more than {MAX_DEPTH} levels)")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    return Source(path, data, lines, problems)


def dotted(at: FieldPath) -> str:
    """A field path as messages print it: `signatories.vendor[0].signed`."""
    text = ""
    for part in at:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _node_lines(path: Path, root: yaml.Node | None) -> tuple[dict[FieldPath, int], list[Problem]]:
    """The line of every key and item, duplicate keys, and the size limits."""
    lines: dict[FieldPath, int] = {}
    problems: list[Problem] = []
    count = 0

    def walk(node: yaml.Node, at: FieldPath) -> None:
        nonlocal count
        count += 1
        if count > MAX_NODES:
            raise ProfileError([Problem(path, f"YAML too large: more than {MAX_NODES} values once aliases are "
                                              f"expanded", line=node.start_mark.line + 1)])
        if len(at) > MAX_DEPTH:
            raise ProfileError([Problem(path, f"YAML nested too deeply (more than {MAX_DEPTH} levels)",
                                        line=node.start_mark.line + 1)])
        lines.setdefault(at, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):  # `{[a]: 1}` is YAML, but no profile key
                    raise ProfileError([Problem(path, "malformed YAML: a key must be plain text, not a list or "
                                                      "mapping", dotted(at), key_node.start_mark.line + 1)])
                key = key_node.value
                if key in seen:
                    problems.append(Problem(path, "duplicate key", dotted(at + (key,)), key_node.start_mark.line + 1))
                seen.add(key)
                lines[at + (key,)] = key_node.start_mark.line + 1
                walk(value_node, at + (key,))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, at + (index,))

    if root is not None:
        walk(root, ())
    return lines, problems
