"""The collection's decks and settings: the learner's settings, each deck's scheduler
settings, and the import of deck files (a sync: new cards added, edited ones updated,
removed ones retired, all in the caller's transaction)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from quiz.errors import UnknownDeck
from quiz.model import SETTING_LIMITS, DeckRow, DeckSettings, DeckSpec
from quiz.storage.database import chunks, inserted_id, writing
from quiz.storage.prepared import Prepared
from quiz.storage.schema import CARD_COLUMNS, cards_t, deck_settings_t, decks_t, settings_t, tool_tables_t

LIST_SETTINGS = ("learning_steps", "relearning_steps", "parameters", "easy_days")


# -- settings ------------------------------------------------------------------------


def get_setting(conn: Connection, key: str) -> str | None:
    return conn.execute(select(settings_t.c.value).where(settings_t.c.key == key)).scalar()


def set_setting(conn: Connection, key: str, value: str) -> None:
    _upsert(conn, settings_t, {"key": key}, {"value": value})


def unset_setting(conn: Connection, key: str) -> None:
    conn.execute(delete(settings_t).where(settings_t.c.key == key))


def _upsert(conn: Connection, table, key: dict, values: dict) -> None:
    """Update the row with this primary key, or insert it (portable: no ON CONFLICT dialects)."""
    where = [table.c[name] == value for name, value in key.items()]
    if conn.execute(update(table).where(*where).values(**values)).rowcount == 0:
        conn.execute(insert(table).values(**key, **values))


# The deck settings the collection gives a default of (`quiz config`), for every deck
# whose file does not set them: one collection, one default, whichever machine reviews.
DEFAULTED_SETTINGS = ("desired_retention", "new_per_day", "reviews_per_day")


def deck_defaults(conn: Connection) -> DeckSettings:
    """The settings of a deck that sets none: the collection's defaults, else quiz's own.
    A stored default beyond SETTING_LIMITS (written by hand) is quiz's own instead."""
    given: dict[str, Any] = {}
    query = select(settings_t.c.key, settings_t.c.value).where(settings_t.c.key.in_(DEFAULTED_SETTINGS))
    for name, text in conn.execute(query):
        low, high = SETTING_LIMITS[name]
        try:
            value = float(text) if name == "desired_retention" else int(text)
        except ValueError:
            continue
        if low <= value <= high:
            given[name] = value
    return DeckSettings(**given)


def deck_settings(conn: Connection, deck_id: int) -> DeckSettings:
    row = conn.execute(select(deck_settings_t).where(deck_settings_t.c.deck_id == deck_id)).mappings().first()
    return _settings_from_row(row, deck_defaults(conn))


def _settings_from_row(row, defaults: DeckSettings) -> DeckSettings:
    if row is None:
        return defaults
    given: dict[str, Any] = {}
    for name in DeckSettings.__dataclass_fields__:
        value = row[name]
        if value is not None:
            given[name] = tuple(json.loads(value)) if name in LIST_SETTINGS else value
    return replace(defaults, **given)


def _write_deck_settings(conn: Connection, deck_id: int, from_file: dict) -> bool:
    """Whether the deck's stored settings change (a deck's first ones are no change).
    The file decides every setting but the FSRS parameters, which `quiz optimize`
    may have fitted: a file without parameters keeps them."""
    values: dict[str, object] = {name: None for name in DeckSettings.__dataclass_fields__ if name != "parameters"}
    for name, value in from_file.items():
        values[name] = json.dumps(list(value)) if name in LIST_SETTINGS else value
    stored = conn.execute(select(deck_settings_t).where(deck_settings_t.c.deck_id == deck_id)).mappings().first()
    _upsert(conn, deck_settings_t, {"deck_id": deck_id}, values)
    return stored is not None and any(stored[name] != value for name, value in values.items())


def save_parameters(conn: Connection, deck_ids: list[int], parameters: list[float]) -> None:
    """Store fitted FSRS parameters for these decks (the other settings stay as they are)."""
    value = json.dumps([float(p) for p in parameters])
    for deck_id in deck_ids:
        _upsert(conn, deck_settings_t, {"deck_id": deck_id}, {"parameters": value})


# -- decks -------------------------------------------------------------------------


@dataclass
class SyncReport:
    deck: str
    added: int = 0
    updated: int = 0
    retired: int = 0
    restored: int = 0
    created: bool = False
    renamed_from: str | None = None
    details: bool = False  # its title, language, description, tools or settings changed

    @property
    def unchanged(self) -> bool:
        changed = self.created or self.added or self.updated or self.retired or self.restored or self.details
        return not (changed or self.renamed_from)


MOVED = ("position", "line")  # where the card is in its file: a change is no update of the card
_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def sync_deck(conn: Connection, spec: DeckSpec) -> SyncReport:
    """Make the stored deck match its file; progress follows (note key, ord)."""
    report = SyncReport(spec.name)
    deck_id = _upsert_deck(conn, spec, report)
    report.details = _write_deck_settings(conn, deck_id, spec.settings) or report.details
    stored = {
        (row.note_key, row.ord): row
        for row in conn.execute(
            select(*CARD_COLUMNS, cards_t.c.position, cards_t.c.line, cards_t.c.retired).where(
                cards_t.c.deck_id == deck_id
            )
        )
    }
    new_rows, changed_rows = [], []
    content, text = None, ""
    for card in spec.cards:
        # Siblings (a reversed card's two, a cloze's deletions) share their entry's content, encoded
        # once: benchmarks/run.py's 100k cards (80k entries) 0.165 -> 0.142 s, medians of 3
        if card.content is not content:
            content, text = card.content, _json(card.content)
        values = {
            "kind": card.kind.value,
            "content": text,
            "tags": " ".join(card.tags),
            "position": card.position,
            "line": card.line,
            "retired": False,
        }
        old = stored.pop((card.key, card.ord), None)
        if old is None:
            del values["retired"]
            new_rows.append({"deck_id": deck_id, "note_key": card.key, "ord": card.ord, **values})
            continue
        changed = any(getattr(old, name) != value for name, value in values.items() if name not in MOVED)
        if changed:
            report.restored += old.retired
            report.updated += not old.retired
        if changed or old.position != card.position or old.line != card.line:  # moved: written, not an update
            changed_rows.append({"card_id": old.id, **values})
    gone = [row.id for row in stored.values() if not row.retired]
    if new_rows:
        # Through the driver's executemany: SQLAlchemy's per-row handling would double a 100k-card import
        Prepared(insert(cards_t), conn.dialect, list(new_rows[0])).run_many(conn, new_rows)
    if changed_rows:
        conn.execute(update(cards_t).where(cards_t.c.id == bindparam("card_id")), changed_rows)
    for chunk in chunks(gone, 500):
        conn.execute(update(cards_t).where(cards_t.c.id.in_(chunk)).values(retired=True))
    report.added, report.retired = len(new_rows), len(gone)
    return report


def _upsert_deck(conn: Connection, spec: DeckSpec, report: SyncReport) -> int:
    values = {
        "title": _json(spec.title),
        "lang": spec.lang,
        "description": _json(spec.description) if spec.description is not None else None,
        "source": spec.path,
        "source_sha256": spec.sha256 or None,
        "tools": _json(spec.tools) if spec.tools else None,
    }
    row = conn.execute(select(decks_t).where(decks_t.c.name == spec.name)).mappings().first()
    if row is None:
        report.created = True
        return inserted_id(conn.execute(insert(decks_t).values(name=spec.name, **values)))
    if any(row[name] != value for name, value in values.items()):
        conn.execute(update(decks_t).where(decks_t.c.id == row["id"]).values(**values))
        report.details = any(row[name] != values[name] for name in ("title", "lang", "description", "tools"))
    return row["id"]


class _DryRun(Exception):
    def __init__(self, reports: list[SyncReport]):
        self.reports = reports


def import_decks(
    engine: Engine,
    specs: list[DeckSpec],
    renames: dict[str, str] | None = None,
    dry_run: bool = False,
    after: Callable[[Connection], None] | None = None,
) -> list[SyncReport]:
    """Sync every deck in one transaction: all of them change, or none. `renames`: new name
    -> old, for decks renamed in their file (their cards keep their history); `after`: more
    writes in the same transaction. With `dry_run`, the reports of what would change, and
    the transaction rolled back."""
    try:
        with writing(engine) as conn:
            reports = []
            for spec in specs:
                old = (renames or {}).get(spec.name)
                if old is not None:
                    conn.execute(update(decks_t).where(decks_t.c.name == old).values(name=spec.name))
                report = sync_deck(conn, spec)
                reports.append(replace(report, renamed_from=old) if old is not None else report)
            if after is not None:
                after(conn)
            if dry_run:
                raise _DryRun(reports)
    except _DryRun as done:
        return done.reports
    return reports


def decks_by_fingerprint(conn: Connection, fingerprints: set[str]) -> dict[str, str]:
    """Fingerprint -> deck name, for deck files imported before exactly as they are."""
    if not fingerprints:
        return {}
    query = select(decks_t.c.source_sha256, decks_t.c.name).where(decks_t.c.source_sha256.in_(fingerprints))
    return dict(conn.execute(query).all())


def deck_tools(conn: Connection, deck_id: int) -> dict | None:
    """The command tables the deck file declared (`tools:`), as plain data."""
    tools = conn.execute(select(decks_t.c.tools).where(decks_t.c.id == deck_id)).scalar()
    return json.loads(tools) if tools else None


def cached_tool_table(conn: Connection, name: str, path: str, stamp: str) -> tuple[bool, dict | None]:
    """(found, table data) of the tool's fish completion file as it was read at `stamp`."""
    query = select(tool_tables_t.c.stamp, tool_tables_t.c.data).where(
        tool_tables_t.c.name == name, tool_tables_t.c.path == path
    )
    row = conn.execute(query).first()
    if row is None or row.stamp != stamp:
        return False, None
    return True, json.loads(row.data) if row.data else None


def save_tool_table(engine: Engine, name: str, path: str, stamp: str, data: dict | None) -> None:
    """Cache a completion file's table, in a transaction of its own. Another process that
    cached the same file first wins the race: it read the same file."""
    values = {"stamp": stamp, "data": _json(data) if data else None}
    try:
        with writing(engine) as conn:
            _upsert(conn, tool_tables_t, {"name": name, "path": path}, values)
    except IntegrityError:
        pass


def cached_tool_names(conn: Connection) -> dict[str, str]:
    """Tool name -> completion file, for every fish table read so far that says something."""
    query = select(tool_tables_t.c.name, tool_tables_t.c.path).where(tool_tables_t.c.data.is_not(None))
    return dict(conn.execute(query.order_by(tool_tables_t.c.name)).all())


def deck_names(conn: Connection) -> list[str]:
    return list(conn.execute(select(decks_t.c.name).order_by(decks_t.c.name)).scalars())


def select_decks(conn: Connection, names: list[str] | None) -> list[DeckRow]:
    """The decks of these names (all decks if none), by name; UnknownDeck names any missing."""
    query = select(decks_t.c.id, decks_t.c.name, decks_t.c.title, decks_t.c.lang).order_by(decks_t.c.name)
    if names:
        query = query.where(decks_t.c.name.in_(names))
    rows = [DeckRow(deck_id, name, json.loads(title), lang) for deck_id, name, title, lang in conn.execute(query)]
    missing = sorted(set(names or ()) - {row.name for row in rows})
    if missing:
        raise UnknownDeck(missing, deck_names(conn))
    return rows
