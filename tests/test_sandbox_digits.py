"""The sandbox takes what Webex takes: ASCII digits only, nothing after the value."""

from __future__ import annotations

import pytest

from migrate.precheck.rules import free_extension
from migrate.sandbox import validation


@pytest.mark.parametrize(
    ("number", "extension"),
    [
        ("+1٢١٢5550100", None),  # Arabic-Indic digits: Python's \d takes them, Webex does not
        ("+12125550100\n", None),  # `$` alone would let a trailing newline through
        (None, "١٢٣٤"),
        (None, "1234\n"),
        (None, "²³"),
    ],
)
def test_numbers_and_extensions_are_ascii_digits_only(
    number: str | None, extension: str | None
) -> None:
    params = {k: v for k, v in {"primaryPhoneNumber": number, "extension": extension}.items() if v}
    problems = validation.check_number_and_extension(params, "webex_calling")
    wrong = "primaryPhoneNumber" if number else "extension"
    assert [p.field for p in problems] == [f"provisioningParameters.{wrong}"]


def test_good_values_pass() -> None:
    params = {"primaryPhoneNumber": "+12125550100", "extension": "1234"}
    assert validation.check_number_and_extension(params, "webex_calling") == []


def test_a_free_extension_is_proposed_from_ascii_digits_only() -> None:
    assert free_extension("1234", {"1235"}) == "1236"
    assert free_extension("١٢٣٤", set()) == "0000"  # not read as 1234
