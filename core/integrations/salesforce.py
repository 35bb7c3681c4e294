"""Salesforce: a contact request updates the Contact or Lead that already has the visitor's
e-mail address, or becomes a new Lead, with the chat's summary as a completed Task on it,
through simple-salesforce's REST client.

Sign-in is a Connected App's OAuth 2.0 client-credentials flow against the org's My Domain
(SALESFORCE_LOGIN_URL): one token request per delivery, whose answer names the instance the
REST calls go to. E-mail is not an external id in Salesforce, so "upsert by e-mail" is a SOQL
look-up then an update or a create. A Task has no idempotency key either, so its subject ends
with ours; a runner taking over from one that died mid-send looks for it before adding one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import requests
from simple_salesforce import Salesforce, SFType
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceResourceNotFound
from simple_salesforce.format import format_soql

from core.integrations import crm_fields
from core.integrations.delivery import Undeliverable
from core.settings import Settings

TIMEOUT_SECONDS = 20
NOT_PROVIDED = "[not provided]"  # Salesforce's own filler for a web lead's missing company
SUBJECT = "Website chat contact request"


class SalesforceSignInError(RuntimeError):
    """The token request was refused (wrong client id or secret, app not allowed the flow):
    retried, so correcting the settings delivers what waited."""


def _http(settings: Settings) -> requests.Session:
    http = requests.Session()
    if settings.SALESFORCE_CA_FILE is not None:
        # requests lets REQUESTS_CA_BUNDLE from the environment override a session's own CA.
        http.trust_env = False
        http.verify = str(settings.SALESFORCE_CA_FILE)
    return http


def connect(settings: Settings) -> Salesforce:
    """A REST client signed in through the client-credentials flow."""
    if not settings.salesforce_configured:
        raise RuntimeError("SALESFORCE_LOGIN_URL is not set")
    http = _http(settings)
    answer = http.post(
        f"{settings.SALESFORCE_LOGIN_URL}/services/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": settings.SALESFORCE_CLIENT_ID,
            "client_secret": settings.SALESFORCE_CLIENT_SECRET,
        },
        timeout=TIMEOUT_SECONDS,
    )
    if answer.status_code != 200:
        try:
            said = answer.json().get("error_description") or answer.text
        except ValueError:
            said = answer.text
        raise SalesforceSignInError(
            f"Salesforce refused the sign-in ({answer.status_code}): {said}"
        )
    token = answer.json()
    return Salesforce(
        instance_url=token["instance_url"], session_id=token["access_token"], session=http
    )


def _records(client: Salesforce, kind: str) -> SFType:
    """The REST handle of one object type (the client makes them by attribute name)."""
    return cast(SFType, getattr(client, kind))


def marker(key: str) -> str:
    return f"[customeragent {key}]"


def lead_fields(payload: dict[str, Any], settings: Settings) -> dict[str, str]:
    """A new Lead from what the visitor gave, as SALESFORCE_FIELD_MAP maps it (by default the
    name split once, and the phone); Company (required) and LeadSource filled when unmapped."""
    fields = crm_fields.mapped(payload, settings.SALESFORCE_FIELD_MAP, "salesforce")
    fields.setdefault("Company", NOT_PROVIDED)
    fields.setdefault("LeadSource", "Website chat")
    return fields


def find_person(client: Salesforce, email: str) -> tuple[str, str] | None:
    """The Contact, else the Lead, holding `email` (the oldest, if several): (type, id)."""
    for kind in ("Contact", "Lead"):
        found = client.query(
            format_soql(
                f"SELECT Id FROM {kind} WHERE Email = {{}} ORDER BY CreatedDate LIMIT 1", email
            )
        )
        if found["records"]:
            return kind, str(found["records"][0]["Id"])
    return None


def task_exists(client: Salesforce, key: str) -> bool:
    found = client.query(
        format_soql("SELECT Id FROM Task WHERE Subject = {} LIMIT 1", f"{SUBJECT} {marker(key)}")
    )
    return bool(found["records"])


def send(*, settings: Settings, payload: dict[str, Any], key: str, unsure: bool) -> str:
    """Update or create the person, then add the Task (unless a runner that died added it).
    An existing Contact or Lead gets the mapped fields but its names and company. Salesforce
    refusing the record itself (a validation rule, a field it does not allow) makes the entry
    dead; an outage, an expired session or a request limit is tried again. Returns the
    person's type and record id ("Lead 00Q…")."""
    client = connect(settings)
    try:
        person = find_person(client, payload["email"])
        if person is None:
            created = _records(client, "Lead").create(lead_fields(payload, settings))
            person = ("Lead", str(created["id"]))
        else:
            fields = crm_fields.mapped(payload, settings.SALESFORCE_FIELD_MAP, "salesforce")
            changes = crm_fields.update_of(fields)
            if changes:
                _records(client, person[0]).update(person[1], changes)
        if unsure and task_exists(client, key):
            return f"{person[0]} {person[1]}"
        _records(client, "Task").create(
            {
                "WhoId": person[1],
                "Subject": f"{SUBJECT} {marker(key)}",
                "Description": payload["note"],
                "Status": "Completed",
                "ActivityDate": datetime.now(UTC).date().isoformat(),
            }
        )
        return f"{person[0]} {person[1]}"
    except (SalesforceMalformedRequest, SalesforceResourceNotFound) as error:
        raise Undeliverable(f"Salesforce refused: {error}") from error
