"""Which of our fields go to which CRM field: the owner's mapping (HUBSPOT_FIELD_MAP,
SALESFORCE_FIELD_MAP; edited on the Integrations page), its check, and the values it sends.

A mapping is {our field: the CRM's field}. The e-mail address always goes to the CRM's e-mail
field (HubSpot's `email`, Salesforce's `Email`): the record is found by it, so no other field
may go there. The defaults are what was sent before mappings existed: the name split in two
and the phone number."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Literal

Crm = Literal["hubspot", "salesforce"]

# Our fields, in the order the page lists them, with how the owner reads them.
SOURCES: dict[str, str] = {
    "first_name": "First name",
    "last_name": "Last name",
    "name": "Full name",
    "email": "E-mail address",
    "phone": "Phone",
    "message": "Message in the contact form",
    "page": "Page the chat started on",
    "language": "Language of the chat",
    "conversation_link": "Link to the conversation",
    "summary": "Chat summary",
}
KEY_FIELD: dict[str, str] = {"hubspot": "email", "salesforce": "Email"}
NAMES: dict[str, str] = {"hubspot": "HubSpot", "salesforce": "Salesforce"}
DEFAULTS: dict[str, dict[str, str]] = {
    "hubspot": {"first_name": "firstname", "last_name": "lastname", "phone": "phone"},
    "salesforce": {"first_name": "FirstName", "last_name": "LastName", "phone": "Phone"},
}
# A HubSpot internal property name or a Salesforce field's API name (custom ones end in __c).
TARGET = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,99}")
# Who a record is, as the CRM has it: an existing Contact or Lead keeps these (it was found by
# its address, which may differ in case only).
IDENTITY = frozenset({"firstname", "lastname", "company", "email"})


def check_map(value: object, crm: Crm) -> dict[str, str]:
    """The mapping, checked: JSON text (as the environment holds it) or a dict; empty means the
    defaults. Raises ValueError naming what is wrong."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return dict(DEFAULTS[crm])
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ValueError(f"the {NAMES[crm]} field mapping is not JSON: {exc}") from exc
    if not isinstance(value, Mapping):
        raise ValueError(f"the {NAMES[crm]} field mapping must be an object of field names")
    if not value:
        return dict(DEFAULTS[crm])
    checked: dict[str, str] = {}
    taken = {KEY_FIELD[crm].lower(): "the e-mail address (the record is found by it)"}
    for source, target in value.items():
        if source not in SOURCES:
            known = ", ".join(SOURCES)
            raise ValueError(f"{source!r} is not one of our fields (they are: {known})")
        name = str(target or "").strip()
        if not name:
            raise ValueError(f"{SOURCES[source]} has no {NAMES[crm]} field to go to")
        if not TARGET.fullmatch(name):
            raise ValueError(f"{name!r} is not a {NAMES[crm]} field name")
        if name.lower() in taken:
            raise ValueError(
                f"{SOURCES[source]} and {taken[name.lower()]} both go to {NAMES[crm]}'s {name}"
            )
        taken[name.lower()] = SOURCES[source]
        checked[source] = name
    if crm == "salesforce" and "lastname" not in {t.lower() for t in checked.values()}:
        raise ValueError("Salesforce needs a field for LastName (a new Lead must have one)")
    return checked


def source_values(payload: Mapping[str, Any], crm: Crm) -> dict[str, str]:
    """Our fields' values for one contact request (fields it has no value for left out). A
    one-word name is Salesforce's last name (required) and HubSpot's first name."""
    first, _, last = str(payload.get("name") or "").strip().partition(" ")
    if crm == "salesforce" and not last:
        first, last = "", first
    values = {
        "first_name": first,
        "last_name": last,
        "name": str(payload.get("name") or "").strip(),
        "email": payload.get("email"),
        "phone": payload.get("phone"),
        "message": payload.get("message"),
        "page": payload.get("page"),
        "language": payload.get("language"),
        "conversation_link": payload.get("link"),
        "summary": payload.get("note"),
    }
    return {name: str(value) for name, value in values.items() if value}


def mapped(payload: Mapping[str, Any], mapping: Mapping[str, str], crm: Crm) -> dict[str, str]:
    """The CRM's fields to write: the e-mail field, then each mapped field that has a value."""
    values = source_values(payload, crm)
    fields = {KEY_FIELD[crm]: str(payload["email"])}
    fields.update({mapping[s]: v for s, v in values.items() if s in mapping})
    return fields


def update_of(fields: Mapping[str, str]) -> dict[str, str]:
    """What to write on a record the CRM already has: not who it is (names, company, address)."""
    return {name: value for name, value in fields.items() if name.lower() not in IDENTITY}
