"""The dashboard's figures for one request: which offices, which period, as JSON.

Shared by the `/dashboard` page and `GET /api/v1/dashboard`. A user with an
office (the head of office) sees only that office; asking for another is
404. National users (admins, auditors) pick an office or compare them all.
The period is given as dates (``from``, ``to``, both included) in the
engine's time zone; by default the last 28 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from werkzeug.exceptions import BadRequest, NotFound, UnprocessableEntity

from engine import Engine, OfficeFigures, Waiting
from web.access import me

__all__ = ["Period", "figures_for", "figures_json", "period_of"]

DEFAULT_DAYS = 28
MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    """Dates (both included) and the instants that bound them."""

    first: date
    last: date
    start: datetime
    end: datetime


def period_of(eng: Engine, args: Any) -> Period:
    """The period asked for by ``from`` and ``to`` (ISO dates), or the last 28 days."""
    zone = ZoneInfo(eng.timezone)
    today = eng.clock.now().astimezone(zone).date()
    try:
        last = date.fromisoformat(args.get("to")) if args.get("to") else today
        first = (
            date.fromisoformat(args.get("from"))
            if args.get("from")
            else last - timedelta(days=DEFAULT_DAYS - 1)
        )
    except ValueError:
        raise BadRequest("from and to are dates: YYYY-MM-DD") from None
    if first > last or (last - first).days >= MAX_DAYS:
        raise UnprocessableEntity(
            f"from must not be after to, and the period at most {MAX_DAYS} days"
        )
    start = datetime.combine(first, time(), zone)
    end = datetime.combine(last + timedelta(days=1), time(), zone)
    return Period(first, last, start, end)


def figures_for(eng: Engine, office: str | None, period: Period) -> list[OfficeFigures]:
    """The figures of the offices the signed-in user may see and asked for."""
    own = me().office
    if own is not None:
        if office not in (None, own):
            raise NotFound("no such office")
        office = own
    codes = [office] if office else [o.code for o in eng.offices.list()]
    found = [eng.dashboard(code, period.start, period.end) for code in codes]
    figures = [f for f in found if f is not None]
    if office and not figures:
        raise NotFound("no such office")
    return figures


def _waiting(waiting: Waiting) -> dict[str, Any]:
    return {"count": waiting.count, "median_seconds": waiting.median, "p90_seconds": waiting.p90}


def figures_json(figures: list[OfficeFigures], period: Period) -> dict[str, Any]:
    """The API's answer: the period and each office's figures."""
    return {
        "period": {"from": period.first.isoformat(), "to": period.last.isoformat()},
        "offices": [
            {
                "office": f.office,
                "name": f.name,
                "desks": [
                    {
                        "desk": d.desk,
                        "queue": d.queue,
                        "oldest_since": d.oldest_since.isoformat() if d.oldest_since else None,
                        "oldest_case": d.oldest_case,
                        "oldest_applicant": d.oldest_applicant,
                        "waiting": _waiting(d.waiting),
                    }
                    for d in f.desks
                ],
                "weeks": [{"week": week, **counts} for week, counts in f.weeks.items()],
                "sla_breaches": f.sla_fired,
                "elements": {k: _waiting(v) for k, v in f.elements.items()},
            }
            for f in figures
        ],
    }
