"""The review screen's own words, in the learner's language (quiz.i18n's catalogs).

Card texts follow the learner's language through the deck; these are the labels
around them. Key names stay as they are in every language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from quiz import i18n
from quiz.model import Rating
from quiz.plumbing.textwidth import display_width


@dataclass(frozen=True)
class Words:
    lang: str  # the language they are in (for the intervals)
    ratings: dict[Rating, str]
    right: str
    not_quite: str
    # Labels before a command line, padded to one display width so the commands line up.
    you_typed: str
    expected: str
    answer: str
    back_in: str  # after a rating: `→ Good · back in 3d`
    rate_prompt: str
    keys_prompt: str  # before a typed key sequence
    toolbar: str  # new, learning, review, done, elapsed
    toolbar_narrow: str  # done, left, elapsed (under 60 columns)
    toolbar_cram: str  # left, done, elapsed (quiz review --cram)
    quit_warning: str
    unknown_command: str  # the command typed
    help_hint: str
    marks: dict[str, str]  # what a diff mark means: wrong, extra, missing
    dash_hint: str
    suspended: str  # deck, card id
    buried: str
    flagged: str  # the colour
    unflagged: str
    colours: dict[str, str]  # quiz.model.FLAGS' names, in the learner's words
    no_colour: str  # what was typed, the colours
    forgotten: str
    rescheduled: str  # the date
    no_due: str  # what was typed, today's date
    crammed: str  # after a cram answer's rating
    edit_again: str  # the deck file did not import
    edited: str  # deck, card id
    nothing_to_undo: str
    card_changed: str  # answered in another quiz process since this one queued it
    waiting: str  # the write lock is held elsewhere: the answer waits to be saved
    undone: str  # what was undone
    actions: dict[str, str]  # session.Action kinds
    leech: str  # lapses, deck, card id
    help_sections: tuple[str, str, str]  # answering, rating, commands
    help_lines: tuple[str, str, str]
    hint_typed: str  # under the prompt of a command card, for a learner's first reviews
    hint_keys: str  # of a key card
    hint_reveal: str
    hint_rate: str  # under the rating prompt, once something else was typed there
    source: str  # before a card's source link
    reviewed: str  # how many cards
    again_retention: str  # again, retention, time
    nothing_due: str
    nothing_to_cram: str
    left_to_cram: str  # how many cards
    left_for_today: str  # how many cards
    next_due: str  # when
    new_tomorrow: str
    nothing_scheduled: str
    last_chance: str  # the summary waits for one key
    in_: str  # interval, local time
    tomorrow: str  # time
    date_format: str  # for strftime, beyond tomorrow
    cards: Callable[[int], str]  # a count of cards: '1 card', '3 cards', '3 张卡片'


def words_for(lang: str) -> Words:
    """The screen's words in `lang` (English where quiz has no catalog for it)."""
    words = i18n.translation(lang)
    _, ngettext, pgettext = words.gettext, words.ngettext, words.pgettext
    # The labels before a command line share one display width, so the commands line up.
    labels = [_("you typed"), _("expected"), _("answer")]
    width = max(display_width(label) for label in labels)
    you_typed, expected, answer = (f"  {label}{' ' * (width - display_width(label))} " for label in labels)
    return Words(
        lang=lang,
        ratings={Rating.AGAIN: _("Again"), Rating.HARD: _("Hard"), Rating.GOOD: _("Good"), Rating.EASY: _("Easy")},
        right=_("✓ right"),
        not_quite=_("✗ not quite"),
        you_typed=you_typed,
        expected=expected,
        answer=answer,
        back_in=_(" · back in {}") + "\n",
        rate_prompt=_("rate> "),
        keys_prompt=_("keys> "),
        toolbar=_(" new {} · learning {} · review {}  │  done {}  │  {} "),
        toolbar_narrow=_(" done {} · left {} · {} "),
        toolbar_cram=_(" cram {}  │  done {}  │  {} "),
        quit_warning=_(" Ctrl-C again to quit "),
        unknown_command=_("unknown command {}"),
        help_hint=_(" (:help lists them)") + "\n",
        marks={"wrong": _("wrong"), "extra": _("extra"), "missing": _("missing")},
        dash_hint=_("  – and — are dashes, not hyphens: a long option starts with two hyphens, --") + "\n",
        suspended=_("suspended: it stays out of reviews until quiz unsuspend {} {}") + "\n",
        buried=_("buried until tomorrow") + "\n",
        flagged=_("flagged {}") + "\n",
        unflagged=_("flag taken off") + "\n",
        colours=colour_words(pgettext),
        no_colour=_("{} is no flag colour: {}") + "\n",
        forgotten=_("forgotten: a new card again, its reviews kept") + "\n",
        rescheduled=_("due {}: out of today's reviews") + "\n",
        no_due=_("{} is no due date: :due +3d, or a date like {}") + "\n",
        crammed=_(" · cram: its schedule stays as it was") + "\n",
        edit_again=_("e edits the file again · any other key keeps the collection as it was"),
        edited=_("imported: {} {} as it is now") + "\n",
        nothing_to_undo=_("nothing to undo") + "\n",
        card_changed=_("this card was answered elsewhere (another quiz process?): left as that one saved it") + "\n",
        waiting=_("another quiz process is writing to the collection: your answer waits and is saved when it is done…")
        + "\n",
        undone=_("undone: {} of the previous card") + "\n",
        actions={
            "answer": pgettext("undone", "answer"),
            "suspend": pgettext("undone", "suspension"),
            "bury": pgettext("undone", "burying"),
            "flag": pgettext("undone", "flag"),
            "cram": pgettext("undone", "cram answer"),
            "forget": pgettext("undone", "forgetting"),
            "reschedule": pgettext("undone", "rescheduling"),
        },
        leech=_("Leech: this card lapsed {} times and is now suspended. Rewrite it, then: quiz unsuspend {} {}") + "\n",
        help_sections=(
            _("Answering") + "\n",
            _("Rating (one key, no Enter)") + "\n",
            _("Commands (Tab completes)") + "\n",
        ),
        help_lines=(
            _(
                "  command cards: type the command, Enter submits; an empty answer reveals it\n"
                "  other cards: Enter or Space reveals the answer\n"
            ),
            _(
                "  1 Again  2 Hard  3 Good  4 Easy   Enter: the marked choice   u: undo the last answer\n"
                "  e: edit the card in its deck file\n"
            ),
            _(
                "  :undo  :suspend  :bury  :skip  :help (or ?)  :quit (or Ctrl-D)\n"
                "  :edit  :flag [COLOUR]  :forget  :due +3d (or a date)\n"
                "  On a card whose answer starts with :, only the full command names are commands.\n"
                "  Ctrl-C clears the input; twice quits; Esc clears it too. Ctrl-Z suspends quiz.\n"
                "  Every answer is saved at once.\n"
            ),
        ),
        hint_typed=_("type the command · Enter on empty shows the answer · ? help"),
        hint_keys=_("type the keys (Ctrl-b d, ciw) · Enter on empty shows the answer · ? help"),
        hint_reveal=_("Space or Enter shows the answer · ? help"),
        hint_rate=_("1 Again · 2 Hard · 3 Good · 4 Easy · Enter the marked one · u undo · e edit"),
        source=_("source: "),
        reviewed=_("Reviewed {}"),
        again_retention=_(" · {} Again · retention {} · {}") + "\n",
        nothing_due=_("Nothing due right now.") + "\n",
        nothing_to_cram=_("No cards to cram with these options (suspended and buried cards stay out).") + "\n",
        left_to_cram=_("{} left to cram.") + "\n",
        left_for_today=_("{} left for today: quiz review to go on.") + "\n",
        next_due=_("Next card due {}.") + "\n",
        new_tomorrow=_("New cards wait for tomorrow (daily limit reached).") + "\n",
        nothing_scheduled=_("No cards scheduled.") + "\n",
        last_chance=_("u undoes the last answer · any other key quits"),
        in_=_("in {} ({})"),
        tomorrow=_("tomorrow {}"),
        # TRANSLATORS: a strftime format for a date beyond tomorrow (leading zeros are dropped)
        date_format=_("%a %d %b"),
        cards=lambda count: ngettext("{} card", "{} cards", count).format(count),
    )


def colour_words(pgettext: Callable[[str, str], str]) -> dict[str, str]:
    """The flags' colours (quiz.model.FLAGS' names) in a language's words."""
    return {
        "red": pgettext("flag", "red"),
        "orange": pgettext("flag", "orange"),
        "green": pgettext("flag", "green"),
        "blue": pgettext("flag", "blue"),
        "pink": pgettext("flag", "pink"),
        "turquoise": pgettext("flag", "turquoise"),
        "purple": pgettext("flag", "purple"),
    }
