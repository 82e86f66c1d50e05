"""`quiz check`'s look at the collection's rows: foreign keys, and the review log against the
cards (a card's schedule is what its last review left, or its last manual change after it, or
new if it has none)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Connection

from quiz.i18n import N_
from quiz.model import State
from quiz.storage.schema import cards_t, decks_t, events_t, reviews_t


@dataclass(frozen=True)
class Finding:
    """A problem found, in English marked for the catalogs: `--json` gives `english()`, the
    text output `_(template).format(**values)`."""

    template: str
    values: dict[str, object]

    def english(self) -> str:
        return self.template.format(**self.values)


@dataclass(frozen=True)
class Disagreement:
    deck: str
    key: str
    ord: int
    what: str  # in English, marked for the catalogs: shown through _(), given as is in --json


def foreign_key_problems(conn: Connection) -> list[Finding]:
    """Rows pointing at rows that are not there (PostgreSQL enforces them: nothing to look at)."""
    if conn.dialect.name != "sqlite":
        return []
    broken = N_("{table} row {rowid} points at a missing {parent} row")
    return [
        Finding(broken, {"table": table, "rowid": rowid, "parent": parent})
        for table, rowid, parent, _key in conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    ]


def log_disagreements(conn: Connection, limit: int = 100) -> list[Disagreement]:
    """Cards whose schedule is not what their last review left (at most `limit`)."""
    last = (
        select(reviews_t.c.card_id, func.max(reviews_t.c.id).label("review_id"))
        .group_by(reviews_t.c.card_id)
        .subquery()
    )
    review = reviews_t.alias("last_review")
    differs = or_(
        cards_t.c.state != review.c.state_after,
        cards_t.c.due.is_distinct_from(review.c.due_after),
        cards_t.c.stability.is_distinct_from(review.c.stability_after),
        cards_t.c.difficulty.is_distinct_from(review.c.difficulty_after),
        cards_t.c.last_review.is_distinct_from(review.c.reviewed_at),
        cards_t.c.reps != review.c.reps_before + 1,
    )
    # A manual change (forget, reschedule) after the last review: the card is as it left it
    e = events_t.c
    latest = events_t.alias("latest_change")
    later = select(latest.c.id).where(latest.c.card_id == cards_t.c.id, latest.c.kind != "cram")
    reviewed = (
        select(decks_t.c.name, cards_t.c.note_key, cards_t.c.ord)
        .join_from(cards_t, last, last.c.card_id == cards_t.c.id)
        .join(review, review.c.id == last.c.review_id)
        .join(decks_t, decks_t.c.id == cards_t.c.deck_id)
        .where(differs, ~later.where(latest.c.at >= review.c.reviewed_at).exists())
        .order_by(decks_t.c.name, cards_t.c.note_key, cards_t.c.ord)
        .limit(limit)
    )
    found = [Disagreement(*row, N_("its schedule is not what its last review left")) for row in conn.execute(reviewed)]
    newest = select(func.max(e.id)).where(e.card_id == latest.c.card_id, e.kind != "cram").scalar_subquery()
    manual = (
        select(decks_t.c.name, cards_t.c.note_key, cards_t.c.ord)
        .join_from(cards_t, latest, latest.c.card_id == cards_t.c.id)
        .join(decks_t, decks_t.c.id == cards_t.c.deck_id)
        .outerjoin(last, last.c.card_id == cards_t.c.id)
        .outerjoin(review, review.c.id == last.c.review_id)
        .where(
            latest.c.id == newest,
            or_(review.c.reviewed_at.is_(None), latest.c.at >= review.c.reviewed_at),
            or_(cards_t.c.state != latest.c.state_after, cards_t.c.due.is_distinct_from(latest.c.due_after)),
        )
        .order_by(decks_t.c.name, cards_t.c.note_key, cards_t.c.ord)
        .limit(limit)
    )
    found += [Disagreement(*row, N_("its schedule is not what its last change left")) for row in conn.execute(manual)]
    never = (
        select(decks_t.c.name, cards_t.c.note_key, cards_t.c.ord)
        .join(decks_t, decks_t.c.id == cards_t.c.deck_id)
        .outerjoin(last, last.c.card_id == cards_t.c.id)
        .where(and_(last.c.card_id.is_(None), cards_t.c.state != State.NEW.value))
        .order_by(decks_t.c.name, cards_t.c.note_key, cards_t.c.ord)
        .limit(limit)
    )
    found += [Disagreement(*row, N_("it has a schedule but no review")) for row in conn.execute(never)]
    return found[:limit]
