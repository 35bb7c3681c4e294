"""Where each contact request stands with each CRM, read from its outbox entries (written by
core/integrations/crm.py with the key `<crm>:contact:<request id>`): synced (when, and the CRM's
record id), pending, retrying (the next attempt and the last error) or failed (dead: the error,
waiting for Retry on the Outbox page). Delivered entries are purged after OUTBOX_KEEP_DAYS;
an older request then shows no state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from core.models import OutboxChannel, OutboxEntry, OutboxStatus
from core.models._types import as_utc

CRMS: dict[str, str] = {OutboxChannel.HUBSPOT: "HubSpot", OutboxChannel.SALESFORCE: "Salesforce"}
ERROR_SHOWN = 300  # characters of the CRM's last error


class SyncState:
    SYNCED = "synced"
    PENDING = "pending"
    RETRYING = "retrying"
    FAILED = "failed"


@dataclass(frozen=True)
class CrmSync:
    crm: str  # the channel: hubspot, salesforce
    state: str  # a SyncState
    attempts: int
    delivered_at: datetime | None
    next_attempt_at: datetime | None
    record: str | None  # the CRM's id of the person ("contact 12345", "Lead 00Q…")
    error: str | None

    @property
    def text(self) -> str:
        """The state as the inbox and the Contacts page say it."""
        name = CRMS.get(self.crm, self.crm)
        if self.state == SyncState.SYNCED:
            record = f" as {self.record}" if self.record else ""
            return f"{name}: synced {_when(self.delivered_at)}{record}"
        if self.state == SyncState.PENDING:
            return f"{name}: pending, waiting for the jobs runner"
        error = f"; last error: {self.error}" if self.error else ""
        if self.state == SyncState.RETRYING:
            return (
                f"{name}: retrying (attempt {self.attempts + 1} at "
                f"{_when(self.next_attempt_at)}){error}"
            )
        return f"{name}: failed after {self.attempts} attempts{error}"


def _when(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def key(crm: str, request_id: int) -> str:
    """The outbox key of a contact request's entry for one CRM (as crm.py writes it)."""
    return f"{crm}:contact:{request_id}"


def _state(entry: OutboxEntry) -> str:
    return {
        OutboxStatus.DELIVERED: SyncState.SYNCED,
        OutboxStatus.FAILED: SyncState.RETRYING,
        OutboxStatus.DEAD: SyncState.FAILED,
    }.get(OutboxStatus(entry.status), SyncState.PENDING)


def sync_states(*, session: Session, request_ids: Sequence[int]) -> dict[int, list[CrmSync]]:
    """Each request's state with each CRM it was written for, HubSpot first."""
    keys = {key(crm, rid): (rid, crm) for rid in request_ids for crm in CRMS}
    if not keys:
        return {}
    found = session.exec(
        select(OutboxEntry).where(col(OutboxEntry.idempotency_key).in_(list(keys)))
    ).all()
    by_key = {entry.idempotency_key: entry for entry in found}
    states: dict[int, list[CrmSync]] = {}
    for entry_key, (rid, crm) in keys.items():
        entry = by_key.get(entry_key)
        if entry is None:
            continue
        state = _state(entry)
        states.setdefault(rid, []).append(
            CrmSync(
                crm=crm,
                state=state,
                attempts=entry.attempts,
                delivered_at=None if entry.delivered_at is None else as_utc(entry.delivered_at),
                next_attempt_at=as_utc(entry.next_attempt_at),
                record=entry.receipt,
                error=None if entry.last_error is None else entry.last_error[:ERROR_SHOWN],
            )
        )
    return states
