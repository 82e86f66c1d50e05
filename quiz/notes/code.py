"""Cards from the parts of a note that hold commands: code blocks (comments above, after or
under each command, prompts and their output, vim's keys, Dockerfile snippets, man page
option lines, config snippets left out), cheat-sheet tables, and list items with an inline
command."""

from __future__ import annotations

import re
from functools import cache

from quiz.i18n import N_
from quiz.notes.blocks import Block, plain
from quiz.notes.cards import Card, Note, Skipped
from quiz.notes.commands import (
    code_and_meaning,
    command_cell,
    has_prompts,
    is_config,
    is_keys,
    is_prose,
    key_answers,
    split_trailing_comment,
    strip_prompt,
    table_columns,
)

DOCKERFILE_WORDS = {
    "FROM",
    "RUN",
    "CMD",
    "ENV",
    "COPY",
    "ADD",
    "WORKDIR",
    "EXPOSE",
    "ENTRYPOINT",
    "VOLUME",
    "USER",
    "ARG",
    "LABEL",
    "HEALTHCHECK",
    "SHELL",
    "ONBUILD",
    "STOPSIGNAL",
}
SHELL_WORDS = "sudo cd cat echo less more man which export source ssh-add ssh-copy-id tee xargs watch env nano vim"
VIM_COMMENT = re.compile(r'^(?P<keys>\S.*?)\s+"\s*(?P<comment>\S.*)$')
# A man page's option line, "-l, --links" or "-o FILE, --output=FILE": any spelling is typed
_VALUE = r"(?:[ =](?:[A-Z][A-Z_-]*|<[\w-]+>|[a-z]+[0-9]*))?"  # FILE, <file>, or docker's list, uint16
SPELLING = re.compile(rf"(-[A-Za-z0-9]|--[A-Za-z0-9][\w-]*)({_VALUE})")


@cache
def known_commands() -> frozenset[str]:
    """Names that start a command: the tools with a bundled table, and everyday shell words."""
    from quiz.checking.knowledge import bundled_specs

    return frozenset(bundled_specs()) | frozenset(SHELL_WORDS.split())


def code_cards(block: Block, intro: str | None, note: Note) -> list[Card]:
    """Command (or Dockerfile snippet, or key) cards from one code block."""
    if is_config(block.lang, block.lines):
        reason = N_("config snippet ({language}), not commands")
        note.skipped.append(Skipped.saying(block.line + 1, reason, len(block.lines), language=block.lang or "config"))
        return []
    if block.lang == "vim":
        return _vim_cards(block, note)
    prompts = has_prompts(block.lang, block.lines)
    statements = _comments_first(join_continued(block, prompts), prompts)
    cards: list[Card] = []
    comments: list[str] = []
    current: Card | None = None
    output_at = 0
    one = _commands_in(statements, prompts) == 1  # an intro above the block is the front of its one command
    for line_no, text in statements:
        stripped = text.strip()
        read = strip_prompt(stripped, prompts, known_commands())
        if read is None:  # a comment line
            comments.append(stripped.lstrip("#").strip())
            current = None
            continue
        command, prompted = read
        command, trailing = split_trailing_comment(command)
        # what the command above printed; not a commented key sequence (`C-b d  # detach`) among prompts
        if prompts and not prompted and not (trailing and is_keys(command)):
            if not output_at:
                output_at = line_no
                note.remarks.append(Skipped.saying(line_no, N_("output of the command above: not a card")))
            continue
        snippet = command.split(" ", 1)[0] in DOCKERFILE_WORDS or block.lang == "dockerfile"
        if current is not None and current.kind == "snippet":
            assert isinstance(current.back, str)  # a snippet's back is its text
            current.back += "\n" + text  # a Dockerfile snippet runs on to the next comment
            continue
        if not prompted and not snippet and is_prose(command):
            reason = N_("a sentence, output or a drawing, not a command: {text}")
            note.skipped.append(Skipped.saying(line_no, reason, text=command[:50]))
            comments, current = [], None
            continue
        if current is not None and not snippet and not trailing:
            current.back = [*current.back, command] if isinstance(current.back, list) else [current.back, command]
            reason = N_('several commands under one comment: accepted as alternatives of "{front}" (split them if not)')
            note.remarks.append(Skipped.saying(line_no, reason, front=current.front))
            continue
        front = trailing or " ".join(c for c in comments if c) or (intro if one else None)
        comments = []
        if not front:
            reason = N_("command without a `# comment` above it: {command}")
            note.skipped.append(Skipped.saying(line_no, reason, command=command[:50]))
            continue
        if snippet:
            current = Card("snippet", line_no, f"{front} (Dockerfile)", text.strip("\n"), slug_from=front)
        else:
            current = typed_card(line_no, front, _one_line(command))
        cards.append(current)
        if trailing:
            current = None  # the comment was this command's own
    remarks = [c for c in comments if c]
    if remarks and one and intro and cards:  # under the one command the intro asks for
        if len(remarks) == 1:  # a remark on it
            cards[-1].note = remarks[0]
        else:  # lines of it: what it printed, as a transcript's
            note.remarks.append(Skipped.saying(statements[-1][0], N_("output of the command above: not a card")))
    elif comments:
        reason = N_("comment without a command below it: {comment}")
        note.skipped.append(Skipped.saying(statements[-1][0], reason, comment=comments[-1][:50]))
    return cards


def command_count(block: Block) -> int:
    """How many commands a code block holds (a transcript's output lines are none)."""
    prompts = has_prompts(block.lang, block.lines)
    return _commands_in(join_continued(block, prompts), prompts)


def _commands_in(statements: list[tuple[int, str]], prompts: bool) -> int:
    """The commands among the statements: not the comments, nor (in a transcript) the output."""
    if not prompts:
        return sum(1 for _, text in statements if strip_prompt(text.strip(), prompts, known_commands()) is not None)
    return sum(1 for _, text in statements if _prompted(text, prompts))


def _prompted(text: str, prompts: bool) -> bool:
    read = strip_prompt(text.strip(), prompts, known_commands())
    return read is not None and read[1]


def _vim_cards(block: Block, note: Note) -> list[Card]:
    """``dd   " delete the line``: keys and what they do; a lone ``" comment`` is the front
    of the keys below it."""
    cards, comment = [], None
    for offset, text in enumerate(block.lines):
        line_no, stripped = block.line + 1 + offset, text.strip()
        if not stripped:
            continue
        if stripped.startswith('"'):
            comment = stripped.lstrip('"').strip()
            continue
        match = VIM_COMMENT.match(stripped)
        keys, front = (match["keys"].strip(), match["comment"]) if match else (stripped, comment)
        comment = None
        if front:
            cards.append(Card("keys", line_no, front, keys, slug_from=keys))
        else:
            note.skipped.append(Skipped.saying(line_no, N_('keys without a `" comment`: {keys}'), keys=keys[:50]))
    return cards


def table_cards(block: Block, note: Note, refs: dict[str, str]) -> list[Card]:
    """A cheat-sheet table: a card per row, from its command (or keys) column and its meaning."""
    rows = [cells for _, cells in block.rows]
    columns = table_columns(block.header, rows, known_commands())
    if columns is None:
        reason = N_("table without a column of commands: {header}")
        note.skipped.append(Skipped.saying(block.line, reason, len(block.lines) + 1, header=block.lines[0][:40]))
        return []
    command_at, meaning_at = columns
    cards = []
    for line_no, cells in block.rows:
        command = command_cell(cells[command_at], known_commands()) if command_at < len(cells) else None
        meaning = plain(cells[meaning_at], refs)[0].strip().rstrip(".。") if meaning_at < len(cells) else ""
        if command and meaning:
            cards.append(typed_card(line_no, meaning, command))
        else:
            reason = N_("table row without a command and its meaning: {row}")
            note.skipped.append(Skipped.saying(line_no, reason, row=" | ".join(cells)[:50]))
    return cards


def item_card(block: Block, refs: dict[str, str]) -> Card | None:
    """``- `tmux ls` — list sessions``: a command card, or None."""
    found = code_and_meaning(block.lines[0], known_commands())
    if found is None:
        return None
    command, meaning = found
    return typed_card(block.line, plain(meaning, refs)[0], command)


def typed_card(line: int, front: str, command: str) -> Card:
    """The card that asks for a command or for keys, every spelling the note gives an answer."""
    if is_keys(command):
        return Card("keys", line, front, key_answers(command), slug_from=command)
    return Card("command", line, front, _spellings(command), slug_from=command)


def join_continued(block: Block, prompts: bool = False) -> list[tuple[int, str]]:
    """(line number, text) per statement: `\\` continuations and indented lines join the line above."""
    statements: list[tuple[int, str]] = []
    continued = False
    for offset, text in enumerate(block.lines):
        if not text.strip():
            continued = False
            continue
        indented = text[:1].isspace() and statements and not statements[-1][1].lstrip().startswith("#")
        if indented and not continued and statements[-1][1].lstrip().startswith("-"):
            # under an option line ("-n, --dry-run"): "    --partial" is the next option, and an
            # indented comment goes on with the line's own
            if text.lstrip().startswith("#"):
                above = statements[-1][1]
                words = text.strip().lstrip("#").strip()
                statements[-1] = (statements[-1][0], f"{above} {words}" if "#" in above else f"{above}  # {words}")
            else:
                statements.append((block.line + 1 + offset, text))
            continue
        if (continued or (indented and not prompts)) and statements:
            statements[-1] = (statements[-1][0], statements[-1][1] + "\n" + text)
        else:
            statements.append((block.line + 1 + offset, text))
        continued = text.rstrip().endswith("\\")
    return statements


def _comments_first(statements: list[tuple[int, str]], prompts: bool) -> list[tuple[int, str]]:
    """The statements with each command's comment before it. Most notes write the comment
    above its command; some under it (`tar -cf all.tar *.jpg` then `# 这条命令是...`). That is
    how a block of several commands is read when a paragraph of it (lines between blank lines)
    starts with a command and ends with a comment, and none starts with a comment and ends
    with a command: each command then takes the comments right under it."""

    def comment(text: str) -> bool:
        return strip_prompt(text.strip(), prompts, known_commands()) is None

    paragraphs: list[list[tuple[int, str]]] = []
    for statement in statements:
        line, _text = statement
        if paragraphs and line == paragraphs[-1][-1][0] + paragraphs[-1][-1][1].count("\n") + 1:
            paragraphs[-1].append(statement)
        else:
            paragraphs.append([statement])
    mixed = [(comment(part[0][1]), comment(part[-1][1])) for part in paragraphs if len(part) > 1]
    commands = sum(not comment(text) for _line, text in statements)
    # (one command with a comment under it: that may be its output, `# hello`, or a remark)
    if commands < 2 or (True, False) in mixed or (False, True) not in mixed:
        return statements
    ordered: list[tuple[int, str]] = []
    for paragraph in paragraphs:
        command_at = None  # where the paragraph's last command went, for the comments under it
        for statement in paragraph:
            if not comment(statement[1]):
                command_at = len(ordered)
                ordered.append(statement)
            elif command_at is not None:
                ordered.insert(command_at, statement)
                command_at += 1
            else:
                ordered.append(statement)
    return ordered


def _spellings(command: str) -> str | list[str]:
    """A command, or an option line's spellings as the answers ("-l, --links": -l, --links),
    the value one of them names going with each ("-a, --attach list": -a list, --attach list)."""
    parts = [SPELLING.fullmatch(part.strip()) for part in command.split(",")]
    if len(parts) < 2 or not all(parts):
        return command
    value = next((part[2].lstrip(" =") for part in parts if part and part[2]), "")
    return [part[1] + (part[2] or (f" {value}" if value else "")) for part in parts if part]


def _one_line(command: str) -> str:
    """A command spanning lines as the single line one types."""
    return " ".join(re.sub(r"\\\n", " ", command).split())
