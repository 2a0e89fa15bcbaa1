"""US federal holidays by rule and the 10-business-day reporting deadline."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from proscribe.enforcement.holidays import (
    add_business_days,
    annual_report_due,
    federal_holidays,
    is_business_day,
    observed_holidays,
    report_due,
)


def test_2026_holidays_with_observed_shifts() -> None:
    days = observed_holidays(2026)
    assert date(2026, 1, 1) in days
    assert date(2026, 1, 19) in days  # MLK: third Monday of January
    assert date(2026, 2, 16) in days  # Washington's Birthday
    assert date(2026, 5, 25) in days  # Memorial Day: last Monday of May
    assert date(2026, 6, 19) in days  # Juneteenth (a Friday)
    assert date(2026, 7, 3) in days and date(2026, 7, 4) not in days  # 4 July is a Saturday: observed Friday
    assert date(2026, 9, 7) in days  # Labor Day
    assert date(2026, 10, 12) in days  # Columbus Day
    assert date(2026, 11, 11) in days
    assert date(2026, 11, 26) in days  # Thanksgiving: fourth Thursday
    assert date(2026, 12, 25) in days
    assert len(days) == 11


def test_sunday_holiday_moves_to_monday_and_new_year_to_the_year_before() -> None:
    assert date(2022, 6, 20) in observed_holidays(2022)  # Juneteenth 2022 was a Sunday
    assert date(2021, 12, 31) in observed_holidays(2021)  # 1 January 2022 was a Saturday
    assert date(2022, 1, 1) not in observed_holidays(2022)
    assert date(2027, 12, 24) in observed_holidays(2027)  # Christmas 2027 is a Saturday
    assert date(2027, 12, 31) in observed_holidays(2027)  # and so is New Year's Day 2028
    assert "Juneteenth National Independence Day" not in federal_holidays(2020).values()


def test_report_due_counts_ten_business_days() -> None:
    # Friday 20 November 2026: Thanksgiving (26 Nov) is skipped
    assert report_due(date(2026, 11, 20)) == date(2026, 12, 7)
    # 1 July 2025: Independence Day (Friday 4 July) is skipped
    assert report_due(date(2025, 7, 1)) == date(2025, 7, 16)
    # a Saturday event: counting starts on Monday
    assert report_due(date(2026, 12, 19)) == date(2027, 1, 5)  # 25 Dec and the 1 Jan holidays skipped
    assert annual_report_due(2026) == date(2026, 9, 30)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)), st.integers(0, 40))
def test_business_days_added_are_business_days(start: date, count: int) -> None:
    due = add_business_days(start, count)
    counted = sum(1 for n in range(1, (due - start).days + 1) if is_business_day(start + timedelta(days=n)))
    assert counted == count
    assert count == 0 or is_business_day(due)
    assert (due - start).days <= count * 2 + 6
