"""What a line of a note says as a command: prompts and their output, trailing comments,
key sequences, config snippets, and the command and meaning of a list item or a table row.
Pure text rules; parse.py decides where they apply."""

from __future__ import annotations

import re

# $ cmd, user@host:~$ cmd, root@box:/# cmd, PS C:\> cmd (the root prompt "# cmd" needs a command after it)
# $, user@host:~$, [root@host ~]# (as CentOS writes it), PS C:\>
USER_PROMPT = re.compile(
    r"^\s*(?:\$|[\w.-]+@[\w.-]+(?::[^\s$#]*)?\s?[$#]|\[[\w.-]+@[\w.-]+(?:\s[^\]]*)?\]\s?[$#]"
    r"|PS [A-Za-z]:\\[^>]*>)\s+(?=\S)"
)
ROOT_PROMPT = re.compile(r"^\s*#\s+(?=\S)")
TRAILING = re.compile(r"^(?P<command>.*?\S)(?:\s{2,}|\t+)#\s*(?P<comment>\S.*)$")
TRAILING_CJK = re.compile(r"^(?P<command>.*?\S)\s+#\s*(?P<comment>.*[\u3400-\u9fff].*)$")
KEYS = re.compile(
    r"^(?:(?:ctrl|control|alt|meta|shift|cmd|prefix|[CMS])[-+]\S+|\^[A-Za-z@\[\]\\^_]|<[A-Za-z][\w-]*>)(?:\s+\S+)*$",
    re.IGNORECASE,
)
CONFIG_LANGS = {
    "sshconfig",
    "ssh-config",
    "ssh_config",
    "ini",
    "toml",
    "yaml",
    "yml",
    "json",
    "conf",
    "config",
    "nginx",
    "xml",
    "properties",
    "dotenv",
    "env",
    "hcl",
    "apache",
    "systemd",
    "gitconfig",
    "editorconfig",
    "dockerignore",
    "gitignore",
}
CONFIG_START = re.compile(r"^\s*(?:Host|Match)\s+\S|^\s*\[[\w .\"-]+\]\s*$")
CODE_SPAN = re.compile(r"(`+)\s?(.+?)\s?\1")
SEPARATORS = " \t-–—:：,，=→"
COMMAND_HEADERS = ("command", "commands", "cmd", "命令", "指令", "keys", "key", "shortcut", "按键", "快捷键", "键")


def strip_prompt(line: str, block_has_prompts: bool, known: frozenset[str]) -> tuple[str, bool] | None:
    """(the command, whether it had a prompt), or None when the line is a comment. In a
    block with prompts, ``# cmd`` is root's prompt when ``cmd`` starts with a known command."""
    if match := USER_PROMPT.match(line):
        return line[match.end() :], True
    if ROOT_PROMPT.match(line):
        rest = ROOT_PROMPT.sub("", line, count=1)
        if block_has_prompts and rest.split(" ", 1)[0] in known:
            return rest, True
        return None
    return line, False


TRANSCRIPT_LANGS = {"console", "shell-session", "sh-session", "terminal", "shellsession", "pwsh-session"}


def has_prompts(lang: str, lines: list[str]) -> bool:
    """A terminal transcript: prompts, then what the commands printed."""
    return lang in TRANSCRIPT_LANGS or any(USER_PROMPT.match(line) for line in lines)


def split_trailing_comment(command: str) -> tuple[str, str | None]:
    """``tmux split-window -h   # side by side`` -> the command and its comment."""
    match = TRAILING.match(command) or TRAILING_CJK.match(command)
    if match is None or _open_quote(match["command"]):
        return command, None
    return match["command"], match["comment"].strip()


def _open_quote(text: str) -> bool:
    return text.count("'") % 2 == 1 or text.count('"') % 2 == 1


def is_keys(text: str) -> bool:
    """A key sequence rather than a command: ``Ctrl-b d``, ``C-x C-s``, ``^c``, ``<Esc>``."""
    return bool(KEYS.match(text.strip()))


# What a code block holds that is no command (a command starts with a program's name): a
# sentence, a capitalised word and two lower-case words ("Welcome to fdisk", "Which process
# is using the disk?"); a labelled line of output ("Active: active (running)", "Error: ...");
# a drawing (box lines, "+-->", "--->", a tree's "├──")
PROSE = re.compile(r"[A-Z][a-z]+(?: [a-z][a-z']*){2}(?:\W|$)|[A-Z][A-Za-z]*(?: [A-Za-z]+)*: ")
DRAWING = re.compile(r"[\u2500-\u257f\u25cf]|-{3,}>|\+--?>|\+-{3,}\+")


def is_prose(text: str) -> bool:
    """A line of a code block that is a sentence, a line of output or a drawing: no command."""
    return PROSE.match(text.strip()) is not None or DRAWING.search(text) is not None


def key_answers(keys: str) -> str | list[str]:
    """Keys, or the alternatives a note gives with "or": ``n or N``, ``C-b { or }`` (the keys
    before the last shared: C-b {, C-b })."""
    parts = [part.strip() for part in re.split(r"\s+or\s+", keys)]
    if len(parts) < 2 or not all(parts):
        return keys
    shared = parts[0].split()[:-1]
    return [parts[0], *(part if len(part.split()) > 1 else " ".join([*shared, part]) for part in parts[1:])]


def is_config(lang: str, lines: list[str]) -> bool:
    first = next((line for line in lines if line.strip()), "")
    return lang in CONFIG_LANGS or bool(CONFIG_START.match(first))


def looks_like_command(code: str, known: frozenset[str]) -> bool:
    """An inline code span that is a command to type: a known tool, or a word and options."""
    words = code.split()
    if not words:
        return False
    name = words[0].split("/")[-1]
    return name in known or (len(words) > 1 and re.fullmatch(r"[a-z][\w.+-]*", name) is not None)


def code_and_meaning(text: str, known: frozenset[str]) -> tuple[str, str] | None:
    """A list item's one inline command and what it does: ``- `tmux ls` — list sessions``,
    ``1. 生成密钥：`ssh-keygen -t ed25519` ``. None if it is not written so."""
    spans = list(CODE_SPAN.finditer(text))
    if len(spans) != 1:
        return None
    span = spans[0]
    code = span[2].strip()
    if not (looks_like_command(code, known) or is_keys(code)):
        return None
    before, after = text[: span.start()].strip(), text[span.end() :].strip()
    if before and after:
        return None  # the code in the middle of a sentence: prose, not a cheat-sheet line
    meaning = (before.rstrip(SEPARATORS) if before else after.lstrip(SEPARATORS)).strip().rstrip(".。")
    return (code, meaning) if meaning else None


def table_columns(header: list[str], rows: list[list[str]], known: frozenset[str]) -> tuple[int, int] | None:
    """(the command column, the meaning column) of a cheat-sheet table, or None."""
    if len(header) < 2:
        return None
    named = [k for k, cell in enumerate(header) if _plain_cell(cell).lower() in COMMAND_HEADERS]

    def commands_in(column: int) -> int:
        return sum(1 for cells in rows if column < len(cells) and command_cell(cells[column], known) is not None)

    counts = [commands_in(k) for k in range(len(header))]
    command = named[0] if named else max(range(len(header)), key=lambda k: counts[k])
    if counts[command] == 0:
        return None
    meaning = next(k for k in range(len(header)) if k != command)
    return command, meaning


def _plain_cell(cell: str) -> str:
    return cell.strip().strip("*_` ")


def command_cell(cell: str, known: frozenset[str]) -> str | None:
    """The command (or keys) a table cell holds: its one code span, or plain text that is one."""
    spans = CODE_SPAN.findall(cell)
    if len(spans) == 1 and CODE_SPAN.fullmatch(cell.strip()):
        return spans[0][1].strip()
    text = cell.strip()
    if text and "`" not in text and (is_keys(text) or text.split()[0] in known):
        return text
    return None


def unnamed_values(command: str, front: str) -> list[str]:
    """The values of ``command`` (its arguments and option values as written, after the
    program and its command words) that ``front`` does not name: a front must say what to
    type (``systemctl start nginx`` under "Start the service")."""
    from quiz.checking.invocation import Invocation, parse_answer, runs
    from quiz.checking.knowledge import tool_index
    from quiz.checking.shell import PLACEHOLDER

    tools = tool_index()
    segments, _ = parse_answer(command, tools)
    named = front.casefold()
    values: list[str] = []
    for segment in segments:
        segment = runs(segment)[-1]  # what sudo runs
        if not segment.words:
            continue
        path = segment.path_raw.split() if isinstance(segment, Invocation) else []
        own = list(segment.words[1:])
        for name in path:  # the command words, wherever the global options leave them
            at = next((k for k, w in enumerate(own) if w.raw == name), None)
            if at is not None:
                del own[at]
        tool = tools.get(segment.words[0].text)
        reached = tuple(segment.head[1:]) if isinstance(segment, Invocation) else ()
        for word in own:
            text = word.text
            if tool is not None and (*reached, text) in tool.commands:  # compose -f x.yml up: "up" too
                reached = (*reached, text)
                continue
            if text.startswith("-") or text in (".", "..", "-", "~", "/") or re.fullmatch(PLACEHOLDER, text):
                continue
            folded = text.casefold()
            if folded not in named and not (folded.endswith("s") and folded[:-1] in named):  # pods: "the Pod"
                values.append(word.raw)
    return values
