"""The NHS number modulus-11 check (NHS Data Dictionary)."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from compiler.privacy.nhs import check_digit, is_plausible_nhs_number, is_valid_nhs_number, normalise


def make_valid(first_nine: str) -> str | None:
    """The test computes check digits itself, independently of the module."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1)))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return None if check == 10 else first_nine + str(check)


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "943-476-5919", "4010232137",
                                    "9990000018", "9990000026", "9990000069"])
def test_documented_valid_numbers(number):
    assert is_valid_nhs_number(number)


@pytest.mark.parametrize("number", ["9434765918", "943476591", "94347659190", "943476591X", "", "943 476 591 9x",
                                    "９４３４７６５９１９"])
def test_invalid_numbers(number):
    assert not is_valid_nhs_number(number)


def test_check_digit_ten_is_never_valid():
    assert check_digit("123456789") is None
    assert not any(is_valid_nhs_number(f"123456789{d}") for d in range(10))
    assert check_digit("999000000") is None      # no 999000000x is valid: the check digit would be 10


@given(st.from_regex(r"999[0-9]{6}", fullmatch=True))
def test_generated_999_numbers(first_nine):
    number = make_valid(first_nine)
    if number is None:
        assert not any(is_valid_nhs_number(first_nine + str(d)) for d in range(10))
    else:
        assert is_valid_nhs_number(number)
        assert is_valid_nhs_number(f"{number[:3]} {number[3:6]} {number[6:]}")
        wrong = (int(number[9]) + 1) % 10
        assert not is_valid_nhs_number(number[:9] + str(wrong))


def test_normalise_and_repeated_digits():
    assert normalise("943 476 5919") == normalise("943-476-5919") == "9434765919"
    assert normalise("94347659") is None
    assert is_valid_nhs_number("0000000000")          # the checksum passes ...
    assert not is_plausible_nhs_number("0000000000")  # ... but a roster may not hold it
