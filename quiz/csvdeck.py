"""quiz import csv: a CSV or TSV file as a deck file, written and imported like any.

The file may start with Anki's header lines (its "Notes in Plain Text" export):
`#separator:Tab` (Comma, Semicolon, Space, Pipe, Colon, or the character), `#html:true`,
`#columns:Front<sep>Back<sep>Tags`, `#guid column:N`, `#tags column:N`, `#tags:a b`.
Without them the separator is guessed (csv.Sniffer) and the columns are front, back,
then the rest as the card's note; `--columns front,back,tags` says otherwise (`-` skips a
column). A first row of column names (front, back, tags...) is read as such; --header says
that the first row names them in other words. A front with a {{c1::...}} deletion and no
back is a cloze card. Importing the file again rewrites its deck file from it, each card
keeping its id (found by GUID, else by its front), so progress stays with the cards.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from quiz.anki.plaintext import plain
from quiz.errors import DeckError, Problem, QuizError
from quiz.i18n import _
from quiz.model import CLOZE
from quiz.plumbing.files import os_reason

SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "space": " ", "pipe": "|", "colon": ":"}
KINDS = ("front", "back", "text", "note", "tags", "guid", "type", "notetype", "deck", "-")
# Anki's header lines that say which column holds what (the columns counted from 1)
SPECIAL_COLUMNS = {"guid column": "guid", "tags column": "tags", "notetype column": "notetype", "deck column": "deck"}
HEADER = re.compile(r"#([a-z ]+):(.*)\Z")


@dataclass
class Table:
    rows: list[tuple[int, list[str]]]  # (line, cells)
    columns: list[str]
    html: bool
    tags: list[str] = field(default_factory=list)  # for every row (#tags:)


def read_table(path: Path, columns: str | None, header: bool = False) -> Table:
    """The rows of the file with what each column holds. `header`: the first row names the
    columns, in any words (what it names is taken as --columns takes it, the rest in order)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise QuizError(_("{path}: not UTF-8 text").format(path=path)) from None
    except OSError as error:
        raise QuizError(_("cannot read {path}: {reason}").format(path=path, reason=os_reason(error))) from None
    lines = text.splitlines(keepends=True)
    headers: dict[str, str] = {}
    first = 0
    while first < len(lines) and (match := HEADER.match(lines[first].rstrip("\r\n"))):
        headers[match[1].strip()] = match[2]
        first += 1
    separator = _separator(headers.get("separator"), "".join(lines[first : first + 20]))
    reader = csv.reader(lines[first:], delimiter=separator)
    rows = []
    for cells in reader:
        if any(cell.strip() for cell in cells):
            rows.append((first + reader.line_num, cells))
    if rows and (header or (columns is None and "columns" not in headers and _is_header(rows[0][1]))):
        named = separator.join(rows.pop(0)[1])  # a first row that names the columns
        headers.setdefault("columns", named)
    width = max((len(cells) for _line, cells in rows), default=0)
    return Table(
        rows,
        _columns(columns, headers, separator, width),
        headers.get("html", "").strip().lower() == "true",
        headers.get("tags", "").split(),
    )


def _separator(given: str | None, sample: str) -> str:
    if given is not None:
        named = given.strip().lower()
        return SEPARATORS.get(named, given[:1] or "\t")
    if "\t" in sample.split("\n", 1)[0]:
        return "\t"
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _is_header(cells: list[str]) -> bool:
    names = [cell.strip().lower() for cell in cells]
    return "front" in names and all(name in KINDS or name == "back extra" for name in names)


def _columns(given: str | None, headers: dict[str, str], separator: str, width: int) -> list[str]:
    """What each column holds: --columns, else Anki's header lines (`#guid column:1` and the
    like, `#columns:` names), the other columns being the note's fields in order: front,
    back, then the card's note."""
    if given is not None:
        chosen = [name.strip().lower() for name in given.split(",")]
        wrong = [name for name in chosen if name not in KINDS]
        if wrong or chosen.count("front") + chosen.count("text") != 1:
            message = _("--columns: a list of {kinds}, with one front (or text)").format(kinds=", ".join(KINDS))
            raise QuizError(message)
        return chosen
    named = (
        [name.strip().lower() for name in headers.get("columns", "").split(separator)] if "columns" in headers else []
    )
    names: list[str | None] = [name if name in KINDS else None for name in named]
    names += [None] * (width - len(names))
    for key, kind in SPECIAL_COLUMNS.items():
        if headers.get(key, "").strip().isdigit() and 0 < int(headers[key]) <= len(names):
            names[int(headers[key]) - 1] = kind
    fields = iter(("front", "back"))
    return [name or next(fields, "note") for name in names]


def deck_text(path: Path, table: Table, name: str, keys: dict[str, list[str]]) -> str:
    """The deck file: `keys` are the ids the deck's cards had (by GUID or front, in order:
    the second row of a front takes the second card's id)."""
    from quiz.anki.decktext import new_key
    from quiz.notes.parse import note_language
    from quiz.notes.write import card_yaml, scalar

    entries, problems = [], []
    taken = {key for found in keys.values() for key in found}
    used: set[str] = set()  # by the rows so far
    numbers: dict[str, int] = {}
    for line, cells in table.rows:
        content: dict = {}
        notes, tags = [], list(table.tags)
        for kind, cell in zip(table.columns, cells):
            value = plain(cell)[0] if table.html else cell.strip()
            if kind in ("-", "deck") or not value:
                continue
            if kind == "tags":
                tags += value.split()
            elif kind == "note":
                notes.append(value)
            else:
                content[kind] = value
        note_type = content.pop("notetype", "").lower()
        front = content.get("front") or content.get("text") or ""
        if not front:
            problems.append(Problem(str(path), line, 1, _("no front in this row")))
            continue
        if ("back" not in content or "cloze" in note_type) and CLOZE.search(front):
            if "back" in content:  # a cloze's back: its extra text
                notes.insert(0, content.pop("back"))
            rest = {k: v for k, v in content.items() if k not in ("front", "text")}
            content = {"type": "cloze", "text": front} | rest
        elif "back" not in content:
            problems.append(Problem(str(path), line, 1, _("no back in this row (a cloze needs {{c1::...}})")))
            continue
        elif "type in" in note_type and "\n" not in content["back"] and "type" not in content:
            content = {"type": "command"} | content  # Anki's "Basic (type in the answer)": typed here too
        if notes:
            content["note"] = "\n".join(notes)
        if tags:
            content["tags"] = list(dict.fromkeys(tags))
        had = [*keys.get(content.get("guid", ""), []), *keys.get(front, [])]
        key = next((key for key in had if key not in used), None) or new_key(front, front, taken, numbers)
        taken.add(key)
        used.add(key)
        entries.append(card_yaml(key, {k: v for k, v in content.items() if k != "guid"} | _guid(content), ""))
    if not entries and not problems:  # (else the deck file made of it would be the one named)
        problems.append(Problem(str(path), 1, 1, _("no cards in this file: a row a card, its front and back")))
    if problems:
        raise DeckError(problems)
    lang = note_language(" ".join(cells[0] for _line, cells in table.rows[:200] if cells))
    head = [
        f"# Imported by `quiz import csv` from {path.name}. Importing the file again rewrites",
        "# this deck from it (each card keeps its id, and so its progress): edit the file, or",
        "# this deck, not both.",
        f"deck: {name}",
        f"title: {scalar(path.stem, 0)}",
        f"lang: {lang}",
        "cards:",
    ]
    return "\n".join(head) + "\n" + "\n\n".join(entries) + "\n"


def _guid(content: dict) -> dict:
    return {"guid": content["guid"]} if "guid" in content else {}
