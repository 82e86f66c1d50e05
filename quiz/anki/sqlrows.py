"""The package's cards and review log made by SQLite, from the collection's file attached
(read-only) to the package's database.

On SQLite the export lets the database do the bulk work: the cards table is filled by one
INSERT ... SELECT, and the review log's rows come out of one SELECT with everything but
their ids (revlog.numbered). What export.py and revlog.py compute in Python for the rows
a PostgreSQL collection sends is said here in SQL; tests/test_anki_export_paths.py holds
the two to the same package. The notes' fields stay Python's (quiz.anki.fields), from the
plain rows read here.

Days are counted by the clock's CASE over the zone's offsets (Clock.day_sql), the ease
factor is rounded by round(), as revlog.ease rounds it, and the memory state's JSON is
revlog.memory_data's, called from SQL: SQLite prints floats with fewer digits.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from quiz.anki.clock import Clock
from quiz.anki.revlog import MAX_ANSWER_MS, memory_data
from quiz.model import State
from quiz.storage.rows import sqlite_epoch_ms

NEW, LEARNING, REVIEW, RELEARNING = (int(state) for state in State)
# the instants whose days are counted, for the range of the zone's offsets to know
INSTANTS = [("cards", "due"), ("cards", "last_review"), ("reviews", "reviewed_at"), ("reviews", "due_after")]
INSTANTS += [("events", "at"), ("events", "due_after")]


def ms(instant: str) -> str:
    return sqlite_epoch_ms(instant)


class Collection:
    """The collection's file, attached to the package's database `db` in one read
    transaction (every read sees the collection as it was at the first: the cards'
    schedules agree with their review log) until close()."""

    def __init__(self, db: sqlite3.Connection, path: Path, deck_ids: list[int], clock: Clock):
        self.db, self.clock = db, clock
        db.commit()
        db.execute("ATTACH DATABASE ? AS quiz", (path.resolve().as_uri() + "?mode=ro",))
        db.execute("BEGIN")
        # The statements below hold no parameters: their values are integers, written in as int() prints them.
        self.current = f"NOT retired AND deck_id IN ({', '.join(str(int(deck_id)) for deck_id in deck_ids)})"
        self.day = self._day()

    def close(self) -> None:
        self.db.commit()
        self.db.execute("DETACH DATABASE quiz")

    def _day(self):
        """Clock.day_sql over the range of the collection's instants."""
        bounds = " UNION ALL ".join(
            f"SELECT MIN({column}) AS v FROM quiz.{table} UNION ALL SELECT MAX({column}) FROM quiz.{table}"
            for table, column in INSTANTS
        )
        low, high = self.db.execute(f"SELECT {ms('MIN(v)')}, {ms('MAX(v)')} FROM ({bounds})").fetchone()
        now = self.clock.now_ms
        low, high = min(low or now, now), max(high or now, now)
        return lambda instant: self.clock.day_sql(instant, low, high)

    def id_base(self, top: int) -> int:
        """The ids' base (export.anki_ids) below `top`, for the cards' highest id."""
        (highest,) = self.db.execute(f"SELECT MAX(id) FROM quiz.cards WHERE {self.current}").fetchone()
        return top - 2 * ((highest or 0) + 1)

    def first_cards(self) -> list[tuple]:
        """(id, kind, deck id, note key, tags, content) of each note's first card (its lowest
        ord), in id order."""
        first = "(c.ord = 0 OR NOT EXISTS (SELECT 1 FROM quiz.cards s WHERE s.deck_id = c.deck_id"
        first += " AND s.note_key = c.note_key AND s.ord < c.ord AND NOT s.retired))"
        query = f"SELECT id, kind, deck_id, note_key, tags, content FROM quiz.cards c WHERE {self.current} AND {first}"
        return self.db.execute(query + " ORDER BY id").fetchall()

    def leeches(self) -> set[tuple[int, str]]:
        """The notes (deck id, note key) one of whose cards is a leech."""
        query = f"SELECT deck_id, note_key FROM quiz.cards WHERE leech AND {self.current}"
        return set(self.db.execute(query).fetchall())

    def insert_cards(self, base: int, mtime: int, decks: list[tuple], with_progress: bool) -> int:
        """Anki's cards table from the cards, as export._Package's card rows; `decks`: each
        deck's (id, Anki id, retention and decay members, learning and relearning steps)."""
        db, clock, day = self.db, self.clock, self.day
        db.execute(
            "CREATE TEMP TABLE export_decks (id INTEGER PRIMARY KEY, anki INTEGER, retention TEXT, decay TEXT,"
            " learning INTEGER, relearning INTEGER)"
        )
        db.executemany("INSERT INTO temp.export_decks VALUES (?, ?, ?, ?, ?, ?)", decks)
        db.create_function("quiz_memory", 5, memory_data, deterministic=True)
        # The instants once a card (LIMIT keeps SQLite from writing their expressions into each use below).
        due, last = "c.due_ms", "c.last_ms"
        intraday = f"c.state <> {REVIEW} AND {due} < {clock.tomorrow_start_ms}"
        sibling = "SELECT s.id FROM quiz.cards s WHERE s.deck_id = c.deck_id AND s.note_key = c.note_key"
        sibling += " AND NOT s.retired ORDER BY s.ord LIMIT 1"
        query = f"""
            INSERT INTO cards (id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left,
                               odue, odid, flags, data)
            SELECT {int(base)} + 2 * c.id + 1,
                   {int(base)} + 2 * CASE WHEN c.ord = 0 THEN c.id ELSE ({sibling}) END,
                   d.anki, c.ord - (c.kind = 'cloze'), {int(mtime)}, -1,
                   CASE WHEN c.new THEN 0 ELSE c.state END,
                   CASE WHEN c.new THEN -({int(with_progress)} AND c.suspended)
                        WHEN c.suspended THEN -1
                        WHEN c.buried_until IS NOT NULL AND {ms("c.buried_until")} > {clock.now_ms} THEN -3
                        WHEN c.state = {REVIEW} THEN 2
                        WHEN {due} < {clock.tomorrow_start_ms} THEN 1 ELSE 3 END,
                   CASE WHEN c.new THEN c.position + 1
                        WHEN {intraday} THEN {due} / 1000
                        ELSE {day(due)} - {clock.today} END,
                   CASE WHEN c.new OR c.state = {LEARNING} THEN 0
                        WHEN c.state = {REVIEW} THEN MAX(1, {day(due)} - {day(last)})
                        ELSE MAX(1, CAST(ROUND(COALESCE(NULLIF(c.stability, 0), 1)) AS INTEGER)) END,
                   CASE WHEN c.new THEN 0 ELSE {ease("c.difficulty")} END,
                   CASE WHEN c.new THEN 0 ELSE c.reps END,
                   CASE WHEN c.new THEN 0 ELSE c.lapses END,
                   CASE WHEN c.new OR c.state = {REVIEW} THEN 0
                        ELSE MAX(1, CASE c.state WHEN {LEARNING} THEN d.learning ELSE d.relearning END
                                    - COALESCE(c.step, 0)) END,
                   0, 0, CASE WHEN {int(with_progress)} THEN c.flag ELSE 0 END,
                   CASE WHEN c.new THEN ''
                        ELSE quiz_memory(c.stability, c.difficulty, d.retention, {last}, d.decay) END
            FROM (SELECT *, NOT {int(with_progress)} OR state = {NEW} OR due IS NULL OR last_review IS NULL AS new,
                         {ms("due")} AS due_ms, {ms("last_review")} AS last_ms
                  FROM quiz.cards WHERE {self.current} LIMIT -1) c
            JOIN temp.export_decks d ON d.id = c.deck_id"""
        return db.execute(query).rowcount

    def review_count(self) -> int:
        reviews, events = (
            f"SELECT COUNT(*) FROM quiz.{table} WHERE {self._of_current}" for table in ("reviews", "events")
        )
        (count,) = self.db.execute(f"SELECT ({reviews}) + ({events})").fetchone()
        return count

    @property
    def _of_current(self) -> str:
        return f"card_id IN (SELECT id FROM quiz.cards WHERE {self.current})"

    def answers(self, base: int) -> sqlite3.Cursor:
        """The review log of the cards exported as revlog.numbered takes it, in the order it
        was written (answers, then events, in the same ms): revlog.revlog_rows in SQL."""
        day = self.day
        query = f"""
            SELECT t, {int(base)} + 2 * card_id + 1, COALESCE(rating, 0),
                   CASE WHEN due IS NULL OR kind = 'cram' THEN 0
                        WHEN state_after = {REVIEW} THEN MAX(1, {day("due")} - {day("t")})
                        ELSE -MAX(1, (due - t) / 1000) END,
                   CASE WHEN kind IN ('cram', 'forget') THEN 0 ELSE {ease("difficulty")} END,
                   MIN(COALESCE(duration_ms, 0), {MAX_ANSWER_MS}),
                   CASE kind WHEN 'review' THEN
                                  CASE state_before WHEN {REVIEW} THEN 1 WHEN {RELEARNING} THEN 2 ELSE 0 END
                             WHEN 'cram' THEN 3 ELSE 4 END,
                   kind = 'cram'
            FROM (SELECT {ms("reviewed_at")} AS t, 0 AS source, id, card_id, rating, duration_ms, state_before,
                         state_after, difficulty_after AS difficulty, {ms("due_after")} AS due, 'review' AS kind
                  FROM quiz.reviews WHERE {self._of_current}
                  UNION ALL
                  SELECT {ms("at")}, 1, id, card_id, rating, duration_ms, state_before, state_after,
                         difficulty_before, {ms("due_after")}, kind
                  FROM quiz.events WHERE {self._of_current})
            ORDER BY t, source, id"""
        return self.db.execute(query)


def ease(difficulty: str) -> str:
    """revlog.ease in SQL: round() rounds half up, as int(x + 0.5) there."""
    factor = f"CAST(ROUND((({difficulty} - 1) / 9.0 + 0.1) * 1000) AS INTEGER)"
    return f"CASE WHEN {difficulty} IS NULL THEN 0 ELSE {factor} END"
