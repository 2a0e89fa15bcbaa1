"""US federal holidays by rule, and business-day arithmetic for OFAC's reporting deadlines.

Blocked Property Reports and Reject Reports are due within 10 business days
(31 CFR 501.603, 501.604). A business day is a weekday that is not a federal
holiday as observed: the holidays of 5 U.S.C. 6103, computed by rule for any
year rather than read from a table that runs out, with the observed-day shift
(a holiday on a Saturday is observed the Friday before, one on a Sunday the
Monday after). New Year's Day on a Saturday is observed on 31 December of the
year before, so the observed dates of a year include the next year's New Year.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

MONDAY, THURSDAY = 0, 3
REPORT_BUSINESS_DAYS = 10


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th (1-based) given weekday of a month; n = -1 is the last."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def observed(day: date) -> date:
    """The day a fixed-date holiday is observed: Saturday moves to Friday, Sunday to Monday."""
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def federal_holidays(year: int) -> dict[date, str]:
    """The legal public holidays of ``year`` on their actual dates (not shifted)."""
    holidays = {
        date(year, 1, 1): "New Year's Day",
        date(year, 7, 4): "Independence Day",
        date(year, 11, 11): "Veterans Day",
        date(year, 12, 25): "Christmas Day",
        nth_weekday(year, 2, MONDAY, 3): "Washington's Birthday",
        nth_weekday(year, 5, MONDAY, -1): "Memorial Day",
        nth_weekday(year, 9, MONDAY, 1): "Labor Day",
        nth_weekday(year, 10, MONDAY, 2): "Columbus Day",
        nth_weekday(year, 11, THURSDAY, 4): "Thanksgiving Day",
    }
    if year >= 1986:  # first observed in 1986
        holidays[nth_weekday(year, 1, MONDAY, 3)] = "Birthday of Martin Luther King, Jr."
    if year >= 2021:  # Juneteenth National Independence Day Act, 17 June 2021
        holidays[date(year, 6, 19)] = "Juneteenth National Independence Day"
    return holidays


@lru_cache(maxsize=64)
def observed_holidays(year: int) -> dict[date, str]:
    """Days of ``year`` on which federal offices close, with the holiday each observes."""
    days: dict[date, str] = {}
    for source_year in (year, year + 1):
        for day, name in federal_holidays(source_year).items():
            shifted = observed(day)
            if shifted.year == year:
                days[shifted] = name if shifted == day else f"{name} (observed)"
    return dict(sorted(days.items()))


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in observed_holidays(day.year)


def add_business_days(start: date, count: int) -> date:
    """The ``count``-th business day after ``start`` (``start`` itself is not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    remaining = count
    while remaining:
        day += timedelta(days=1)
        if is_business_day(day):
            remaining -= 1
    return day


def report_due(event_day: date) -> date:
    """The last day to file a Blocked Property or Reject Report for an event on ``event_day``."""
    return add_business_days(event_day, REPORT_BUSINESS_DAYS)


def annual_report_due(as_of_year: int) -> date:
    """The annual report of blocked property as of 30 June is due by 30 September of the same year."""
    return date(as_of_year, 9, 30)
