"""Key bindings, the shell lexer, command completion and the bottom toolbar."""

from __future__ import annotations

import re
from collections.abc import Callable

from prompt_toolkit import PromptSession
from prompt_toolkit.application import get_app
from prompt_toolkit.completion import Completer, Completion
from prompt_toolkit.filters import Condition, is_done, to_filter
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.layout import BufferControl, ConditionalContainer, FormattedTextControl, HSplit, Window
from prompt_toolkit.lexers import Lexer

from quiz.checking.shell import PLACEHOLDER, spans
from quiz.model import Rating
from quiz.review.words import Words

COMMANDS = (":undo", ":suspend", ":bury", ":skip", ":edit", ":flag", ":forget", ":due", ":help", ":quit")
QUIT = "quit"
EDIT = "edit"
REVEAL = "reveal"
UNDO = "undo"
HELP = "?"
NARROW = 60  # columns: under this, the short status bar
_PLACEHOLDER = re.compile(PLACEHOLDER)


class QuitGuard:
    """Ctrl-C clears the input; a second Ctrl-C on an empty input quits."""

    def __init__(self) -> None:
        self.armed = False


def common_bindings(guard: QuitGuard) -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add("c-c")
    def _(event) -> None:
        buffer = event.app.current_buffer
        if buffer.text:
            buffer.reset()
            guard.armed = False
        elif guard.armed:
            event.app.exit(result=QUIT)
        else:
            guard.armed = True

    @bindings.add("c-d")
    def _(event) -> None:
        event.app.exit(result=QUIT)

    @bindings.add("escape")
    def _(event) -> None:
        event.app.current_buffer.reset()

    return bindings


def _empty() -> Condition:
    return Condition(lambda: get_app().current_buffer.text == "")


def reveal_bindings(guard: QuitGuard) -> KeyBindings:
    """Enter or Space reveals the answer, `u` undoes the last one, `?` asks for help, `:`
    starts a command; any other key does nothing (no line fills up with ignored keys)."""
    bindings = common_bindings(guard)
    empty = _empty()

    @bindings.add("<any>", filter=empty)
    def _(event) -> None:
        pass

    @bindings.add(":", filter=empty)
    def _(event) -> None:
        event.app.current_buffer.insert_text(":")

    @bindings.add(" ", filter=empty)
    @bindings.add("enter", filter=empty)
    def _(event) -> None:
        event.app.exit(result=REVEAL)

    @bindings.add("u", filter=empty)
    def _(event) -> None:
        event.app.exit(result=UNDO)

    @bindings.add("?", filter=empty)
    def _(event) -> None:
        event.app.exit(result=HELP)

    return bindings


def one_key_bindings(guard: QuitGuard, key: str, result: str) -> KeyBindings:
    """One key ends the prompt: `key` gives `result`, any other key (Enter too) QUIT. After
    the summary, `u` asks for undo; after a deck file that does not import, `e` goes back to
    the editor (any other key keeps the collection as it was)."""
    bindings = common_bindings(guard)

    @bindings.add("<any>")
    @bindings.add("enter")
    @bindings.add("escape")
    def _(event) -> None:
        event.app.exit(result=QUIT)

    @bindings.add(key)
    def _(event) -> None:
        event.app.exit(result=result)

    return bindings


def rating_bindings(guard: QuitGuard, selected: Rating | None) -> KeyBindings:
    """Digits rate at once; Enter takes the marked choice; `u` undoes the last answer; `e`
    edits the card in its deck file.

    Typing `:` starts a command instead, as at the other prompts.
    """
    bindings = common_bindings(guard)
    empty = _empty()
    for rating in Rating:
        bindings.add(str(int(rating)), filter=empty)(lambda event, r=rating: event.app.exit(result=r))

    @bindings.add("u", filter=empty)
    def _(event) -> None:
        event.app.exit(result=UNDO)

    @bindings.add("enter", filter=empty)
    def _(event) -> None:
        event.app.exit(result=selected or Rating.GOOD)

    @bindings.add("e", filter=empty)
    def _(event) -> None:
        event.app.exit(result=EDIT)

    return bindings


class CommandCompleter(Completer):
    """Completes `:commands` only: nothing that could give an answer away."""

    def get_completions(self, document, complete_event):
        text = document.text_before_cursor
        if text.startswith(":") and " " not in text:  # the name: an argument is the learner's
            for command in COMMANDS:
                if command.startswith(text):
                    yield Completion(command, start_position=-len(text))


class ShellLexer(Lexer):
    """Colours a command line as it is typed: command, options, strings, placeholders,
    operators. The words are the answer checker's own (quiz.checking.shell), so `2>&1`
    is one redirection here as there; the word after a redirection is a file, not a command."""

    def lex_document(self, document):
        def line(number: int):
            fragments, expect_command, after_redirect = [], True, False
            for kind, text in spans(document.lines[number]):
                style = ""
                if kind == "word":
                    if not after_redirect:  # else a file name
                        style = _word_style(text, expect_command)
                    expect_command = expect_command and after_redirect
                    after_redirect = False
                elif kind != "space":
                    style = "operator"
                    expect_command = expect_command or kind == "operator"
                    after_redirect = kind == "redirect"
                fragments.append((f"class:sh.{style}" if style else "", text))
            return fragments

        return line


def _word_style(text: str, first: bool) -> str:
    if text[0] in "'\"":
        return "string"
    if _PLACEHOLDER.fullmatch(text):
        return "placeholder"
    if first:
        return "command"
    return "option" if text.startswith("-") else ""


def hint_under_input(prompts: PromptSession, hint: Callable[[], str]) -> None:
    """A line right under the input line, when `hint` has something to say: prompt_toolkit
    keeps its bottom toolbar at the terminal's last line, far below. The input keeps to its
    own lines and an empty window fills the space between the hint and the status bar."""
    line = Window(
        FormattedTextControl(lambda: [("class:hint", hint())]), height=1, dont_extend_height=True, wrap_lines=False
    )
    layout = prompts.app.layout
    for window in layout.find_all_windows():
        if isinstance(window.content, BufferControl) and window.content.buffer is prompts.default_buffer:
            window.dont_extend_height = to_filter(True)
    container = layout.container
    assert isinstance(container, HSplit)
    container.children[1:1] = [ConditionalContainer(line, filter=Condition(lambda: bool(hint())) & ~is_done), Window()]


def toolbar(
    counts: Callable[[], tuple[int, int, int]],
    done: Callable[[], int],
    elapsed: Callable[[], str],
    guard: QuitGuard,
    words: Words,
    columns: Callable[[], int],
    cram: bool = False,
) -> Callable[[], list]:
    """The status bar; under NARROW columns it keeps done, left and the time, and Ctrl-C's
    warning goes on a line of its own. Cramming, the cards left are one count: none of
    them is new, learning or due as far as the cram goes."""

    def render() -> list:
        if columns() < NARROW:
            warning = [("class:toolbar.warning", words.quit_warning + "\n")] if guard.armed else []
            return warning + [("", words.toolbar_narrow.format(done(), sum(counts()), elapsed()))]
        warning = [("class:toolbar.warning", words.quit_warning)] if guard.armed else []
        if cram:
            return [("", words.toolbar_cram.format(sum(counts()), done(), elapsed()))] + warning
        return [("", words.toolbar.format(*counts(), done(), elapsed()))] + warning

    return render
