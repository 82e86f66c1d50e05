"""`quiz due`: how many cards today's review holds, for a shell prompt that runs it at every
line. Standard library only (sqlite3, read-only), so that it costs little more than Python's
own start: quiz.cli's main() answers `quiz [--db PATH] due ...` here before click is imported.

The counts are the queue's (quiz.storage.queue.load_queue, over every deck), in plain SQL:
learning cards due before the day's end, then per deck at most one card a note (not those of
notes answered today or in learning), reviews due today up to what is left of the deck's
reviews_per_day, and new cards up to what is left of new_per_day and of the reviews' limit.
Only counts are needed, so a deck's cards are read until its limit is reached, in no order:
which notes a limit leaves out changes no count (tests/test_due.py checks it against the queue).

What this module cannot answer (a server's URL, a collection at another schema revision, a
setting it cannot read) it leaves to the click command of the same name (quiz.cli.due),
which builds the whole queue. Each answer is also written to the cache file (quiz.duecache),
which a prompt can `cat` instead; refresh() writes it after whatever changes the queue.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from datetime import datetime, time, timedelta, timezone, tzinfo

from quiz import i18n
from quiz.duecache import write_cache
from quiz.i18n import _
from quiz.plumbing.localzone import learner_zone

# Not typing's (5 ms to import, of a prompt's every line): mypy reads any TYPE_CHECKING so.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from quiz.shapes import DueJson

# What quiz.storage.schema, quiz.model and quiz.scheduling say, without their imports
# (SQLAlchemy, fsrs): tests/test_due.py keeps these in step with them.
HEAD_REVISION = "0009"
DEFAULT_ROLLOVER_HOUR = 4
LIMITS = {"new_per_day": 20, "reviews_per_day": 200}  # a deck's daily limits, by default
LIMIT_RANGE = (0, 9999)  # quiz.model.SETTING_LIMITS of both
NEW, LEARNING, REVIEW, RELEARNING = 0, 1, 2, 3
BUSY_TIMEOUT_S = 5.0
PLACEHOLDERS = "{due}, {new}, {total}"

ASCII_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
LETTERS = frozenset(ASCII_LETTERS)
SCHEME = LETTERS | frozenset("0123456789+.-")  # a URL's scheme (quiz.storage.schema's _SCHEME)
URI_SAFE = frozenset(f"{ASCII_LETTERS}0123456789-._~/".encode())  # a file URI's bytes as they are


class Counts:
    """Today's queue: `due` learning and review cards, `new` new cards."""

    __slots__ = ("due", "new")

    def __init__(self, due: int, new: int) -> None:
        self.due, self.new = due, new

    @property
    def total(self) -> int:
        return self.due + self.new

    def as_json(self) -> DueJson:
        return {"due": self.due, "new": self.new, "total": self.total}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Counts) and (self.due, self.new) == (other.due, other.new)

    def __hash__(self) -> int:
        return hash((self.due, self.new))

    def __repr__(self) -> str:
        return f"Counts(due={self.due}, new={self.new})"


class DueError(Exception):
    """A one-line error of `quiz due` (quiz.errors.QuizError in the click command)."""


class Unanswered(Exception):
    """Not for this module: the click command answers (and says what is wrong, if anything)."""


def quiz_error(error: Exception) -> bool:
    """A DueError, or a quiz.errors.QuizError (of quiz.config, say), without importing
    quiz.errors (and typing with it) where nothing raised one."""
    errors = sys.modules.get("quiz.errors")
    return isinstance(error, DueError) or (errors is not None and isinstance(error, errors.QuizError))


# -- the learner's day ------------------------------------------------------------------


def day_bounds(now: datetime, zone: tzinfo | None, rollover_hour: int) -> tuple[datetime, datetime]:
    """When the learner's day began and when the next begins, in UTC (quiz.scheduling's)."""
    today = (now.astimezone(zone) - timedelta(hours=rollover_hour)).date()

    def begins(day) -> datetime:
        return datetime.combine(day, time(rollover_hour), tzinfo=zone).astimezone(timezone.utc)

    return begins(today), begins(today + timedelta(days=1))


def stamp(moment: datetime) -> str:
    """A UTC instant as the collection stores it (SQLAlchemy's SQLite DATETIME text), so that
    SQLite compares the two as the queue's queries do."""
    t = moment.astimezone(timezone.utc)
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}:{t.second:02d}.{t.microsecond:06d}"


# -- the counts --------------------------------------------------------------------------

ACTIVE = "NOT retired AND NOT suspended AND (buried_until IS NULL OR buried_until <= :now)"
ANSWERED_TODAY = (  # driven from today's few answers (by time), their cards by key
    "SELECT c.deck_id, c.note_key, r.state_before FROM reviews AS r CROSS JOIN cards AS c ON c.id = r.card_id"
    " WHERE r.reviewed_at >= :start"
)
LEARNING_TODAY = (
    f"SELECT deck_id, note_key FROM cards WHERE deck_id IN ({{decks}}) AND state IN ({LEARNING}, {RELEARNING})"
    f" AND due < :end AND {ACTIVE}"
)
REVIEWS_TODAY = f"SELECT note_key FROM cards WHERE deck_id = :deck AND state = {REVIEW} AND due < :end AND {ACTIVE}"
NEW_CARDS = f"SELECT note_key FROM cards WHERE deck_id = :deck AND state = {NEW} AND {ACTIVE}"


def count(path: str | os.PathLike, now: datetime, zone: tzinfo | None = None) -> Counts:
    """Today's counts of the SQLite collection at `path`, read-only, at the UTC instant
    `now` (zone: the learner's, by default). Unanswered where the click command must answer."""
    conn = sqlite3.connect(file_uri(path, "ro"), uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        conn.isolation_level = None
        conn.execute("BEGIN")  # one snapshot for every query, as the queue's transaction
        return read(conn, now, learner_zone() if zone is None else zone)
    finally:
        conn.close()


def file_uri(path: str | os.PathLike, mode: str) -> str:
    """SQLite's URI of the file (any name: what is not a URI's letter is %-escaped), opened
    in `mode`: Path.as_uri()'s, without pathlib and urllib (8 ms of imports, here)."""
    name = os.fsencode(os.path.abspath(path))
    return "file://" + "".join(chr(byte) if byte in URI_SAFE else f"%{byte:02X}" for byte in name) + f"?mode={mode}"


def read(conn: sqlite3.Connection, now: datetime, zone: tzinfo | None) -> Counts:
    try:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.OperationalError as error:
        if "no such table" in str(error):  # a new file, or not a collection: the click command says
            raise Unanswered() from None
        raise
    if revision != [(HEAD_REVISION,)]:  # the click command upgrades it, or refuses it
        raise Unanswered()
    settings = dict(
        conn.execute(
            "SELECT key, value FROM settings WHERE key IN ('rollover_hour', {})".format(
                ", ".join(f"'{name}'" for name in LIMITS)
            )
        )
    )
    try:
        start, end = day_bounds(now, zone, int(settings.get("rollover_hour") or DEFAULT_ROLLOVER_HOUR))
    except (ValueError, OverflowError):
        raise Unanswered() from None
    new_default, reviews_default = (_limit(settings, name) for name in LIMITS)
    decks = conn.execute(
        "SELECT d.id, s.new_per_day, s.reviews_per_day FROM decks AS d LEFT JOIN deck_settings AS s ON s.deck_id = d.id"
    ).fetchall()
    if not decks:
        return Counts(0, 0)
    times = {"now": stamp(now), "start": stamp(start), "end": stamp(end)}
    taken: dict[int, set[str]] = {deck_id: set() for deck_id, _, _ in decks}  # notes seen today, per deck
    new_done, reviews_done = dict.fromkeys(taken, 0), dict.fromkeys(taken, 0)
    for deck_id, key, before in conn.execute(ANSWERED_TODAY, times):
        if deck_id in taken:
            taken[deck_id].add(key)
            new_done[deck_id] += before == NEW
            reviews_done[deck_id] += before == REVIEW
    learning = 0
    for deck_id, key in conn.execute(LEARNING_TODAY.format(decks=",".join(str(int(d)) for d in taken)), times):
        learning += 1
        taken[deck_id].add(key)
    reviews = new = 0
    for deck_id, new_per_day, reviews_per_day in decks:
        new_left = max(0, (new_default if new_per_day is None else new_per_day) - new_done[deck_id])
        reviews_left = max(0, (reviews_default if reviews_per_day is None else reviews_per_day) - reviews_done[deck_id])
        query = {**times, "deck": deck_id}
        found = _notes(conn, REVIEWS_TODAY, query, taken[deck_id], reviews_left)
        reviews += found
        new += _notes(conn, NEW_CARDS, query, taken[deck_id], min(new_left, reviews_left - found))
    return Counts(learning + reviews, new)


def _limit(settings: dict, name: str) -> int:
    """A daily limit of the decks that set none: the collection's (`quiz config`), when it
    is a whole number within LIMIT_RANGE, else quiz's own (quiz.storage.deck_defaults)."""
    try:
        value = int(settings[name])
    except (KeyError, ValueError, TypeError):
        return LIMITS[name]
    return value if LIMIT_RANGE[0] <= value <= LIMIT_RANGE[1] else LIMITS[name]


def _notes(conn: sqlite3.Connection, sql: str, query: dict, taken: set[str], limit: int) -> int:
    """How many cards of the query the queue takes: one a note, none of `taken`'s notes
    (each taken note is added to it), up to `limit`."""
    if limit <= 0:
        return 0
    found = 0
    cursor = conn.execute(sql, query)  # read row by row, until the limit
    for (key,) in cursor:
        if key not in taken:
            taken.add(key)
            found += 1
            if found == limit:
                break
    cursor.close()
    return found


# -- what is printed (and cached: quiz.duecache) ---------------------------------------------------


def default_format() -> str:
    return _("{due} due, {new} new")


def line(counts: Counts, fmt: str | None = None) -> str:
    """The counts in `fmt` (default: the learner's words), or "" when nothing is due."""
    fmt = default_format() if fmt is None else fmt
    values = {"due": counts.due, "new": counts.new, "total": counts.total}
    try:
        text = fmt.format_map(values)
    except KeyError as error:
        message = _("unknown placeholder {name} in --format (its placeholders: {placeholders})")
        raise DueError(message.format(name="{" + str(error.args[0]) + "}", placeholders=PLACEHOLDERS)) from None
    except (ValueError, IndexError, AttributeError, TypeError) as error:
        message = _("--format {format} is not a format: {reason} (its placeholders: {placeholders})")
        raise DueError(message.format(format=repr(fmt), reason=error, placeholders=PLACEHOLDERS)) from None
    return text if counts.total else ""


def output(counts: Counts, fmt: str | None = None, as_json: bool = False) -> str:
    """What `quiz due` prints (with its newline; nothing when nothing is due, but for
    --json), after writing the default line to the cache."""
    text = line(counts, fmt)  # checked first: a wrong --format is an error on any day
    write_cache(line(counts))
    if as_json:
        import json

        return json.dumps(counts.as_json()) + "\n"
    return text + "\n" if text else ""


def refresh(path: str | os.PathLike | None, now: datetime) -> None:
    """Write today's counts of the SQLite collection at `path` to the cache file, at the UTC
    instant `now`: after an answer, an import, an undo, a new day. Never fails the caller
    (a collection it cannot read leaves the cache as it was); `path` None (a server) does nothing."""
    if path is None:
        return
    try:
        text = line(count(path, now))
    except (OSError, sqlite3.Error, Unanswered):
        return
    except Exception as error:
        if quiz_error(error):
            return
        raise
    write_cache(text)


# -- the command line ---------------------------------------------------------------------


def collection_file(location: str | None) -> str | None:
    """The SQLite file of `--db`, else QUIZ_DB, else the default collection; None where the
    click command must read the location (a server's URL, an unusual one)."""
    where = location or os.environ.get("QUIZ_DB") or None
    if where is None:
        if not sys.platform.startswith("linux"):
            return None  # platformdirs knows where: the click command asks it
        base = os.environ.get("XDG_DATA_HOME", "")
        return os.path.join(base if base.strip() else os.path.expanduser("~/.local/share"), "quiz", "quiz.db")
    if "://" in where:
        database = where.removeprefix("sqlite:///")
        if database == where or not database or database == ":memory:" or set("?#%") & set(database):
            return None
        return database
    scheme, colon, _rest = where.partition(":")  # as quiz.storage.schema tells a URL from a path
    url_like = colon and len(scheme) > 1 and scheme[0] in LETTERS and all(c in SCHEME for c in scheme[1:])
    if url_like and not os.path.exists(where):
        return None  # neither a path nor a URL: the click command says so
    return os.path.expanduser(where)


def missing(path: str | os.PathLike) -> str:
    return _("no collection at {path} yet: quiz import DECK.yaml (or quiz review) makes one").format(path=path)


def run(argv: list[str]) -> int | None:
    """`quiz [--db PATH] due [--format FORMAT] [--json]` (argv without the program's name):
    its exit code, or None where the click command answers instead (--help, an option or
    an argument this reader does not know, a collection it does not read)."""
    location, at = None, 0
    while at < len(argv) and argv[at] != "due":
        if argv[at] == "--db" and at + 1 < len(argv):
            location, at = argv[at + 1], at + 2
        elif argv[at].startswith("--db="):
            location, at = argv[at].removeprefix("--db="), at + 1
        else:
            return None
    if at == len(argv):
        return None
    fmt, as_json, words = None, False, iter(argv[at + 1 :])
    for word in words:
        if word == "--json":
            as_json = True
        elif word == "--format":
            fmt = next(words, None)
            if fmt is None:
                return None
        elif word.startswith("--format="):
            fmt = word.removeprefix("--format=")
        else:
            return None
    try:
        path = collection_file(location)
        if path is None:
            return None
        speak()
        if not os.path.isfile(path):
            raise DueError(missing(path))
        try:
            counts = count(path, datetime.now(timezone.utc))
        except sqlite3.Error as error:
            raise DueError(_("cannot read {path}: {reason}").format(path=path, reason=error)) from None
        sys.stdout.write(output(counts, fmt, as_json))
    except Unanswered:
        return None
    except Exception as error:
        if not quiz_error(error):
            raise
        print(error_line(str(error)), file=sys.stderr)
        return 1
    return 0


def speak() -> None:
    """Speak the learner's language as quiz.i18n.language() finds it, but without importing
    quiz.config (and typing, through quiz.errors: 8 ms of `quiz due`'s 35 here) when there
    is no configuration file to name it: then it is the environment's."""
    where = config_file()
    if where is not None and not os.path.lexists(where):
        i18n.use(i18n.environment_language() or i18n.ENGLISH)


def config_file() -> str | None:
    """quiz.config.path() on Linux, without importing quiz.config (None elsewhere)."""
    if not sys.platform.startswith("linux"):
        return None
    if os.environ.get("QUIZ_CONFIG"):
        return os.environ["QUIZ_CONFIG"]
    base = os.environ.get("XDG_CONFIG_HOME", "").strip() or os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(base, "quiz", "config.toml")


def error_line(message: str) -> str:
    """`Error: MESSAGE` on one line, as click says it (in English if the configuration
    that names the language is what could not be read)."""
    from quiz.plumbing.textwidth import visible

    message = visible(" ".join(message.splitlines()))
    try:
        return _("Error: {message}").format(message=message)
    except Exception as error:
        if not quiz_error(error):
            raise
        return f"Error: {message}"
