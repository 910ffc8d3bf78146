"""NHS number normalisation and the modulus-11 check digit (NHS Data Dictionary)."""
from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-.]")
_WEIGHTS = range(10, 1, -1)          # digits 1-9 weigh 10, 9, ..., 2


def normalise(value: str) -> str | None:
    """`943 476 5919`, `943-476-5919`, `9434765919` -> `9434765919`; None when not ten digits."""
    digits = _SEPARATORS.sub("", value)
    return digits if len(digits) == 10 and digits.isascii() and digits.isdigit() else None


def check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None when the remainder gives 10 (never issued)."""
    total = sum(int(d) * w for d, w in zip(first_nine, _WEIGHTS))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def is_valid_nhs_number(digits: str) -> bool:
    """True when `digits` (spaces or hyphens allowed) is ten digits with a correct check digit."""
    number = normalise(digits)
    if number is None:
        return False
    return check_digit(number[:9]) == int(number[9])


def is_plausible_nhs_number(digits: str) -> bool:
    """A valid number that is not one digit repeated (`0000000000` passes the checksum): for roster input."""
    number = normalise(digits)
    return number is not None and is_valid_nhs_number(number) and len(set(number)) > 1


def format_nhs_number(number: str) -> str:
    """Ten digits in the 3-3-4 display grouping."""
    return f"{number[:3]} {number[3:6]} {number[6:]}"
