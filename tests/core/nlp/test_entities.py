"""Entities a reply can use, with normalised values, and the evaluation command's figures."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.nlp.entities import Entity, extract_entities
from core.nlp.evaluate import main
from core.nlp.evaluate_entities import presidio_to_conll, read_conll
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


def conll(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "test.conll"
    path.write_text(text.replace(" ", "\t"))
    return path


def evaluate(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["entities", *args]) == 0
    return dict(json.loads(capsys.readouterr().out.strip().splitlines()[-1]))


def test_entity_scores_count_exact_spans_per_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = conll(
        tmp_path,
        # found exactly: Dr. Khan, Halifax
        "I O\nmet O\nDr. B-per\nKhan I-per\nin O\nHalifax B-loc\n\n"
        # gold without the title: the found "Dr. Lee" is a wrong span (one FP, one FN)
        "ask O\nDr. O\nLee B-per\n\n"
        # lower case after a weak cue: missed (FN); "group" is not scored
        "thanks O\nbob B-per\nat O\nthe B-group\nclub I-group\n\n"
        # a place the gold data does not mark (FP), and a date nobody scores
        "Toronto O\non O\nMonday O\n",
    )
    result = evaluate(["--test", str(path), "--map", "per=PERSON,loc=LOCATION"], capsys)
    per_type = result["per_type"]
    assert per_type == {
        "LOCATION": {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "support": 1},
        "PERSON": {"precision": 0.5, "recall": 0.3333, "f1": 0.4, "support": 3},
    }
    assert result["micro"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 4}
    assert result["sentences"] == 4


def test_map_renames_predicted_types_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = conll(tmp_path, "see O\nyou O\non O\nMonday B-DATE_TIME\nat O\nnoon B-DATE_TIME\n")
    result = evaluate(["--test", str(path), "--map", "DATE=DATE_TIME,TIME=DATE_TIME"], capsys)
    # "Monday at noon" is one predicted DATE: a wrong span for both gold ones.
    assert result["per_type"] == {
        "DATE_TIME": {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 2}
    }


def test_presidio_json_becomes_iob2_conll(tmp_path: Path) -> None:
    text = "Mr. Leiva flew to Oslo on Tuesday."
    record = {
        "full_text": text,
        "spans": [
            {"entity_type": "PERSON", "start_position": 4, "end_position": 9},
            {"entity_type": "DATE_TIME", "start_position": 26, "end_position": 33},
        ],
    }
    (tmp_path / "synth.json").write_text(json.dumps([record]))
    assert presidio_to_conll(tmp_path / "synth.json", tmp_path / "out.conll") == 1
    [sentence] = read_conll(tmp_path / "out.conll")
    assert [tag for _, tag in sentence] == ["O", "O", "B-PERSON", *"OOOO", "B-DATE_TIME", "O"]
    assert [token for token, _ in sentence][:3] == ["Mr", ".", "Leiva"]


def test_a_bad_map_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = conll(tmp_path, "Ana B-per\n")
    assert main(["entities", "--test", str(path), "--map", "per"]) == 2
    assert "src=dst" in capsys.readouterr().err
