"""The weekly report's figures: last week against the week before, the most asked FAQs (the
weakest only once answered often enough) and conversations per day, on the business's clock."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.integrations import report
from core.settings import Settings
from tests.core.integrations.test_report_mail import LAST_DAY, seed


def test_the_week_is_told_in_figures_and_lists(db: Engine, settings: Settings) -> None:
    first, second = seed(db)
    with Session(db) as session:
        built = report.build(session=session, last=LAST_DAY, chart=False)
    assert (built.first, built.last) == (date(2037, 5, 4), LAST_DAY)
    figures = {f.label: (f.value, f.change) for f in built.figures}
    assert figures["Conversations"] == ("4", "+300%")
    assert figures["Questions the bot could not answer"] == ("1", "new")
    assert [(t["question"], t["answers"]) for t in built.top] == [(first, 2), (second, 1)]
    assert built.per_day == [2, 0, 0, 0, 1, 0, 1] and sum(built.per_day_before) == 1
    assert built.weakest == []  # no FAQ answered 3 times: nothing called weak on so little
    assert built.subject.endswith("your week of 4 May to 10 May 2037")
