"""The learner's days as Anki counts them in an exported package.

The package's collection starts (`crt`) at the start of the learner's day and keeps
Anki's plain 86400-second day count, so "due in 3 days" here is "due in 3 days" in
the collection that imports it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from quiz import scheduling

HOUR_MS, DAY_MS = 3_600_000, 86_400_000
UNIX_EPOCH_DAY = date(1970, 1, 1).toordinal()


@dataclass
class Clock:
    """The learner's day, as Anki counts days in the exported package.

    Instants are epoch milliseconds (as storage reads them for the export); days
    are day numbers (date ordinals), so their difference is a count of days.
    """

    now: datetime
    zone: tzinfo
    rollover_hour: int

    def __post_init__(self) -> None:
        self._offsets: dict[int, int | None] = {}
        self._rollover_ms = self.rollover_hour * HOUR_MS
        self.now_ms = round(self.now.timestamp() * 1000)
        self.today = self.day(self.now_ms)

    def day(self, epoch_ms: int) -> int:
        """scheduling.learner_date as a day number, without a datetime per call: the wall
        clock is UTC plus the zone's offset, and the offset is remembered per UTC day (the
        few days on which it changes look it up per instant)."""
        utc_day = epoch_ms // DAY_MS
        if utc_day in self._offsets:
            offset = self._offsets[utc_day]
        else:
            offset = self._offsets[utc_day] = self._steady_offset(utc_day)
        if offset is None:
            offset = self._offset(epoch_ms)
        return (epoch_ms + offset - self._rollover_ms) // DAY_MS + UNIX_EPOCH_DAY

    def day_sql(self, epoch_ms: str, since_ms: int, until_ms: int) -> str:
        """day() as an SQL expression of an instant `epoch_ms` (SQL text) between the two
        instants given: the zone's offsets between them as one CASE, so that SQLite counts
        10^5 days without a call into Python for each (quiz.anki.sqlexport)."""
        first_day, last_day = since_ms // DAY_MS, until_ms // DAY_MS
        offset = self._offset(first_day * DAY_MS)
        changes = []  # (the instant from which it holds, the offset)
        for utc_day in range(first_day, last_day + 1):
            end = self._offset((utc_day + 1) * DAY_MS - 1)
            if end != offset:  # it changes on this day: find the millisecond
                low, high = utc_day * DAY_MS, (utc_day + 1) * DAY_MS - 1
                while low < high:
                    middle = (low + high) // 2
                    low, high = (middle + 1, high) if self._offset(middle) == offset else (low, middle)
                changes.append((low, end))
                offset = end
        zone = f"{self._offset(first_day * DAY_MS)}"
        if changes:
            whens = " ".join(f"WHEN {epoch_ms} >= {since} THEN {after}" for since, after in reversed(changes))
            zone = f"CASE {whens} ELSE {zone} END"
        # The instants are after 1970 and the offset under a day: SQLite's division truncates as // floors.
        return f"((({epoch_ms}) + {zone} - {self._rollover_ms}) / {DAY_MS} + {UNIX_EPOCH_DAY})"

    def _steady_offset(self, utc_day: int) -> int | None:
        first, last = self._offset(utc_day * DAY_MS), self._offset((utc_day + 1) * DAY_MS - 1)
        return first if first == last else None  # no zone changes its offset twice in a day

    def _offset(self, epoch_ms: int) -> int:
        offset = datetime.fromtimestamp(epoch_ms // 1000, self.zone).utcoffset()
        assert offset is not None  # an aware datetime's
        return int(offset.total_seconds() * 1000)

    @property
    def collection_start(self) -> int:
        """Epoch seconds of the start of today: day 0 of the package."""
        return int(scheduling.day_start(self.now, self.zone, self.rollover_hour).timestamp())

    @functools.cached_property
    def tomorrow_start_ms(self) -> int:
        return round(scheduling.next_day_start(self.now, self.zone, self.rollover_hour).timestamp() * 1000)
