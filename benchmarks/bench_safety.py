"""What keeping the collection safe costs: `python benchmarks/bench_safety.py [CARDS]`.

On a collection of CARDS cards (default 100k, built in a temporary folder with the
benchmark deck of run.py), it times, as medians:
- the looks at the file before anything is written (quiz.app's pre-checks: header,
  tables, writable, damage mark), on every command that opens the collection;
- SQLite's quick_check, then a backup (quick_check + copy + thinning): what an import
  and the day's first review pay;
- `quiz decks` as a whole process, whose end now folds the WAL into the main file.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.run import imported_collection, quiz_command
from quiz import app, backups
from quiz.storage import sqlitefile


def median_ms(work, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    cards = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        _, db = imported_collection(folder, cards)
        size = db.stat().st_size / 1e6

        def looks() -> None:
            sqlitefile.writable_problem(db)
            sqlitefile.state_of(db)
            sqlitefile.check_before_writing(db)

        now = datetime.now(timezone.utc)
        print(f"collection: {cards} cards, {size:.0f} MB")
        print(f"looks before opening (every command)   {median_ms(looks, 50):8.2f} ms")
        checked = median_ms(lambda: sqlitefile.integrity_problems(db), 5)
        print(f"quick_check                            {checked:8.1f} ms")
        print(f"backup (check, copy, thin)             {median_ms(lambda: backups.make(db, 'import', now), 5):8.1f} ms")
        decks = quiz_command() + ["--db", str(db), "decks"]
        print(
            f"quiz decks (whole process)             "
            f"{median_ms(lambda: subprocess.run(decks, check=True, capture_output=True), 5):8.0f} ms"
        )
        engine = app.open_collection(str(db), with_bundled=False)
        engine.dispose()


if __name__ == "__main__":
    main()
