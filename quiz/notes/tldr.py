"""tldr pages (https://tldr.sh) read into cards, and the pages tldr clients keep on disk.

In a page (tldr-pages' style guide and client specification), each ``- Description:``
line and the `` `command` `` after it are an entry: ``frob {{[-o|--output]}} {{path/to/out}}``
has the back ``frob -o <path/to/out>`` (placeholders in quiz's ``<name>`` style, option
variants in their first, short spelling) and the alternative ``frob --output <path/to/out>``;
``\\{\\{`` and ``\\}\\}`` are literal braces. :func:`option_table` makes the options a
command table for quiz's checker, so that it takes both spellings for the same.

Pure functions: the only I/O is :func:`find_cached_pages` listing directories.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

from quiz.checking.knowledge import bundled_tool
from quiz.checking.tables import CONTROL, Command, Tool
from quiz.i18n import N_
from quiz.notes.cards import Card, Note, Skipped, assign_ids
from quiz.notes.questions import CJK

# an escaped brace pair, an option variant {{[-m|--message]}}, or a placeholder {{path/to/file}}
_TOKEN = re.compile(r"\\\{\\\{|\\\}\\\}|\{\{\[([^\[\]{}]*\|[^\[\]{}]*)\]\}\}|\{\{(.*?)\}\}")
_PLACEHOLDER_WORD = r"['\"]?\{\{(?!\[)"  # a word that is a {{placeholder}}, perhaps quoted
_VALUE_AFTER = re.compile(rf"\s+{_PLACEHOLDER_WORD}")  # the next word is a placeholder: the option takes it
_NOT_IN_NAME = re.compile(r"[\s<>|&;()'\"\\]")  # what quiz's <placeholder> cannot hold
_URL = re.compile(r"(?:.*[\s:：])?<(https?://[^\s>]+)>[.。]?")  # "More information: <url>.", "更多信息：<url>。"
_SPELLING = re.compile(r"--?[^\s=,\x00-\x1f\x7f-\x9f-][^\s=,\x00-\x1f\x7f-\x9f]*")  # as quiz's tables read it
_PLAIN = re.compile(r"[A-Za-z][\w-]*")  # a command word such as "commit"
_PATH = re.compile(r"[A-Za-z][\w-]*(?: [A-Za-z][\w-]*)*")  # a command path such as "container commit"
_LITERAL = re.compile(r"(-[A-Za-z0-9]|--[A-Za-z0-9][\w.-]*)(=\S*)?")  # --force, -q, --format=json
_END = {"|", "||", "&&", ";", "&", "--"}  # the tool's options stop at these words


class Variant(NamedTuple):
    """One ``{{[-x|--long]}}`` group of a command: its spellings, short first."""

    spellings: tuple[str, ...]
    takes_value: bool  # a {{placeholder}} word follows it
    at: int  # where the group starts in the page's command


@dataclass
class Entry:
    line: int  # of the command, 1-based
    front: str  # the description, without its colon
    back: str  # the command: <placeholders>, variants in their first spelling
    alternatives: list[str]  # the command with the other spellings of its variants
    command: str = field(default="", compare=False)  # as the page writes it
    options: list[Variant] = field(default_factory=list, compare=False)


@dataclass
class TldrPage:
    tool: str  # the title: "git commit"
    description: str
    url: str | None
    entries: list[Entry] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, reason: marked N_())


def _is_command(line: str) -> bool:
    return len(line) > 2 and line.startswith("`") and line.endswith("`")


def is_tldr_page(text: str) -> bool:
    """A ``# name`` title, then a ``>`` description line, and at least one ``- ...:``
    description followed by a `` `command` `` line (blank lines aside)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) < 4 or not re.fullmatch(r"# \S.*", lines[0]) or not lines[1].startswith(">"):
        return False
    return any(a.startswith("- ") and a.endswith((":", "：")) and _is_command(b) for a, b in pairwise(lines))


def _convert(command: str) -> tuple[str, list[str], list[Variant]]:
    """The command with placeholders converted: in the first spelling of its variants, in
    each other one (deduplicated, without the first), and its variants."""
    pieces: list[str | tuple[str, ...]] = []  # text, or a variant's spellings
    variants: list[Variant] = []
    end = 0
    for match in _TOKEN.finditer(command):
        pieces.append(command[end : match.start()])
        end = match.end()
        if match[1] is not None:
            spellings = tuple(s.strip() for s in match[1].split("|"))
            pieces.append(spellings)
            variants.append(Variant(spellings, bool(_VALUE_AFTER.match(command, end)), match.start()))
        else:
            name = (_NOT_IN_NAME.sub("_", match[2].strip()) or "value") if match[2] is not None else None
            pieces.append(f"<{name}>" if name else match[0].replace("\\", ""))
    pieces.append(command[end:])
    ways = max((len(v.spellings) for v in variants), default=1)
    spelled = ["".join(p if isinstance(p, str) else p[min(k, len(p) - 1)] for p in pieces) for k in range(ways)]
    back = spelled[0].strip()
    alternatives = list(dict.fromkeys(s.strip() for s in spelled[1:] if s.strip() != back))
    return back, alternatives, variants


def read_page(text: str) -> TldrPage:
    """The page's title, description, "More information" link and entries; anything that
    is no part of an entry (a description without a command...) is in ``skipped``."""
    page = TldrPage("", "", None)
    description: list[str] = []
    pending: tuple[int, str] | None = None  # a description waiting for its command
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("# ") and not page.tool and not page.entries:
            page.tool = line[2:].strip()
        elif line.startswith(">") and not page.entries and pending is None:
            body = line[1:].strip()
            url = _URL.fullmatch(body)
            if url and page.url is None:
                page.url = url[1]
            elif body:
                description.append(body)
        elif line.startswith("- "):
            if pending is not None:
                page.skipped.append((pending[0], N_("a description without a command")))
            pending = (n, line[2:].strip().removesuffix(":").removesuffix("：").rstrip())  # pages.zh's colon too
            if not pending[1]:  # `- :`: no front for a card
                page.skipped.append((n, N_("an empty description")))
                pending = None
        elif _is_command(line) and pending is not None:
            back, alternatives, variants = _convert(line[1:-1])
            page.entries.append(Entry(n, pending[1], back, alternatives, line[1:-1], variants))
            pending = None
        else:
            why = N_("a command without a description") if _is_command(line) else N_("not a tldr line")
            page.skipped.append((n, why))
    if pending is not None:
        page.skipped.append((pending[0], N_("a description without a command")))
    page.description = " ".join(description)
    return page


def option_table(page: TldrPage, literal: bool = True) -> dict:
    """The page's options as a command table (``command_tables/README.md``), ``{}`` if none:
    ``{"git": {"commands": {"commit": {"options": ["-m, --message VALUE"]}}}}``.

    Each variant is an option; with ``literal`` so is each option written out (``--amend``,
    ``-q``, ``--format=json``), else the table rejects the lines using one. An option is the
    command's whose name is the word after the tool's (``git commit``) when it is plain, else
    the tool's; a variant there is the command and its aliases (``docker {{[commit|container
    commit]}}``, ``kaggle {{[c|competitions]}}``). An option takes a VALUE if a
    ``{{placeholder}}`` (or ``=``) follows it wherever it is used. Left out: options before
    the tool's word (``sudo -u``) or after its command (``| gzip``, ``--``), clusters
    (``-xvf``), spellings the tables cannot read or that an earlier option of the same
    command has."""
    tool = page.tool.split()[0] if page.tool.split() else ""
    if CONTROL.search(tool):
        return {}  # no table can name it (it would reach the terminal)
    canonical: dict[str, str] = {}  # alias -> command
    scanned: list[tuple[Entry, list[tuple[int, str]], int, int, str | None]] = []
    for entry in page.entries:
        words = [(m.start(), m[0]) for m in re.finditer(r"\S+", entry.command)]
        start = next((k for k, (_, word) in enumerate(words) if word == tool), None)
        if start is None:
            continue
        end = next((k for k in range(start + 1, len(words)) if words[k][1] in _END), len(words))
        at, after = words[start + 1] if start + 1 < end else (-1, "")
        named = next((v.spellings for v in entry.options if v.at == at and all(map(_PATH.fullmatch, v.spellings))), ())
        for alias in named[1:]:
            canonical.setdefault(alias, named[0])
        scanned.append((entry, words, start, end, named[0] if named else after if _PLAIN.fullmatch(after) else None))
    found: dict[str | None, dict[tuple[str, ...], bool]] = {}  # command -> spellings -> takes a value
    written: list[tuple[str | None, str, bool]] = []
    for entry, words, start, end, name in scanned:
        options = found.setdefault(canonical.get(name, name) if name else None, {})
        stop = words[end][0] if end < len(words) else len(entry.command)
        for variant in entry.options:
            if not words[start][0] < variant.at < stop or not all(map(_SPELLING.fullmatch, variant.spellings)):
                continue
            if not {s for other in options if other != variant.spellings for s in other} & set(variant.spellings):
                options[variant.spellings] = options.get(variant.spellings, True) and variant.takes_value
        for k in range(start + 1, end):
            if literal and (match := _LITERAL.fullmatch(words[k][1])):
                value = bool(match[2]) or (k + 1 < end and re.match(_PLACEHOLDER_WORD, words[k + 1][1]) is not None)
                written.append((canonical.get(name, name) if name else None, match[1], value))
    for command, spelling, value in written:  # after the variants, which spell them too
        options = found[command]
        if not any(spelling in other for other in options if other != (spelling,)):
            options[(spelling,)] = options.get((spelling,), True) and value

    def listed(options: dict[tuple[str, ...], bool]) -> list[str]:
        return [", ".join(spellings) + (" VALUE" if value else "") for spellings, value in options.items()]

    spec: dict = {"options": listed(found[None])} if found.get(None) else {}
    commands: dict[str, dict] = {}
    for name, options in found.items():
        own = [alias for alias, command in canonical.items() if command == name and alias not in found]
        if name and (options or own):
            commands[name] = ({"aliases": own} if own else {}) | ({"options": listed(options)} if options else {})
    if commands:
        spec["commands"] = commands
    return {tool: spec} if spec else {}


def cache_dirs(environ: Mapping[str, str]) -> list[Path]:
    """Where tldr clients keep their pages, whether or not they exist, in this order:
    tealdeer (``$TEALDEER_CACHE_DIR/tldr-pages``, else ``$XDG_CACHE_HOME/tealdeer/tldr-pages``),
    tlrc (``$XDG_CACHE_HOME/tlrc``), the Node client (``~/.tldr/cache``), the Python client
    (``$XDG_CACHE_HOME/tldr``) and its system pages (``tldr`` in each ``$XDG_DATA_DIRS``);
    ``$XDG_CACHE_HOME`` defaults to ``~/.cache``. Paths needing an unset ``$HOME`` are left out."""
    home = environ.get("HOME") or None
    xdg = environ.get("XDG_CACHE_HOME") or (f"{home}/.cache" if home else None)
    tealdeer = environ.get("TEALDEER_CACHE_DIR") or (f"{xdg}/tealdeer" if xdg else None)
    found = [
        f"{tealdeer}/tldr-pages" if tealdeer else None,
        f"{xdg}/tlrc" if xdg else None,
        f"{home}/.tldr/cache" if home else None,
        f"{xdg}/tldr" if xdg else None,
        *(f"{d}/tldr" for d in (environ.get("XDG_DATA_DIRS") or "/usr/share").split(":") if d),
    ]
    return list(dict.fromkeys(Path(path) for path in found if path))


def find_cached_pages(tool: str, dirs: Sequence[Path], lang: str = "en") -> list[Path]:
    """The pages of ``tool`` (``git commit`` = ``git-commit``) and of its subcommands
    (``git-*.md``) in the caches ``dirs``, on every platform: those in ``lang`` (then in
    its language without the country, ``pt`` for ``pt_BR`` or ``pt-BR``) first, then English (``pages``,
    or ``pages.en`` as tlrc and newer tealdeer keep it). Within a language, ``dirs`` in
    order; within a directory the tool's own page, then its subcommands' by name, each in
    ``common`` first, then the other platforms by name."""
    name = "-".join(tool.lower().split())
    code = lang.replace("-", "_")  # quiz's zh-TW is tldr's zh_TW
    languages = [f"pages.{code}", f"pages.{code.split('_')[0]}"] if code != "en" else []
    found: list[Path] = []
    for language in [*dict.fromkeys(languages), "pages", "pages.en"]:
        for root in dirs:
            pages = [
                page
                for platform in sorted((root / language).glob("*/"))
                for page in platform.glob("*.md")
                if page.stem == name or page.stem.startswith(f"{name}-")
            ]
            pages.sort(key=lambda p: (p.stem, p.parent.name != "common", p.parent.name))
            found += [page for page in pages if page not in found and page.is_file()]
    return found


# ---- pages into a note ------------------------------------------------------------


def from_tldr(pages: list[str]) -> Note:
    """A deck from tldr pages (the tldr-pages format): a command card per example, its
    {{placeholders}} as <placeholders>, and the [-m|--message] variants in the deck's
    `tools:` so that either spelling is right. Several pages (git, git-commit...) make one
    deck; their lines are counted on, page after page, as if the pages were one note."""
    read = [read_page(text) for text in pages]
    tool = read[0].tool.split()[0] if read and read[0].tool else "tldr"
    note = Note(f"{tool} (tldr pages)", "zh" if CJK.search(" ".join(p.description for p in read)) else "en")
    offset = 0
    for page, text in zip(read, pages):
        for entry in page.entries:
            note.cards.append(Card("command", offset + entry.line, entry.front, entry.back, page.url, entry.back))
        note.skipped += [Skipped.saying(offset + line, reason) for line, reason in page.skipped]
        for name, table in option_table(page).items():
            bundled = bundled_tool(name)
            if bundled is None:  # the page's options all go to its tool (used with and without a command)
                commands = table.get("commands", {}).values()
                found = [*table.get("options", []), *(o for command in commands for o in command.get("options", []))]
                note.tools[name] = {"options": _union(note.tools.get(name, {}).get("options", []), found)}
            else:  # only what the bundled table does not know: its options are checked, a page's guessed
                _add_unknown(note.tools, name, bundled, table)
        offset += text.count("\n") + 1
    for table in note.tools.values():  # one spelling, one option: the first page's wins
        if "options" in table:
            table["options"] = _first_spellings(table["options"])
        for command in table.get("commands", {}).values():
            command["options"] = _first_spellings(command["options"])
    assign_ids(note.cards, set())
    return note


def _add_unknown(tools: dict, name: str, bundled: Tool, table: dict) -> None:
    """A tldr page's options of a bundled tool that its table lacks, into the deck's tools."""

    def unknown(options: list[str], command: Command) -> list[str]:
        return [o for o in options if not any(w in command.options for w in o.replace(",", " ").split())]

    found = unknown(table.get("options", []), bundled.own)
    entry = tools.setdefault(name, {})
    if found:
        entry["options"] = _union(entry.get("options", []), found)
    for path_text, command in table.get("commands", {}).items():
        path = bundled.aliases.get(tuple(path_text.split()), tuple(path_text.split()))
        if bundled.old_style and path not in bundled.commands:
            # tar xf: the word after the tool is a cluster of its options, not a command; as one,
            # the table would read every tar line's first word as a command (tar -c -f refused)
            extra = unknown(command.get("options", []), bundled.own)
            if extra:
                entry["options"] = _union(entry.get("options", []), extra)
            continue
        known = bundled.command(path) if path in bundled.commands else Command({})
        extra = unknown(command.get("options", []), known)
        if extra:
            listed = entry.setdefault("commands", {}).setdefault(" ".join(path), {"options": []})
            listed["options"] = _union(listed["options"], extra)
    if not entry:
        del tools[name]


def _union(first: list, second: list) -> list:
    return list(dict.fromkeys([*first, *second]))


def _first_spellings(options: list[str]) -> list[str]:
    """The options, leaving out any that spells itself like one before it. A page's options
    all go to its tool (the examples use it with and without a command word)."""
    seen: set[str] = set()
    kept = []
    for option in options:
        spellings = {word for word in option.replace(",", " ").split() if word.startswith("-")}
        if not spellings & seen:
            kept.append(option)
            seen |= spellings
    return kept
