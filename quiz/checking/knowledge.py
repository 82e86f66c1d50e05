"""What quiz knows of each tool, in layers, most trusted first: the deck's own ``tools:``,
the bundled command tables, the learner's fish completions (``fish.py``, looked up by the
caller), and for any other tool the generic rule of ``invocation.py``.

The bundled tables are written in YAML (``command_tables/*.yaml``, one file per tool) and
shipped compiled to one JSON file, read on the first comparison: importing PyYAML alone
costs more than the 20 ms the first comparison may spend (``benchmarks/bench_checking.py``,
"load bundled tables"). Each tool is parsed only when an answer names it.
``python -m quiz.checking.knowledge`` compiles the JSON again; a test checks it is current.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

from quiz.checking.tables import Command, Tool, ToolTable, parse_tool

TABLES_DIR = Path(__file__).parent / "command_tables"
COMPILED = Path(__file__).parent / "command_tables.json"

Source = Literal["deck", "bundled", "fish", "generic"]


@cache
def bundled_specs() -> Mapping[str, object]:
    """tool name -> its table as parsed from YAML, for every bundled tool."""
    with COMPILED.open(encoding="utf-8") as file:
        return json.load(file)


@cache
def bundled_tool(name: str) -> Tool | None:
    spec = bundled_specs().get(name)
    if spec is None:
        return None
    errors: list[str] = []
    tool = parse_tool(name, spec, errors, lazy=True)
    if errors:
        raise ValueError(f"{TABLES_DIR / (name + '.yaml')}: {'; '.join(errors)}")
    return tool


def merge(base: Tool, over: Tool) -> Tool:
    """``over`` (a deck's table) merged over ``base``: its commands and aliases are added,
    and a command both have keeps the base's options with the deck's added or replacing
    those of the same spelling (a deck naming two options of git commit keeps the rest)."""
    commands = dict(base.commands)
    for path, command in over.commands.items():
        commands[path] = _merged(commands[path], command) if path in commands else command
    return Tool(
        _merged(base.own, over.own),
        commands,
        {**{a: p for a, p in base.aliases.items() if a not in over.commands}, **over.aliases},
        over.wrapper or base.wrapper,
        over.old_style or base.old_style,
        over.options_everywhere or base.options_everywhere,
        over.equals and base.equals,
        max(over.longest_path, base.longest_path),
    )


def _merged(base: Command, over: Command) -> Command:
    return Command(
        {**base.options, **over.options},
        over.options_first or base.options_first,
        over.dash_value or base.dash_value,
        {**base.synonyms, **over.synonyms},
        over.images if over.images != "none" else base.images,
        {**base.same, **over.same},
        {**base.implies, **over.implies},
        base.incidental | over.incidental,
    )


class Tools:
    """The tools an answer is read with: bundled ones, with the given tables merged over
    them command by command (a later table's command, alias or option wins)."""

    def __init__(self, extra: tuple[ToolTable, ...] = ()) -> None:
        self.extra = extra
        self.found: dict[str, Tool | None] = {}

    def get(self, name: str) -> Tool | None:
        if name in self.found:
            return self.found[name]
        tool = bundled_tool(name)
        for table in self.extra:
            over = table.tools.get(name)
            if over is not None:
                tool = over if tool is None else merge(tool, over)
        self.found[name] = tool
        return tool

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def source(self, name: str) -> Source:
        if any(name in table.tools for table in self.extra):
            return "deck"
        return "bundled" if name in bundled_specs() else "generic"


@lru_cache(maxsize=64)
def tool_index(extra: tuple[ToolTable, ...] = ()) -> Tools:
    return Tools(extra)


def as_tables(tools: ToolTable | Iterable[ToolTable] | None) -> tuple[ToolTable, ...]:
    if tools is None:
        return ()
    return (tools,) if isinstance(tools, ToolTable) else tuple(tools)


def compile_tables() -> dict[str, object]:
    """Every bundled YAML table, checked, as one mapping (what COMPILED holds)."""
    from quiz.checking.tables import parse_tools
    from quiz.plumbing.yamlread import load

    specs: dict[str, object] = {}
    for path in sorted(TABLES_DIR.glob("*.yaml")):
        data = load(path.read_text(encoding="utf-8"))
        try:
            tools = parse_tools(data).tools
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from None
        if list(tools) != [path.stem]:
            raise ValueError(f"{path}: holds {', '.join(tools) or 'no tool'}; a file holds the tool it is named for")
        assert isinstance(data, dict)
        specs.update(data)
    return specs


def compiled_text(specs: Mapping[str, object]) -> str:
    return json.dumps(specs, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


if __name__ == "__main__":
    from quiz.plumbing.files import replacing

    with replacing(COMPILED) as (out, _):
        out.write(compiled_text(compile_tables()).encode("utf-8"))
    print(f"wrote {COMPILED}")
