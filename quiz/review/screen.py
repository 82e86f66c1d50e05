"""The review loop: one PromptSession, `.prompt()` in a loop.

The session (quiz.session) decides and stores; this module asks and shows.
A card goes: question -> typed answer or reveal -> note and source -> rating (one key).
Lines wrap at words (textwidth.wrap) at the terminal's width.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from prompt_toolkit import PromptSession, print_formatted_text
from prompt_toolkit.formatted_text import FormattedText

from quiz import config, storage
from quiz.dailyqueue import QueueCard
from quiz.errors import QuizError
from quiz.model import FLAGS, CardKind, Rating, accepted_answers, flag_number
from quiz.plumbing.textwidth import ESCAPE, display_width, visible, wrap
from quiz.review import keys, render
from quiz.review.words import words_for
from quiz.session import ReviewSession, Summary, is_typed

if TYPE_CHECKING:
    from quiz.checking.tables import ToolTable


T = TypeVar("T")
LOCK_RETRY_S = 0.5  # after the busy timeout (5 s) has passed once


class Quit(Exception):
    """The learner asked to stop."""


class Restart(Exception):
    """Show whatever card is now first (after undo, suspend, bury, skip)."""


@dataclass
class Screen:
    session: ReviewSession
    transcript: list[str] = field(default_factory=list)  # what was printed, as plain text

    def __post_init__(self) -> None:
        self.guard = keys.QuitGuard()
        self.words = words_for(self.session.lang)
        self.hint = ""  # the line under the input: how to answer (a learner's first cards), the last key
        self.prompts: PromptSession[str | Rating] = PromptSession(
            bottom_toolbar=keys.toolbar(
                self.session.counts,
                lambda: len(self.session.ratings),
                self.elapsed,
                self.guard,
                self.words,
                self.width,
                cram=self.session.study.cram,
            ),
            style=render.STYLE,
            completer=keys.CommandCompleter(),
            complete_while_typing=False,
            enable_history_search=False,
            enable_suspend=True,  # Ctrl-Z, as in every terminal program
            reserve_space_for_menu=7,  # the commands' menu under the input (Tab), over the hint
            color_depth=config.color_depth(),  # `quiz config colour`, else NO_COLOR and TERM
            refresh_interval=1.0,  # the toolbar's clock
        )
        self.links = render.shows_links(dict(os.environ), sys.stdout.isatty())
        keys.hint_under_input(self.prompts, lambda: self.hint)
        # Esc clears the input once no key follows it this soon (Alt-b arrives as Esc b at once).
        self.prompts.app.timeoutlen = 0.3
        self.tools_cache: dict[str, ToolTable | None] = {}  # deck name -> its parsed command tables
        self.explained: set[str] = set()  # the diff marks whose meaning was shown once
        self.fish_cache: dict[str, ToolTable | None] = {}  # tool -> its table from fish completions

    # -- output ---------------------------------------------------------------------

    def echo(self, parts: list[tuple[str, str]], hanging: int = 0) -> None:
        """Print, every piece visible: the cards are someone else's text, and prompt_toolkit
        turns ESC into ? and drops CR but prints BEL, BS and C1 (U+009B: CSI) raw. Here,
        not in render, so that the diff's word positions are the text's own. (The only
        escapes are render's own hyperlinks.) Lines wrap at words, `hanging` in."""
        parts = [(style, text if ESCAPE in style else visible(text)) for style, text in parts]
        parts = wrap(parts, self.width(), hanging)
        if parts:
            self.transcript.append(render.plain(parts))
            print_formatted_text(FormattedText(parts), style=render.STYLE, end="", color_depth=self.prompts.color_depth)

    def elapsed(self) -> str:
        return render.duration((self.session.clock() - self.session.started).total_seconds())

    def width(self) -> int:
        return self.prompts.output.get_size().columns

    # -- input ----------------------------------------------------------------------

    def ask(self, message: str, exact_commands: bool = False, **options):
        """One prompt; commands typed at it run here, and Quit/Restart leave the card.

        ``exact_commands``: only the full names are commands (`:q` may be an answer)."""
        self.guard.armed = False
        options.setdefault("key_bindings", keys.common_bindings(self.guard))
        options.setdefault("lexer", None)
        try:
            result = self.prompts.prompt(message, **options)
        except KeyboardInterrupt:  # a real SIGINT, not the Ctrl-C key (bound above)
            raise Quit from None
        if result == keys.QUIT:
            raise Quit
        if not isinstance(result, str):
            return result
        text = result.strip()
        if exact_commands and text not in keys.COMMANDS and text != "?":
            return result
        if text.startswith(":") or text == "?":
            self.command(text)
        return result

    def command(self, text: str) -> None:
        name, _space, argument = {"?": ":help"}.get(text, text).partition(" ")
        matches = [c for c in keys.COMMANDS if c.startswith(name)] if name.startswith(":") and len(name) > 1 else []
        if len(matches) != 1:
            self.echo([("class:bad", self.words.unknown_command.format(text)), ("", self.words.help_hint)])
            raise Restart
        name, argument = matches[0], argument.strip()
        card = self.current
        if name == ":quit":
            raise Quit
        if name == ":help":
            self.echo(render.help_text(self.words), hanging=2)  # under the lines' own indent
        elif name == ":undo":
            self.undo()
        elif name == ":suspend":
            self.session.suspend(card)
            self.echo([("class:dim", self.words.suspended.format(card.deck, card.key))])
        elif name == ":bury":
            self.session.bury(card)
            self.echo([("class:dim", self.words.buried)])
        elif name == ":skip":
            self.session.skip(card)
        elif name == ":edit":
            self.edit(card)
        elif name == ":flag":
            self.flag(card, argument or FLAGS[0])
        elif name == ":forget":
            self.act(lambda: self.session.forget(card), self.words.forgotten)
        elif name == ":due":
            self.reschedule(card, argument)
        raise Restart

    def flag(self, card: QueueCard, colour: str) -> None:
        if colour not in FLAGS:
            shown = ", ".join(self.words.colours.values())
            self.echo([("class:bad", self.words.no_colour.format(colour, shown))])
            return
        flag = self.session.flag(card, flag_number(colour))
        told = self.words.flagged.format(self.words.colours[colour]) if flag else self.words.unflagged
        self.echo([("class:dim", told)])

    def reschedule(self, card: QueueCard, text: str) -> None:
        from quiz import scheduling

        today = scheduling.learner_date(self.session.clock(), self.session.zone, self.session.rollover_hour)
        try:
            day = scheduling.due_day(text, today)
        except ValueError:
            self.echo([("class:bad", self.words.no_due.format(text or "''", today.isoformat()))])
            return
        self.act(lambda: self.session.reschedule(card, day), self.words.rescheduled.format(day.isoformat()))

    def act(self, change: Callable[[], object], told: str) -> None:
        """Make the change and say so; a change refused (a new card forgotten) is told instead."""
        try:
            self.saved(change)
        except QuizError as error:
            self.echo([("class:bad", str(error) + "\n")])
        else:
            self.echo([("class:dim", told)])

    def edit(self, card: QueueCard) -> None:
        """The card's deck file in the learner's editor (quiz.editing), imported again; the
        card comes back as it is now. Problems are told, and `e` goes back to the editor."""
        from quiz import editing

        def tell(lines: list[str]) -> None:
            self.echo([("class:bad", "\n".join(lines) + "\n")])

        def again() -> bool:
            self.hint = self.words.edit_again
            try:
                return self.ask("", key_bindings=keys.one_key_bindings(self.guard, "e", keys.EDIT)) == keys.EDIT
            except Quit:
                return False
            finally:
                self.hint = ""

        try:
            edited = editing.edit_card(
                self.session.engine, card, run=editing.run_editor, tell=tell, again=again, zone=self.session.zone
            )
        except QuizError as error:
            self.echo([("class:bad", str(error) + "\n")])
            return
        if edited is not None:
            self.session.edited(edited.card)
            if edited.card is not None:
                self.echo([("class:dim", self.words.edited.format(edited.card.deck, edited.card.key))])

    def undo(self) -> None:
        try:
            action = self.session.undo()
        except storage.CardChanged:
            self.echo([("class:bad", self.words.card_changed)])
            return
        if action is None:
            self.echo([("class:dim", self.words.nothing_to_undo)])
        else:
            self.echo([("class:dim", self.words.undone.format(self.words.actions[action.kind]))])

    def saved(self, write: Callable[[], T]) -> T:
        """Run a write; while another process holds the lock past the busy timeout, say that
        the answer waits, and try again until it is saved (Ctrl-C still quits)."""
        told = False
        while True:
            try:
                return write()
            except storage.Locked:
                if not told:
                    self.echo([("class:dim", self.words.waiting)])
                    told = True
                time.sleep(LOCK_RETRY_S)

    # -- one card ---------------------------------------------------------------------

    def show(self, card: QueueCard) -> None:
        self.current = card
        deck = self.session.decks[card.deck]
        lang, deck_lang = self.session.lang, self.deck_lang(card)
        started = time.monotonic()
        self.echo([("", "\n")] + render.rule(deck.title, card.tags, self.width()))
        self.echo(render.question(card, lang, deck_lang))
        typed_card = is_typed(card)
        hints = {CardKind.COMMAND: self.words.hint_typed, CardKind.KEYS: self.words.hint_keys}
        self.hint = hints.get(card.kind, self.words.hint_reveal) if self.session.needs_hint() else ""
        try:
            if typed_card:
                typed, selected = self.typed_answer(card)
            else:
                if self.ask("", key_bindings=keys.reveal_bindings(self.guard)) == keys.UNDO:
                    self.undo()
                    raise Restart
                self.echo(render.answer(card, lang, deck_lang))
                typed, selected = None, Rating.GOOD
        finally:
            self.hint = ""
        self.echo(render.note(card, lang, deck_lang, self.words, self.links), hanging=2 * render.NOTE_INDENT)
        rating, interval = self.rating(card, selected)
        duration_ms = round((time.monotonic() - started) * 1000)
        try:
            answered = self.saved(lambda: self.session.answer(card, rating, duration_ms, typed))
        except storage.CardChanged:
            self.echo([("class:bad", self.words.card_changed)])
            return
        self.echo(render.rated(rating, interval, self.words))
        if answered.leech:
            self.echo([("class:bad", self.words.leech.format(answered.schedule.lapses, card.deck, card.key))])

    def typed_answer(self, card: QueueCard) -> tuple[str, Rating]:
        expected = accepted_answers(card.content["back"], self.session.lang, self.deck_lang(card))
        keys_card = card.kind is CardKind.KEYS
        exact = any(answer.lstrip().startswith(":") for answer in expected)  # vim's :wq is an answer
        typed = self.ask(
            self.words.keys_prompt if keys_card else "$ ", exact, lexer=None if keys_card else keys.ShellLexer()
        )
        if typed.strip() == "u" and "u" not in (answer.strip() for answer in expected):
            self.undo()  # `u` undoes the last answer at any prompt (unless it is this card's answer)
            raise Restart
        labels = display_width(self.words.expected)
        if not typed.strip():  # "I don't know"
            self.echo(render.revealed_command(expected[0], self.words), hanging=labels)
            return "", Rating.AGAIN
        from quiz.checking.compare import compare  # the checker loads here, not before the first card

        tables = () if keys_card else self.tables(card, expected)
        verdict = compare(expected, typed, kind="keys" if keys_card else "command", tools=tables)
        self.echo(render.verdict(verdict, typed, self.words, self.explained), hanging=labels)
        return typed, Rating.GOOD if verdict.correct else Rating.AGAIN

    def rating(self, card: QueueCard, selected: Rating | None) -> tuple[Rating, str | None]:
        intervals = self.session.intervals(card)
        self.echo(render.rating_choices(intervals, selected, self.words, self.width()) + [("", "\n")])
        bindings = keys.rating_bindings(self.guard, selected)
        while True:
            result = self.ask(self.words.rate_prompt, key_bindings=bindings)
            if result == keys.UNDO:
                self.undo()
                raise Restart
            if result == keys.EDIT:
                self.edit(card)
                raise Restart
            if isinstance(result, Rating):
                self.hint = ""
                return result, intervals.get(result)
            self.hint = self.words.hint_rate  # something else was typed: what this prompt takes

    def last_chance(self) -> bool:
        """After the summary, one key: `u` undoes the last answer (True: review on), any
        other key ends the session."""
        self.hint = self.words.last_chance
        try:
            result = self.ask("", key_bindings=keys.one_key_bindings(self.guard, "u", keys.UNDO))
        except (Quit, EOFError):
            return False
        finally:
            self.hint = ""
        if result != keys.UNDO:
            return False
        self.undo()
        return True

    def deck_lang(self, card: QueueCard) -> str:
        return self.session.decks[card.deck].lang

    def tables(self, card: QueueCard, expected: list[str]) -> tuple[ToolTable, ...]:
        """The command tables to read these answers with: the deck's own, over the fish
        completions of the tools that have no other table (looked up once per session)."""
        from quiz.checking.knowledge import tool_index
        from quiz.tools import answer_tools, fish_tables

        deck = self.tools(card)
        index = tool_index((deck,) if deck else ())
        names = {name for answer in expected for name in answer_tools(answer, index)}
        for name in names - self.fish_cache.keys():
            self.fish_cache[name] = fish_tables(self.session.engine, [name], index)
        fished = tuple(table for name in sorted(names) if (table := self.fish_cache[name]) is not None)
        return fished + ((deck,) if deck else ())

    def tools(self, card: QueueCard) -> ToolTable | None:
        """The deck's own command tables, parsed once per session."""
        if card.deck not in self.tools_cache:
            with self.session.engine.connect() as conn:
                data = storage.deck_tools(conn, self.session.decks[card.deck].id)
            from quiz.checking.tables import parse_tools

            self.tools_cache[card.deck] = parse_tools(data) if data else None
        return self.tools_cache[card.deck]


def run(session: ReviewSession, wait: bool = True) -> tuple[Summary, list[str]]:
    """Review until the queue is empty or the learner quits; the summary and the transcript.
    With `wait`, the summary waits for one key, so that the last answer can be undone."""
    screen = Screen(session)
    while True:
        card = session.current()
        if card is not None:
            try:
                screen.show(card)
            except Restart:
                pass
            except (Quit, EOFError):  # EOFError: the input closed
                card = None
            if card is not None:
                continue
        summary = session.summary()
        screen.echo(render.summary(summary, session.clock(), session.zone, screen.words))
        if not (wait and session.history and screen.last_chance()):
            return summary, screen.transcript
