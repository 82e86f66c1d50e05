"""What every command shares: its class (where the garbage collector comes back on),
the collection (opened on first use), the learner's time zone, day and language."""

from __future__ import annotations

import functools
import gc
import importlib
from typing import TYPE_CHECKING

import click

from quiz.plumbing.localzone import learner_zone

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


ROLLOVER_HOUR = 4  # when the learner's day starts, without `quiz config rollover_hour` (as in Anki)


class QuizCommand(click.Command):
    """Every quiz command. `quiz` starts with the garbage collector off (cli.main.main):
    start-up makes only long-lived objects (modules, classes, tables), so the collector's
    passes over them are wasted work: bench_review's first card came in 696 ms, against
    792 ms with the collector on throughout (medians of 6, alternating, 100k cards, on this
    machine at 2.2x its quiet time). Here, once the command line is parsed, the modules the
    command `needs` are imported (and its collection opened, when it `opens` one), and the
    collector comes back on for the command's own work, after gc.freeze() so that it never
    walks what start-up made. Every command passes through here, and only here."""

    def __init__(self, *args, needs: tuple[str, ...] = (), opens: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs = needs
        self.opens = opens

    def invoke(self, ctx: click.Context):
        for module in self.needs:
            importlib.import_module(module)
        if self.opens:
            env = ctx.find_object(Env)
            assert env is not None  # the group made it
            _ = env.engine  # opened here: what it makes lives to the end
        gc.freeze()
        gc.enable()
        return super().invoke(ctx)


command = functools.partial(click.command, cls=QuizCommand)


class Env:
    """What every command shares: where the collection is, opened on first use."""

    def __init__(self, location: str | None):
        self.location = location
        self._engine: Engine | None = None
        self.changed_queue = False  # set by the commands that change today's queue (quiz due's cache)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from quiz import app
            from quiz.storage import database

            # The default collection's folder is made on first use; a given path's must exist.
            self._engine = app.open_collection(
                self.location or database.default_location(), create_folder=self.location is None
            )
        return self._engine

    @property
    def where(self) -> str:
        """The collection's location, without the engine (and without making its folder)."""
        from quiz.storage import database

        return self.location or database.default_location()

    def close(self) -> None:
        """At the end of every command, a failed one too: the connections closed and the WAL
        folded into the main file, so that a copy of quiz.db alone is the whole collection."""
        if self._engine is None:
            return
        from quiz.storage import database, sqlitefile

        path = database.sqlite_path(self._engine)
        self._engine.dispose()
        self._engine = None
        if path is not None:
            sqlitefile.checkpoint(path)
            if self.changed_queue:  # the prompt's count (quiz due's cache file) follows
                from datetime import datetime, timezone

                from quiz import due

                due.refresh(path, datetime.now(timezone.utc))

    def day(self, now=None):
        from datetime import datetime, timezone

        from quiz import storage

        return storage.Day.of(now or datetime.now(timezone.utc), learner_zone(), self.rollover_hour())

    def rollover_hour(self) -> int:
        from quiz import storage

        with self.engine.connect() as conn:
            return int(storage.get_setting(conn, "rollover_hour") or ROLLOVER_HOUR)

    def lang(self) -> str:
        """The learner's language (quiz.i18n): the configuration's, else the environment's."""
        from quiz import i18n

        return i18n.language()
