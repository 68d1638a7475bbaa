"""Properties of the normalisers on arbitrary text (hypothesis): they never raise on bad
input, what they return is what Webex takes or comes with an issue, and applying them
twice changes nothing.

"What Webex takes" is written here in ASCII on purpose: Python's ``\\d`` and
``str.isdigit`` also accept digits such as "٣" or "²", which Webex does not.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from migrate import inventory as inv
from migrate.mapping import email as email_rules
from migrate.mapping.addresses import MAX_ADDRESS_LINE, check_address, map_address, split_line
from migrate.mapping.e164 import NumberError, is_e164, to_e164
from migrate.mapping.issues import Issues
from migrate.mapping.model import Model
from migrate.mapping.names import clean_name
from migrate.mapping.numbers import EXTENSION_MAX, subscriber_extension
from migrate.mapping.subscriber_emails import check_emails
from migrate.mapping.tables import Tables, load_tables
from migrate.plan.model import BLOCKER, Subscriber

WEBEX_E164 = re.compile(r"\+[1-9][0-9]{6,14}", re.ASCII)
WEBEX_EXTENSION = re.compile(r"[0-9]{2,10}", re.ASCII)
WEBEX_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

TABLES: Tables = load_tables()
ASCII_DIGITS = "0123456789"
# Phone-ish text: digits of every script, separators, pluses, letters now and then.
phone_text = st.text(
    alphabet=st.sampled_from([*ASCII_DIGITS, *" +-()./x٣²１\u00a0"]), max_size=24
) | st.text(max_size=24)
country_codes = st.none() | st.sampled_from(["1", "44", "49", "+33", "61", "", " 353 ", "x"])
prefixes = st.none() | st.sampled_from(["0", "", "8", " 0 "])


def _subscriber(**values: object) -> Subscriber:
    sub = Subscriber(id="u@bw", customer_id="c", location_id="c/g", bw_key={"user_id": "u@bw"})
    for name, value in values.items():
        setattr(sub, name, value)
    return sub


# ---- E.164 ---------------------------------------------------------------------------------


@given(phone_text, country_codes, prefixes)
@example("+١٢١٢٥٥٥٠١٠١", None, None)  # Arabic-Indic digits are digits to Python, not to Webex
@example("2125550101", "1", None)
def test_to_e164_returns_a_webex_number_or_says_why(
    raw: str, country_code: str | None, prefix: str | None
) -> None:
    try:
        value = to_e164(raw, country_code, prefix)
    except NumberError as err:
        assert str(err)
        return
    assert WEBEX_E164.fullmatch(value), value
    assert is_e164(value)
    assert to_e164(value) == value  # idempotent, and needs no country code any more


@given(st.text(max_size=20))
@example("+441632960123\n")  # "$" matches before a trailing newline
@example("+4416329601٢٣")
def test_is_e164_accepts_only_what_webex_takes(value: str) -> None:
    if is_e164(value):
        assert WEBEX_E164.fullmatch(value)


nsn_digits = st.text(alphabet=ASCII_DIGITS, min_size=6, max_size=12)


@given(st.sampled_from(["44", "49", "33", "61", "353", "65"]), nsn_digits, st.data())
def test_every_written_form_of_a_number_gives_the_same_e164(
    cc: str, nsn: str, data: st.DataObject
) -> None:
    assume(not nsn.startswith("0"))
    expected = f"+{cc}{nsn}"
    assume(is_e164(expected))
    separator = data.draw(st.sampled_from(["", " ", "-", ".", "/"]))
    cut = data.draw(st.integers(1, len(nsn) - 1))
    spaced = nsn[:cut] + separator + nsn[cut:]
    assert to_e164(expected) == expected
    assert to_e164(f"+{cc}-{spaced}") == expected  # DN tables: +CC-NSN
    assert to_e164(f"00{cc} {spaced}") == expected  # international prefix
    assert to_e164(f"0{spaced}", cc, "0") == expected  # national, with its trunk prefix
    assert to_e164(f"({nsn[:cut]}) {nsn[cut:]}", cc, "0") == expected


@given(
    st.sampled_from("23456789"),
    st.text(alphabet=ASCII_DIGITS, min_size=2, max_size=2),
    st.sampled_from("23456789"),
    st.text(alphabet=ASCII_DIGITS, min_size=6, max_size=6),
)
def test_north_american_numbers_with_or_without_the_leading_one(
    a: str, area: str, b: str, line: str
) -> None:
    ten = f"{a}{area}{b}{line}"
    expected = f"+1{ten}"
    assert to_e164(ten, "1") == to_e164(f"1{ten}", "1") == to_e164(f"+1 {ten}") == expected


# ---- extensions ----------------------------------------------------------------------------


@given(st.none() | phone_text)
@example("²³⁴")  # str.isdigit() says yes
@example("٠١٢٣")
def test_an_extension_is_what_webex_takes_or_a_blocker(raw: str | None) -> None:
    issues = Issues()
    sub = _subscriber()
    subscriber_extension(issues, sub, raw)
    codes = {i.code for i in issues.items.values() if i.severity == BLOCKER}
    if sub.extension is None:
        assert codes == {"invalid_extension"} or not (raw or "").strip()
        return
    assert WEBEX_EXTENSION.fullmatch(sub.extension), sub.extension
    assert not codes
    assert (raw or "").strip().endswith(sub.extension)  # the last digits are kept
    again = _subscriber()
    subscriber_extension(Issues(), again, sub.extension)
    assert again.extension == sub.extension


@given(st.text(alphabet=ASCII_DIGITS, min_size=EXTENSION_MAX + 1, max_size=20))
def test_a_long_extension_keeps_its_last_ten_digits(raw: str) -> None:
    sub = _subscriber()
    subscriber_extension(Issues(), sub, raw)
    assert sub.extension == raw[-EXTENSION_MAX:]


# ---- e-mails -------------------------------------------------------------------------------


@given(st.none() | st.text(max_size=40))
@example("josé@example.com")
@example("a..b@example.com")
def test_an_email_is_what_webex_takes_or_a_blocker(email: str | None) -> None:
    model = Model()
    sub = _subscriber(email=email)
    model.subscribers[sub.id] = sub
    check_emails(model, {"c": [sub]})
    blockers = {i.code for i in model.issues.items.values() if i.severity == BLOCKER}
    if blockers:
        assert blockers <= {"missing_email", "invalid_email"}
    else:
        assert email is not None and WEBEX_EMAIL.fullmatch(email)
        assert email_rules.is_valid(email)


names = st.none() | st.text(max_size=20)


@given(names, names, st.text(max_size=12), st.none() | st.text(alphabet=ASCII_DIGITS, max_size=6))
@example("José", "Núñez", "jn@bw", None)
@example("王", "芳", "wf@bw", None)  # nothing of the name is left in ASCII
def test_a_generated_email_is_valid_or_flagged(
    first: str | None, last: str | None, user_id: str, extension: str | None
) -> None:
    email = email_rules.render(
        "{first}.{last}@{domain}",
        first=first,
        last=last,
        user_id=user_id,
        extension=extension,
        domain="Example.COM",
    )
    assert email.endswith("@example.com")
    assert email == email.lower() and email.isascii()
    model = Model()
    sub = _subscriber(email=email, email_source="template")
    check_emails(model, {"c": [sub]})
    codes = {i.code for i in model.issues.items.values()}
    assert ("invalid_email" in codes) != email_rules.is_valid(email)


# ---- names ---------------------------------------------------------------------------------


@given(st.none() | st.text(max_size=30), st.text(max_size=10))
@example("100% Corp", "fallback")
@example("%", "")
def test_a_name_never_keeps_a_percent_and_cleaning_twice_changes_nothing(
    text: str | None, fallback: str
) -> None:
    issues = Issues()
    where = {"entity": "customer", "key": "c", "customer_id": "c"}
    value, raw = clean_name(issues, text, fallback, **where)
    assert "%" not in value
    had_percent = "%" in (raw or fallback)
    assert bool(issues.items) == had_percent
    if raw is not None and not had_percent:
        assert value == raw == (text or "").strip()
    again = Issues()
    assert clean_name(again, value, fallback.replace("%", ""), **where)[0] == value
    assert not again.items


# ---- address lines -------------------------------------------------------------------------

words = st.text(alphabet=st.characters(blacklist_categories=("Zs", "Zl", "Zp", "Cc")), min_size=1)
address_text = st.none() | st.lists(words, max_size=14).map(" ".join) | st.text(max_size=120)


@given(address_text, address_text)
@example("Acme Corporate Headquarters, 1200 Avenue of the Americas", None)
@example("Acme Corporate Headquarters, 1200 Avenue of the Americas", "Floor 14")
@example("x" * 60, None)
def test_address_lines_lose_no_word_and_fit_or_block(line1: str | None, line2: str | None) -> None:
    issues = Issues()
    raw = inv.Address(line1=line1, line2=line2, city="Paris", postal_code="75001", country="FR")
    where = {"entity": "location", "key": "c/g", "customer_id": "c"}
    address = map_address(issues, TABLES, raw, **where)
    check_address(issues, TABLES, address, need_state=True, **where)
    # Nothing is ever dropped: the lines hold the BroadWorks words, in order.
    got = f"{address.address_line1 or ''} {address.address_line2 or ''}".split()
    assert got == f"{line1 or ''} {line2 or ''}".split()
    lines = (address.address_line1, address.address_line2)
    long = {i.severity for i in issues.items.values() if i.code == "address_line_too_long"}
    if all(len(line or "") <= MAX_ADDRESS_LINE for line in lines):
        assert BLOCKER not in long
        again = Issues()
        remapped = map_address(
            again, TABLES, inv.Address(line1=lines[0], line2=lines[1], country="FR"), **where
        )
        assert (remapped.address_line1, remapped.address_line2) == lines  # idempotent
        assert not again.items
    else:
        assert long == {BLOCKER}


@given(st.text(max_size=120))
def test_a_split_is_two_fitting_lines_of_the_same_words(text: str) -> None:
    lines = split_line(text)
    if lines is None:
        words = text.split()
        # No break fits: fewer than two words, or too much text for two lines.
        assert len(words) < 2 or not any(
            len(" ".join(words[:i])) <= MAX_ADDRESS_LINE
            and len(" ".join(words[i:])) <= MAX_ADDRESS_LINE
            for i in range(1, len(words))
        )
        return
    first, second = lines
    assert 0 < len(first) <= MAX_ADDRESS_LINE and 0 < len(second) <= MAX_ADDRESS_LINE
    assert f"{first} {second}".split() == text.split()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Acme Corporate Headquarters, 1200 Avenue of the Americas",
            ("Acme Corporate Headquarters,", "1200 Avenue of the Americas"),
        ),
        (
            "Building 7 North Wing Floor 12 Suite 1200 Corner of Main and Elm",
            ("Building 7 North Wing Floor 12 Suite 1200 Corner", "of Main and Elm"),
        ),
        ("one " + "x" * 60, None),
    ],
)
def test_a_split_prefers_a_comma_then_the_longest_first_line(
    text: str, expected: tuple[str, str] | None
) -> None:
    assert split_line(text) == expected


@settings(max_examples=25)
@given(st.text(max_size=30))
def test_an_unknown_country_is_a_blocker_not_an_exception(country: str) -> None:
    issues = Issues()
    address = map_address(
        issues,
        TABLES,
        inv.Address(line1="1 Main Street", country=country),
        entity="location",
        key="c/g",
        customer_id="c",
    )
    if country.strip() and address.country is None:
        assert {i.code for i in issues.items.values()} == {"unknown_country"}
