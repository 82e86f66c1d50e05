"""The card actions beside the answers: flags, forget, reschedule, and cram answers. Forget
and reschedule are manual changes, logged in the events table as Anki logs its manual
entries; a cram answer is logged there too and leaves the schedule alone. Each returns what
undo needs; several cards change all together or not at all."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection, Engine

from quiz.errors import QuizError
from quiz.i18n import _
from quiz.model import Rating, Schedule, State
from quiz.storage.answers import CardChanged, Target
from quiz.storage.database import inserted_id, writing
from quiz.storage.schema import SCHEDULE_COLUMNS, cards_t, events_t

KINDS = ("cram", "forget", "reschedule")


def set_flags(engine: Engine, card_ids: list[int], flag: int) -> dict[int, int]:
    """Flag these cards (0: no flag); their flags before, by card id, for undo."""
    c = cards_t.c
    with writing(engine) as conn:
        before: dict[int, int] = dict(conn.execute(select(c.id, c.flag).where(c.id.in_(card_ids))).all())
        conn.execute(update(cards_t).where(c.id.in_(card_ids)).values(flag=flag))
    return before


def flag_of(conn: Connection, card_id: int) -> int:
    return conn.execute(select(cards_t.c.flag).where(cards_t.c.id == card_id)).scalar_one()


def restore_flags(engine: Engine, flags: dict[int, int]) -> None:
    with writing(engine) as conn:
        for card_id, flag in flags.items():
            conn.execute(update(cards_t).where(cards_t.c.id == card_id).values(flag=flag))


def forget(engine: Engine, cards: list[Target], now: datetime) -> list[int]:
    """Make these cards new again, in their place among the new cards, their reviews, reps
    and lapses kept (Anki's Reset); the events' ids. New cards are left as they are; a name
    whose cards are all new is refused, and nothing changes."""
    with writing(engine) as conn:
        before = _schedules(conn, cards)
        cards = _scheduled(cards, before, _("{cards}: new already; nothing was changed"))
        return [
            _change(
                conn,
                card.id,
                "forget",
                before[card.id],
                Schedule(reps=before[card.id].reps, lapses=before[card.id].lapses),
                now,
            )
            for card in cards
        ]


def reschedule(engine: Engine, cards: list[Target], due: datetime, now: datetime) -> list[int]:
    """Make these cards due at `due` (a learning card becomes a review, as Anki's Set Due
    Date); the events' ids. A new card has no memory to schedule: left as it is, and a name
    whose cards are all new is refused, nothing changed."""
    with writing(engine) as conn:
        before = _schedules(conn, cards)
        message = _("{cards}: new, with nothing to reschedule (review it first); nothing was changed")
        cards = _scheduled(cards, before, message)
        return [
            _change(
                conn,
                card.id,
                "reschedule",
                before[card.id],
                replace(before[card.id], state=State.REVIEW, step=None, due=due),
                now,
            )
            for card in cards
        ]


def review_schedules(conn: Connection, deck_ids: list[int]) -> list[tuple[int, int, Schedule]]:
    """(card id, deck id, schedule) of the decks' current review cards."""
    c = cards_t.c
    query = select(c.id, c.deck_id, *(c[name] for name in SCHEDULE_COLUMNS)).where(
        c.deck_id.in_(deck_ids), c.state == int(State.REVIEW), ~c.retired
    )
    return [(row[0], row[1], Schedule(State(row[2]), *row[3:])) for row in conn.execute(query.order_by(c.id))]


def reschedule_all(engine: Engine, changes: list[tuple[int, Schedule, Schedule]], now: datetime) -> None:
    """Each (card id, schedule before, after) written and logged as a reschedule, all together."""
    with writing(engine) as conn:
        for card_id, before, after in changes:
            _change(conn, card_id, "reschedule", before, after, now)


def cram_answer(
    engine: Engine, card_id: int, schedule: Schedule, rating: Rating, now: datetime, duration_ms=None, typed=None
) -> int:
    """Log a cram answer (quiz review --cram): the card's schedule stays as it is."""
    with writing(engine) as conn:
        return _log(
            conn, card_id, "cram", schedule, None, now, rating=int(rating), duration_ms=duration_ms, answer=typed
        )


def undo_event(engine: Engine, event_id: int) -> int:
    """Take back one event: a manual change restores the card as it was (if it is still as
    the change left it), a cram answer is only removed; its card's id."""
    with writing(engine) as conn:
        event = conn.execute(select(events_t).where(events_t.c.id == event_id)).mappings().one()
        if event["kind"] != "cram":
            c = cards_t.c
            still = (
                c.id == event["card_id"],
                c.state == event["state_after"],
                c.due.is_not_distinct_from(event["due_after"]),
            )
            restored = {name: event[f"{name}_before"] for name in SCHEDULE_COLUMNS}
            if conn.execute(update(cards_t).where(*still).values(**restored)).rowcount != 1:
                raise CardChanged()
        conn.execute(delete(events_t).where(events_t.c.id == event_id))
        return event["card_id"]


def _schedules(conn: Connection, cards: list[Target]) -> dict[int, Schedule]:
    c = cards_t.c
    rows = conn.execute(
        select(c.id, *(c[name] for name in SCHEDULE_COLUMNS)).where(c.id.in_([card.id for card in cards]))
    )
    return {row[0]: Schedule(State(row[1]), *row[2:]) for row in rows}


def _scheduled(cards: list[Target], schedules: dict[int, Schedule], message: str) -> list[Target]:
    """The cards that are not new; a name (a note) with none of them is refused, with all."""
    names = {card.name for card in cards}
    scheduled = [card for card in cards if schedules[card.id].state != State.NEW]
    unscheduled = sorted(names - {card.name for card in scheduled})
    if unscheduled:
        raise QuizError(message.format(cards=", ".join(unscheduled)))
    return scheduled


def _change(conn: Connection, card_id: int, kind: str, before: Schedule, after: Schedule, now: datetime) -> int:
    """Write a manual change to the card and the log; reps and lapses stay the card's."""
    values = {name: getattr(after, name) for name in ("state", "step", "stability", "difficulty", "due", "last_review")}
    conn.execute(update(cards_t).where(cards_t.c.id == card_id).values(**{**values, "state": int(after.state)}))
    return _log(conn, card_id, kind, before, after, now)


def _log(
    conn: Connection, card_id: int, kind: str, before: Schedule, after: Schedule | None, now: datetime, **answer
) -> int:
    """The log entry; `after` None: the schedule stays (a cram answer), nothing is due after it."""
    after = after or replace(before, step=None, due=None)
    return inserted_id(
        conn.execute(
            insert(events_t).values(
                card_id=card_id,
                at=now,
                kind=kind,
                **answer,
                **{f"{name}_before": getattr(before, name) for name in SCHEDULE_COLUMNS if name != "state"},
                state_before=int(before.state),
                state_after=int(after.state),
                step_after=after.step,
                due_after=after.due,
            )
        )
    )
