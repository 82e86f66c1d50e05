"""Command tables read from the learner's fish shell completions, for tools quiz has no table of.

The third layer of what quiz knows of a tool's options (after a deck's ``tools:`` and the
bundled tables): fish's completion files say, for many programs, which options exist, which
take a value (``-r``, ``-x``) and which belong to which subcommand (``-n`` conditions). This
module finds the file fish would load for a tool and turns its ``complete`` commands into
table data, the dict a YAML command table parses to (``command_tables/README.md``).

fish's completion files are GPL-licensed: quiz (MIT) never bundles or copies them. It only
reads the copies installed on the learner's machine, at run time, as fish itself does.
Generated completions (``generated_completions``, made from man pages) are not searched:
they never say whether an option takes a value.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

__all__ = ["completion_dirs", "find_completion", "table_from_fish"]

# complete's own options (fish's doc of `complete`): those taking a value, then the flags
_VALUED = {"c": "command", "p": "path", "s": "short-option", "l": "long-option", "o": "old-option"}
_VALUED |= {"a": "arguments", "w": "wraps", "n": "condition", "d": "description"}
_FLAGS = {"e": "erase", "k": "keep-order", "f": "no-files", "F": "force-files", "r": "require-parameter"}
_FLAGS |= {"x": "exclusive", "h": "help", "C": "do-complete"}
_LONG = {name: letter for letter, name in (_VALUED | _FLAGS).items()} | {"escape": "C"}  # only with -C
_SPELLING = {"s": re.compile(r"-[^\s,=-]"), "o": re.compile(r"-[^\s,=-][^\s,=]*")}
_SPELLING["l"] = re.compile("-" + _SPELLING["o"].pattern)
_NAME = re.compile(r"[A-Za-z0-9_][\w.:+@-]*")
# conditions: "no subcommand yet" (top) and "inside these subcommands" (sub)
_TOP = re.compile(r"__fish_use_subcommand|__fish_is_first_(token|arg)|__\w+_(needs?|no)_(sub)?commands?")
_SUB = re.compile(r"__fish_seen_subcommand_from|__\w+_using_(sub)?command")

CommandPath = tuple[str, ...]
Option = tuple[list[str], bool]  # spellings, takes a value


def completion_dirs(environ: Mapping[str, str]) -> list[Path]:
    """The directories fish searches for ``TOOL.fish``, in its order (its default ``$fish_complete_path``)."""
    home = environ.get("HOME")

    def xdg(name: str, default: str) -> Path | None:
        value = environ.get(name) or (home and f"{home}/{default}")
        return Path(value) if value else None

    config, data = xdg("XDG_CONFIG_HOME", ".config"), xdg("XDG_DATA_HOME", ".local/share")
    data_dirs = (environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(":")
    shares = ("/usr/share", "/usr/local/share")  # where fish itself and its build-time vendor directory may be
    dirs = ([config / "fish/completions"] if config else []) + [Path("/etc/fish/completions")]
    dirs += [data / "fish/vendor_completions.d"] if data else []
    dirs += [Path(d) / "fish/vendor_completions.d" for d in (*data_dirs, *shares) if d]
    dirs += [Path(share) / "fish/completions" for share in shares]
    return list(dict.fromkeys(dirs))


def find_completion(tool: str, dirs: Sequence[Path]) -> Path | None:
    """The first ``TOOL.fish`` in ``dirs`` (as fish loads only that one), or None."""
    if not tool or "/" in tool or tool.startswith(".") or "\0" in tool:
        return None
    return next((path for d in dirs if (path := d / f"{tool}.fish").is_file()), None)


def table_from_fish(tool: str, text: str) -> dict[str, object] | None:
    """The command table data (``{"options": [...], "commands": {...}}``) that fish completion
    script ``text`` gives for ``tool``, or None if it describes no option or subcommand of it."""
    variables: dict[str, list[str]] = {}
    options: dict[CommandPath, list[Option]] = {(): []}
    for words in _statements(text):
        if words[0] in ("set", "for"):  # a loop's body is read once, for all of its values
            _set(words[1:2] + words[3:] if words[0] == "for" else words[1:], variables)
            continue
        parsed = _getopt(words[1:]) if words[0] == "complete" else None
        if parsed is None:
            continue
        pairs, rest = parsed
        names = _expand([v for k, v in pairs if k == "c"], variables) + [Path(v).name for k, v in pairs if k == "p"]
        if tool not in (names or rest[:1]) or any(k in "eCh" for k, _ in pairs):
            continue
        spellings = {kind: [f"-{v}" if kind != "l" else f"--{v}" for k, v in pairs if k == kind] for kind in "sol"}
        takes = any(k in "rx" for k, _ in pairs)
        context = _context([" ".join(_expand([v], variables)) for k, v in pairs if k == "n"], variables)
        if context is None:
            continue
        paths, top = context
        if any(spellings.values()):
            together = all(len(found) <= 1 for found in spellings.values())
            found = [s for kind in "sol" for s in spellings[kind] if _SPELLING[kind].fullmatch(s)]
            for path in paths:
                group = options.setdefault(path, [])
                group += [(found, takes)] if together else [([s], takes) for s in found]
        elif top:
            for value in (v for k, v in pairs if k == "a"):
                for name in _subcommands(value, variables):
                    for path in paths:
                        options.setdefault((*path, name), [])
    own = _merge(options.pop(()))
    if not own and not options:
        return None
    table: dict[str, object] = {"options": own}
    if options:
        table["commands"] = {" ".join(path): {"options": _merge(found)} for path, found in options.items()}
    return table


def _statements(text: str) -> Iterator[list[str]]:
    """The words of each ``complete``, ``set`` and ``for`` command: a trailing backslash continues a
    line, a quoted string may span lines; a line that cannot be read (an unclosed quote) is skipped."""
    lines, i = text.splitlines(), 0
    while i < len(lines):
        if not lines[i].lstrip().startswith(("complete ", "set ", "for ")):  # skipping the others saves time
            i += 1
            continue
        j, chunk = i, lines[i]
        while True:
            while (len(chunk) - len(chunk.rstrip("\\"))) % 2 and j + 1 < len(lines):
                j += 1
                chunk = chunk[:-1] + lines[j]
            words = _words(chunk)
            if words is not None or j + 1 >= len(lines) or j - i > 50:
                break
            j += 1
            chunk += "\n" + lines[j]
        if words:
            yield words
        i = i + 1 if words is None else j + 1


def _words(text: str) -> list[str] | None:
    """Split as fish does, near enough: quotes, backslash escapes (also \\' inside '...'), # comments."""
    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    lexer.escapedquotes = "'\""
    try:
        return list(lexer)
    except ValueError:
        return None


def _getopt(args: list[str]) -> tuple[list[tuple[str, str]], list[str]] | None:
    """complete's arguments as (option letter, value) pairs and the other words; None if invalid."""
    pairs: list[tuple[str, str]] = []
    rest: list[str] = []
    words = iter(args)
    for word in words:
        if word == "--":
            rest += words
        elif word.startswith("--"):
            name, equals, value = word[2:].partition("=")
            known = [long for long in _LONG if long.startswith(name)]  # an abbreviation, as getopt allows
            if name not in _LONG and len(known) != 1:
                return None
            letter = _LONG[name if name in _LONG else known[0]]
            following = value if equals or letter not in _VALUED else next(words, None)
            if following is None:
                return None
            pairs.append((letter, following))
        elif word.startswith("-") and len(word) > 1:
            for n, letter in enumerate(word[1:], 2):
                if letter in _VALUED:
                    following = word[n:] or next(words, None)
                    if following is None:
                        return None
                    pairs.append((letter, following))
                    break
                if letter not in _FLAGS:
                    return None
                pairs.append((letter, ""))
        else:
            rest.append(word)
    return pairs, rest


def _set(args: list[str], variables: dict[str, list[str]]) -> None:
    """Remember ``set [-l|-g|-a|-p...] NAME VALUES...`` when its values are plain words."""
    n = next((n for n, arg in enumerate(args) if not arg.startswith("-")), len(args))
    flags, rest = args[:n], args[n:]
    short = "".join(flag[1:] for flag in flags if not flag.startswith("--"))
    long = {flag[2:] for flag in flags if flag.startswith("--")}
    if not rest or not _NAME.fullmatch(rest[0]) or set(short) & set("eqnS") or long & {"erase", "query", "names"}:
        return
    name, values = rest[0], _expand(rest[1:], variables)
    if any(c in value for value in values for c in "$({"):
        variables.pop(name, None)
    else:  # values are only ever used as a set of names: prepending is appending
        extend = set(short) & set("ap") or long & {"append", "prepend"}
        variables[name] = (variables.get(name, []) if extend else []) + values


def _expand(words: list[str], variables: Mapping[str, list[str]]) -> list[str]:
    """``$NAME`` words replaced by the variable's values; an unknown one is left as it is."""
    return [value for word in words for value in (variables.get(word[1:], [word]) if word[:1] == "$" else [word])]


def _context(conditions: list[str], variables: Mapping[str, list[str]]) -> tuple[list[CommandPath], bool] | None:
    """The command paths the conditions restrict a completion to, and whether they say "before
    any (further) subcommand"; None if they name subcommands in a way paths cannot express
    (computed names, an ``or``). Tests quiz does not know are ignored."""
    paths: list[CommandPath] = [()]
    top = alternative = False
    for condition in conditions:
        for clause in re.split(r"[;\n]|&&|\|\|", condition):
            words = _words(clause) or []
            alternative |= words[:1] == ["or"] or "||" in condition
            words = words[1:] if words[:1] in (["and"], ["or"]) else words
            negated = words[:1] in (["not"], ["!"])
            function, *args = words[negated:] or [""]
            args = _expand(args, variables)
            if (function == "__fish_seen_subcommand_from") if negated else _TOP.fullmatch(function):
                top = True
            elif _SUB.fullmatch(function) and not negated:
                if not args or not all(_NAME.fullmatch(arg) for arg in args):
                    return None
                paths = [(*path, arg) for path in paths for arg in dict.fromkeys(args)]
    if alternative:
        return None if paths != [()] else ([()], False)
    return paths, top


def _subcommands(value: str, variables: Mapping[str, list[str]]) -> list[str]:
    """The candidates of an ``-a`` value (each before its tab and description); none if it is computed."""
    words = _expand(_words(value.replace("\\t", "\0").replace("\t", "\0")) or [], variables)
    if any(c in word for word in words for c in "$()"):
        return []
    return [name for word in words if _NAME.fullmatch(name := word.split("\0")[0])]


def _merge(options: list[Option]) -> list[str]:
    """Option strings of the table format ("-m, --message VALUE"); options sharing a spelling become one."""
    merged: list[Option] = []
    for spellings, takes in options:
        if not spellings:
            continue
        same = [option for option in merged if set(option[0]) & set(spellings)]
        at = merged.index(same[0]) if same else len(merged)
        merged = [option for option in merged if option not in same]
        union = list(dict.fromkeys([s for option in same for s in option[0]] + spellings))
        merged.insert(at, (union, takes or any(option[1] for option in same)))
    return [", ".join(sorted(spellings, key=_rank)) + " VALUE" * takes for spellings, takes in merged]


def _rank(spelling: str) -> int:
    return 2 if spelling.startswith("--") else int(len(spelling) > 2)  # -x, then -name, then --name
