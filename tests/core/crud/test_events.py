"""Events are recorded only under the names flows and funnels count by."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from core.crud import events as event_crud
from core.models import EventName


def test_a_name_outside_the_vocabulary_is_refused_and_a_member_is_stored_as_its_string(
    session: Session,
) -> None:
    with pytest.raises(ValueError, match="bot_answerd"):
        event_crud.record_event(session=session, name="bot_answerd")  # type: ignore[arg-type]
    event = event_crud.record_event(session=session, name=EventName.BOT_ANSWERED)
    assert event.name == "bot_answered"
    session.rollback()
