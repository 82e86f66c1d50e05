"""The learner's time zone with its DST rules: TZ, else the system's (stdlib only, so that
`quiz due`'s fast path may use it too)."""

from __future__ import annotations

import os
from datetime import datetime, tzinfo


def learner_zone() -> tzinfo:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    try:
        with open("/etc/localtime", "rb") as zone_file:
            return ZoneInfo.from_file(zone_file, key="localtime")
    except (OSError, ValueError):
        zone = datetime.now().astimezone().tzinfo
        assert zone is not None  # astimezone() always attaches one
        return zone
