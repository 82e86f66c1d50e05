"""One review session: today's queue, answers, undo, suspend, bury, skip and the summary.

No terminal code here (that is quiz.review): the screen calls these methods, and
tests drive them with a pinned clock. Every answer is committed before the next
card is chosen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING

from quiz import dailyqueue, scheduling, storage
from quiz.balance import DAYS, Balance, DayLoads
from quiz.dailyqueue import QueueCard
from quiz.model import CardKind, DeckRow, DeckSettings, Rating, localize
from quiz.storage.rows import to_ms
from quiz.study import Study, arrange

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

# As Anki: with nothing else left, learning cards due this soon are shown early.
LEARN_AHEAD = timedelta(minutes=20)
FIRST_REVIEWS = 20  # a learner with fewer answers than this sees how to answer under each prompt


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Action:
    """Something undo can take back."""

    kind: str  # "answer", "suspend", "bury", "flag", or an event's: "cram", "forget", "reschedule"
    card: QueueCard
    log_id: int | None = None  # the log entry undo takes back: an answer's review, an event
    flags: dict[int, int] = field(default_factory=dict)  # a flag's: the flag before, by card id


@dataclass
class Summary:
    reviewed: int
    again: int
    seconds: float
    left: int  # cards still in today's queue (the learner quit early)
    next_due: datetime | None
    new_left_for_later: bool
    crammed: bool = False  # a cram session: nothing was scheduled, nothing is due after it

    @property
    def retention(self) -> float | None:
        """Share of answers that were not Again."""
        return (self.reviewed - self.again) / self.reviewed if self.reviewed else None


@dataclass
class Deck:
    id: int
    name: str
    title: str  # in the learner's language
    lang: str  # the deck's own language, for texts without the learner's
    settings: DeckSettings


@dataclass
class ReviewSession:
    engine: Engine
    decks: dict[str, Deck]
    zone: tzinfo
    rollover_hour: int
    lang: str
    clock: Callable[[], datetime] = _now
    study: Study = field(default_factory=Study)  # custom study: quiz review's options
    # Called after each change of today's queue in the collection: an answer, a suspend, a
    # bury, an undo, the new day (quiz due's cache file follows them)
    changed: Callable[[], None] = field(default=lambda: None)
    queue: dailyqueue.DailyQueue = field(init=False)
    day: storage.Day = field(init=False)
    history: list[Action] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # card ids, shown after the others of their kind
    answers_before: int = field(init=False)  # in the collection when the session began, up to FIRST_REVIEWS
    started: datetime = field(init=False)
    balanced: bool = field(init=False)  # the collection's load_balancer setting: on unless "off"
    # The cards due in the days ahead, for the load balancer: read on first use after each reload
    workload: DayLoads | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.started = self.clock()
        self.reload()
        with self.engine.connect() as conn:
            self.answers_before = storage.reviews_up_to(conn, FIRST_REVIEWS)
            self.balanced = storage.get_setting(conn, "load_balancer") != "off"

    def needs_hint(self) -> bool:
        """The first card of the session, or the learner's first reviews ever: say how to answer."""
        return not self.ratings or self.answers_before + len(self.ratings) < FIRST_REVIEWS

    @classmethod
    def open(
        cls,
        engine: Engine,
        names: list[str] | None,
        zone: tzinfo,
        rollover_hour: int,
        lang: str,
        clock: Callable[[], datetime] | None = None,
        study: Study | None = None,
    ) -> ReviewSession:
        with engine.connect() as conn:
            decks = _decks(conn, storage.select_decks(conn, names), lang)
        return cls(engine, decks, zone, rollover_hour, lang, clock or _now, study=study or Study())

    def reload(self) -> None:
        """Build today's queue (again: after another process changed cards, or a new day)."""
        now = self.clock()
        self.day = storage.Day.of(now, self.zone, self.rollover_hour)
        self.workload = None
        with self.engine.connect() as conn:
            rows = [DeckRow(d.id, d.name, d.title, d.lang) for d in self.decks.values()]
            if self.study.cram:
                self.queue = dailyqueue.DailyQueue(reviews=storage.cram_cards(conn, rows, self.day, self.study))
            else:
                settings = {d.id: d.settings for d in self.decks.values()}
                self.queue = storage.load_queue(conn, rows, self.day, settings, self.study)
        arrange(self.queue, self.study, now, {d.name: d.settings for d in self.decks.values()}, self.day.start)

    def rebuild(self, first: QueueCard | None = None) -> None:
        """Today's queue built again from the collection, as the next session would build it,
        after a card left it or came back other than by an answer (suspend, bury, undo): a
        new card suspended or buried makes room under the day's new-card limit, an undone
        answer brings its note's other cards back. `first` (the undone card) comes first;
        skipped cards stay behind the others. Cramming, the queue is kept: only `first` comes back."""
        if self.study.cram:
            if first is not None:
                self.queue.put_back(first)
            return
        self.reload()
        for card_id in self.skipped:
            queued = self.queue.find(card_id)
            if queued is not None:
                self.queue.postpone(queued)
        if first is not None:
            self.queue.put_back(first)

    # -- what to show ---------------------------------------------------------------

    def current(self) -> QueueCard | None:
        """The card to show now, or None when the session is over (or must wait)."""
        now = self.clock()
        if now >= self.day.end:
            self.reload()
            self.changed()
        card = self.queue.next_card(now)
        soonest = self.queue.next_due()
        if card is None and soonest is not None and soonest <= now + LEARN_AHEAD:
            card = self.queue.learning[0]
        return card

    def counts(self) -> tuple[int, int, int]:
        """New, learning and review cards left today."""
        return self.queue.counts()

    def intervals(self, card: QueueCard) -> dict[Rating, str]:
        """Each rating's next interval, as the learner reads it (none: cramming changes none)."""
        if self.study.cram:
            return {}
        now = self.clock()
        preview = scheduling.preview(
            card.id, card.schedule, now, self.settings(card), self.balance(card), self.next_day(now)
        )
        return {rating: scheduling.format_interval(interval, self.lang) for rating, interval in preview.items()}

    def next_day(self, now: datetime) -> datetime:
        """When the learner's next day begins: FSRS counts the days since a card's last review
        up to it, as Anki does (scheduling.next_day_elapsed)."""
        return scheduling.next_day_start(now, self.zone, self.rollover_hour)

    def settings(self, card: QueueCard) -> DeckSettings:
        return self.decks[card.deck].settings

    def balance(self, card: QueueCard) -> Balance | None:
        """The load balancer for this card's review (None when the collection turns it off)."""
        if not self.balanced:
            return None
        if self.workload is None:
            deck_ids = [deck.id for deck in self.decks.values()]
            self.workload = read_workload(self.engine, deck_ids, self.day, self.zone, self.rollover_hour)
        deck = self.decks[card.deck]
        return self.workload.balance(deck.id, card.key, deck.settings.easy_days)

    def title(self, card: QueueCard) -> str:
        return self.decks[card.deck].title

    # -- what the learner does --------------------------------------------------------

    def answer(
        self, card: QueueCard, rating: Rating, duration_ms: int | None = None, typed: str | None = None
    ) -> storage.Answered:
        """Commit the answer, then update the queue. Raises storage.CardChanged if another
        process answered this card first (the card is dropped from this queue). A cram answer
        is logged and leaves the schedule as it is; Again brings the card back at the end."""
        if self.study.cram:
            event = storage.cram_answer(self.engine, card.id, card.schedule, rating, self.clock(), duration_ms, typed)
            self.queue.remove(card.id)
            if rating == Rating.AGAIN:
                self.queue.reviews.append(card)
            self.history.append(Action("cram", card, event))
            self.ratings.append(rating)
            return storage.Answered(card.schedule, event, False)
        balance, now = self.balance(card), self.clock()
        try:
            answered = storage.answer(
                self.engine, card, rating, now, self.settings(card), duration_ms, typed, balance, self.next_day(now)
            )
        except storage.CardChanged:
            self.queue.remove(card.id)
            raise
        if self.workload is not None:
            self.workload.moved(self.decks[card.deck].id, card.key, card.schedule.due, answered.schedule.due)
        self.queue.answered(card, answered.schedule, self.day.end)
        if answered.leech:
            self.queue.remove(card.id)
        self.history.append(Action("answer", card, answered.review_id))
        self.ratings.append(rating)
        self.changed()
        return answered

    def suspend(self, card: QueueCard) -> None:
        storage.set_suspended(self.engine, card.id, True)
        self._left(Action("suspend", card))

    def bury(self, card: QueueCard) -> None:
        storage.set_buried(self.engine, card.id, self.day.end)
        self._left(Action("bury", card))

    def forget(self, card: QueueCard) -> None:
        """New again, its reviews kept (Anki's Reset); a QuizError for a new card."""
        (event,) = storage.forget(self.engine, [storage.Target(card.id, card.key)], self.clock())
        self._left(Action("forget", card, event))

    def reschedule(self, card: QueueCard, day: date) -> datetime:
        """Due at the start of the learner's `day` (Anki's Set Due Date); when that is. A
        QuizError for a new card."""
        due = scheduling.day_begins(day, self.zone, self.rollover_hour)
        (event,) = storage.reschedule(self.engine, [storage.Target(card.id, card.key)], due, self.clock())
        self._left(Action("reschedule", card, event))
        return due

    def flag(self, card: QueueCard, flag: int) -> int:
        """Flag the card (quiz.model.FLAGS' number); the same flag again takes it off, as in
        Anki. The flag it has now (0: none). The card stays where it is in the queue."""
        with self.engine.connect() as conn:
            flag = 0 if storage.flag_of(conn, card.id) == flag else flag
        self.history.append(Action("flag", card, flags=storage.set_flags(self.engine, [card.id], flag)))
        return flag

    def edited(self, card: QueueCard | None) -> None:
        """After the card's deck file was edited and imported: the decks read again (a new
        name, new settings), today's queue rebuilt, and the edited card (None: it is gone)
        shown first with its progress."""
        ids = {deck.id for deck in self.decks.values()}
        with self.engine.connect() as conn:
            self.decks = _decks(conn, [row for row in storage.select_decks(conn, []) if row.id in ids], self.lang)
        self.rebuild(first=card)
        self.changed()

    def _left(self, action: Action) -> None:
        """The card left today's queue (suspended, buried, forgotten, rescheduled)."""
        self.history.append(action)
        if self.study.cram:
            self.queue.remove(action.card.id)
        else:
            self.rebuild()
        self.changed()

    def skip(self, card: QueueCard) -> None:
        """Show this card after the others of its kind (nothing is written)."""
        self.queue.postpone(card)
        self.skipped = [card_id for card_id in self.skipped if card_id != card.id] + [card.id]

    def undo(self) -> Action | None:
        """Take back the last answer or card action; its card comes first again."""
        if not self.history:
            return None
        action = self.history[-1]
        if action.kind in ("answer", "cram", "forget", "reschedule"):
            assert action.log_id is not None  # they have their log entry
            if action.kind == "answer":
                storage.undo_review(self.engine, action.log_id)  # CardChanged: nothing was undone
            else:
                storage.undo_event(self.engine, action.log_id)
            if action.kind in ("answer", "cram"):
                self.ratings.pop()
        elif action.kind == "suspend":
            storage.set_suspended(self.engine, action.card.id, False)
        elif action.kind == "flag":
            storage.restore_flags(self.engine, action.flags)
        else:
            storage.set_buried(self.engine, action.card.id, None)
        self.history.pop()
        self.rebuild(first=action.card)
        self.changed()
        return action

    def summary(self) -> Summary:
        with self.engine.connect() as conn:
            ids = [deck.id for deck in self.decks.values()]
            later = storage.next_due(conn, ids, self.clock())
        due_today = self.queue.next_due()
        return Summary(
            reviewed=len(self.ratings),
            again=sum(r == Rating.AGAIN for r in self.ratings),
            seconds=(self.clock() - self.started).total_seconds(),
            left=len(self.queue),
            next_due=due_today or later,
            new_left_for_later=self.has_new_for_later(),
            crammed=self.study.cram,
        )

    def has_new_for_later(self) -> bool:
        with self.engine.connect() as conn:
            return storage.has_new_cards(conn, [deck.id for deck in self.decks.values()])


def read_workload(engine: Engine, deck_ids: list[int], day: storage.Day, zone: tzinfo, rollover_hour: int) -> DayLoads:
    """The cards of these decks due on each of the next days, for the load balancer."""
    today = scheduling.learner_date(day.now, zone, rollover_hour)
    starts = [scheduling.day_begins(today + timedelta(days=n), zone, rollover_hour) for n in range(DAYS + 1)]
    with engine.connect() as conn:
        rows = storage.due_ahead(conn, deck_ids, day, starts[-1])
    return DayLoads(today, [to_ms(start) for start in starts], rows)


def _decks(conn, rows: list[DeckRow], lang: str) -> dict[str, Deck]:
    """The session's decks, by name, with their titles in the learner's language and settings."""
    return {
        row.name: Deck(
            row.id, row.name, localize(row.title, lang, row.lang), row.lang, storage.deck_settings(conn, row.id)
        )
        for row in rows
    }


def is_typed(card: QueueCard) -> bool:
    """Command and key cards are answered by typing; the others by revealing."""
    return card.kind in (CardKind.COMMAND, CardKind.KEYS)
