"""What the review screen prints: cards, answers, diffs, intervals and the summary.

Functions return prompt_toolkit formatted text (lists of (style, text)); the
style names are defined in STYLE. NO_COLOR is honoured by prompt_toolkit itself.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from prompt_toolkit.styles import Style

from quiz.checking.shell import spans
from quiz.dailyqueue import QueueCard
from quiz.model import CLOZE, CardKind, Rating, localize
from quiz.plumbing.textwidth import ESCAPE, clip, display_width, visible
from quiz.review.words import Words
from quiz.scheduling import format_interval
from quiz.session import Summary

if TYPE_CHECKING:
    from quiz.checking.compare import Verdict

# Colours from the terminal's own 16-colour palette, so that they suit its background,
# light or dark (a fixed grey vanishes on one of them); NO_COLOR is prompt_toolkit's.
STYLE = Style.from_dict(
    {
        "rule": "ansibrightblack",
        "title": "bold",
        "tags": "ansibrightblack italic",
        "question": "bold",
        "answer": "ansicyan bold",
        "cloze": "ansiblue bold",
        "note": "",
        "source": "ansibrightblack underline",
        "good": "ansigreen bold",
        "bad": "ansired bold",
        "missing": "ansigreen underline",
        "extra": "ansired strike",
        "wrong": "ansimagenta bold",
        "key": "bold",
        "selected": "reverse bold",
        "dim": "ansibrightblack",
        "hint": "ansibrightblack italic",
        "sh.command": "ansiblue bold",
        "sh.option": "ansicyan",
        "sh.string": "ansigreen",
        "sh.operator": "ansired bold",
        "sh.placeholder": "ansimagenta italic",
        "bottom-toolbar": "noreverse ansibrightblack",
        "toolbar.warning": "ansired bold",
    }
)


Formatted = list[tuple[str, str]]


def rule(title: str, tags: str, width: int) -> Formatted:
    """A separator line naming the deck and the card's tags: `── Docker · container ───`
    (measured as it is shown: on one line, visible, cut to fit: tags first, then the title)."""
    title, tags = " ".join(visible(title).split()), " / ".join(visible(tags).split())
    room = width - 6  # the dashes around, and the spaces
    if tags and display_width(f"{title} · {tags}") > room:
        tags = clip(tags, room - display_width(title) - 3) if room - display_width(title) - 3 >= 6 else ""
    title = clip(title, room - (display_width(tags) + 3 if tags else 0))
    label = f" {title} " + (f"· {tags} " if tags else "")
    fill = max(2, width - display_width(label) - 2)
    parts = [("class:rule", "──"), ("class:title", f" {title} ")]
    if tags:
        parts.append(("class:tags", f"· {tags} "))
    return parts + [("class:rule", "─" * fill), ("", "\n")]


def question(card: QueueCard, lang: str, deck_lang: str) -> Formatted:
    text = card.content
    if card.kind is CardKind.CLOZE:
        return cloze(localize(text["text"], lang, deck_lang), card.ord, reveal=False) + [("", "\n")]
    side = "back" if card.kind is CardKind.REVERSED and card.ord == 1 else "front"
    return [("class:question", localize(text[side], lang, deck_lang)), ("", "\n")]


def answer(card: QueueCard, lang: str, deck_lang: str) -> Formatted:
    text = card.content
    if card.kind is CardKind.CLOZE:
        shown = cloze(localize(text["text"], lang, deck_lang), card.ord, reveal=True)
        extra = [("", "\n"), ("class:answer", localize(text["back"], lang, deck_lang))] if "back" in text else []
        return shown + extra + [("", "\n")]
    side = "front" if card.kind is CardKind.REVERSED and card.ord == 1 else "back"
    return [("class:answer", localize(text[side], lang, deck_lang)), ("", "\n")]


def cloze(text: str, number: int, reveal: bool) -> Formatted:
    """The cloze text with deletion `number` hidden (or highlighted), the others shown."""
    parts: Formatted = []
    position = 0
    for match in CLOZE.finditer(text):
        parts.append(("", text[position : match.start()]))
        if int(match[1]) != number:
            parts.append(("", match[2]))
        elif reveal:
            parts.append(("class:cloze", match[2]))
        else:
            parts.append(("class:cloze", f"[{match[3] or '...'}]"))
        position = match.end()
    parts.append(("", text[position:]))
    return parts


NOTE_INDENT = 2  # a note's lines; its continuation lines hang NOTE_INDENT further in


def note(card: QueueCard, lang: str, deck_lang: str, words: Words, links: bool) -> Formatted:
    """The card's note and its source link, shown with the answer (before rating: the
    explanation is what an honest rating needs). The link is an OSC 8 hyperlink where the
    terminal shows them (`links`), the address itself in any case."""
    parts: Formatted = []
    if "note" in card.content:
        for line in localize(card.content["note"], lang, deck_lang).splitlines():
            parts += [("class:note", " " * NOTE_INDENT + line), ("", "\n")]
    source = card.content.get("source")
    if isinstance(source, str):
        link = [(ESCAPE, f"\x1b]8;;{source}\x1b\\")] if links and _LINKABLE.fullmatch(source) else []
        shown = [("class:source", source)]
        parts += [("class:dim", " " * NOTE_INDENT + words.source)] + link + shown
        parts += [(ESCAPE, "\x1b]8;;\x1b\\")] if link else []
        parts += [("", "\n")]
    return parts


_LINKABLE = re.compile(r"[\x21-\x7e]+")  # printable ASCII only: nothing that ends the sequence early


def spans_at(line: str) -> list[tuple[str, str, int]]:
    """The pieces of ``spans``, each with where it starts (the checker's word positions)."""
    pieces: list[tuple[str, str, int]] = []
    position = 0
    for kind, text in spans(line):
        pieces.append((kind, text, position))
        position += len(text)
    return pieces


_TYPED_STYLE = {"same": "", "extra": "class:extra", "wrong": "class:wrong"}
_EXPECTED_STYLE = {"same": "class:answer", "missing": "class:missing", "wrong": "class:missing"}
_WORST = ("wrong", "extra", "same")


def verdict(result: Verdict, typed: str, words: Words, explained: set[str]) -> Formatted:
    """The typed line as typed and the expected one, differences marked word by word; the
    first time a mark appears (``explained`` keeps count) a word says what it means."""
    mark = [("class:good", words.right) if result.correct else ("class:bad", words.not_quite), ("", "\n")]
    if result.correct:
        return mark + [("class:dim", words.expected), ("class:answer", result.expected), ("", "\n")]

    def label(kind: str) -> Formatted:
        if kind == "same" or kind in explained:
            return []
        explained.add(kind)
        return [("class:dim", f" ({words.marks[kind]})")]

    typed_line: Formatted = [("class:dim", words.you_typed)]
    by_word: dict[int, list[str]] = {}
    for part in result.diff:
        if part.typed:
            by_word.setdefault(part.at, []).append(part.kind)
    if -1 in by_word:  # no positions (text, keys): the parts as compared
        for part in result.diff:
            if part.typed:
                typed_line += [(_TYPED_STYLE.get(part.kind, ""), part.typed), *label(part.kind), ("", " ")]
    else:
        for kind, text, start in spans_at(typed):
            kinds = by_word.get(start, ["same"]) if kind in ("word", "redirect", "operator") else []
            worst = next((k for k in _WORST if k in kinds), "same") if kinds else "same"
            typed_line += [(_TYPED_STYLE[worst] if kinds else "", text), *label(worst)]
    expected_line: Formatted = [("class:dim", words.expected)]
    by_answer_word: dict[int, list[str]] = {}
    for part in result.diff:
        if part.expected:
            by_answer_word.setdefault(part.expected_at, []).append(part.kind)
    if -1 in by_answer_word:  # no positions (text, keys): the parts as compared
        for part in result.diff:
            if part.expected:
                expected_line += [(_EXPECTED_STYLE.get(part.kind, ""), part.expected)]
                expected_line += [*label("missing"), ("", " ")] if part.kind == "missing" else [("", " ")]
    else:  # the answer as written, its missing and wrong words marked
        for kind, text, start in spans_at(result.expected):
            kinds = by_answer_word.get(start, []) if kind != "space" else []
            off = "missing" in kinds or "wrong" in kinds
            style = _EXPECTED_STYLE["missing"] if off else "class:answer" if kind != "space" else ""
            expected_line += [(style, text), *(label("missing") if "missing" in kinds else [])]
    hint = [("class:dim", words.dash_hint)] if result.hint == "dash" else []
    return mark + typed_line + [("", "\n")] + expected_line + [("", "\n")] + hint


def revealed_command(expected: str, words: Words) -> Formatted:
    return [("class:dim", words.answer), ("class:answer", expected), ("", "\n")]


def rating_choices(intervals: dict[Rating, str], selected: Rating | None, words: Words, width: int = 80) -> Formatted:
    """`1 Again 1m  2 Hard 6m  [3 Good 10m]  4 Easy 3d` with the pre-selected one marked; in a
    narrow terminal the names go (`1 1m  2 6m  [3 Good 10m]  4 3d`), the marked one's last."""
    for named in ("all", "selected", "none"):
        parts: Formatted = []
        for rating in Rating:
            name = named == "all" or (named == "selected" and rating == selected)
            label = f"{int(rating)} {words.ratings[rating]} " if name else f"{int(rating)} "
            label = (label + intervals.get(rating, "")).rstrip()  # none: cramming
            if rating == selected:
                parts.append(("class:selected", f"[{label}]"))
            else:
                parts.append(("", f" {label} " if named == "all" else label))
            parts.append(("", "  "))
        parts.pop()
        if display_width(plain(parts)) <= width:
            break
    return parts


def rated(rating: Rating, interval: str | None, words: Words) -> Formatted:
    """`→ Good · back in 3d`; with no interval (cramming), that the schedule stays."""
    style = "class:bad" if rating == Rating.AGAIN else "class:good"
    after = words.crammed if interval is None else words.back_in.format(interval)
    return [("class:dim", "  → "), (style, words.ratings[rating]), ("class:dim", after)]


def help_text(words: Words) -> Formatted:
    parts: Formatted = []
    for section, lines in zip(words.help_sections, words.help_lines):
        parts += [("class:key", section), ("", lines)]
    return parts


def summary(result: Summary, now: datetime, zone: tzinfo, words: Words) -> Formatted:
    parts: Formatted = [("", "\n")]
    if result.reviewed:
        retention = f"{result.retention:.0%}" if result.retention is not None else "-"
        parts += [
            ("class:title", words.reviewed.format(words.cards(result.reviewed))),
            ("", words.again_retention.format(result.again, retention, duration(result.seconds))),
        ]
    elif not result.left:
        parts += [("class:title", words.nothing_to_cram if result.crammed else words.nothing_due)]
    if result.crammed:  # the cram schedules nothing: no next card to come back for
        return parts + ([("", words.left_to_cram.format(words.cards(result.left)))] if result.left else [])
    if result.left:
        parts += [("", words.left_for_today.format(words.cards(result.left)))]
    elif result.next_due is not None:
        parts += [("", words.next_due.format(when(result.next_due, now, zone, words)))]
    elif result.new_left_for_later:
        parts += [("", words.new_tomorrow)]
    else:
        parts += [("", words.nothing_scheduled)]
    return parts


def duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"


def when(moment: datetime, now: datetime, zone: tzinfo, words: Words) -> str:
    """`in 10m (09:32)`, `in 21h (tomorrow 08:00)`, `in 5d (Mon 2 Dec)`."""
    delta = max(moment - now, timedelta(0))
    local, today = moment.astimezone(zone), now.astimezone(zone).date()
    if local.date() == today:
        at = local.strftime("%H:%M")
    elif local.date() == today + timedelta(days=1):
        at = words.tomorrow.format(local.strftime("%H:%M"))
    else:
        at = re.sub(r"(?<!\d)0(\d)", r"\1", local.strftime(words.date_format))  # 2 Dec, 12月2日
    return words.in_.format(format_interval(delta, words.lang), at)


def plain(parts: Formatted) -> str:
    """The text of `parts` as it reads (escape sequences left out)."""
    return "".join(text for style, text in parts if ESCAPE not in style)


def shows_links(environ: dict[str, str], terminal: bool) -> bool:
    """Whether the terminal shows OSC 8 hyperlinks (others print the sequence as junk or
    drop it): the terminals that say who they are and are known to, never through tmux or
    screen (which pass them on only when configured to), never into a pipe."""
    if not terminal or environ.get("TMUX") or environ.get("STY") or environ.get("TERM", "").startswith("screen"):
        return False
    if environ.get("TERM_PROGRAM") in ("iTerm.app", "WezTerm", "vscode", "ghostty", "Hyper", "Tabby", "rio"):
        return True
    if any(name in environ.get("TERM", "") for name in ("kitty", "foot", "alacritty", "ghostty", "wezterm")):
        return True
    vte = environ.get("VTE_VERSION", "")
    return bool(environ.get("WT_SESSION") or environ.get("KONSOLE_VERSION") or (vte.isdigit() and int(vte) >= 5000))
