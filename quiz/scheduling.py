"""FSRS behind a small, pure interface, and the learner's days (the day's queue: quiz.dailyqueue).

The only module that imports fsrs. Time is always an argument: `now` is a
UTC-aware datetime, and "today" is the learner's local day starting at the
rollover hour (04:00 by default, as in Anki).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING

import fsrs

from quiz import i18n, intervals
from quiz.model import DeckSettings, Rating, Schedule, State

if TYPE_CHECKING:
    from quiz.balance import Balance

DEFAULT_ROLLOVER_HOUR = 4


# -- days -------------------------------------------------------------------


def day_start(now: datetime, zone: tzinfo, rollover_hour: int = DEFAULT_ROLLOVER_HOUR) -> datetime:
    """When the learner's current day began, in UTC."""
    return day_begins(learner_date(now, zone, rollover_hour), zone, rollover_hour)


def next_day_start(now: datetime, zone: tzinfo, rollover_hour: int = DEFAULT_ROLLOVER_HOUR) -> datetime:
    """When the learner's next day begins, in UTC (23 or 25 hours away across DST)."""
    tomorrow = learner_date(now, zone, rollover_hour) + timedelta(days=1)
    return day_begins(tomorrow, zone, rollover_hour)


def learner_date(moment: datetime, zone: tzinfo, rollover_hour: int) -> date:
    """The learner's day that `moment` falls in (before the rollover hour: the day before)."""
    return (moment.astimezone(zone) - timedelta(hours=rollover_hour)).date()


def day_begins(day: date, zone: tzinfo, rollover_hour: int) -> datetime:
    """When the learner's `day` begins, in UTC."""
    # Wall-clock time in the zone, so a DST change moves the UTC instant, not the hour.
    return datetime.combine(day, time(rollover_hour), tzinfo=zone).astimezone(timezone.utc)


MAX_DUE_DAYS = 36500  # Anki's longest interval: a due date at most this far away


def due_day(text: str, today: date) -> date:
    """A due date as the learner writes it, Anki's Set Due Date way: +N or +Nd (N days
    from today; 0 is today), or a date (YYYY-MM-DD), from today to MAX_DUE_DAYS away.
    ValueError if not."""
    days = text.removeprefix("+").removesuffix("d")
    if text.startswith("+") and days.isdigit() and int(days) <= MAX_DUE_DAYS:
        return today + timedelta(days=int(days))
    day = date.fromisoformat(text)  # ValueError for anything else
    if not 0 <= (day - today).days <= MAX_DUE_DAYS:
        raise ValueError(text)
    return day


# -- FSRS ----------------------------------------------------------------------


def parameter_bounds() -> tuple[tuple[float, ...], tuple[float, ...]]:
    """FSRS's own bounds of its parameters, (lowest, highest) one per parameter: what its
    Scheduler accepts, so a deck's `parameters` are checked as the review will use them."""
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    return tuple(LOWER_BOUNDS_PARAMETERS), tuple(UPPER_BOUNDS_PARAMETERS)


def check_parameters(parameters) -> str | None:
    """FSRS's own complaint about a parameter list, or None if it is usable."""
    try:
        fsrs.Scheduler(parameters=parameters)
    except ValueError as error:
        return str(error)
    return None


@functools.lru_cache(maxsize=64)
def _scheduler(settings: DeckSettings) -> fsrs.Scheduler:
    extra = {"parameters": settings.parameters} if settings.parameters else {}
    return fsrs.Scheduler(
        desired_retention=settings.desired_retention,
        learning_steps=[timedelta(seconds=s) for s in settings.learning_steps],
        relearning_steps=[timedelta(seconds=s) for s in settings.relearning_steps],
        maximum_interval=settings.maximum_interval,
        enable_fuzzing=False,  # fuzz is ours: seeded per card, so previews match results
        **extra,
    )


def review(
    card_id: int,
    schedule: Schedule,
    rating: Rating,
    now: datetime,
    settings: DeckSettings,
    balance: Balance | None = None,
    next_day: datetime | None = None,
) -> Schedule:
    """The card's schedule after answering `rating` at `now`; a review's day is fuzzed, or
    chosen by `balance` (quiz.balance, Anki's load balancer) where it applies. `next_day`:
    when the learner's next day begins, for the days since the last review as Anki counts
    them (next_day_elapsed); without it, whole 24 hours (py-fsrs's count)."""
    before = _to_fsrs(card_id, schedule, now, next_day)
    after, _ = _scheduler(settings).review_card(before, fsrs.Rating(int(rating)), now)
    due, state, step = after.due, State(int(after.state)), after.step
    assert after.stability is not None  # every answer gives a memory state
    short = _short_term(schedule, rating, settings, after.stability)
    if short is not None:  # empty steps: FSRS brings the card back within the day
        state, step, due = short, 0, now + timedelta(seconds=int(_days(after.stability, settings) * 86_400))
    elif after.state == fsrs.State.Review:
        # As Anki's states/*.rs: a review's interval is fuzzed unrounded, a graduating card's
        # rounded (py-fsrs's due is whole days either way), and a lapse without relearning
        # steps not at all (its fuzz comes when it leaves relearning)
        exact, maximum = _days(after.stability, settings), settings.maximum_interval
        if schedule.state == State.REVIEW and rating == Rating.AGAIN:
            due = now + timedelta(days=min(max(1, intervals.rounded(exact)), maximum))
        else:
            days = exact if schedule.state == State.REVIEW else max(1, intervals.rounded(exact))
            minimum = _minimum_days(card_id, schedule, rating, now, settings, days, balance, next_day)
            due = now + timedelta(days=_day(card_id, schedule, days, minimum, maximum, balance))
    lapsed = schedule.state == State.REVIEW and rating == Rating.AGAIN
    return Schedule(
        state=state,
        step=step,
        stability=after.stability,
        difficulty=after.difficulty,
        due=due,
        last_review=now,
        reps=schedule.reps + 1,
        lapses=schedule.lapses + lapsed,
    )


def _short_term(schedule: Schedule, rating: Rating, settings: DeckSettings, stability: float) -> State | None:
    """Anki's FSRS short-term scheduling, for a deck whose learning (or relearning) steps are
    empty: a card learning, relearning or lapsing whose next interval is under half a day stays
    (re)learning, due after that interval; None where the answer schedules it for days."""
    learning = schedule.state in (State.NEW, State.LEARNING)
    if not learning and not (schedule.state == State.RELEARNING or rating == Rating.AGAIN):
        return None  # a passing review
    steps = settings.learning_steps if learning else settings.relearning_steps
    weights = _scheduler(settings).parameters
    if steps or not (weights[17] > 0 and weights[18] > 0) or _days(stability, settings) >= 0.5:
        return None  # Anki allows it with the short-term weights only
    return State.LEARNING if learning else State.RELEARNING


def _days(stability: float, settings: DeckSettings) -> float:
    """FSRS's interval for `stability` at the deck's desired retention, unrounded (py-fsrs's
    _next_interval rounds it to whole days)."""
    scheduler = _scheduler(settings)
    return stability / scheduler._FACTOR * (settings.desired_retention ** (1 / scheduler._DECAY) - 1)


def rescheduled_due(card_id: int, schedule: Schedule, settings: DeckSettings) -> datetime:
    """A review card's due date from its memory state and the deck's desired retention, as
    Anki's "reschedule cards on change" sets it: FSRS's interval for its stability, fuzzed
    as the answer that gave it was fuzzed (the same card and count), from its last review."""
    assert schedule.stability is not None and schedule.last_review is not None  # a review card's
    days = _days(schedule.stability, settings)  # unrounded, as an answer's
    factor = intervals.fuzz_factor(card_id, max(0, schedule.reps - 1))
    return schedule.last_review + timedelta(days=intervals.fuzzed(days, 1, settings.maximum_interval, factor))


def becomes_leech(before: Schedule, after: Schedule, settings: DeckSettings) -> bool:
    """This answer's lapse reaches the leech threshold (Anki: suspend and tag it)."""
    return after.lapses > before.lapses and after.lapses == settings.leech_threshold


def preview(
    card_id: int,
    schedule: Schedule,
    now: datetime,
    settings: DeckSettings,
    balance: Balance | None = None,
    next_day: datetime | None = None,
) -> dict[Rating, timedelta]:
    """How long until the card comes back, for each rating (what the buttons show)."""
    intervals = {}
    for rating in Rating:
        due = review(card_id, schedule, rating, now, settings, balance, next_day).due
        assert due is not None  # an answer always schedules the card
        intervals[rating] = due - now
    return intervals


def retrievability(schedule: Schedule, now: datetime, settings: DeckSettings) -> float:
    return _scheduler(settings).get_card_retrievability(_to_fsrs(0, schedule, now), now)


def recall_at(now: datetime, settings: DeckSettings) -> Callable[[int | None, float | None], float | None]:
    """FSRS's retrievability at `now` of a card of these settings, from its last review (in
    epoch ms, as quiz.storage.rows reads it) and stability (None for a card never reviewed):
    Scheduler.get_card_retrievability's formula (whole days elapsed), without an fsrs.Card
    per card, for `quiz cards` on 100k of them."""
    decay = -_scheduler(settings).parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    now_ms = round(now.timestamp() * 1000)

    def recall(last_review_ms: int | None, stability: float | None) -> float | None:
        if last_review_ms is None or not stability or stability < 0:
            return None
        return (1 + factor * max(0, (now_ms - last_review_ms) // 86_400_000) / stability) ** decay

    return recall


def next_day_elapsed(last_review: datetime, next_day: datetime) -> int:
    """The days since `last_review` as Anki counts them for FSRS: the day boundaries passed,
    from the start of the learner's next day (rslib's days_since_last_review), so that a card
    answered at 22:00 and again at 21:00 the next day is one day on, not the same day."""
    return max(0, (next_day - last_review) // timedelta(days=1))


def _to_fsrs(card_id: int, schedule: Schedule, now: datetime, next_day: datetime | None = None) -> fsrs.Card:
    if schedule.state == State.NEW:
        return fsrs.Card(card_id=card_id, state=fsrs.State.Learning, step=0, due=now)
    last_review = schedule.last_review
    if next_day is not None and last_review is not None:  # py-fsrs counts whole days back from `now`
        last_review = now - timedelta(days=next_day_elapsed(last_review, next_day))
    return fsrs.Card(
        card_id=card_id,
        state=fsrs.State(int(schedule.state)),
        step=schedule.step,
        stability=schedule.stability,
        difficulty=schedule.difficulty,
        due=schedule.due or now,
        last_review=last_review,
    )


def _day(card_id: int, schedule: Schedule, days: float, minimum: int, maximum: int, balance) -> int:
    """The days a review goes to: balanced by `balance` where it applies, else fuzzed."""
    factor = intervals.fuzz_factor(card_id, schedule.reps)
    chosen = None if balance is None else balance(days, minimum, maximum, factor)
    return intervals.fuzzed(days, minimum, maximum, factor) if chosen is None else chosen


def _minimum_days(
    card_id: int,
    schedule: Schedule,
    rating: Rating,
    now: datetime,
    settings: DeckSettings,
    days: float,
    balance,
    next_day: datetime | None = None,
) -> int:
    """The shortest interval a passing answer may get, as Anki's states/*.rs have it. A
    review: Hard at least a day, Good a day more than Hard and Easy a day more than Good
    (each as given, fuzz included), each longer than the interval before it when FSRS makes
    it longer (the fuzz never brings a review back to its last interval or under). A card
    graduating: Easy a day more than Good's interval fuzzed (a step or not)."""
    if rating == Rating.AGAIN or (schedule.state != State.REVIEW and rating != Rating.EASY):
        return 1
    if schedule.state != State.REVIEW:
        good = review(card_id, schedule, Rating.GOOD, now, settings, balance, next_day)
        assert good.stability is not None  # every answer gives a memory state
        return _day(card_id, schedule, _days(good.stability, settings), 1, settings.maximum_interval, balance) + 1
    minimum = 1
    if rating != Rating.HARD:
        below = Rating.HARD if rating == Rating.GOOD else Rating.GOOD
        shorter = review(card_id, schedule, below, now, settings, balance, next_day)
        assert shorter.due is not None  # a passing review is due on a day
        minimum = (shorter.due - now).days + 1
    if schedule.due is not None and schedule.last_review is not None:
        before = (schedule.due - schedule.last_review).days
        if intervals.rounded(days) > before:
            minimum = max(minimum, before + 1)
    return minimum


def format_interval(interval: timedelta, lang: str | None = None) -> str:
    """Anki-style short interval in the learner's language: 45s, 10m, 3h, 4d, 2.1mo, 1.3y
    (45秒, 10分钟, 3小时, 4天, 2.1个月, 1.3年)."""
    pgettext = i18n.translation(lang).pgettext
    seconds = interval.total_seconds()
    days = seconds / 86400
    if seconds < 60:
        return pgettext("interval", "{}s").format(max(0, round(seconds)))
    if seconds < 3600:
        return pgettext("interval", "{}m").format(round(seconds / 60))
    if days < 1:
        return pgettext("interval", "{}h").format(round(seconds / 3600))
    if days < 30:
        return pgettext("interval", "{}d").format(round(days))
    if days < 365:
        return pgettext("interval", "{}mo").format(f"{days / 30:.1f}")
    return pgettext("interval", "{}y").format(f"{days / 365:.1f}")
