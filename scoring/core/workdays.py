"""Working days on the State Council's holiday calendar, and the legal deadline of a request.

The calendar comes from the ``chinese-calendar`` package (PyPI ``chinese-calendar``,
module ``chinese_calendar``): the holidays and the make-up working days of each
year's 国务院办公厅 holiday notice, kept by its maintainers since 2004. Version
1.11.0 knows the years 2004 to 2026; a date outside them is an error
(``CalendarGap``), never a guess that weekdays are working days.

The legal time limit (《政府信息公开条例》第三十三条): an answer within 20
working days of the date received, 40 when an extension was granted; the date
received is the day after which counting starts (补正 resets it, a postal
application counts from the day it was signed for, the register records that
date); working days spent consulting a third party (第三十二条) do not count.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar  # type: ignore[import-untyped]  # no type hints shipped

LIMIT = 20  # working days (条例 第三十三条第二款)
EXTENDED = 40  # with the extension approved (最长不得超过20个工作日)


class CalendarGap(ValueError):
    """A date the holiday calendar does not know: say which years it covers."""


def known_years() -> tuple[int, int]:
    """The first and last year the installed calendar knows."""
    days = chinese_calendar.holidays
    return min(days).year, max(days).year


def is_workday(day: date) -> bool:
    low, high = known_years()
    if not low <= day.year <= high:
        raise CalendarGap(f"日期 {day.isoformat()} 超出节假日日历的范围（{low}—{high}年），"
                          f"无法计算工作日；请升级 chinese-calendar 后再算")
    return bool(chinese_calendar.is_workday(day))


def add_workdays(start: date, count: int) -> date:
    """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
    day = start
    left = count
    while left > 0:
        day += timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day


def deadline(received: date, extended: bool = False, paused: int = 0) -> date:
    """The last day an answer is on time: 20 (or 40) working days after ``received``, plus ``paused``
    working days spent consulting a third party."""
    return add_workdays(received, (EXTENDED if extended else LIMIT) + paused)
