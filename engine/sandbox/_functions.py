"""The whitelisted functions an expression or script may call (`ALLOWED_FUNCTIONS`)."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, TypeVar

from engine.sandbox._budget import allocate, charged, current_run, ordered, sized
from engine.sandbox._limits import MAX_RANGE_LENGTH, SandboxLimitExceeded

_T = TypeVar("_T")


def _str(value: object = "") -> str:
    result = str(sized(value))
    allocate(len(result))
    return result


def _list(iterable: Iterable[_T] = ()) -> list[_T]:
    return charged(list(ordered(iterable)))


def _set(iterable: Iterable[_T] = ()) -> set[_T]:
    return charged(set(sized(iterable)))


def _dict(*args: Any, **kwargs: Any) -> dict[Any, Any]:
    for arg in args:
        sized(arg)
    return charged(dict(*args, **kwargs))


def _sorted(iterable: Iterable[Any], *, key: Any = None, reverse: bool = False) -> list[Any]:
    return charged(sorted(ordered(sized(iterable)), key=key, reverse=reverse))


def _min(*args: Any, **kwargs: Any) -> Any:
    return min(*(ordered(sized(arg)) for arg in args), **kwargs)


def _max(*args: Any, **kwargs: Any) -> Any:
    return max(*(ordered(sized(arg)) for arg in args), **kwargs)


def _sum(iterable: Iterable[Any], start: int | float = 0) -> Any:
    if isinstance(start, bool) or not isinstance(start, (int, float)):
        # sum() over lists or strings copies quadratically inside one C call.
        raise TypeError("sum() adds numbers only; the start value must be a number")
    return sum(ordered(iterable), start)


def _range(*args: int) -> range:
    numbers = range(*args)
    try:
        length = len(numbers)
    except OverflowError:
        length = MAX_RANGE_LENGTH + 1
    if length > MAX_RANGE_LENGTH:
        raise SandboxLimitExceeded(
            f"range() of {length:,} numbers (at most {MAX_RANGE_LENGTH:,} are allowed)"
        )
    return numbers


def _as_date(value: object, what: str = "date") -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) > 10:
                return datetime.fromisoformat(text).date()
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{what}: {value!r} is not an ISO date (YYYY-MM-DD)") from None
    raise TypeError(f"{what}: expected an ISO date string or a date, not {type(value).__name__}")


def _whole_number(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be a whole number, not {type(value).__name__}")
    return value


def sandbox_today() -> str:
    """Return the date of the input being applied, as "YYYY-MM-DD"."""
    return current_run().time().date().isoformat()


def sandbox_now() -> str:
    """Return the time of the input being applied, as an ISO 8601 string."""
    return current_run().time().isoformat()


def sandbox_date(value: object, month: int | None = None, day: int | None = None) -> date:
    """Return a `datetime.date` from an ISO string, a date, or year, month and day."""
    if month is None and day is None:
        return _as_date(value)
    if month is None or day is None:
        raise TypeError("date() takes an ISO string, or a year, a month and a day")
    return date(_whole_number(value, "year"), month, day)


def years_between(start: object, end: object) -> int:
    """Return the whole years from start to end (age on a date); negative if end < start."""
    first, last = _as_date(start, "years_between start"), _as_date(end, "years_between end")
    sign = 1
    if last < first:
        first, last, sign = last, first, -1
    years = last.year - first.year - ((last.month, last.day) < (first.month, first.day))
    return sign * years


def days_between(start: object, end: object) -> int:
    """Return the days from start to end (negative if end is earlier)."""
    return (_as_date(end, "days_between end") - _as_date(start, "days_between start")).days


def add_days(day: object, days: int) -> str:
    """Return day plus a number of days, as "YYYY-MM-DD"."""
    return date.fromordinal(
        _as_date(day, "add_days").toordinal() + _whole_number(days, "days")
    ).isoformat()


def add_months(day: object, months: int) -> str:
    """Return day plus months as "YYYY-MM-DD", clamped to the month's end (Jan 31 -> Feb 28)."""
    start = _as_date(day, "add_months")
    index = start.year * 12 + start.month - 1 + _whole_number(months, "months")
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise ValueError("add_months: the result is outside years 1 to 9999")
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last_day)).isoformat()


def add_years(day: object, years: int) -> str:
    """Return day plus years as "YYYY-MM-DD" (Feb 29 becomes Feb 28 in common years)."""
    return add_months(day, 12 * _whole_number(years, "years"))


def is_valid_nik(value: object) -> bool:
    """Tell whether value looks like an Indonesian NIK (16 digits with a valid birth date).

    Digits 7-12 are the birth date DDMMYY, with 40 added to the day for women; the region
    codes and the serial number may not be zero.
    """
    if not isinstance(value, str) or len(value) != 16 or not value.isascii():
        return False
    if not value.isdigit() or value[0:2] < "11" or "00" in (value[2:4], value[4:6]):
        return False
    day, month, year = int(value[6:8]), int(value[8:10]), int(value[10:12])
    day = day - 40 if day > 40 else day
    if value[12:16] == "0000":
        return False
    for century in (1900, 2000):
        try:
            date(century + year, month, day)
        except ValueError:
            continue
        return True
    return False


ALLOWED_FUNCTIONS: Mapping[str, Callable[..., Any]] = MappingProxyType(
    {
        # Python built-ins (the guarded ones check sizes and iterate sets in order).
        "len": len,
        "min": _min,
        "max": _max,
        "sum": _sum,
        "any": any,
        "all": all,
        "abs": abs,
        "round": round,
        "int": int,
        "float": float,
        "str": _str,
        "bool": bool,
        "sorted": _sorted,
        "list": _list,
        "dict": _dict,
        "set": _set,
        "range": _range,
        # Dates: data holds "YYYY-MM-DD" strings; these accept strings or dates.
        "today": sandbox_today,
        "now": sandbox_now,
        "date": sandbox_date,
        "years_between": years_between,
        "days_between": days_between,
        "add_days": add_days,
        "add_months": add_months,
        "add_years": add_years,
        # Identity documents.
        "is_valid_nik": is_valid_nik,
    }
)
