"""kill -9 during the copies quiz makes: `python benchmarks/kill_backups.py [KILLS] [CARDS]`.

Builds a collection of CARDS cards (default 50k), then KILLS times (default 20 each):
- steps it back to schema 0004 and runs `quiz decks`, which copies it to
  `quiz.db.0004.bak` and upgrades it, killing the process at a spread moment;
- runs `quiz import` of a changed deck (a backup into backups/, then the sync), killed
  the same way.
After each kill it checks that the collection opens with every card, that an upgrade
copy is either absent or whole (it opens, passes quick_check, is at 0004 and has every
card), that there is never more than one per revision, and that every backup in
backups/ is whole. It prints the outcomes.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alembic import command

from benchmarks.run import imported_collection, quiz_command
from quiz import migrate
from quiz.storage import database, sqlitefile


def cards_and_revision(path: Path) -> tuple[int, str]:
    conn = sqlite3.connect(path)
    try:
        cards = conn.execute("SELECT count(*) FROM cards").fetchone()[0]
        return cards, conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        conn.close()


def whole(path: Path, cards: int) -> bool:
    return not sqlitefile.integrity_problems(path) and cards_and_revision(path)[0] == cards


def step_back(db: Path) -> None:
    engine = database.create(database.database_url(str(db)))
    with database.writing(engine) as conn:
        config = migrate.alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0004")
    engine.dispose()


def killed(args: list[str], after: float) -> str:
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(after)
    if process.poll() is not None:
        return "finished"
    process.send_signal(signal.SIGKILL)
    process.wait()
    return "killed"


def main() -> None:
    kills = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 50_000
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        deck, db = imported_collection(folder, size)
        cards = cards_and_revision(db)[0]
        decks = quiz_command() + ["--db", str(db), "decks"]

        start = time.perf_counter()
        step_back(db)
        subprocess.run(decks, check=True, capture_output=True)
        upgrade_s = time.perf_counter() - start
        outcomes: Counter[str] = Counter()
        for attempt in range(kills):
            step_back(db)
            for copy in folder.glob("quiz.db.*.bak"):
                copy.unlink()  # so that each outcome is this run's
            run = killed(decks, upgrade_s * 1.2 * attempt / max(kills - 1, 1))
            copies = list(folder.glob("quiz.db.*.bak"))
            assert len(copies) <= 1, copies
            assert all(whole(copy, cards) and cards_and_revision(copy)[1] == "0004" for copy in copies)
            assert cards_and_revision(db)[0] == cards
            outcomes[f"upgrade {run}, copy {'whole' if copies else 'absent'}"] += 1

        text = deck.read_text()
        earlier = set((folder / "backups").glob("*.db"))  # the first import's, of the bundled deck alone
        deck.write_text(text.replace("Benchmark deck", "Benchmark deck again"))
        start = time.perf_counter()
        subprocess.run(quiz_command() + ["--db", str(db), "import", str(deck)], check=True, capture_output=True)
        import_s = time.perf_counter() - start
        for attempt in range(kills):
            deck.write_text(text.replace("Benchmark deck", f"Benchmark deck {attempt}"))
            after = import_s * 1.2 * attempt / max(kills - 1, 1)
            run = killed(quiz_command() + ["--db", str(db), "import", str(deck)], after)
            made = list(set((folder / "backups").glob("*.db")) - earlier)
            assert all(whole(copy, cards) for copy in made)
            assert cards_and_revision(db)[0] == cards and not sqlitefile.integrity_problems(db)
            outcomes[f"import {run}, {len(made)} backups whole"] += 1
        parts = [p.name for p in folder.rglob("*.part*")]
        print(f"{cards} cards; upgrade {upgrade_s:.2f} s, import {import_s:.2f} s; .part files left: {parts or 'none'}")
        for outcome, count in sorted(outcomes.items()):
            print(f"  {count:3} x {outcome}")


if __name__ == "__main__":
    main()
