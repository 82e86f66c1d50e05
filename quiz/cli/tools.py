"""`quiz tools`: where quiz's knowledge of each tool comes from, and what it knows of one
command, for a learner who wonders why an answer was judged so."""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING

import click

from quiz.cli.env import Env, QuizCommand
from quiz.i18n import _, pgettext
from quiz.plumbing.textwidth import display_width, pad, visible, wrap_text

if TYPE_CHECKING:
    from quiz.shapes import CommandJson, ToolJson


def sources() -> dict[str, str]:
    """Where the knowledge of a tool comes from, said in full (`quiz tools show`)."""
    return {
        "deck": _("the deck's own tools:"),
        "bundled": _("quiz's bundled table"),
        "fish": _("your fish completions"),
        "generic": _("no table: the generic rule"),
    }


def source_names() -> dict[str, str]:
    """The same, short (`quiz tools`'s source column); `--json` keeps the keys."""
    return {
        "deck": pgettext("source", "deck"),
        "bundled": pgettext("source", "bundled"),
        "fish": pgettext("source", "fish"),
        "generic": pgettext("source", "generic"),
    }


def generic_rule(width: int = 80) -> str:
    """How an answer is read without a table: each rule with its example beside it, or under
    it where the two do not fit `width` cells together."""
    examples = [
        (_("flags in any order before the first argument"), "-v --dry-run x = --dry-run -v x"),
        (_("short flags bundled in any order"), "-la = -al = -l -a"),
        (_("--opt=value written either way"), "--out=a.txt = --out a.txt"),
        (_("quoting that gives the same words"), "'a b' = \"a b\" = a\\ b"),
    ]
    column = max(display_width(rule) for rule, _example in examples) + 3
    if 2 + column + max(len(example) for _rule, example in examples) <= width:
        rules = [f"  {pad(rule, column)}{example}" for rule, example in examples]
    else:
        rules = [line for rule, example in examples for line in (*_wrapped([rule], width, "  "), f"    {example}")]
    return "\n".join(
        [
            *_wrapped([_("Without a table, an answer is read with what the expected answer itself shows:")], width),
            *rules,
            *_wrapped([_("Anything after the first argument is compared word by word, in order.")], width),
        ]
    )


@click.group(
    "tools",
    help=_("""List the tools quiz knows the options of, and where it learned them.

    Answers are compared the way each tool reads its command line: from the
    deck's own `tools:`, else quiz's bundled tables, else your fish shell's
    completions, else a generic rule.

    \b
    Examples:
      quiz tools
      quiz tools --json | jq -r '.[] | select(.source == "bundled") | .tool'
      quiz tools show git commit
      quiz tools show kubectl get
    """),
    invoke_without_command=True,
)
@click.option("--json", "as_json", is_flag=True, help=_("Print a JSON array, one object per tool."))
@click.pass_context
def tools_group(ctx: click.Context, as_json: bool) -> None:
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
    from quiz.cli.table import format_table

    names = source_names()
    shown = [{**row, "source": names.get(row["source"], row["source"])} for row in rows]
    headers = (
        pgettext("column", "tool"),
        pgettext("column", "source"),
        pgettext("column", "from"),
        pgettext("column", "commands"),
        pgettext("column", "options"),
    )
    columns = ("tool", "source", "from", "commands", "options")
    click.echo(format_table(shown, columns, headers, drop=("from", "source")))  # a narrow terminal: the counts
    other = _("Any other tool: its fish completions when a card needs them, else the generic rule.")
    click.echo("\n" + "\n".join(_wrapped([other], shutil.get_terminal_size().columns)))


@tools_group.command(
    "show",
    cls=QuizCommand,
    help=_("""Show what quiz knows of a tool, or of one of its commands.

    \b
    Examples:
      quiz tools show tar
      quiz tools show git commit
      quiz tools show docker container ls
      quiz tools show git commit --json
    """),
)
@click.argument("words", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help=_("Print one JSON object."))
@click.pass_obj
def show_command(env: Env, words: tuple[str, ...], as_json: bool = False) -> None:
    from quiz.errors import QuizError
    from quiz.tools import describe_command

    try:
        shown = describe_command(env.engine, words)
    except LookupError as error:
        raise QuizError(str(error.args[0])) from None
    if as_json:
        click.echo(visible(json.dumps(shown, ensure_ascii=False, indent=2)))
        return
    click.echo(text_of(shown, shutil.get_terminal_size().columns))


def text_of(shown: CommandJson, width: int = 80) -> str:
    """What quiz knows of the command, its sentences wrapped to `width` cells (nor 80)."""
    path = " ".join([shown["tool"], *shown["command"]])
    lines = [f"{path}: {sources()[shown['source']]}" + (f" ({shown['from']})" if shown["from"] else "")]
    if shown["source"] == "generic":
        return "\n".join([*_wrapped(lines, width), "", generic_rule(width)])
    if shown["aliases"]:
        aliases = ", ".join(" ".join([shown["tool"], *alias]) for alias in shown["aliases"])
        lines.append(_("also written: {}").format(aliases))
    where = shown["options_where"]
    if where == "anywhere":
        lines.append(_("options may come before, between or after the arguments"))
    elif where == "first":
        lines.append(_("options end at the first argument; the rest is compared in order"))
    else:
        lines.append(_("options end at argument {}; the rest in order").format(where))
    lines += shown["notes"]  # the table's own words
    lines = _wrapped(lines, width)
    for label, listed in (
        (_("options:"), shown["options"]),
        (_("before the command:"), shown["global_options"]),
        (_("commands:"), shown["commands"]),
    ):
        if listed:
            lines += ["", label, *(part for line in listed for part in _listed(line, width))]
    return "\n".join(lines)


def _listed(line: str, width: int) -> list[str]:
    """An option's or command's line, indented; where it is wider than `width` (nor 80), its
    further lines under its first word."""
    first, *rest = wrap_text(visible(line), max(1, min(width, 80) - 4))
    return [f"  {first}", *(f"    {more}" for more in rest)]


def _wrapped(sentences: list[str], width: int, indent: str = "") -> list[str]:
    """Each sentence as lines of at most `width` cells (nor 80), each after `indent`."""
    room = max(1, min(width, 80) - len(indent))
    return [indent + line for sentence in sentences for line in wrap_text(visible(sentence), room)]
