"""Finding personal and secret data, and masking what must not be stored."""

from __future__ import annotations

from core.nlp.pii import SENSITIVE, find_pii, mask


def kinds(text: str) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in find_pii(text)]


def test_checksums_tell_card_numbers_from_other_long_numbers() -> None:
    assert kinds("card 4111 1111 1111 1111 please") == [("CREDIT_CARD", "4111 1111 1111 1111")]
    assert kinds("my order 4111-1111-1111-1112 is late") == []  # fails the Luhn check


def test_ssn_iban_email_phone_and_ip_are_found() -> None:
    found = kinds(
        "SSN 536-90-4399, IBAN gb82 west 1234 5698 7654 32 to other account, "
        "mail ada@example.org, call +1-604-696-5272 from 10.0.0.12"
    )
    assert found == [
        ("US_SSN", "536-90-4399"),
        ("IBAN_CODE", "gb82 west 1234 5698 7654 32"),
        ("EMAIL_ADDRESS", "ada@example.org"),
        ("PHONE_NUMBER", "+1-604-696-5272"),
        ("IP_ADDRESS", "10.0.0.12"),
    ]


def test_house_numbers_dates_and_prices_are_not_phones() -> None:
    assert kinds("send it to 224 4966 Bond Street") == []
    assert kinds("When: 2000-04-16 11:34:35") == []
    assert kinds("a tune-up is $149 and takes 2 days") == []


def test_only_sensitive_kinds_are_masked_by_default() -> None:
    text = "card 4111111111111111, mail ada@example.org"
    assert mask(text, find_pii(text)) == "card [card number removed], mail ada@example.org"
    assert mask(text, find_pii(text), SENSITIVE | {"EMAIL_ADDRESS"}).endswith("mail [e-mail]")
