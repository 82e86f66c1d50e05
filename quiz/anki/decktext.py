"""The deck files an Anki import writes: one per Anki deck, named from the deck's name,
with the deck's options as settings, each card an entry with a readable id and its note's
GUID. A deck imported before gets the notes that are new appended to its file, which
is otherwise left as the learner keeps it."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Set as AbstractSet
from pathlib import Path

from quiz import deckfile
from quiz.anki.cards import Entry
from quiz.anki.package import Collection, Preset
from quiz.deckentry import card_ords, held_by
from quiz.deckfile import Reader, fingerprint
from quiz.errors import DeckError, QuizError
from quiz.i18n import _
from quiz.model import ANKI_REVIEW_ORDERS, CLOZE, MAX_STEPS, SETTING_LIMITS, WEEKDAYS, CardSpec, DeckSpec
from quiz.notes.cards import slug
from quiz.notes.parse import note_language
from quiz.notes.write import card_yaml, scalar
from quiz.plumbing.gcpause import collector_paused

# Anki's review orders as quiz's; those quiz has not (by interval, ease...) become by due date
REVIEW_ORDER_OF = {number: order for order, number in ANKI_REVIEW_ORDERS.items()} | {9: "added"}


def deck_name(anki_name: str, prefix: str | None) -> str:
    """A quiz deck name for an Anki deck: its words, lower case, joined by hyphens
    ("Languages::Spanish" -> languages-spanish); a name with no ASCII words gets a digest."""
    # not folded (Español stays espa-ol): the name ties a later import of the deck to its file
    name = slug(anki_name.replace("::", " "), limit=8, fold=False)
    name = name or "deck-" + hashlib.sha256(anki_name.encode()).hexdigest()[:8]
    name = "-".join(part for part in name.replace("_", "-").split("-") if part)
    return f"{prefix}-{name}" if prefix else name


def _anki_deck(collection: Collection, deck_id: int) -> tuple[str, int]:
    """The Anki deck's name and preset id (a deck the package lacks: by its id, the default preset)."""
    return collection.decks.get(deck_id, (f"Anki {deck_id}", 1))


def deck_names(
    collection: Collection, entries: list[Entry], prefix: str | None, homes: dict[int, str] | None = None
) -> dict[int, str]:
    """The quiz deck name of each Anki deck that holds the entries' notes. A deck with notes
    quiz has keeps the name of the quiz deck most of them are in (`homes`, by Anki deck id), so
    that a note added to it in Anki joins that deck. Others are named from their Anki name;
    where two come to one name (Spanish::Verbs, Spanish Verbs), the later by Anki id (its
    creation) is `-2`, and so on: no deck's notes go into another's file, and the same decks
    get the same names again."""
    names: dict[int, str] = dict(homes or {})
    for deck_id in sorted({entry.deck_id for entry in entries} - set(names)):
        base = name = deck_name(_anki_deck(collection, deck_id)[0], prefix)
        number = 2
        while name in names.values():
            name, number = f"{base}-{number}", number + 1
        names[deck_id] = name
    return names


def deck_files(
    collection: Collection,
    entries: list[Entry],
    names: dict[int, str],
    folder: Path,
    sources: dict,
    package: str,
    homes: AbstractSet[str] = frozenset(),
) -> tuple[dict[Path, bytes], dict[str, list[Entry]], dict[str, Path], dict[Path, DeckSpec]]:
    """(deck file -> its new text, deck name -> the entries placed in it, with their keys,
    bundled deck -> the learner's copy its entries went to, deck file -> the deck it holds
    where known_deck knows it without reading it back); `names`: deck_names of all the
    package's notes. A deck of `homes` (one the notes quiz has are in) gets the new entries
    appended to its own file, a bundled deck's to the learner's copy of it
    (quiz.editing.bundled_copy); any other deck to the file quiz wrote in `folder`."""
    from quiz.decks import load_deck
    from quiz.plumbing.resources import is_bundled

    by_name: dict[str, list[Entry]] = {}
    for entry in entries:
        by_name.setdefault(names[entry.deck_id], []).append(entry)
    texts: dict[Path, bytes] = {}
    decks: dict[Path, DeckSpec] = {}
    placed: dict[str, list[Entry]] = {}
    copies: dict[str, Path] = {}
    for name, deck_entries in by_name.items():
        known = sources.get(name)
        target, text = _deck_file(name, known, folder, name in homes)
        if known is not None and known.source and is_bundled(Path(known.source)):
            copies[name] = target
        taken: set[str] = set()
        anki_name, preset_id = _anki_deck(collection, deck_entries[0].deck_id)
        if text is None:
            lang = note_language(" ".join(_sample(entry) for entry in deck_entries[:200]))
            head = _head(name, anki_name, lang, collection.presets.get(preset_id) or Preset(), package)
            had = 0
        else:
            cards = load_deck(target, text).cards
            taken, had = {card.key for card in cards}, len(cards)
        _within_limit(anki_name, deck_entries, had)
        numbers: dict[str, int] = {}
        for entry in deck_entries:
            entry.key = new_key(_sample(entry), entry.guid, taken, numbers)
        if text is None:
            items = [card_yaml(entry.key, entry.content, "") for entry in deck_entries]
            texts[target] = (head + "\n\n".join(items) + "\n").encode()
            deck = known_deck(target, head, items, deck_entries, texts[target])
            if deck is not None:
                decks[target] = deck
        else:
            texts[target] = _appended(target, text, deck_entries).encode()
        placed[name] = deck_entries
    return texts, placed, copies, decks


def known_deck(target: Path, head: str, items: list[str], entries: list[Entry], raw: bytes) -> DeckSpec | None:
    """The deck that load_deck reads from the new deck file `raw` (`head`, then the entries'
    `items` each after a blank line), without reading the whole file back: its head and first
    card are read as any deck file's, every other card is made from its entry. Reading it back
    took 2.1 of bench_anki_import.py's 9.5 s at 100k cards. None when an entry is not one the
    checks of deckentry.known_cards vouch for (a text empty or too long, an odd tag, a cloze the deck
    checks refuse...): the file is then read whole, its problems told as any deck file's."""
    from quiz.decks import load_deck

    try:
        deck = load_deck(target, (head + items[0] + "\n").encode())
    except DeckError:
        return None
    with collector_paused():  # as the deck checks are: 10^5 cards made, none freed
        cards = _known(target, deck, head, items, entries)
    return None if cards is None else dataclasses.replace(deck, cards=cards, sha256=fingerprint(raw))


def _known(target: Path, deck: DeckSpec, head: str, items: list[str], entries: list[Entry]) -> list[CardSpec] | None:
    """The cards after the first, each as the deck's Reader makes it from plain data (Reader.known_card:
    the checks, the limits and the ids' uniqueness of any deck file's cards), or None."""
    reader = Reader(str(target))
    reader.cards, reader.held = list(deck.cards), sum(map(held_by, deck.cards))
    line = head.count("\n") + items[0].count("\n") + 3  # the second entry's: after the first and a blank line
    reader.first_line = {card.key: card.line for card in deck.cards}
    for position, (entry, item) in enumerate(zip(entries[1:], items[1:]), 1):
        if not reader.known_card({"id": entry.key, **entry.content}, position, line, line):
            return None
        line += item.count("\n") + 2
    return reader.cards


def _within_limit(anki_name: str, entries: list[Entry], had: int) -> None:
    """One clear line for an Anki deck that would make more cards than a deck holds, not the
    deck checks' problem at a line of a file that the learner never saw."""
    count = had + sum(len(card_ords(entry.kind, entry.content.get("text"))) for entry in entries)
    if count > deckfile.MAX_CARDS:
        message = _(
            'Anki deck "{deck}" makes {count} cards, more than the {limit} a quiz deck holds: '
            "split it into subdecks in Anki and export it again"
        )
        raise QuizError(message.format(deck=anki_name, count=f"{count:,}", limit=f"{deckfile.MAX_CARDS:,}"))


def _deck_file(name: str, known, folder: Path, home: bool) -> tuple[Path, bytes | None]:
    """The file that the deck's new entries go to, and its text now (None: a file to begin)."""
    from quiz.editing import bundled_copy
    from quiz.plumbing.resources import is_bundled

    target = folder / f"{name}.yaml"
    if known is None:
        return target, None
    own = Path(known.source) if known.source else None
    if home and own is not None and own != target.resolve():
        if is_bundled(own):
            return bundled_copy(name, own)
        if own.is_file():
            return own, own.read_bytes()
        message = _("the notes added in Anki to deck {name} belong in its file {path}, which is gone")
        raise QuizError(message.format(name=name, path=own))
    if own != target.resolve():
        message = _(
            'deck "{name}" exists already (from {source}): --deck PREFIX imports the Anki decks under other names'
        )
        raise QuizError(message.format(name=name, source=known.source or "?"))
    return target, target.read_bytes() if target.is_file() else None


def _appended(target: Path, text: bytes, entries: list[Entry]) -> str:
    """The deck file's text with the entries after its last card (quiz.notes.merge.appended)."""
    from quiz.notes.merge import appended

    try:
        return appended(text.decode("utf-8"), [(entry.key, entry.content, "") for entry in entries])
    except ValueError as error:
        message = _("cannot add the notes new in Anki to {path}: {problem}")
        raise QuizError(message.format(path=target, problem=error)) from None


def _sample(entry: Entry) -> str:
    return str(entry.content.get("front") or entry.content.get("text") or "")


def new_key(text: str, seed: str, taken: set[str], numbers: dict[str, int]) -> str:
    """A readable id for an imported card from its first line (a cloze's answers shown), one
    made of `seed`'s digest when the line has no ASCII word; unique among `taken`, then taken.
    `numbers`: per id, the number its next copy may take (many cards of one id stay linear)."""
    base = slug(CLOZE.sub(lambda match: match[2], text.split("\n")[0]))
    base = base or "note-" + hashlib.sha256(seed.encode()).hexdigest()[:8]
    key, number = base, numbers.get(base, 2)
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    numbers[base] = number
    taken.add(key)
    return key


def _head(name: str, title: str, lang: str, preset: Preset, package: str) -> str:
    lines = [
        f"# Imported by `quiz import anki` from {json.dumps(package, ensure_ascii=False)}: edit it freely.",
        "# Progress follows each card's id; `guid` ties a card to its Anki note, so that an export",
        "# to Anki updates that note, and importing from Anki again merges the progress made there.",
        f"deck: {name}",
        f"title: {scalar(title, 0)}",
        f"lang: {lang}",
        "settings:",
        *(f"  {key}: {value}" for key, value in _settings(preset).items()),
        "cards:",
    ]
    return "\n".join(lines) + "\n"


def _settings(preset: Preset) -> dict[str, str]:
    """The preset as deck settings (YAML values), each within quiz's limits."""

    def within(key: str, value: float) -> float:
        low, high = SETTING_LIMITS[key]
        return min(max(value, low), high)

    def steps(key: str, minutes: list[float]) -> str:
        seconds = [round(within(key, max(1, round(m * 60)))) for m in minutes[:MAX_STEPS]]
        return "[" + ", ".join(_duration(s) for s in seconds) + "]"

    settings = {
        "desired_retention": str(round(within("desired_retention", preset.desired_retention), 3)),
        "learning_steps": steps("learning_steps", preset.learning_steps),
        "relearning_steps": steps("relearning_steps", preset.relearning_steps),
        "new_per_day": str(int(within("new_per_day", preset.new_per_day))),
        "reviews_per_day": str(int(within("reviews_per_day", preset.reviews_per_day))),
        "maximum_interval": str(int(within("maximum_interval", preset.maximum_interval))),
        "leech_threshold": str(int(within("leech_threshold", preset.leech_threshold))),
        "review_order": REVIEW_ORDER_OF.get(preset.review_order, "due"),
    }
    # Anki's shares: 1 normal, 0 minimum, anything between reduced (rslib's EasyDay::from)
    loads = ["normal" if share == 1 else "minimum" if share == 0 else "reduced" for share in preset.easy_days]
    if len(loads) == len(WEEKDAYS) and set(loads) != {"normal"}:
        settings["easy_days"] = (
            "{" + ", ".join(f"{day}: {load}" for day, load in zip(WEEKDAYS, loads) if load != "normal") + "}"
        )
    parameters = _parameters(preset.parameters)
    if parameters:
        settings["parameters"] = "[" + ", ".join(repr(p) for p in parameters) + "]"
    return settings


def _parameters(given: list[float]) -> list[float] | None:
    """FSRS-6's 21 parameters (an FSRS-5 or 4.5 list filled in as fsrs-rs does), or None to
    keep quiz's defaults when the preset has none or FSRS refuses them."""
    if not given:
        return None
    from quiz.optimize import filled_parameters
    from quiz.scheduling import check_parameters

    try:
        filled = [round(p, 4) for p in filled_parameters(given)]
    except (ValueError, TypeError):
        return None
    return filled if check_parameters(tuple(filled)) is None else None


def _duration(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
