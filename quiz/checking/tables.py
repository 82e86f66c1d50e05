"""Command tables: which options each command of a tool takes, and its aliases.

The format is that of ``docker.yaml`` beside this file (its header describes it);
a deck may declare tables for its own tools in the same format. Every ``*.yaml``
here is bundled, read once on first use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Option:
    name: str  # canonical spelling: the first long one, else the short one
    takes_value: bool


@dataclass(frozen=True)
class Command:
    options: Mapping[str, Option]  # every spelling -> its option
    options_first: bool = False  # options end at the first argument


@dataclass(frozen=True)
class Tool:
    own: Command  # global options if the tool has commands, else all its options
    commands: Mapping[tuple[str, ...], Command]  # canonical path -> command
    aliases: Mapping[tuple[str, ...], tuple[str, ...]]  # alias path -> canonical path
    wrapper: bool = False  # its options are followed by another command (sudo)
    longest_path: int = 1  # words in its longest command path or alias


@dataclass(frozen=True, eq=False)  # compared by identity, so it can key a cache
class ToolTable:
    tools: Mapping[str, Tool]


_TOOL_KEYS = ("commands", "options", "options_first", "wrapper")
_COMMAND_KEYS = ("aliases", "options", "options_first")
_SPELLING = re.compile(r"-[^\s-]|--[^\s=-][^\s=]*")


def parse_tools(data: object) -> ToolTable:
    """Build a tool table from parsed YAML (the format of ``quiz/checking/command_tables/docker.yaml``).

    Raises ``ValueError`` naming every bad entry, e.g.
    ``docker ps: options[2] "-f, --filter a b": more than one value name``.
    """
    if not isinstance(data, Mapping):
        raise ValueError(f"a tool table maps tool names to tools, not {_kind(data)}")
    errors: list[str] = []
    tools = {}
    for name, spec in data.items():
        if not isinstance(name, str) or not name or len(name.split()) != 1:
            errors.append(f"{name!r}: a tool name is one word")
            continue
        tools[name] = _parse_tool(name, spec, errors)
    if errors:
        raise ValueError("; ".join(errors))
    return ToolTable(tools)


def _parse_tool(name: str, spec: object, errors: list[str]) -> Tool:
    spec = _mapping(spec, name, _TOOL_KEYS, errors)
    wrapper = _boolean(spec, "wrapper", name, errors)
    listed = spec.get("commands") or {}
    if not isinstance(listed, Mapping):
        errors.append(f"{name}: commands must map command paths to commands, not {_kind(listed)}")
        listed = {}
    if wrapper and listed:
        errors.append(f"{name}: a wrapper runs another command, it cannot have commands")
    paths = {path_text: _path(path_text, name, errors) for path_text in listed}
    commands, aliases = {}, {}
    for path_text, command_spec in listed.items():
        where = f"{name} {path_text}"
        command_spec = _mapping(command_spec, where, _COMMAND_KEYS, errors)
        commands[paths[path_text]] = _parse_command(command_spec, where, errors)
        for alias_text in _strings(command_spec.get("aliases"), f"{where}: aliases", errors):
            alias = _path(alias_text, where, errors)
            if alias in aliases or alias in paths.values():
                errors.append(f'{where}: alias "{alias_text}" is already a command or an alias')
            aliases[alias] = paths[path_text]
    longest = max(map(len, (*commands, *aliases)), default=1)
    return Tool(_parse_command(spec, name, errors), commands, aliases, wrapper, longest)


def _parse_command(spec: Mapping, where: str, errors: list[str]) -> Command:
    by_spelling: dict[str, Option] = {}
    for n, entry in enumerate(_strings(spec.get("options"), f"{where}: options", errors)):
        label = f'{where}: options[{n}] "{entry}"'
        words = entry.replace(",", " ").split()
        spellings = [word for word in words if word.startswith("-")]
        values = words[len(spellings) :]
        bad = [word for word in spellings if not _SPELLING.fullmatch(word)]
        if bad:
            errors.append(f"{label}: {', '.join(bad)} is not an option spelling (-x or --name)")
        elif not spellings or words[: len(spellings)] != spellings:
            errors.append(f"{label}: expected the option's spellings, then its value's name")
        elif len(values) > 1:
            errors.append(f"{label}: more than one value name")
        else:
            option = Option(next((s for s in spellings if s.startswith("--")), spellings[0]), bool(values))
            for spelling in spellings:
                if spelling in by_spelling:
                    errors.append(f"{label}: {spelling} is already an option")
                by_spelling[spelling] = option
    return Command(by_spelling, _boolean(spec, "options_first", where, errors))


def _mapping(spec: object, where: str, keys: tuple[str, ...], errors: list[str]) -> Mapping:
    if spec is None:
        return {}
    if not isinstance(spec, Mapping):
        errors.append(f"{where}: expected a mapping with keys {', '.join(keys)}, not {_kind(spec)}")
        return {}
    for key in spec:
        if key not in keys:
            errors.append(f'{where}: unknown key "{key}" (expected one of {", ".join(keys)})')
    return spec


def _strings(value: object, where: str, errors: list[str]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        errors.append(f"{where}: expected a list of strings, not {value!r}")
        return []
    return value


def _boolean(spec: Mapping, key: str, where: str, errors: list[str]) -> bool:
    value = spec.get(key, False)
    if not isinstance(value, bool):
        errors.append(f"{where}: {key} must be true or false, not {value!r}")
    return value is True


def _path(text: object, where: str, errors: list[str]) -> tuple[str, ...]:
    path = tuple(text.split()) if isinstance(text, str) else ()
    if not path or any(word.startswith("-") for word in path):
        errors.append(f'{where}: {text!r} is not a command path (words such as "volume ls")')
    return path


def _kind(value: object) -> str:
    return "nothing" if value is None else f"a {type(value).__name__}"


@cache
def bundled_tables() -> tuple[ToolTable, ...]:
    from quiz.plumbing.yamlread import load  # PyYAML only once a table is needed, not to show a card

    tables = []
    for path in sorted((Path(__file__).parent / "command_tables").glob("*.yaml")):
        try:
            tables.append(parse_tools(load(path.read_text(encoding="utf-8"))))
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from None
    return tuple(tables)


@lru_cache(maxsize=64)
def tool_index(extra: tuple[ToolTable, ...]) -> Mapping[str, Tool]:
    """The bundled tools with the given tables merged over them, command by command.

    A later table's command, alias or option replaces an earlier one of the same name.
    """
    index: dict[str, Tool] = {}
    for table in bundled_tables() + extra:
        for name, tool in table.tools.items():
            base = index.get(name)
            index[name] = (
                tool
                if base is None
                else Tool(
                    Command({**base.own.options, **tool.own.options}, tool.own.options_first or base.own.options_first),
                    {**base.commands, **tool.commands},
                    {**{a: p for a, p in base.aliases.items() if a not in tool.commands}, **tool.aliases},
                    tool.wrapper or base.wrapper,
                    max(tool.longest_path, base.longest_path),
                )
            )
    return index


def as_tables(tools: ToolTable | Iterable[ToolTable] | None) -> tuple[ToolTable, ...]:
    if tools is None:
        return ()
    return (tools,) if isinstance(tools, ToolTable) else tuple(tools)
