"""`quiz review`, the daily review: the day's backup made beside it, and quiz due's cache
file following each answer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from quiz.cli.env import Env, command, learner_zone
from quiz.errors import QuizError
from quiz.i18n import _
from quiz.model import REVIEW_ORDERS

CRAM_LIMIT = 100  # cards, as Anki's filtered decks take by default


@command(
    "review",
    help=_("""Review today's cards: type commands, reveal the rest, rate with one key.

    Every answer is saved at once; quit any time (Ctrl-D or :quit) and the
    summary shows what you did and when the next card is due. The options
    are Anki's custom study: they change this session's cards, not the decks.

    \b
    Examples:
      quiz review                  all decks
      quiz review docker git       only these decks
      quiz review --tag logs       today's cards tagged logs
      quiz review --new 10         10 new cards beyond today's limit
      quiz review --ahead 3        the reviews due in the next 3 days too
      quiz review --cram docker --failed-today
                                   practise today's failed cards again
    """),
    needs=("quiz.session", "quiz.review.screen"),
    opens=True,
)
@click.argument("names", nargs=-1)
@click.option("--tag", metavar="TAG", help=_("Only cards with this tag."))
@click.option(
    "--new",
    "new",
    type=click.IntRange(min=0, max=9999),
    default=0,
    metavar="N",
    help=_("N new cards beyond today's limit, in each deck."),
)
@click.option(
    "--ahead",
    type=click.IntRange(min=0, max=36500),  # Anki's longest interval
    default=0,
    metavar="DAYS",
    help=_("The reviews due within DAYS days too, answered early (FSRS counts the days)."),
)
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help=_("At most N cards this session."))
@click.option(
    "--order",
    type=click.Choice(REVIEW_ORDERS),
    help=_(
        "due: by due date, then random; retrievability: least likely recalled first; random; added: newest"
        " first (default: each deck's review_order, due unless its file says otherwise)."
    ),
)
@click.option(
    "--cram",
    is_flag=True,
    help=_("Practise any cards without touching their schedule (at most 100 unless --limit); logged as cram answers."),
)
@click.option("--failed-today", is_flag=True, help=_("With --cram: the cards answered Again today."))
@click.option(
    "--no-wait", is_flag=True, help=_("End at the summary without waiting for a key (u: undo the last answer).")
)
@click.pass_obj
def review_command(
    env: Env,
    names: tuple[str, ...] = (),
    tag: str | None = None,
    new: int = 0,
    ahead: int = 0,
    limit: int | None = None,
    order: str | None = None,
    cram: bool = False,
    failed_today: bool = False,
    no_wait: bool = False,
) -> None:
    import sys

    if failed_today and not cram:
        raise click.UsageError(_("--failed-today goes with --cram"))
    if cram and (new or ahead):
        raise click.UsageError(_("--cram takes no --new nor --ahead: it practises cards, it schedules none"))
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise QuizError(_("quiz review needs a terminal (for scripts: quiz decks --json)"))
    from quiz import review, storage
    from quiz.plumbing import resources
    from quiz.session import ReviewSession
    from quiz.study import Study

    study = Study(tag, new, ahead, CRAM_LIMIT if cram and limit is None else limit, order, cram, failed_today)
    with env.engine.connect() as conn:
        files, _gone = storage.changed_files(conn, {str(p.resolve()) for p in resources.bundled_decks()})
    for path in files:  # size and time only: nothing is read
        click.echo(_("{path} changed since its import: quiz import brings the changes in").format(path=path))
    env.changed_queue = True
    session = ReviewSession.open(env.engine, list(names), learner_zone(), env.rollover_hour(), env.lang(), study=study)
    with day_backup(env.engine, session.day), due_cache_follows(env.engine) as refresh:
        session.changed = refresh
        review.run(session, wait=not no_wait)


@contextmanager
def day_backup(engine, day) -> Iterator[None]:
    """The day's backup (quiz.backups), made beside the review rather than before it: on
    100k cards it takes 0.24 s that the first card need not wait for (benchmarks/bench_safety.py).
    SQLite's backup reads one snapshot, so the answers committed meanwhile are not in it
    (they are in the collection). The review's end waits for it; a failure is told then."""
    import threading

    from quiz import backups
    from quiz.storage import database

    path = database.sqlite_path(engine)
    failed: list[QuizError] = []

    def make() -> None:
        assert path is not None
        try:
            backups.daily(path, day.now, day.start, learner_zone())
        except QuizError as error:
            failed.append(error)

    worker = threading.Thread(target=make, name="day-backup", daemon=True) if path is not None else None
    if worker is not None:
        worker.start()
    try:
        yield
    finally:
        if worker is not None:
            worker.join()
        for error in failed:
            click.echo(_("the day's backup was not made: {error}").format(error=error), err=True)


@contextmanager
def due_cache_follows(engine) -> Iterator[Callable[[], None]]:
    """A function to call after each change of today's queue: quiz due's cache file is
    rewritten (quiz.due.refresh) in a thread, so that an answer never waits for it; calls
    that come while it is being written make one more refresh, not one each. The thread
    ends with the review (Env.close writes the cache a last time)."""
    import threading
    from datetime import datetime, timezone

    from quiz import due
    from quiz.storage import database

    path = database.sqlite_path(engine)
    wanted, done = threading.Event(), threading.Event()

    def write() -> None:
        while True:
            wanted.wait()
            wanted.clear()
            if done.is_set():
                return
            due.refresh(path, datetime.now(timezone.utc))

    worker = threading.Thread(target=write, name="due-cache", daemon=True)
    if path is not None:
        worker.start()
    try:
        yield wanted.set
    finally:
        done.set()
        wanted.set()
        if path is not None:
            worker.join()
