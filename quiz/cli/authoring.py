"""Commands that write deck files: generate (from a Markdown note) and new (a starter deck)."""

from __future__ import annotations

import click

from quiz.cli.env import command
from quiz.errors import QuizError
from quiz.i18n import _
from quiz.plumbing.textwidth import visible


@command(
    "generate",
    help=_("""Make a deck from a Markdown note.

    Commands become command cards: in code blocks with a `# comment` above or
    after them, or after a prompt ($ cmd, user@host:~$ cmd); in cheat-sheet
    tables (| command | meaning |); in list items (- `tmux ls` — list
    sessions). Key sequences (Ctrl-b d, vim's ciw) become key cards; headings
    with prose become concept cards; blockquote warnings become cards. Whatever
    is skipped is listed on stderr with its line. The result always passes
    `quiz lint`.

    \b
    Examples:
      quiz generate git-note.md -o decks/git.yaml
      quiz generate docker-note.md --deck docker
      quiz generate docker-note.md --update decks/docker.yaml
      quiz generate tmux-cheatsheet.md -o tmux.yaml --json | jq '.skipped[]'
      quiz generate --tldr git -o git.yaml    (the pages your tldr client cached)
    """),
)
@click.argument("note_path", metavar="NOTE.md", type=click.Path(dir_okay=False), required=False)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help=_("Write the deck to this file (default: print it).")
)
@click.option("--deck", "deck_name", help=_("The deck's name (default: from the note's file name)."))
@click.option(
    "--update",
    "update_path",
    metavar="DECK.yaml",
    type=click.Path(dir_okay=False),
    help=_("Merge into this deck: keeps card ids and your edits, adds new cards, removes nothing."),
)
@click.option("--force", is_flag=True, help=_("Overwrite an existing -o file (without --update)."))
@click.option("--json", "as_json", is_flag=True, help=_("Print the cards made and the parts skipped as JSON."))
@click.option(
    "--tldr", "tldr_tool", metavar="TOOL", help=_("Read your tldr client's cached pages of TOOL instead of a note.")
)
def generate_command(
    note_path: str | None,
    output: str | None,
    deck_name: str | None,
    update_path: str | None,
    force: bool,
    as_json: bool = False,
    tldr_tool: str | None = None,
) -> None:
    from pathlib import Path

    from quiz import notes
    from quiz.deckfile import DECK_NAME

    if (note_path is None) == (tldr_tool is None):
        raise QuizError(_("give a note (quiz generate NOTE.md) or a tool's tldr pages (quiz generate --tldr git)"))
    if tldr_tool is not None:
        note, note_file = tldr_note(tldr_tool), Path(f"tldr-{tldr_tool}.md")
    else:
        note_file = Path(note_path or "")
        note = notes.generate(read_text(note_file), fallback_title=note_file.stem)
    if not as_json:  # the reports quote the note: someone else's text
        for line in notes.report_lines(note, note_file.name):
            click.echo(visible(line), err=True)
    if not note.cards and not update_path:
        nothing = _("{note}: no cards to make (what was left out, and why, is listed above)")
        raise QuizError(nothing.format(note=note_file.name))
    if update_path:
        from quiz.plumbing.yamlnodes import YamlError

        deck_text = read_text(Path(update_path), keep_line_ends=True)
        try:
            merged, report = notes.update(deck_text, note, note_file.name)
        except YamlError as error:
            where = f"{update_path}:{error.line}:{error.column}"
            raise QuizError(
                _("{where}: cannot update this deck: {problem}").format(where=where, problem=error.message)
            ) from None
        except (ValueError, KeyError, TypeError, IndexError) as error:
            raise QuizError(
                _("{where}: cannot update this deck: {problem}").format(where=update_path, problem=error)
            ) from None
        notes.check_and_write(merged, output or update_path)
        for line in report:
            click.echo(visible(f"{update_path}: {line}"), err=True)
        return
    name = deck_name or notes.deck_name_for(note_file.stem)
    if not DECK_NAME.match(name):
        wrong = _('--deck "{name}": use lowercase letters and digits joined by hyphens (like git-basics)')
        raise QuizError(wrong.format(name=name))
    deck = notes.deck_yaml(note, name, note_file.name)
    from quiz.plumbing.files import is_stream

    if output and Path(output).exists() and not is_stream(Path(output)) and not force:
        exists = _("{path} exists: use --update {path} to keep its ids and edits, or --force")
        raise QuizError(exists.format(path=output))
    notes.check_and_write(deck, output)
    if as_json:
        import json

        shown = json.dumps(notes.report_json(note, note_file.name, output, deck), ensure_ascii=False, indent=2)
        click.echo(visible(shown))
    elif output:
        click.echo(_("wrote {path}").format(path=output), err=True)
    else:
        click.echo(deck, nl=False)


def tldr_note(tool: str):
    """A note of every cached tldr page of ``tool`` (``git``, ``git-commit``...), in the
    learner's language first."""
    import os

    from quiz import i18n
    from quiz.notes.parse import from_tldr
    from quiz.notes.tldr import cache_dirs, find_cached_pages

    dirs = cache_dirs(os.environ)
    pages = find_cached_pages(tool, dirs, i18n.language())
    if not pages:
        where = ", ".join(str(d) for d in dirs)
        missing = _("no cached tldr pages of {tool} (looked in {where}): run your tldr client once (tldr {tool})")
        raise QuizError(missing.format(tool=tool, where=where))
    return from_tldr([read_text(page) for page in pages])


def read_text(path, keep_line_ends: bool = False) -> str:
    """The file's text, its lines ended by \\n, or as in the file with `keep_line_ends` (a deck
    merged into keeps its own: quiz.notes.merge writes what it adds that way too)."""
    try:
        with open(path, encoding="utf-8", newline="" if keep_line_ends else None) as file:
            return file.read()
    except OSError as error:
        from quiz.plumbing.files import os_reason

        raise QuizError(_("{path}: cannot read: {problem}").format(path=path, problem=os_reason(error))) from None
    except UnicodeDecodeError:
        raise QuizError(_("{path}: not UTF-8 text").format(path=path)) from None


@command(
    "new",
    help=_("""Write a commented starter deck that shows every card type.

    \b
    Examples:
      quiz new git-basics
      quiz new kubectl -o decks/kubectl.yaml
    """),
)
@click.argument("name")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help=_("Where to write it (default: NAME.yaml)."))
def new_command(name: str, output: str | None) -> None:
    from pathlib import Path

    from quiz import notes
    from quiz.deckfile import DECK_NAME

    if not DECK_NAME.match(name):
        wrong = _('"{name}": a deck name is lowercase letters and digits joined by hyphens (like git-basics)')
        raise QuizError(wrong.format(name=name))
    path = Path(output or f"{name}.yaml")
    if path.exists():
        raise QuizError(_("{path} exists: not overwriting it").format(path=path))
    notes.check_and_write(notes.starter_deck(name, str(path)), str(path))
    click.echo(_("wrote {path}: edit it, then quiz lint {path} and quiz import {path}").format(path=path))
