"""Exact decimal arithmetic and Chinese formatting of points and dates."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal(0)
CENT = Decimal("0.01")
LARGEST = Decimal(10) ** 12


def to_decimal(value: object) -> Decimal:
    """A YAML number or numeric string as an exact Decimal (floats via their text).

    Only ordinary numbers: NaN, infinities, magnitudes from 10^12 and more than
    12 decimal places are refused, so no arithmetic on a file's number can fail
    or take long.
    """
    if isinstance(value, bool):
        raise ValueError("布尔值不是数字")
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str) and len(value) <= 64:
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"“{value}”不是数字") from None
    else:
        raise ValueError(f"“{str(value)[:40]}”不是数字")
    if not number.is_finite():
        raise ValueError(f"“{value}”不是有限的数值")
    if abs(number) >= LARGEST or int(number.as_tuple().exponent) < -12:
        raise ValueError(f"“{str(value)[:40]}”超出了可用的范围（小于一万亿，最多12位小数）")
    return number


def fmt(value: Decimal) -> str:
    """2 → "2", 0.50 → "0.5", -1.25 → "-1.25"."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    text = format(value.normalize(), "f")
    return text


def fmt_signed(value: Decimal) -> str:
    return ("+" if value > 0 else "") + fmt(value)


def round_cent(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def percent(numerator: Decimal, denominator: Decimal) -> Decimal:
    return numerator * 100 / denominator


def fmt_percent(value: Decimal) -> str:
    return f"{round_cent(value)}%"


def cn_date(day: date | None) -> str:
    """2021年12月10日; a date a scheme does not set (no 完成时限) reads 未规定."""
    if day is None:
        return "未规定"
    return f"{day.year}年{day.month}月{day.day}日"
