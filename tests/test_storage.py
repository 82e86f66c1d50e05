"""Storage on a real SQLite file: deck sync, the daily queue, answers and undo."""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from quiz import storage
from quiz.decks import load_deck
from quiz.model import DeckSettings, Rating, State
from quiz.storage import Day, cards_t, database, reviews_t
from tests.conftest import sqlite_only, utc

UTC = ZoneInfo("UTC")
MORNING = utc(2026, 5, 4, 8, 0)


def deck_yaml(cards: list[str], settings: str = "") -> str:
    body = "\n".join(f"  - {card}" for card in cards)
    return f"deck: t\ntitle: Test\n{settings}cards:\n{body}\n"


def basic(key: str, front: str | None = None) -> str:
    return f"{{id: {key}, front: '{front or 'front of ' + key}', back: 'back of {key}'}}"


def sync(engine, write_deck, text: str):
    (report,) = storage.import_decks(engine, [load_deck(write_deck(text))])
    return report


def queue(engine, now=MORNING, names=None):
    with engine.connect() as conn:
        decks = storage.select_decks(conn, names)
        return storage.load_queue(conn, decks, Day.of(now, UTC, 4))


def answer_next(engine, rating=Rating.GOOD, now=MORNING):
    card = queue(engine, now).next_card(now)
    with engine.connect() as conn:
        settings = storage.deck_settings(conn, conn.execute(select(storage.decks_t.c.id)).scalar())
    return card, storage.answer(engine, card, rating, now, settings, duration_ms=1500, typed=None).schedule


def card_rows(engine) -> dict:
    with engine.connect() as conn:
        return {(r.note_key, r.ord): r for r in conn.execute(select(cards_t))}


@sqlite_only
def test_pragmas_make_sqlite_safe_and_fast(engine):
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL: a commit is on disk
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == database.BUSY_TIMEOUT_MS


def test_first_import_adds_every_card(engine, write_deck):
    report = sync(engine, write_deck, deck_yaml([basic("a"), basic("b"), "{id: r, type: reversed, front: x, back: y}"]))
    assert (report.created, report.added, report.updated, report.retired) == (True, 4, 0, 0)
    assert sorted(card_rows(engine)) == [("a", 0), ("b", 0), ("r", 0), ("r", 1)]


def test_unchanged_deck_changes_nothing(engine, write_deck):
    text = deck_yaml([basic("a"), basic("b")])
    sync(engine, write_deck, text)
    before = card_rows(engine)
    report = sync(engine, write_deck, text)
    assert report.unchanged
    assert card_rows(engine) == before


def test_edited_text_keeps_progress(engine, write_deck):
    sync(engine, write_deck, deck_yaml([basic("a"), basic("b")]))
    card, after = answer_next(engine)
    report = sync(engine, write_deck, deck_yaml([basic(card.key, "new wording"), basic("b")]))
    assert (report.updated, report.added, report.retired) == (1, 0, 0)
    row = card_rows(engine)[(card.key, 0)]
    assert json.loads(row.content)["front"] == "new wording"
    assert (row.id, row.reps, row.state, row.due) == (card.id, 1, after.state, after.due)


def test_removed_card_is_retired_and_returns_with_its_history(engine, write_deck):
    sync(engine, write_deck, deck_yaml([basic("a"), basic("b")]))
    card, after = answer_next(engine)
    other = "b" if card.key == "a" else "a"

    report = sync(engine, write_deck, deck_yaml([basic(other)]))
    assert report.retired == 1
    assert card_rows(engine)[(card.key, 0)].retired
    later = MORNING + timedelta(days=30)
    assert card.id not in {c.id for c in queue(engine, later).learning + queue(engine, later).reviews}

    report = sync(engine, write_deck, deck_yaml([basic("a"), basic("b")]))
    assert (report.restored, report.added) == (1, 0)
    row = card_rows(engine)[(card.key, 0)]
    assert (row.id, row.retired, row.reps, row.due) == (card.id, False, 1, after.due)
    with engine.connect() as conn:
        assert conn.execute(select(reviews_t.c.card_id)).scalars().all() == [card.id]


def test_deck_settings_follow_the_file_but_keep_fitted_parameters(engine, write_deck):
    sync(engine, write_deck, deck_yaml([basic("a")], "settings: {new_per_day: 3, learning_steps: [5m]}\n"))
    with storage.writing(engine) as conn:
        conn.execute(update(storage.deck_settings_t).values(parameters=json.dumps([0.5] * 21)))
    sync(engine, write_deck, deck_yaml([basic("a")], "settings: {reviews_per_day: 50}\n"))
    with engine.connect() as conn:
        settings = storage.deck_settings(conn, 1)
    assert settings == DeckSettings(reviews_per_day=50, parameters=(0.5,) * 21)


def test_a_snapshot_sees_one_state_while_others_write(engine):
    with database.snapshot(engine) as reader:
        assert storage.get_setting(reader, "probe") is None
        with storage.writing(engine) as writer:
            storage.set_setting(writer, "probe", "written meanwhile")
        assert storage.get_setting(reader, "probe") is None
    with database.snapshot(engine) as reader:
        assert storage.get_setting(reader, "probe") == "written meanwhile"


def test_datetimes_read_back_utc_aware(engine, write_deck):
    sync(engine, write_deck, deck_yaml([basic("a")]))
    answer_next(engine)
    with engine.connect() as conn:
        due, reviewed_at = conn.execute(select(cards_t.c.due, reviews_t.c.reviewed_at).join(reviews_t)).one()
    assert due.tzinfo is not None and due.utcoffset() == timedelta(0)
    assert reviewed_at == MORNING


@sqlite_only
def test_datetimes_are_stored_as_sqlalchemy_writes_them(engine, write_deck):
    """The stored text of an instant is SQLAlchemy's SQLite DATETIME text, whole seconds and
    other zones too, so that SQL comparing due dates as text orders them right."""
    from datetime import datetime, timezone

    from sqlalchemy import DateTime, text
    from sqlalchemy.dialects import sqlite

    sqlalchemy_text = DateTime().dialect_impl(sqlite.dialect()).bind_processor(sqlite.dialect())
    sync(engine, write_deck, deck_yaml([basic("a")]))
    moments = [
        MORNING,
        datetime(2026, 3, 29, 1, 59, 59, tzinfo=ZoneInfo("Europe/Berlin")),
        datetime(987, 1, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=-9, minutes=-30))),
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc),
    ]
    for moment in moments:
        with storage.writing(engine) as conn:
            conn.execute(update(cards_t).values(due=moment))
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT due FROM cards")).scalar_one()
            assert stored == sqlalchemy_text(moment.astimezone(timezone.utc).replace(tzinfo=None))
            assert conn.execute(select(cards_t.c.due)).scalar_one() == moment


@pytest.mark.parametrize(
    "ms",
    [0, 1, 999, 1_000, 1_709_251_199_999, 1_774_746_000_000, 2_147_483_648_123, 4_102_444_800_001, None],
)
def test_instants_from_epoch_ms_are_stored_as_datetimes_are(engine, write_deck, ms):
    """from_epoch_ms (an Anki import's log rows) stores the instant as a datetime of it is
    stored: the same stored value, the same datetime read back; NULL stays NULL."""
    from datetime import datetime, timezone

    from sqlalchemy import BigInteger, bindparam, insert, literal_column

    from quiz.storage.rows import from_epoch_ms

    sync(engine, write_deck, deck_yaml([basic("a")]))
    moment = None if ms is None else datetime.fromtimestamp(ms / 1000, timezone.utc)
    row = {"rating": 3, "state_before": 0, "reps_before": 0, "lapses_before": 0, "state_after": 1}
    with storage.writing(engine) as conn:
        card = conn.execute(select(cards_t.c.id)).scalar_one()
        values = {**row, "card_id": card, "reviewed_at": MORNING}
        conn.execute(insert(reviews_t).values(**values, due_after=moment))
        made = from_epoch_ms(bindparam("ms", type_=BigInteger))
        conn.execute(insert(reviews_t).values(**values, due_after=made), {"ms": ms})
    with engine.connect() as conn:
        stored = select(literal_column("CAST(due_after AS TEXT)"), reviews_t.c.due_after).order_by(reviews_t.c.id)
        (given_text, given), (made_text, made_moment) = conn.execute(stored).all()
    assert made_text == given_text
    assert made_moment == given == moment


@sqlite_only
def test_a_bulk_insert_gives_the_page_cache_back(engine, write_deck):
    """run_many's larger page cache is for its rows only: the connection, pooled, keeps its own."""
    from sqlalchemy import insert

    from quiz.storage.prepared import Prepared

    sync(engine, write_deck, deck_yaml([basic("a")]))
    with storage.writing(engine) as conn:
        before = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
        card_id = conn.execute(select(cards_t.c.id)).scalar_one()
        rows = [{"card_id": card_id, "reviewed_at": MORNING, "rating": 3, "state_before": 0, "reps_before": 0}]
        unset = {"lapses_before": 0, "state_after": 2, "leech": False}
        Prepared(insert(reviews_t), conn.dialect, [*rows[0], *unset]).run_many(conn, rows, unset)
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == before
    with engine.connect() as conn:
        assert conn.execute(select(reviews_t.c.state_after, reviews_t.c.lapses_before)).one() == (2, 0)


def test_a_bulk_statement_without_parameters_runs_once_a_row(engine, write_deck):
    from sqlalchemy import text

    from quiz.storage.prepared import Prepared

    sync(engine, write_deck, deck_yaml([basic("a")]))
    with storage.writing(engine) as conn:
        Prepared(text("UPDATE cards SET flag = flag + 1"), conn.dialect).run_many(conn, [{}, {}, {}])
    with engine.connect() as conn:
        assert conn.execute(select(cards_t.c.flag)).scalar_one() == 3


def test_naive_datetimes_are_refused(engine, write_deck):
    sync(engine, write_deck, deck_yaml([basic("a")]))
    with pytest.raises(Exception, match="naive datetime"), storage.writing(engine) as conn:
        conn.execute(update(cards_t).values(due=MORNING.replace(tzinfo=None)))


# -- the queue ------------------------------------------------------------------------------


def test_queue_orders_learning_then_reviews_then_new(engine, write_deck):
    sync(engine, write_deck, deck_yaml([basic(k) for k in "abcdef"]))
    with storage.writing(engine) as conn:
        set_state(conn, "a", State.REVIEW, MORNING - timedelta(days=1))
        set_state(conn, "b", State.LEARNING, MORNING - timedelta(minutes=5))
        set_state(conn, "c", State.REVIEW, MORNING + timedelta(days=3))  # not due today
        set_state(conn, "d", State.LEARNING, MORNING + timedelta(hours=2))  # due later today
    q = queue(engine)
    assert [c.key for c in q.learning] == ["b", "d"]
    assert [c.key for c in q.reviews] == ["a"]
    assert [c.key for c in q.new] == ["e", "f"]
    assert q.next_card(MORNING).key == "b"
    assert q.next_due() == MORNING - timedelta(minutes=5)


def set_state(conn, key: str, state: State, due, **extra) -> None:
    conn.execute(
        update(cards_t)
        .where(cards_t.c.note_key == key)
        .values(
            state=state,
            due=due,
            stability=5.0,
            difficulty=5.0,
            last_review=due - timedelta(days=2),
            step=0,
            reps=1,
            **extra,
        )
    )


@pytest.mark.parametrize("seed", range(4))
def test_the_next_card_due_is_the_soonest_scheduled_one_neither_retired_nor_suspended(engine, write_deck, seed):
    import random

    chance = random.Random(seed)
    keys = [f"c{i}" for i in range(24)]
    sync(engine, write_deck, deck_yaml([basic(key) for key in keys[:12]]))
    other = deck_yaml([basic(key) for key in keys[12:]]).replace("deck: t\n", "deck: u\n")
    storage.import_decks(engine, [load_deck(write_deck(other, "u.yaml"))])
    with storage.writing(engine) as conn:
        for key in keys:
            state = chance.choice(list(State))
            due = MORNING + timedelta(hours=chance.randint(-30, 60), minutes=chance.randint(0, 59))
            set_state(conn, key, state, due, suspended=chance.random() < 0.3, retired=chance.random() < 0.2)
        decks = dict(conn.execute(select(storage.decks_t.c.name, storage.decks_t.c.id)).all())
    assert decks.keys() == {"t", "u"}
    rows = list(card_rows(engine).values())
    for names in (["t"], ["u"], ["t", "u"], []):
        ids = [decks[name] for name in names]
        soonest = min(
            (
                row.due
                for row in rows
                if row.deck_id in ids
                and row.state != State.NEW
                and row.due > MORNING
                and not (row.retired or row.suspended)
            ),
            default=None,
        )
        with engine.connect() as conn:
            assert storage.next_due(conn, ids, MORNING) == soonest


def test_daily_limits_count_what_was_done_today(engine, write_deck):
    sync(engine, write_deck, deck_yaml([basic(f"n{i}") for i in range(10)], "settings: {new_per_day: 3}\n"))
    assert len(queue(engine).new) == 3
    answer_next(engine)
    answer_next(engine)
    assert len(queue(engine).new) == 1
    # After the rollover hour a new day begins with a fresh allowance.
    tomorrow = MORNING.replace(hour=3) + timedelta(days=1)
    assert len(queue(engine, tomorrow).new) == 1  # 03:00 is still today
    assert len(queue(engine, tomorrow + timedelta(hours=1)).new) == 3


def test_review_limit_also_limits_new_cards(engine, write_deck):
    cards = [basic(f"r{i}") for i in range(4)] + [basic(f"n{i}") for i in range(5)]
    sync(engine, write_deck, deck_yaml(cards, "settings: {reviews_per_day: 5, new_per_day: 5}\n"))
    with storage.writing(engine) as conn:
        for i in range(4):
            set_state(conn, f"r{i}", State.REVIEW, MORNING - timedelta(hours=i + 1))
    q = queue(engine)
    assert sorted(c.key for c in q.reviews) == ["r0", "r1", "r2", "r3"]  # all due today: any order (due, then random)
    assert len(q.new) == 1


def test_suspended_and_buried_cards_never_appear(engine, write_deck):
    sync(engine, write_deck, deck_yaml([basic("a"), basic("b"), basic("c")]))
    with storage.writing(engine) as conn:
        conn.execute(update(cards_t).where(cards_t.c.note_key == "a").values(suspended=True))
        conn.execute(
            update(cards_t).where(cards_t.c.note_key == "b").values(buried_until=MORNING + timedelta(hours=20))
        )
    assert [c.key for c in queue(engine).new] == ["c"]
    assert [c.key for c in queue(engine, MORNING + timedelta(days=1)).new] == ["b", "c"]


def test_siblings_wait_until_the_next_day(engine, write_deck):
    sync(
        engine,
        write_deck,
        deck_yaml(
            [
                "{id: r, type: reversed, front: x, back: y}",
                "{id: z, type: cloze, text: '{{c1::a}} {{c2::b}} {{c3::c}}'}",
            ]
        ),
    )
    q = queue(engine)
    assert [(c.key, c.ord) for c in q.new] == [("r", 0), ("z", 1)]  # one card per note
    card, after = answer_next(engine, Rating.EASY)
    assert (card.key, card.ord, after.state) == ("r", 0, State.REVIEW)
    q = queue(engine)
    assert [(c.key, c.ord) for c in q.new] == [("z", 1)]  # ("r", 1) is buried today
    assert [(c.key, c.ord) for c in queue(engine, MORNING + timedelta(days=1)).new][:1] == [("r", 1)]


def test_in_memory_queue_buries_siblings_and_requeues_learning(engine, write_deck):
    sync(engine, write_deck, deck_yaml(["{id: r, type: reversed, front: x, back: y}", basic("b")]))
    q = queue(engine)
    card = q.next_card(MORNING)
    with engine.connect() as conn:
        settings = storage.deck_settings(conn, 1)
    after = storage.answer(engine, card, Rating.AGAIN, MORNING, settings).schedule
    q.answered(card, after, Day.of(MORNING, UTC, 4).end)
    assert [c.key for c in q.learning] == ["r"]
    assert q.next_card(MORNING).key == "b"  # r is due in a minute
    assert q.next_card(MORNING + timedelta(minutes=1)).key == "r"


# -- answers ---------------------------------------------------------------------------------


def test_answer_is_committed_with_its_log_row(engine, write_deck, location):
    sync(engine, write_deck, deck_yaml([basic("a")]))
    card, after = answer_next(engine, Rating.HARD)
    other = database.create(database.database_url(location))  # another process's view
    with other.connect() as conn:
        log = conn.execute(select(reviews_t)).mappings().one()
        assert storage.schedule_of(conn, card.id) == after
    assert (log["rating"], log["duration_ms"], log["state_before"], log["state_after"]) == (2, 1500, 0, 1)
    assert (log["stability_after"], log["due_after"]) == (after.stability, after.due)


def undo_newest(engine) -> int | None:
    """Undo the newest review, as the review screen's undo does; its card id."""
    with engine.connect() as conn:
        newest = conn.execute(select(func.max(reviews_t.c.id))).scalar()
    return storage.undo_review(engine, newest) if newest is not None else None


def test_undo_restores_the_card_and_log_exactly(engine, write_deck):
    sync(engine, write_deck, deck_yaml([basic("a")]))
    first_card, _first = answer_next(engine)
    with engine.connect() as conn:
        row_before = conn.execute(select(cards_t)).one()
        log_before = conn.execute(select(reviews_t)).all()
    later = MORNING + timedelta(minutes=15)
    answer_next(engine, Rating.AGAIN, later)
    assert undo_newest(engine) == first_card.id
    with engine.connect() as conn:
        assert conn.execute(select(cards_t)).one() == row_before
        assert conn.execute(select(reviews_t)).all() == log_before
    assert undo_newest(engine) == first_card.id
    assert undo_newest(engine) is None
    with engine.connect() as conn:
        fresh = conn.execute(select(cards_t)).one()
    assert (fresh.state, fresh.due, fresh.reps, fresh.stability) == (0, None, 0, None)


def test_a_card_answered_elsewhere_is_not_counted_twice(engine, write_deck):
    sync(engine, write_deck, deck_yaml([basic("a")]))
    stale = queue(engine).next_card(MORNING)
    answer_next(engine)
    with pytest.raises(storage.CardChanged):
        storage.answer(engine, stale, Rating.GOOD, MORNING, DeckSettings())
    with engine.connect() as conn:
        assert len(conn.execute(select(reviews_t)).all()) == 1


def test_the_eighth_lapse_suspends_a_leech_and_undo_restores_it(engine, write_deck):
    sync(engine, write_deck, deck_yaml([basic("a")], "settings: {leech_threshold: 3}\n"))
    with storage.writing(engine) as conn:
        set_state(conn, "a", State.REVIEW, MORNING - timedelta(days=1), lapses=2)
    card = queue(engine).next_card(MORNING)
    answered = storage.answer(engine, card, Rating.AGAIN, MORNING, DeckSettings(leech_threshold=3))
    assert answered.leech and answered.schedule.lapses == 3
    row = card_rows(engine)[("a", 0)]
    assert (row.leech, row.suspended) == (True, True)
    assert queue(engine, MORNING + timedelta(days=2)).next_card(MORNING + timedelta(days=2)) is None

    storage.undo_review(engine, answered.review_id)
    row = card_rows(engine)[("a", 0)]
    assert (row.leech, row.suspended, row.lapses, row.state) == (False, False, 2, State.REVIEW)


def test_only_a_cards_latest_review_can_be_undone(engine, write_deck):
    sync(engine, write_deck, deck_yaml([basic("a")]))
    card = queue(engine).next_card(MORNING)
    first = storage.answer(engine, card, Rating.GOOD, MORNING, DeckSettings())
    again = queue(engine, MORNING + timedelta(minutes=10)).next_card(MORNING + timedelta(minutes=10))
    storage.answer(engine, again, Rating.GOOD, MORNING + timedelta(minutes=10), DeckSettings())
    with pytest.raises(storage.CardChanged):
        storage.undo_review(engine, first.review_id)
    with engine.connect() as conn:
        assert len(conn.execute(select(reviews_t)).all()) == 2


def test_bury_and_suspend_hide_a_card(engine, write_deck):
    sync(engine, write_deck, deck_yaml([basic("a"), basic("b")]))
    a, b = queue(engine).new
    storage.set_buried(engine, a.id, MORNING + timedelta(hours=20))
    storage.set_suspended(engine, b.id, True)
    assert len(queue(engine)) == 0
    storage.set_suspended(engine, b.id, False)
    assert [c.key for c in queue(engine).new] == ["b"]
