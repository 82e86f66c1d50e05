"""What quiz knows of the learner's tools, and where it comes from (``quiz tools``): the
deck's own ``tools:``, the bundled tables, the learner's fish completions (read once per
change of the file and cached in the collection), else the generic rule."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from quiz import storage
from quiz.checking import fish
from quiz.checking.invocation import parse_answer, runs
from quiz.checking.knowledge import Source, Tools, bundled_specs, tool_index
from quiz.checking.tables import Command, Option, Tool, ToolTable, parse_tools
from quiz.shapes import CommandJson

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class Known(NamedTuple):
    """One tool, where quiz's knowledge of it comes from, and how much there is."""

    name: str
    source: Source
    where: str  # the deck, the file, or "" for the bundled tables
    commands: int
    options: int


def answer_tools(answer: str, tools: Tools) -> list[str]:
    """The programs a command line runs, in order: each simple command's first word, and
    what a wrapper (sudo) runs."""
    segments, _ = parse_answer(answer, tools)
    names = []
    for segment in segments:
        names += [run.words[0].text for run in runs(segment) if run.words]
    return names


def fish_tables(
    engine: Engine, names: Iterable[str], tools: Tools, environ: Mapping[str, str] = os.environ
) -> ToolTable | None:
    """Tables from the fish completions of those tools that have no other table."""
    dirs = fish.completion_dirs(environ)
    found = {}
    for name in dict.fromkeys(names):
        if tools.get(name) is None:
            data = fish_table(engine, name, fish.find_completion(name, dirs))
            if data is not None:
                found[name] = data
    return parse_tools(found) if found else None


def fish_table(engine: Engine, name: str, path: Path | None) -> dict | None:
    """The table data of one tool's completion file, from the collection's cache unless the
    file changed since it was read."""
    if path is None:
        return None
    try:
        status = path.stat()
    except OSError:
        return None
    stamp = f"{status.st_mtime_ns}:{status.st_size}"
    with engine.connect() as conn:
        found, data = storage.cached_tool_table(conn, name, str(path), stamp)
    if found:
        return data
    try:
        data = fish.table_from_fish(name, path.read_text(encoding="utf-8", errors="replace"))
        if data is not None:
            parse_tools({name: data})  # what the cache holds always parses
    except (OSError, ValueError):
        data = None
    storage.save_tool_table(engine, name, str(path), stamp, data)
    return data


def known_tools(engine: Engine) -> list[Known]:
    """Every tool quiz has a table of: the decks', the bundled ones, and those read from fish
    completions so far (the review reads a tool's completions when a card needs it)."""
    rows: dict[str, Known] = {}
    with engine.connect() as conn:
        fished = storage.cached_tool_names(conn)
        decks = [(row.name, storage.deck_tools(conn, row.id)) for row in storage.select_decks(conn, None)]
    for name, path in fished.items():
        data = fish_table(engine, name, Path(path))
        if data is not None:
            rows[name] = _known(name, "fish", path, parse_tools({name: data}).tools[name])
    bundled = tool_index()
    for name in bundled_specs():
        tool = bundled.get(name)
        assert tool is not None
        rows[name] = _known(name, "bundled", "", tool)
    for deck, data in decks:
        for name, tool in parse_tools(data).tools.items() if data else ():
            rows[name] = _known(name, "deck", deck, tool)
    return sorted(rows.values())


def _known(name: str, source: Source, where: str, tool: Tool) -> Known:
    options = {option for command in (tool.own, *tool.commands.values()) for option in command.options.values()}
    return Known(name, source, where, len(tool.commands), len(options))


def option_lines(command: Command) -> list[str]:
    """Each option of a command as a table writes it: ``-m, --message string``."""
    spellings: dict[Option, list[str]] = {}
    for spelling, option in command.options.items():
        spellings.setdefault(option, []).append(spelling)
    lines = []
    for option, names in spellings.items():
        names.sort(key=lambda s: (s.startswith("--"), s))
        value = option.value_name
        lines.append(", ".join(names) + (f" {value}" if value else ""))
    return sorted(lines, key=lambda line: line.lstrip("-").lower())


def describe_command(engine: Engine, words: tuple[str, ...], environ: Mapping[str, str] = os.environ) -> CommandJson:
    """What quiz knows of ``words`` (a tool, or a tool and a command path); LookupError
    names a command the table does not have."""
    with engine.connect() as conn:
        decks = [(row.name, storage.deck_tools(conn, row.id)) for row in storage.select_decks(conn, None)]
    deck_tables = tuple(parse_tools(data) for _, data in decks if data)
    name, path = words[0], tuple(words[1:])
    tools = tool_index(deck_tables)
    tool, source, where = tools.get(name), tools.source(name), ""
    if source == "deck":
        where = ", ".join(deck for deck, data in decks if data and name in data)
    if tool is None:
        completion = fish.find_completion(name, fish.completion_dirs(environ))
        data = fish_table(engine, name, completion)
        if data is not None:
            tool, source, where = parse_tools({name: data}).tools[name], "fish", str(completion)
    shown: CommandJson = {
        "tool": name,
        "command": list(path),
        "source": source,
        "from": where,
        "aliases": [],
        "options_where": "anywhere",
        "options": [],
        "global_options": [],
        "commands": [],
        "notes": [],
    }
    if tool is None:
        return shown
    if not path:
        shown["options"] = option_lines(tool.own)
        shown["commands"] = sorted(" ".join(p) for p in tool.commands)
        shown["options_where"] = _where(tool.own)
        shown["notes"] = _notes(tool, tool.own)
        return shown
    canonical = tool.aliases.get(path, path)
    if canonical not in tool.commands:
        raise LookupError(f'{name}: no command "{" ".join(path)}" in {SOURCE_NAMES[source]} (quiz tools show {name})')
    command = tool.command(canonical)
    shown["command"] = list(canonical)
    shown["aliases"] = sorted([list(alias) for alias, target in tool.aliases.items() if target == canonical])
    shown["options_where"] = _where(command)
    shown["options"] = option_lines(command)
    if not tool.options_everywhere:
        shown["global_options"] = option_lines(tool.own)
    shown["notes"] = _notes(tool, command)
    return shown


def _notes(tool: Tool, command: Command) -> list[str]:
    """How the tool reads its line, beyond its options."""
    notes = []
    if tool.wrapper:
        notes.append("after its options comes another command, read with that command's table")
    if tool.old_style:
        notes.append("a first word without a dash is a cluster of short options (tar xzf = tar -x -z -f)")
    if tool.options_everywhere:
        notes.append("its own options may also come after the command")
    if not tool.equals:
        notes.append("--opt=value is not read: write --opt value")
    if command.dash_value is not None:
        notes.append(f"-NUMBER (or -NAME) is {command.dash_value.name} NUMBER")
    if command.images != "none":
        notes.append(f"image references in full: ubuntu = docker.io/library/ubuntu:latest ({command.images} argument)")
    for (name, value), meaning in command.same.items():
        said = " ".join(word for word in meaning or () if word) or "the default, as if left out"
        notes.append(f"{name}{' ' + value if value else ''} is {said}")
    for name, turned_on in command.implies.items():
        notes.append(f"{name} implies {', '.join(sorted(turned_on))} (given or not)")
    if command.incidental:
        notes.append(f"an answer may add {', '.join(sorted(command.incidental))}")
    if command.synonyms:
        pairs = sorted(command.synonyms.items(), key=lambda pair: (pair[1], pair[0]))
        notes.append("the same words: " + ", ".join(f"{word} = {canonical}" for word, canonical in pairs[:12]))
        if len(pairs) > 12:
            notes[-1] += f" (and {len(pairs) - 12} more)"
    return notes


SOURCE_NAMES = {"deck": "the deck's table", "bundled": "the bundled table", "fish": "its fish completions"}


def _where(command: Command) -> str | int:
    return {0: "anywhere", 1: "first"}.get(command.options_first, command.options_first)
