"""Times in the reader's time zone (a `tz` cookie set by pen.js), and the chat list's date groups."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import request

GROUPS = ("Today", "Yesterday", "Previous 7 days", "Older")


def reader_zone() -> ZoneInfo:
    """The zone the `tz` cookie names, else UTC. `ZoneInfo` itself refuses keys that are not
    zone names (absolute or `..` paths, directories, non-TZif files) and caches the zones it
    loads, so no request has to list the whole zone database (a scan of ~600 files per process)."""
    name = request.cookies.get("tz", "")
    if name and len(name) <= 64:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    return ZoneInfo("UTC")


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(zone)


def group_of(moment: datetime, today: date, zone: ZoneInfo) -> str:
    day = local(moment, zone).date()
    if day >= today:
        return GROUPS[0]
    if day == today - timedelta(days=1):
        return GROUPS[1]
    if day >= today - timedelta(days=7):
        return GROUPS[2]
    return GROUPS[3]


def short_time(moment: datetime | None, zone: ZoneInfo) -> str:
    if moment is None:
        return ""
    when = local(moment, zone)
    today = datetime.now(zone).date()
    if when.date() == today:
        return when.strftime("%H:%M")
    if when.date() > today - timedelta(days=7):
        return when.strftime("%a %H:%M")
    if when.year == today.year:
        return when.strftime("%-d %b %H:%M")
    return when.strftime("%-d %b %Y")


def iso(moment: datetime | None) -> str:
    return moment.replace(tzinfo=UTC).isoformat(timespec="seconds") if moment else ""
