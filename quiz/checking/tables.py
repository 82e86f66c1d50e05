"""Command tables: which options each command of a tool takes, its aliases, and how it
reads its command line. The format is described in ``command_tables/README.md``; a deck
may declare tables for its own tools in the same format (``tools:``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

from quiz.i18n import _, pgettext  # stdlib only; called only for a table's problems

Images = Literal["none", "first", "all"]


@dataclass(frozen=True)
class Option:
    name: str  # canonical spelling: the first long one, else the first one
    takes_value: bool
    optional: bool = False  # the value only attached: -i.bak, --color=auto (never the next word)
    value_name: str = ""  # as the table names it: "string", "[SUFFIX]"

    @property
    def image(self) -> bool:  # a value named image is an image reference (docker build -t app)
        return self.value_name == "image"


@dataclass(frozen=True)
class Command:
    options: Mapping[str, Option]  # every spelling -> its option
    options_first: int = 0  # options end at this argument (1: the first); 0: they go anywhere
    dash_value: Option | None = None  # -5 / -KILL is this option with that value
    synonyms: Mapping[str, str] = field(default_factory=dict)  # word -> canonical word
    images: Images = "none"  # which arguments are image references
    # an option as given (name, value) -> what it means: another option, or None (a default)
    same: Mapping[tuple[str, str | None], tuple[str, str | None] | None] = field(default_factory=dict)
    implies: Mapping[str, frozenset[str]] = field(default_factory=dict)  # name -> the names it turns on
    incidental: frozenset[str] = frozenset()  # names an answer may add: how it shows, not what it does


@dataclass(frozen=True, eq=False)  # compared by identity: it keys caches
class Tool:
    own: Command  # global options if the tool has commands, else all its options
    commands: Mapping[tuple[str, ...], Command]  # canonical path -> command
    aliases: Mapping[tuple[str, ...], tuple[str, ...]]  # alias path -> canonical path
    wrapper: bool = False  # its options are followed by another command (sudo)
    old_style: bool = False  # a first word without a dash is a cluster of short options (tar xzf)
    options_everywhere: bool = False  # its own options are valid after the command too
    equals: bool = True  # --opt=value is read (curl reads only --opt value)
    longest_path: int = 1  # words in its longest command path or alias
    _effective: dict[tuple[str, ...], Command] = field(default_factory=dict, repr=False)

    def command(self, path: tuple[str, ...]) -> Command:
        """The command as the parser reads it: the tool's synonyms, dash_value and (with
        options_everywhere) options under its own."""
        found = self._effective.get(path)
        if found is None:
            own, spec = self.own, self.commands[path]
            options = {**own.options, **spec.options} if self.options_everywhere else spec.options
            found = Command(
                options,
                spec.options_first,
                spec.dash_value or own.dash_value,
                {**own.synonyms, **spec.synonyms},
                spec.images,
                spec.same,
                spec.implies,
                spec.incidental,
            )
            self._effective[path] = found
        return found


@dataclass(frozen=True, eq=False)
class ToolTable:
    tools: Mapping[str, Tool]


_MEANING_KEYS = ("same", "implies", "incidental")
_TOOL_KEYS = (
    "commands",
    "options",
    "options_first",
    "options_everywhere",
    "equals",
    "wrapper",
    "old_style",
    "dash_value",
    "synonyms",
    "images",
    *_MEANING_KEYS,
)
_COMMAND_KEYS = ("aliases", "options", "options_first", "dash_value", "synonyms", "images", *_MEANING_KEYS)
_SPELLING = re.compile(r"--?[^\s=,-][^\s=,]*")
_ENTRY = re.compile(rf"\s*({_SPELLING.pattern}(?:[\s,]+{_SPELLING.pattern})*)(?:[\s,]+([^\s,-][^\s,]*))?[\s,]*")
_SEPARATOR = re.compile(r"[\s,]+")
_IMAGES = ("none", "first", "all")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # a table's words reach the terminal (quiz tools show)


def parse_tools(data: object) -> ToolTable:
    """Build a tool table from parsed YAML (the format of ``command_tables/README.md``).

    Raises ``ValueError`` naming every bad entry, e.g.
    ``docker ps: options[2] "-f, --filter a b": more than one value name``.
    """
    if not isinstance(data, Mapping):
        raise ValueError(_("a tool table maps tool names to tools, not {kind}").format(kind=_kind(data)))
    errors: list[str] = []
    tools = {}
    for name, spec in data.items():
        if not isinstance(name, str) or not name or len(name.split()) != 1 or CONTROL.search(name):
            errors.append(_("{name}: a tool name is one word").format(name=repr(name)))
            continue
        tools[name] = parse_tool(name, spec, errors)
    if errors:
        raise ValueError(_together(errors))
    return ToolTable(tools)


class _Commands(Mapping[tuple[str, ...], Command]):
    """A tool's commands, each parsed on first use: the bundled git table has 90 commands
    and 1,900 options, and an answer needs one of them (first compare of a git command:
    see benchmarks/bench_checking.py). The bundled tables are checked whole when compiled."""

    def __init__(self, specs: Mapping[tuple[str, ...], tuple[str, Mapping]], own: Command) -> None:
        self.specs, self.own = specs, own
        self.parsed: dict[tuple[str, ...], Command] = {}

    def __getitem__(self, path: tuple[str, ...]) -> Command:
        command = self.parsed.get(path)
        if command is None:
            where, spec = self.specs[path]
            errors: list[str] = []
            command = self.parsed[path] = _parse_command(spec, where, errors, self.own)
            if errors:
                raise ValueError(_together(errors))
        return command

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        return iter(self.specs)

    def __len__(self) -> int:
        return len(self.specs)

    def __contains__(self, path: object) -> bool:
        return path in self.specs


def parse_tool(name: str, spec: object, errors: list[str], lazy: bool = False) -> Tool:
    """One tool of a table; its problems are appended to ``errors``. ``lazy``: its commands'
    options are parsed (and checked) when first used."""
    spec = _mapping(spec, name, _TOOL_KEYS, errors)
    wrapper = _boolean(spec, "wrapper", name, errors)
    listed = spec.get("commands") or {}
    if not isinstance(listed, Mapping):
        message = _("{where}: commands must map command paths to commands, not {kind}")
        errors.append(message.format(where=name, kind=_kind(listed)))
        listed = {}
    if wrapper and listed:
        errors.append(_("{where}: a wrapper runs another command, it cannot have commands").format(where=name))
    own = _parse_command(spec, name, errors)
    paths = {path_text: _path(path_text, name, errors) for path_text in listed}
    specs, aliases = {}, {}
    command_paths = set(paths.values())  # looked up once per alias: a set, or a huge table is quadratic
    for path_text, command_spec in listed.items():
        where = f"{name} {path_text}"
        command_spec = _mapping(command_spec, where, _COMMAND_KEYS, errors)
        specs[paths[path_text]] = (where, command_spec)
        for alias_text in _strings(command_spec.get("aliases"), f"{where}: aliases", errors):
            alias = _path(alias_text, where, errors)
            if alias in aliases or alias in command_paths:
                message = _('{where}: alias "{alias}" is already a command or an alias')
                errors.append(message.format(where=where, alias=alias_text))
            aliases[alias] = paths[path_text]
    commands = _Commands(specs, own)
    if not lazy:
        for path in specs:
            where, command_spec = specs[path]
            commands.parsed[path] = _parse_command(command_spec, where, errors, own)
    return Tool(
        own,
        commands,
        aliases,
        wrapper,
        _boolean(spec, "old_style", name, errors),
        _boolean(spec, "options_everywhere", name, errors),
        _boolean(spec, "equals", name, errors, default=True),
        max(map(len, (*commands, *aliases)), default=1),
    )


def _parse_command(spec: Mapping, where: str, errors: list[str], tool: Command | None = None) -> Command:
    by_spelling: dict[str, Option] = {}
    for n, entry in enumerate(_strings(spec.get("options"), f"{where}: options", errors)):
        match = _ENTRY.fullmatch(entry)  # one regex for a good entry: git's table parses in half the time
        if match is None:
            _bad_entry(f'{where}: options[{n}] "{entry}"', entry, errors)
            continue
        spellings, value = _SEPARATOR.split(match[1]), match[2] or ""
        optional = value.startswith("[") and value.endswith("]")
        canonical = next((s for s in spellings if s.startswith("--")), spellings[0])
        option = Option(canonical, bool(value), optional, value)
        for spelling in spellings:
            if spelling in by_spelling:
                message = _("{where}: {spelling} is already an option")
                errors.append(message.format(where=f'{where}: options[{n}] "{entry}"', spelling=spelling))
            by_spelling[spelling] = option
    images = spec.get("images", "none")
    if images not in _IMAGES:
        message = _("{where}: images must be one of {choices}, not {value}")
        errors.append(message.format(where=where, choices=", ".join(_IMAGES), value=repr(images)))
        images = "none"
    return Command(
        by_spelling,
        _options_first(spec, where, errors),
        _dash_value(spec, by_spelling, tool, where, errors),
        _synonyms(spec.get("synonyms"), where, errors),
        images,
        *_meanings(spec, by_spelling, where, errors),
    )


def _meanings(spec: Mapping, options: Mapping[str, Option], where: str, errors: list[str]) -> tuple:
    """The command's ``same``, ``implies`` and ``incidental``, in its options' canonical names."""

    def given(text: object, label: str, bare: bool = False) -> tuple[str, str | None] | None:
        """An option named by one of its spellings; with its value if it takes one, unless ``bare``."""
        words = text.split() if isinstance(text, str) else []
        option = options.get(words[0]) if words else None
        if option is None or len(words) != 1 + (option.takes_value and not bare):
            message = _("{where}: {value} is not one of its options, with a value if it takes one")
            errors.append(message.format(where=f"{where}: {label}", value=repr(text)))
            return None
        return option.name, words[1] if len(words) == 2 else None

    same: dict[tuple[str, str | None], tuple[str, str | None] | None] = {}
    for key, meaning in _mapping_of(spec, "same", where, errors).items():
        read = given(key, "same")
        if read is not None:
            same[read] = None if meaning in ("", None) else given(meaning, "same")
    implies = {}
    for key, names in _mapping_of(spec, "implies", where, errors).items():
        read = given(key, "implies", bare=True)
        turned_on = [given(name, "implies", bare=True) for name in _strings(names, f"{where}: implies", errors)]
        if read is not None:
            implies[read[0]] = frozenset(name[0] for name in turned_on if name is not None)
    listed = _strings(spec.get("incidental"), f"{where}: incidental", errors)
    incidental = [given(name, "incidental", bare=True) for name in listed]
    return same, implies, frozenset(name[0] for name in incidental if name is not None)


def _mapping_of(spec: Mapping, key: str, where: str, errors: list[str]) -> Mapping:
    value = spec.get(key) or {}
    if not isinstance(value, Mapping):
        message = _("{where}: {key} must map options to options, not {kind}")
        errors.append(message.format(where=where, key=key, kind=_kind(value)))
        return {}
    return value


def _bad_entry(label: str, entry: str, errors: list[str]) -> None:
    words = entry.replace(",", " ").split()
    spellings = [word for word in words if word.startswith("-")]
    bad = [word for word in spellings if not _SPELLING.fullmatch(word)]
    if bad:
        message = _("{where}: {spellings} is not an option spelling (-x, -name or --name)")
        errors.append(message.format(where=label, spellings=", ".join(bad)))
    elif not spellings or words[: len(spellings)] != spellings:
        errors.append(_("{where}: expected the option's spellings, then its value's name").format(where=label))
    else:
        errors.append(_("{where}: more than one value name").format(where=label))


def _dash_value(spec: Mapping, options: Mapping[str, Option], tool: Command | None, where, errors) -> Option | None:
    spelling = spec.get("dash_value")
    if spelling is None:
        return None
    option = options.get(spelling) if isinstance(spelling, str) else None
    if option is None and tool is not None and isinstance(spelling, str):
        option = tool.options.get(spelling)
    if option is None or not option.takes_value:
        message = _("{where}: dash_value {value} must be one of its options that takes a value")
        errors.append(message.format(where=where, value=repr(spelling)))
        return None
    return option


def _synonyms(value: object, where: str, errors: list[str]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        message = _("{where}: synonyms must map words to their canonical word, not {kind}")
        errors.append(message.format(where=where, kind=_kind(value)))
        return {}
    words = {}
    for word, canonical in value.items():
        if (
            not isinstance(word, str | int)
            or not isinstance(canonical, str | int)
            or isinstance(word, bool)
            or CONTROL.search(f"{word}{canonical}")
        ):
            message = _("{where}: synonyms: {word}: {canonical} is not a word and its canonical word")
            errors.append(message.format(where=where, word=repr(word), canonical=repr(canonical)))
        else:
            words[str(word)] = str(canonical)
    return words


def _mapping(spec: object, where: str, keys: tuple[str, ...], errors: list[str]) -> Mapping:
    if spec is None:
        return {}
    if not isinstance(spec, Mapping):
        message = _("{where}: expected a mapping with keys {keys}, not {kind}")
        errors.append(message.format(where=where, keys=", ".join(keys), kind=_kind(spec)))
        return {}
    for key in spec:
        if key not in keys:
            message = _('{where}: unknown key "{key}" (expected one of {keys})')
            errors.append(message.format(where=where, key=key, keys=", ".join(keys)))
    return spec


def _strings(value: object, where: str, errors: list[str]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        errors.append(_("{where}: expected a list of strings, not {value}").format(where=where, value=repr(value)))
        return []
    if any(CONTROL.search(item) for item in value):
        message = _("{where}: control characters are not allowed, in {value}")
        errors.append(message.format(where=where, value=repr(value)))
        return []
    return value


def _boolean(spec: Mapping, key: str, where: str, errors: list[str], default: bool = False) -> bool:
    value = spec.get(key, default)
    if not isinstance(value, bool):
        message = _("{where}: {key} must be true or false, not {value}")
        errors.append(message.format(where=where, key=key, value=repr(value)))
        return default
    return value


def _options_first(spec: Mapping, where: str, errors: list[str]) -> int:
    value = spec.get("options_first", False)
    if value is True or value is False:
        return int(value)
    if not isinstance(value, int) or value < 1:
        message = _("{where}: options_first must be true, false or a count of arguments, not {value}")
        errors.append(message.format(where=where, value=repr(value)))
        return 0
    return value


def _path(text: object, where: str, errors: list[str]) -> tuple[str, ...]:
    path = tuple(text.split()) if isinstance(text, str) and not CONTROL.search(text) else ()
    if not path or any(word.startswith("-") for word in path):
        message = _('{where}: {path} is not a command path (words such as "volume ls")')
        errors.append(message.format(where=where, path=repr(text)))
    return path


def _together(errors: list[str]) -> str:
    return pgettext("between problems", "; ").join(errors)


def _kind(value: object) -> str:
    if value is None:
        return pgettext("a Python value", "nothing")
    return pgettext("a Python value", "a {type}").format(type=type(value).__name__)
