"""SQLite plans its queries from row statistics it only has when asked to gather them: the
start-up migration and the runner's daily job gather them, so a growing database keeps its
dashboards' plans (without them a year's funnel took minutes instead of seconds)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.db import make_engine
from core.jobs import tasks
from core.manage import migrate
from core.models import FaqEntry


def _planned_indexes(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT idx FROM sqlite_stat1 WHERE tbl = 'faqentry'")).all()
    return {str(idx) for (idx,) in rows if idx}


def test_starting_up_and_the_daily_job_give_sqlite_its_planner_statistics(
    engine: Engine, tmp_path: Path
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's autovacuum keeps its statistics")
    url = f"sqlite:///{tmp_path}/fresh.db"
    migrate(url)
    fresh = make_engine(url)
    try:
        with Session(fresh) as session:
            session.add(FaqEntry(question="When are you open?", answer="9 to 5", category="hours"))
            session.commit()
        migrate(url)  # every start-up migrates, with nothing to upgrade
        assert _planned_indexes(fresh)
        with fresh.begin() as conn:
            conn.execute(text("DELETE FROM sqlite_stat1"))
        tasks.refresh_planner_statistics(engine=fresh)
        assert _planned_indexes(fresh)
    finally:
        fresh.dispose()
