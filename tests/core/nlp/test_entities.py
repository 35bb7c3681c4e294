"""Entities a reply can use, with normalised values."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from core.nlp.entities import Entity, extract_entities
from core.settings import ROOT

# Tuesday 24 November 2026, 10:00 in Halifax.
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
TZ = "America/Halifax"
PRODUCTS = json.loads((ROOT / "data" / "demo" / "business.json").read_text())["products"]


def found(text: str, now: datetime = NOW) -> list[tuple[str, str, str]]:
    [entities] = extract_entities([text], now=now, products=PRODUCTS, tz=TZ)
    return [(e.type, e.text, e.value) for e in entities]


def test_a_booking_names_the_person_and_the_coming_monday() -> None:
    [entities] = extract_entities(
        ["book an appointment with Dr. Khan on Monday"], now=NOW, products=PRODUCTS, tz=TZ
    )
    assert entities == [
        Entity("PERSON", "Dr. Khan", 25, 33, "Dr. Khan"),
        Entity("DATE", "Monday", 37, 43, "2026-11-30"),
    ]


def test_dates_and_times_become_iso_values_in_the_business_time_zone() -> None:
    assert found("tomorrow at 3pm") == [("DATE", "tomorrow at 3pm", "2026-11-25T15:00")]
    assert found("is 15:30 ok?") == [("TIME", "15:30", "15:30")]
    assert found("Monday, 30 November at 3pm or Dec 3rd") == [
        ("DATE", "Monday, 30 November at 3pm", "2026-11-30T15:00"),
        ("DATE", "Dec 3rd", "2026-12-03"),
    ]
    assert found("this weekend or in 3 days") == [
        ("DATE", "this weekend", "2026-11-28"),
        ("DATE", "in 3 days", "2026-11-27"),
    ]
    # 23:30 on Tuesday in Halifax is already Wednesday in UTC: "tomorrow" is still Wednesday.
    late = datetime(2026, 11, 25, 3, 30, tzinfo=UTC)
    assert found("tomorrow please", now=late) == [("DATE", "tomorrow", "2026-11-25")]


def test_contact_details_are_normalised() -> None:
    assert found("call me at +1 902 555 0100") == [("PHONE", "+1 902 555 0100", "+19025550100")]
    # No country code: read in the business's country (Canada, from its time zone).
    assert found("or 902-555-0199") == [("PHONE", "902-555-0199", "+19025550199")]
    assert found("mail Ana.Lima@Example.org") == [
        ("EMAIL", "Ana.Lima@Example.org", "ana.lima@example.org")
    ]


def test_order_numbers_in_the_usual_shapes() -> None:
    assert found("my order #A12345 hasn't arrived") == [("ORDER_ID", "#A12345", "A12345")]
    assert found("order 123456 and ORD-2024-001") == [
        ("ORDER_ID", "123456", "123456"),
        ("ORDER_ID", "ORD-2024-001", "ORD-2024-001"),
    ]
    assert found("my order for tomorrow") == [("DATE", "tomorrow", "2026-11-25")]


def test_money_keeps_amount_and_currency() -> None:
    # "tune-up" names two services (basic and full), so it is no product.
    assert found("is the tune-up $79?") == [("MONEY", "$79", "79.00 USD")]
    assert [value for _, _, value in found("79 dollars, €12.50, 12 EUR, 1,250 CAD")] == [
        "79.00 USD",
        "12.50 EUR",
        "12.00 EUR",
        "1250.00 CAD",
    ]
    [entities] = extract_entities(["that's $79"], now=NOW, currency="CAD")
    assert entities[0].value == "79.00 CAD"


def test_products_come_from_the_business_list_by_their_canonical_name() -> None:
    assert "Gravel King X" in PRODUCTS
    assert found("Is the gravel king x in stock? And a basic tune up?") == [
        ("PRODUCT", "gravel king x", "Gravel King X"),
        ("PRODUCT", "basic tune up", "Basic Tune-Up"),
    ]
    assert found("two gift cards and a bike rental") == [
        ("PRODUCT", "gift cards", "Harbourside Gift Card"),
        ("PRODUCT", "bike rental", "Bike Rental (city cruiser, e-bike, kids')"),
    ]
    [without_list] = extract_entities(["a Gravel King X"], now=NOW)
    assert "PRODUCT" not in {e.type for e in without_list}


def test_people_organisations_and_places() -> None:
    assert found("Hi, my name is sarah jones, I live in Dartmouth, Nova Scotia") == [
        ("PERSON", "sarah jones", "Sarah Jones"),
        ("LOCATION", "Dartmouth", "Dartmouth"),
        ("LOCATION", "Nova Scotia", "Nova Scotia"),
    ]
    assert found("Mike from Acme Widgets Inc. paid with PayPal") == [
        ("PERSON", "Mike", "Mike"),
        ("ORG", "Acme Widgets Inc.", "Acme Widgets Inc."),
        ("ORG", "PayPal", "PayPal"),
    ]
    assert found("we moved from australia") == [("LOCATION", "australia", "Australia")]
    # Capitalised everyday words are neither people, places nor dates.
    assert found("May I come by? Will you be open Sundays? My bike is in Reading mode") == []
