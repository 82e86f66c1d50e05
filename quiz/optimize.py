"""`quiz optimize`: FSRS parameters fitted to the learner's own review log
(fsrs-rs-python, a Rust extension), and the workload at other desired retentions.

A card's history counts from its first answer as a new card; days are the
learner's days (time zone and rollover hour), as FSRS counts intervals.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import tzinfo
from typing import TYPE_CHECKING, NamedTuple

import fsrs_rs_python as fsrs_rs

from quiz import scheduling, storage
from quiz.errors import QuizError
from quiz.i18n import _
from quiz.model import DeckRow, DeckSettings, State
from quiz.shapes import FitJson, WorkloadJson
from quiz.storage import reports

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine, Row

# Training items (reviews made on a later day than the card's previous answer) as fsrs-rs
# counts them, as Anki 26 leaves it to: below 8 it keeps the defaults, below 64 it fits only
# the first four parameters (the first stabilities), from 64 all of them.
MIN_ITEMS, FULL_FIT_ITEMS = 8, 64
HEALTH_CHECK_ITEMS = 300  # Anki checks a fit to more items than these
RETENTIONS = (0.70, 0.75, 0.80, 0.85, 0.90, 0.95, 0.97, 0.99)
SIMULATED_DAYS = 365
SIMULATION_SEED = 42


@dataclass
class Fit:
    """What `quiz optimize` found; `saved` says whether the decks now use `parameters`."""

    reviews: int  # long-term reviews the fit learnt from
    cards: int
    before: tuple[float, float]  # (log loss, RMSE) of the parameters in use
    after: tuple[float, float]
    parameters: list[float]
    saved: bool
    healthy: bool | None = None  # Anki's health check (None: too few items to tell)

    @property
    def first_four_only(self) -> bool:
        return self.reviews < FULL_FIT_ITEMS

    def as_json(self) -> FitJson:
        return {
            "reviews": self.reviews,
            "cards": self.cards,
            "saved": self.saved,
            "healthy": self.healthy,
            "first_four_only": self.first_four_only,
            "parameters": self.parameters,
            "before": {"log_loss": self.before[0], "rmse": self.before[1]},
            "after": {"log_loss": self.after[0], "rmse": self.after[1]},
        }


class Training(NamedTuple):
    items: list  # fsrs_rs.FSRSItem, oldest first
    cards: int  # the cards they come from
    recalled: int  # the items whose last answer was not Again


def training_items(history, zone: tzinfo, rollover_hour: int) -> Training:
    """FSRS items from log rows (card_id, reviewed_at, rating, state_before) sorted by
    card then time: one item per review on a later day, holding the card's history up
    to it."""
    dated_items = []
    cards = recalled = 0
    for card_history in _per_card(history):
        start = max((i for i, row in enumerate(card_history) if row[3] == State.NEW), default=None)
        if start is None:  # progress from before the log began: FSRS cannot replay it
            continue
        reviews, previous, used = [], None, False
        for _card, reviewed_at, rating, _state in card_history[start:]:
            day = scheduling.learner_date(reviewed_at, zone, rollover_hour)
            delta = (day - previous).days if previous else 0
            reviews.append(fsrs_rs.FSRSReview(int(rating), delta))
            if delta > 0:
                dated_items.append((day, fsrs_rs.FSRSItem(list(reviews))))
                used, recalled = True, recalled + (rating > 1)
            previous = day
        cards += used
    dated_items.sort(key=lambda pair: pair[0])
    return Training([item for _day, item in dated_items], cards, recalled)


def _per_card(history: Iterable[Row]) -> Iterator[list[Row]]:
    current = None
    rows: list[Row] = []
    for row in history:
        if row[0] != current and rows:
            yield rows
            rows = []
        current = row[0]
        rows.append(row)
    if rows:
        yield rows


def _shared_settings(conn: Connection, decks: list[DeckRow]) -> DeckSettings:
    """The settings the fit starts from: the first deck's (decks fitted together share them)."""
    return storage.deck_settings(conn, decks[0].id)


def _evaluate(parameters, items) -> tuple[float, float]:
    result = fsrs_rs.FSRS(list(parameters)).evaluate(items)
    return round(result.log_loss, 4), round(result.rmse_bins, 4)


def fit(engine: Engine, decks: list[DeckRow], zone: tzinfo, rollover_hour: int, every_deck: bool = True) -> Fit:
    """Fit one set of parameters to these decks' reviews and save it for each of them if
    it predicts the log better than the parameters in use. Too few reviews: QuizError."""
    with engine.connect() as conn:
        history = reports.review_history(conn, None if every_deck else [deck.id for deck in decks])
        settings = _shared_settings(conn, decks)
    items, cards, recalled = training_items(history, zone, rollover_hour)
    if len(items) < MIN_ITEMS:
        message = _(
            "FSRS learns from reviews made a day or more after the card's previous answer, 8 at least;"
            " there are {count}: the parameters stay as they are"
        )
        raise QuizError(message.format(count=len(items)))
    current = list(settings.parameters or fsrs_rs.DEFAULT_PARAMETERS)
    try:
        fitted = fsrs_rs.FSRS(current).compute_parameters(items, num_relearning_steps=len(settings.relearning_steps))
    except (ValueError, RuntimeError) as error:
        raise QuizError(
            _("FSRS could not fit these reviews ({reason}); nothing was changed").format(reason=error)
        ) from None
    # fsrs-rs computes in float32: round, so a value at a bound is not just outside it.
    parameters = [round(float(value), 4) for value in fitted]
    problem = scheduling.check_parameters(parameters)
    if problem:
        message = _("the fitted parameters are not usable ({reason}); nothing was changed")
        raise QuizError(message.format(reason=problem.splitlines()[-1]))
    before, after = _evaluate(current, items), _evaluate(parameters, items)
    steps = len(settings.relearning_steps)
    # Anki's rule: the parameters in use stay unless the fit predicts the log better, or
    # they make several relearning steps raise a lapsed card's stability (which the fit avoids)
    better = after[0] < before[0] or (steps > 1 and _relearnt_stability(current, steps) >= 1.0)
    if better:
        with storage.writing(engine) as conn:
            storage.save_parameters(conn, [deck.id for deck in decks], parameters)
    return Fit(len(items), cards, before, after, parameters, better, healthy(items, recalled, steps))


def _relearnt_stability(parameters: list[float], steps: int) -> float:
    """The stability these parameters give a card of stability 1 forgotten after 2 days and
    then answered Good at each of `steps` relearning steps (Anki's compute_params)."""
    model = fsrs_rs.FSRS(parameters)
    memory = model.next_states(fsrs_rs.MemoryState(1.0, 1.0), 0.9, 2).again.memory
    for _step in range(steps):
        memory = model.next_states(memory, 0.9, 0).good.memory
    return memory.stability


def healthy(items: list, recalled: int, relearning_steps: int) -> bool | None:
    """Anki's health check of a fit to more than HEALTH_CHECK_ITEMS items: fitted on the
    earlier items and tested on the later ones (time-series splits), its log loss or its
    RMSE, each scaled to what the learner's retention makes usual, must be low. None with
    fewer items. A poor fit most often means the buttons used otherwise than FSRS reads them."""
    count = len(items)
    if count <= HEALTH_CHECK_ITEMS:
        return None
    tested = fsrs_rs.evaluate_with_time_series_splits(items, num_relearning_steps=relearning_steps)
    retention = recalled / count
    usual_log_loss = 0.623 * (4 * retention * (1 - retention)) ** 0.738
    usual_rmse = 0.0135 / (retention**0.504 - 1.14) + 0.176 / ((count / 1000) ** 0.825 + 2.22) + 0.101
    return bool(
        (usual_log_loss > 0 and tested.log_loss / usual_log_loss <= 1.11) or tested.rmse_bins / usual_rmse <= 1.53
    )


# -- desired retention ------------------------------------------------------------------


@dataclass
class Workload:
    retention: float
    minutes_per_day: float
    reviews_per_day: float
    memorized: float  # cards known at the end of the simulated year
    seconds_per_memorized: float
    relative: float = 1.0  # minutes a day against those at the desired retention in use

    def as_json(self) -> WorkloadJson:
        return {
            "retention": self.retention,
            "minutes_per_day": self.minutes_per_day,
            "reviews_per_day": self.reviews_per_day,
            "memorized": self.memorized,
            "seconds_per_memorized": self.seconds_per_memorized,
            "relative_workload": self.relative,
        }


def workloads(engine: Engine, decks: list[DeckRow]) -> tuple[list[Workload], float]:
    """The simulated year of these decks' cards (their limits and parameters) at each of
    RETENTIONS and at the desired retention in use: (the workloads, that retention). As
    Anki 26 shows them, without a recommended retention: the least time per memorized card
    is often at 0.70, which most learners would not want."""
    with engine.connect() as conn:
        settings = _shared_settings(conn, decks)
        counts = reports.card_state_counts(conn, [deck.id for deck in decks])
        cards = sum(count[state] for count in counts.values() for state in ("new", "learning", "young", "mature"))
    parameters = list(settings.parameters or fsrs_rs.DEFAULT_PARAMETERS)
    config = _simulator_config(settings, max(cards, 1))
    runs = {
        retention: fsrs_rs.simulate(parameters, retention, config, SIMULATION_SEED)
        for retention in sorted({*RETENTIONS, settings.desired_retention})
    }
    in_use = sum(runs[settings.desired_retention].cost_per_day)
    results = []
    for retention, run in runs.items():
        seconds = sum(run.cost_per_day)
        memorized = run.memorized_cnt_per_day[-1]
        results.append(
            Workload(
                retention,
                round(seconds / 60 / SIMULATED_DAYS, 1),
                round(sum(run.review_cnt_per_day) / SIMULATED_DAYS, 1),
                round(memorized, 1),
                round(seconds / memorized, 1) if memorized else float("inf"),
                round(seconds / in_use, 2) if in_use else 1.0,
            )
        )
    return results, settings.desired_retention


def _simulator_config(settings: DeckSettings, cards: int):
    config = fsrs_rs.default_simulator_config()
    config.deck_size = cards
    config.learn_span = SIMULATED_DAYS
    config.max_cost_perday = 86400.0  # no time cap: the cost of a retention must show in full
    config.learn_limit = settings.new_per_day
    config.review_limit = settings.reviews_per_day
    config.max_ivl = float(settings.maximum_interval)
    config.learning_step_count = len(settings.learning_steps)
    config.relearning_step_count = len(settings.relearning_steps)
    return config


# -- memory states (quiz import anki, quiz optimize --reschedule) ---------------------------


def filled_parameters(given: list[float]) -> list[float]:
    """FSRS-6's 21 parameters from a list of 17 (FSRS-4.5), 19 (FSRS-5) or 21, as fsrs-rs
    (and Anki) fill them in; ValueError for a list FSRS cannot use."""
    return [float(value) for value in fsrs_rs.check_and_fill_parameters(list(given))]


@functools.lru_cache(maxsize=16)
def _model(parameters: tuple[float, ...]):
    return fsrs_rs.FSRS(filled_parameters(list(parameters)) if parameters else fsrs_rs.DEFAULT_PARAMETERS)


def memory_state(parameters: tuple[float, ...], answers: list[tuple[int, int]]) -> tuple[float, float]:
    """(stability, difficulty) after these answers, each (rating, days since the answer
    before; 0 for the first), as Anki computes them for a card without a memory state."""
    item = fsrs_rs.FSRSItem([fsrs_rs.FSRSReview(rating, days) for rating, days in answers])
    state = _model(parameters).memory_state(item, None)
    return state.stability, state.difficulty


def memory_from_sm2(parameters: tuple[float, ...], ease: float, interval: int, retention: float) -> tuple[float, float]:
    """(stability, difficulty) of a card known only by its SM-2 ease and interval (Anki's conversion)."""
    state = _model(parameters).memory_state_from_sm2(ease, interval, retention)
    return state.stability, state.difficulty
