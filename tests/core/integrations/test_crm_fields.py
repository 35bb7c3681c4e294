"""The owner's CRM field mapping is checked before it is saved: a field of ours that does not
exist, a CRM field left empty or not a field name, two fields sent to one CRM field (the e-mail
field included: the record is found by it), or a Salesforce mapping without LastName is refused
with words that say which; no mapping means what was sent before mappings existed."""

from __future__ import annotations

import pytest

from core.integrations.crm_fields import DEFAULTS, check_map, mapped, update_of

PAYLOAD = {
    "email": "ada@example.com",
    "name": "Ada King Lovelace",
    "phone": "+44 20 7946 0958",
    "message": "Call me",
    "language": "en",
    "link": "http://localhost:3000/inbox?c=abc",
    "note": "Contact request from the website chat: Call me",
}


@pytest.mark.parametrize(
    ("mapping", "crm", "said"),
    [
        ({"fax": "fax"}, "hubspot", "'fax' is not one of our fields"),
        ({"phone": " "}, "hubspot", "Phone has no HubSpot field to go to"),
        ({"phone": "mobile phone"}, "hubspot", "'mobile phone' is not a HubSpot field name"),
        (
            {"phone": "phone", "message": "Phone"},
            "hubspot",
            "Message in the contact form and Phone both go to HubSpot's Phone",
        ),
        (
            {"name": "email"},
            "hubspot",
            "Full name and the e-mail address (the record is found by it) both go to "
            "HubSpot's email",
        ),
        ({"first_name": "FirstName"}, "salesforce", "Salesforce needs a field for LastName"),
        ('{"phone": ', "salesforce", "the Salesforce field mapping is not JSON"),
        ('["phone"]', "hubspot", "must be an object of field names"),
    ],
)
def test_a_wrong_mapping_is_refused_with_what_is_wrong(
    mapping: object, crm: str, said: str
) -> None:
    with pytest.raises(ValueError, match=said.replace("(", r"\(").replace(")", r"\)")):
        check_map(mapping, crm)  # type: ignore[arg-type]


def test_no_mapping_sends_what_was_sent_before() -> None:
    assert check_map("", "hubspot") == DEFAULTS["hubspot"]
    assert check_map({}, "salesforce") == DEFAULTS["salesforce"]
    assert mapped(PAYLOAD, DEFAULTS["hubspot"], "hubspot") == {
        "email": "ada@example.com",
        "firstname": "Ada",
        "lastname": "King Lovelace",
        "phone": "+44 20 7946 0958",
    }
    # A one-word name is Salesforce's (required) last name, HubSpot's first name.
    one_word = PAYLOAD | {"name": "Ada", "phone": None}
    assert mapped(one_word, DEFAULTS["salesforce"], "salesforce") == {
        "Email": "ada@example.com",
        "LastName": "Ada",
    }
    assert mapped(one_word, DEFAULTS["hubspot"], "hubspot") == {
        "email": "ada@example.com",
        "firstname": "Ada",
    }


def test_an_existing_record_keeps_who_it_is() -> None:
    mapping = check_map(
        '{"last_name": "LastName", "phone": "MobilePhone", "summary": "Description"}',
        "salesforce",
    )
    assert update_of(mapped(PAYLOAD, mapping, "salesforce")) == {
        "MobilePhone": "+44 20 7946 0958",
        "Description": "Contact request from the website chat: Call me",
    }
