"""Read an Anki package (.apkg, .colpkg) without Anki: zipfile, zstandard and sqlite3.

A package is a zip file. Its `meta` member (a protobuf, field 1: 1 legacy, 2 legacy 2,
3 latest) says which collection to read: `collection.anki21b` (zstd, Anki 2.1.50+),
`collection.anki21` or `collection.anki2`. A modern package also holds a
`collection.anki2` whose one note asks the user to update Anki: it is never read when
the newer one is there.

Two schemas: the modern one (18) keeps decks, deck options and note types in tables of
their own, with protobuf blobs and deck names separated by \\x1f; the legacy one (11)
keeps them as JSON in the `col` row, deck names separated by "::". Both are read into the
same plain data here.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from quiz.anki import wire
from quiz.errors import QuizError
from quiz.i18n import _

# PackageMetadata.Version (proto/anki/import_export.proto)
LEGACY_1, LEGACY_2, LATEST = 1, 2, 3
COLLECTIONS = {LEGACY_1: "collection.anki2", LEGACY_2: "collection.anki21", LATEST: "collection.anki21b"}
# DeckConfig.Config (proto/anki/deck_config.proto)
LEARN_STEPS, RELEARN_STEPS, FSRS_PARAMS_4, EASY_DAYS, FSRS_PARAMS_5, FSRS_PARAMS_6 = 1, 2, 3, 4, 5, 6
NEW_PER_DAY, REVIEWS_PER_DAY, MAXIMUM_INTERVAL, LEECH_THRESHOLD, DESIRED_RETENTION = 9, 10, 16, 22, 37
REVIEW_ORDER = 33
NOTETYPE_KIND = 1  # Notetype.Config.kind: 0 normal, 1 cloze
Q_FORMAT, A_FORMAT = 1, 2  # Notetype.Template.Config
DECK_KIND_NORMAL, DECK_CONFIG_ID = 1, 1  # the decks table's kind blob: normal { config_id }


class Card(NamedTuple):
    """A row of Anki's cards table: `type` 0 new, 1 learning, 2 review, 3 relearning; `queue`
    below 0 suspended or buried; `due` a day number, an instant (intraday learning, epoch
    seconds) or a new card's position; odid/odue: the home deck and due of a card in a
    filtered deck; `data`: JSON with the FSRS memory state."""

    id: int
    nid: int
    did: int
    ord: int
    type: int
    queue: int
    due: int
    ivl: int
    factor: int
    reps: int
    lapses: int
    left: int
    odue: int
    odid: int
    flags: int
    data: str


class Revlog(NamedTuple):
    """A row of Anki's review log: `id` the answer's instant in ms, `ease` the button,
    `ivl` days (negative: seconds), `type` 0 learn, 1 review, 2 relearn, 3 filtered, 4
    manual, 5 rescheduled."""

    id: int
    cid: int
    ease: int
    ivl: int
    last_ivl: int
    factor: int
    time: int
    type: int


CARD_COLUMNS = ", ".join(Card._fields)
REVLOG_COLUMNS = "id, cid, ease, ivl, lastIvl, factor, time, type"


@dataclass
class Preset:
    """A deck options preset: what quiz's deck settings can hold of it."""

    desired_retention: float = 0.9
    parameters: list[float] = field(default_factory=list)  # FSRS-6's 21, else FSRS-5's 19 or none
    learning_steps: list[float] = field(default_factory=lambda: [1.0, 10.0])  # minutes
    relearning_steps: list[float] = field(default_factory=lambda: [10.0])
    new_per_day: int = 20
    reviews_per_day: int = 200
    maximum_interval: int = 36500
    leech_threshold: int = 8
    review_order: int = 0  # Anki's ReviewCardOrder
    easy_days: list[float] = field(default_factory=list)  # each weekday's share, Monday first; none: all 1


@dataclass
class NoteType:
    id: int
    name: str
    cloze: bool
    fields: list[str]
    templates: list[tuple[str, str, str]]  # (name, question format, answer format)


@dataclass
class Collection:
    """What quiz takes from the collection."""

    created: int  # crt: epoch seconds of the start of day 0
    rollover: int
    decks: dict[int, tuple[str, int]]  # id -> (name with "::", preset id)
    presets: dict[int, Preset]
    note_types: dict[int, NoteType]
    notes: list[tuple[int, str, int, str, str]]  # (id, guid, note type id, tags, fields joined by \x1f)
    cards: list[Card]
    revlog: list[Revlog]
    media: list[str]


def read_package(path: Path) -> Collection:
    """The collection in the package at `path`; a damaged or unknown package is one QuizError."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            version = _version(archive.read("meta")) if "meta" in names else None
            member = _member(names, version, path)
            raw = archive.read(member)
            media = _media(archive.read("media"), version) if "media" in names else []
    except (OSError, zipfile.BadZipFile, KeyError, EOFError) as error:
        raise QuizError(_("{path}: not a readable Anki package ({error})").format(path=path, error=error)) from None
    if member.endswith("anki21b"):
        import zstandard

        stream = zstandard.ZstdDecompressor().decompressobj()
        try:
            raw = stream.decompress(raw)
        except zstandard.ZstdError as error:
            raise QuizError(_("{path}: a damaged Anki package ({error})").format(path=path, error=error)) from None
        if not stream.eof:
            raise QuizError(_("{path}: a damaged Anki package ({error})").format(path=path, error="truncated"))
    if not raw.startswith(b"SQLite format 3\x00"):
        raise QuizError(_("{path}: a damaged Anki package ({error})").format(path=path, error="no database"))
    db = sqlite3.connect(":memory:")
    try:
        db.deserialize(_rollback_journal(raw))
        db.create_collation("unicase", _unicase)
        return _read(db, media)
    except (sqlite3.DatabaseError, ValueError, KeyError, TypeError) as error:
        raise QuizError(_("{path}: a damaged Anki package ({error})").format(path=path, error=error)) from None
    finally:
        db.close()


def _rollback_journal(raw: bytes) -> bytes:
    """The database marked as a rollback-journal one: Anki writes its file in WAL mode
    (header bytes 18 and 19 are 2), which a database in memory cannot open. The rest of the
    file is the same in both modes (https://www.sqlite.org/fileformat.html, 1.3.3)."""
    if raw[18:20] != b"\x02\x02":
        return raw
    patched = bytearray(raw)
    patched[18:20] = b"\x01\x01"
    return bytes(patched)


def _version(meta: bytes) -> int:
    try:
        return wire.one_int(wire.message(meta).get(1)) or LEGACY_1
    except wire.WireError:
        return 0


def _member(names: set[str], version: int | None, path: Path) -> str:
    found: list[str]
    if version is None:  # before Anki 2.1.50: the newest collection file the package has
        found = [name for name in ("collection.anki21", "collection.anki2") if name in names]
    elif version in COLLECTIONS:
        found = [COLLECTIONS[version]] if COLLECTIONS[version] in names else []
    else:
        message = _("{path}: made by a newer Anki than quiz knows: export it with 'Support older Anki versions'")
        raise QuizError(message.format(path=path))
    if not found:
        raise QuizError(_("{path}: not an Anki package (no collection in it)").format(path=path))
    return found[0]


def _media(raw: bytes, version: int | None) -> list[str]:
    """The media files' names: a JSON map in a legacy package, zstd MediaEntries (field 1,
    each with its name in field 1) in a modern one."""
    if version == LATEST:
        import zstandard

        entries = wire.message(zstandard.ZstdDecompressor().decompressobj().decompress(raw)).get(1, [])
        return [wire.one_text(wire.message(entry).get(1)) for _kind, entry in entries if isinstance(entry, bytes)]
    return list(json.loads(raw or b"{}").values())


def _unicase(a: str, b: str) -> int:
    a, b = a.casefold(), b.casefold()
    return (a > b) - (a < b)


def _read(db: sqlite3.Connection, media: list[str]) -> Collection:
    created, conf = db.execute("SELECT crt, conf FROM col").fetchone()
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "notetypes" in tables:
        rollover = db.execute("SELECT val FROM config WHERE KEY = 'rollover'").fetchone()
        decks, presets, note_types = _modern(db)
        hour = json.loads(rollover[0]) if rollover else 4
    else:
        decks, presets, note_types = _legacy(db)
        hour = json.loads(conf or "{}").get("rollover", 4)
    return Collection(
        created=int(created),
        rollover=int(hour) if isinstance(hour, int) and 0 <= hour < 24 else 4,
        decks=decks,
        presets=presets,
        note_types=note_types,
        notes=db.execute("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id").fetchall(),
        cards=list(map(Card._make, db.execute(f"SELECT {CARD_COLUMNS} FROM cards ORDER BY nid, ord"))),
        revlog=list(map(Revlog._make, db.execute(f"SELECT {REVLOG_COLUMNS} FROM revlog ORDER BY id"))),
        media=media,
    )


def _modern(db: sqlite3.Connection):
    decks = {}
    for deck_id, name, kind in db.execute("SELECT id, name, kind FROM decks"):
        normal = wire.one_message(wire.message(kind).get(DECK_KIND_NORMAL))
        preset = wire.one_int(wire.message(normal).get(DECK_CONFIG_ID)) if normal is not None else None
        decks[deck_id] = (name.replace("\x1f", "::"), preset or 1)
    presets = {
        preset_id: _modern_preset(wire.message(blob))
        for preset_id, blob in db.execute("SELECT id, config FROM deck_config")
    }
    fields: dict[int, list[str]] = {}
    for ntid, name in db.execute("SELECT ntid, name FROM fields ORDER BY ntid, ord"):
        fields.setdefault(ntid, []).append(name)
    templates: dict[int, list[tuple[str, str, str]]] = {}
    for ntid, name, blob in db.execute("SELECT ntid, name, config FROM templates ORDER BY ntid, ord"):
        config = wire.message(blob)
        templates.setdefault(ntid, []).append(
            (name, wire.one_text(config.get(Q_FORMAT)), wire.one_text(config.get(A_FORMAT)))
        )
    note_types = {
        ntid: NoteType(
            ntid,
            name,
            wire.one_int(wire.message(blob).get(NOTETYPE_KIND)) == 1,
            fields.get(ntid, []),
            templates.get(ntid, []),
        )
        for ntid, name, blob in db.execute("SELECT id, name, config FROM notetypes")
    }
    return decks, presets, note_types


def _modern_preset(config: dict) -> Preset:
    parameters = next(
        (found for number in (FSRS_PARAMS_6, FSRS_PARAMS_5) if (found := wire.floats(config.get(number, [])))), []
    )
    default = Preset()
    return Preset(
        desired_retention=wire.one_float(config.get(DESIRED_RETENTION)) or default.desired_retention,
        parameters=parameters,
        learning_steps=wire.floats(config.get(LEARN_STEPS, [])),
        relearning_steps=wire.floats(config.get(RELEARN_STEPS, [])),
        new_per_day=_or(wire.one_int(config.get(NEW_PER_DAY)), default.new_per_day),
        reviews_per_day=_or(wire.one_int(config.get(REVIEWS_PER_DAY)), default.reviews_per_day),
        maximum_interval=wire.one_int(config.get(MAXIMUM_INTERVAL)) or default.maximum_interval,
        leech_threshold=wire.one_int(config.get(LEECH_THRESHOLD)) or default.leech_threshold,
        review_order=wire.one_int(config.get(REVIEW_ORDER)) or 0,
        easy_days=wire.floats(config.get(EASY_DAYS, [])),
    )


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def _legacy(db: sqlite3.Connection):
    models_json, decks_json, presets_json = db.execute("SELECT models, decks, dconf FROM col").fetchone()
    decks = {
        int(deck_id): (deck["name"], int(deck.get("conf") or 1))
        for deck_id, deck in json.loads(decks_json or "{}").items()
        if not deck.get("dyn")
    }
    presets = {}
    for preset_id, preset in json.loads(presets_json or "{}").items():
        new, lapse, review = preset.get("new", {}), preset.get("lapse", {}), preset.get("rev", {})
        default = Preset()
        presets[int(preset_id)] = Preset(
            desired_retention=preset.get("desiredRetention") or default.desired_retention,
            parameters=list(preset.get("fsrsParams6") or preset.get("fsrsWeights") or []),
            learning_steps=list(new.get("delays", default.learning_steps)),
            relearning_steps=list(lapse.get("delays", default.relearning_steps)),
            new_per_day=int(new.get("perDay", default.new_per_day)),
            reviews_per_day=int(review.get("perDay", default.reviews_per_day)),
            maximum_interval=int(review.get("maxIvl", default.maximum_interval)),
            leech_threshold=int(lapse.get("leechFails", default.leech_threshold)),
            review_order=int(preset.get("reviewOrder") or 0),
            easy_days=[float(share) for share in preset.get("easyDaysPercentages") or []],
        )
    note_types = {}
    for model in json.loads(models_json or "{}").values():
        fields = [f["name"] for f in sorted(model.get("flds", []), key=lambda f: f.get("ord", 0))]
        templates = [
            (t.get("name", ""), t.get("qfmt", ""), t.get("afmt", ""))
            for t in sorted(model.get("tmpls", []), key=lambda t: t.get("ord", 0))
        ]
        note_types[int(model["id"])] = NoteType(
            int(model["id"]), model.get("name", ""), model.get("type") == 1, fields, templates
        )
    return decks, presets, note_types
