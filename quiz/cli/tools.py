"""`quiz tools`: where quiz's knowledge of each tool comes from, and what it knows of one
command, for a learner who wonders why an answer was judged so."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from quiz.cli.env import Env, QuizCommand
from quiz.plumbing.textwidth import visible

if TYPE_CHECKING:
    from quiz.shapes import CommandJson, ToolJson

SOURCES = {
    "deck": "the deck's own tools:",
    "bundled": "quiz's bundled table",
    "fish": "your fish completions",
    "generic": "no table: the generic rule",
}
GENERIC_RULE = """\
Without a table, an answer is read with what the expected answer itself shows:
  flags in any order before the first argument   -v --dry-run x = --dry-run -v x
  short flags bundled in any order               -la = -al = -l -a
  --opt=value written either way                 --out=a.txt = --out a.txt
  quoting that gives the same words              'a b' = "a b" = a\\ b
Anything after the first argument is compared word by word, in order."""


@click.group("tools", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per tool.")
@click.pass_context
def tools_group(ctx: click.Context, as_json: bool) -> None:
    """List the tools quiz knows the options of, and where it learned them.

    Answers are compared the way each tool reads its command line: from the
    deck's own `tools:`, else quiz's bundled tables, else your fish shell's
    completions, else a generic rule.

    \b
    Examples:
      quiz tools
      quiz tools --json | jq -r '.[] | select(.source == "bundled") | .tool'
      quiz tools show git commit
      quiz tools show kubectl get
    """
    if ctx.invoked_subcommand is not None:
        return
    from quiz.tools import known_tools

    env: Env = ctx.obj
    rows: list[ToolJson] = [
        {"tool": r.name, "source": r.source, "from": r.where, "commands": r.commands, "options": r.options}
        for r in known_tools(env.engine)
    ]
    if as_json:  # a deck's tables: refused with control characters, not with bidi overrides
        click.echo(visible(json.dumps(rows, ensure_ascii=False, indent=2)))
        return
    from quiz.cli.collection import format_table

    click.echo(format_table(rows, ("tool", "source", "from", "commands", "options")))
    click.echo("\nAny other tool: its fish completions when a card needs them, else the generic rule.")


@tools_group.command("show", cls=QuizCommand)
@click.argument("words", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def show_command(env: Env, words: tuple[str, ...], as_json: bool = False) -> None:
    """Show what quiz knows of a tool, or of one of its commands.

    \b
    Examples:
      quiz tools show tar
      quiz tools show git commit
      quiz tools show docker container ls
      quiz tools show git commit --json
    """
    from quiz.errors import QuizError
    from quiz.tools import describe_command

    try:
        shown = describe_command(env.engine, words)
    except LookupError as error:
        raise QuizError(str(error.args[0])) from None
    if as_json:
        click.echo(visible(json.dumps(shown, ensure_ascii=False, indent=2)))
        return
    click.echo(visible(text_of(shown)))


def text_of(shown: CommandJson) -> str:
    path = " ".join([shown["tool"], *shown["command"]])
    lines = [f"{path}: {SOURCES[shown['source']]}" + (f" ({shown['from']})" if shown["from"] else "")]
    if shown["source"] == "generic":
        return "\n".join([*lines, "", GENERIC_RULE])
    if shown["aliases"]:
        lines.append("also written: " + ", ".join(" ".join([shown["tool"], *alias]) for alias in shown["aliases"]))
    lines.append(
        {
            "anywhere": "options may come before, between or after the arguments",
            "first": "options end at the first argument; the rest is compared in order",
        }.get(str(shown["options_where"]), f"options end at argument {shown['options_where']}; the rest in order")
    )
    lines += shown["notes"]
    for label, listed in (
        ("options", shown["options"]),
        ("before the command", shown["global_options"]),
        ("commands", shown["commands"]),
    ):
        if listed:
            lines += ["", f"{label}:", *(f"  {line}" for line in listed)]
    return "\n".join(lines)
