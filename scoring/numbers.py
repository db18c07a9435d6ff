"""Exact decimal arithmetic and Chinese formatting of points and dates."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal(0)
CENT = Decimal("0.01")


def to_decimal(value: object) -> Decimal:
    """A YAML number or numeric string as an exact Decimal (floats via their text)."""
    if isinstance(value, bool):
        raise ValueError("布尔值不是数字")
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"“{value}”不是数字") from None
    raise ValueError(f"“{value}”不是数字")


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


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
