"""Each conversation's facts row (`core.models.ConversationFacts`) and its answers' rows
(`AnswerFacts`) computed from its messages, ratings and events, by the definitions of
`core.analytics.quality`: for the conversations a transaction wrote (the models' listener calls
`refresh` before it commits), and for every conversation at once (`refresh_all`: a migration,
bulk-loaded data)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import groupby
from typing import Any

from sqlalchemy import Connection, bindparam, select, text, update
from sqlmodel import col

from core.analytics import flows
from core.analytics.queries._sql import FAQ_ANSWER, INCOMPLETE
from core.models import AnalyticsEvent, ConversationFacts, EventName
from core.models.conversation_facts import STEP_EVENTS

BATCH = 5000
_TOKENS = {
    EventName.BOT_ANSWERED: flows.ANSWERED,
    EventName.BOT_CLARIFIED: flows.CLARIFIED,
    EventName.BOT_FELL_BACK: flows.FELL_BACK,
    EventName.CONTACT_REQUESTED: flows.CONTACTED,
}

COLUMNS = (
    "conversation_id, first_visitor, last_visitor, last_answer, last_reply, handed, agent_wrote,"
    " joined, contacted, disliked, liked, first_response_seconds, last_reply_seconds, thumbs_down"
)


ANSWER_COLUMNS = (
    "message_id, conversation_id, faq_id, created_at, confidence, latency_ms, complete, reasked,"
    " rating"
)
_NEXT = [
    f"lead(m.{col}, {n}) OVER w AS {col}{n}" for n in (1, 2) for col in ("role", "kind", "faq_id")
]
_SAME_AGAIN = [f"(m.role{n} = 'bot' AND m.faq_id{n} = m.faq_id)" for n in (1, 2)]
_INCOMPLETE = " OR ".join(
    f"m.role{n} = 'agent' OR m.kind{n} IN {INCOMPLETE} OR {again}"
    for n, again in zip((1, 2), _SAME_AGAIN, strict=True)
)


def _among(alias: str, every: bool) -> str:
    """Rows of a big table for the chosen conversations: joined to them when they are all of
    them, else looked up by index (joined, SQLite scanned a year of messages and events to
    refresh one conversation; looked up, it took 400 s instead of 13 for all of them)."""
    if every:
        return f"JOIN convs ON convs.id = {alias}.conversation_id"
    return f"WHERE {alias}.conversation_id IN (SELECT id FROM convs)"


def _answers_sql(chosen: str, *, every: bool = False) -> str:
    """INSERT of the answer rows of the conversations `chosen` (a WHERE condition on c)."""
    return f"""
INSERT INTO answerfacts ({ANSWER_COLUMNS})
WITH convs AS (SELECT c.id FROM conversation c WHERE {chosen}),
replies AS (  -- the bot's replies and agents' messages, each with the next two
  SELECT m.*, {", ".join(_NEXT)}
  FROM (
    SELECT m.id, m.conversation_id, m.role, m.kind, m.faq_id, m.confidence, m.latency_ms,
      m.created_at
    FROM message m {_among("m", every)}
      {"WHERE" if every else "AND"}
      (m.role = 'agent' OR (m.role = 'bot' AND (m.kind IS NOT NULL OR m.faq_id IS NOT NULL)))
  ) m
  WINDOW w AS (PARTITION BY m.conversation_id ORDER BY m.id)
),
latest AS (  -- each answer's latest rating: the last stored (a change of mind replaces it)
  SELECT f.message_id, MAX(f.id) AS id FROM feedback f JOIN convs ON convs.id = f.conversation_id
  WHERE f.message_id IS NOT NULL
  GROUP BY f.message_id
)
SELECT m.id, m.conversation_id, m.faq_id, m.created_at, m.confidence, m.latency_ms,
  CASE WHEN {_INCOMPLETE} THEN 0 ELSE 1 END, CASE WHEN {" OR ".join(_SAME_AGAIN)} THEN 1 ELSE 0 END,
  f.rating
FROM replies m LEFT JOIN latest ON latest.message_id = m.id LEFT JOIN feedback f ON f.id = latest.id
WHERE {FAQ_ANSWER}
"""


def _seconds_between(dialect: str, later: str, earlier: str) -> str:
    if dialect == "postgresql":
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"

    # Whole seconds and the stored fraction apart ("YYYY-MM-DD HH:MM:SS.ffffff"), so the result
    # is as exact as the stored microseconds (julianday() arithmetic is off by tens of them).
    def parts(value: str) -> tuple[str, str]:
        return (
            f"CAST(strftime('%s', {value}) AS INTEGER)",
            f"COALESCE(CAST(substr({value}, 20) AS REAL), 0.0)",
        )

    (later_s, later_f), (earlier_s, earlier_f) = parts(later), parts(earlier)
    return f"(({later_s} - {earlier_s}) + ({later_f} - {earlier_f}))"


def _reply_seconds(dialect: str, reply_id: str, asked_id: str) -> str:
    """Seconds from message `asked_id` to message `reply_id`, plus the reply's measured latency;
    both looked up by primary key."""
    waited = _seconds_between(dialect, "r.created_at", "v.created_at")
    return (
        f"(SELECT {waited} + COALESCE(r.latency_ms, 0) / 1000.0 FROM message r, message v"
        f" WHERE r.id = {reply_id} AND v.id = {asked_id})"
    )


# The first bot or agent message after the visitor's first. For a few conversations, looked up
# by index per conversation (as a grouped CTE joined back, SQLite took 0.1 s for one conversation
# of a large database); for all of them, grouped once (looked up per conversation, SQLite took
# 400 s for 100,000 of them instead of 13).
FIRST_REPLY_EACH = (
    "(SELECT MIN(n.id) FROM message n WHERE n.conversation_id = ms.conversation_id"
    " AND n.role IN ('bot', 'agent') AND n.id > ms.first_visitor)"
)
FIRST_REPLY_ALL = """,
first_reply AS (
  SELECT m.conversation_id, MIN(m.id) AS id
  FROM message m JOIN msg_stats ms ON ms.conversation_id = m.conversation_id
  WHERE m.role IN ('bot', 'agent') AND m.id > ms.first_visitor
  GROUP BY m.conversation_id
)"""


def _facts_sql(dialect: str, chosen: str, *, every: bool = False) -> str:
    """INSERT of the facts rows of the conversations `chosen` (a WHERE condition on c; `every`
    when it holds for all of them)."""
    return f"""
INSERT INTO conversationfacts ({COLUMNS})
WITH convs AS (SELECT c.id FROM conversation c WHERE {chosen}),
msg_stats AS (
  SELECT m.conversation_id,
    MAX(CASE WHEN {FAQ_ANSWER} THEN m.id END) AS last_answer,
    MAX(CASE WHEN m.role IN ('bot', 'agent') THEN m.id END) AS last_reply,
    MAX(CASE WHEN m.role = 'visitor' THEN m.id END) AS last_visitor,
    MIN(CASE WHEN m.role = 'visitor' THEN m.id END) AS first_visitor,
    MAX(CASE WHEN m.role = 'agent' OR m.kind = 'handover' THEN 1 ELSE 0 END) AS handed,
    MAX(CASE WHEN m.role = 'agent' THEN 1 ELSE 0 END) AS agent_wrote
  FROM message m {_among("m", every)}
  GROUP BY m.conversation_id
),
ev_stats AS (
  SELECT e.conversation_id,
    MAX(CASE WHEN e.name = 'agent_joined' THEN 1 ELSE 0 END) AS joined,
    MAX(CASE WHEN e.name = 'contact_requested' THEN 1 ELSE 0 END) AS contacted
  FROM analyticsevent e {_among("e", every)}
    {"WHERE" if every else "AND"} e.name IN ('agent_joined', 'contact_requested')
  GROUP BY e.conversation_id
),
latest_ratings AS (  -- each message's latest rating: a change of mind replaces it
  SELECT f.conversation_id, f.message_id, f.rating,
    ROW_NUMBER() OVER (
      PARTITION BY f.conversation_id, f.message_id ORDER BY f.created_at DESC, f.id DESC
    ) AS n
  FROM feedback f JOIN convs ON convs.id = f.conversation_id
),
rating_stats AS (
  SELECT r.conversation_id,
    MAX(CASE WHEN r.rating < 0 THEN 1 ELSE 0 END) AS disliked,
    MAX(CASE WHEN r.rating > 0 AND {FAQ_ANSWER} THEN 1 ELSE 0 END) AS liked
  FROM latest_ratings r LEFT JOIN message m ON m.id = r.message_id
  WHERE r.n = 1
  GROUP BY r.conversation_id
){FIRST_REPLY_ALL if every else ""}
SELECT convs.id, ms.first_visitor, ms.last_visitor, ms.last_answer, ms.last_reply,
  COALESCE(ms.handed, 0), COALESCE(ms.agent_wrote, 0), COALESCE(ev.joined, 0),
  COALESCE(ev.contacted, 0), COALESCE(rs.disliked, 0), COALESCE(rs.liked, 0),
  {_reply_seconds(dialect, "fr.id" if every else FIRST_REPLY_EACH, "ms.first_visitor")},
  CASE WHEN ms.last_reply > ms.first_visitor
    THEN {_reply_seconds(dialect, "ms.last_reply", "ms.first_visitor")} END,
  0
FROM convs
LEFT JOIN msg_stats ms ON ms.conversation_id = convs.id
LEFT JOIN ev_stats ev ON ev.conversation_id = convs.id
LEFT JOIN rating_stats rs ON rs.conversation_id = convs.id
{"LEFT JOIN first_reply fr ON fr.conversation_id = convs.id" if every else ""}
"""


def _paths(conn: Connection, chosen: Any) -> Iterator[dict[str, Any]]:
    """Each conversation's flow path and thumbs-down, from its step and rating events in the
    order they were stored (of the conversations `chosen`, a condition on the event's)."""
    event = AnalyticsEvent
    statement = (
        select(
            col(event.conversation_id),
            col(event.name),
            col(event.faq_id),
            event.properties["intent"].as_string(),
            event.properties["rating"].as_integer(),
        )
        .where(
            col(event.conversation_id).is_not(None),
            col(event.name).in_((*STEP_EVENTS, EventName.FEEDBACK_GIVEN)),
            chosen,
        )
        .order_by(col(event.conversation_id), col(event.id))
    )
    for cid, events in groupby(conn.execute(statement), key=lambda row: row[0]):
        tokens, thumbs_down = [], 0
        for _, name, faq_id, intent, rating in events:
            if name == EventName.FEEDBACK_GIVEN:
                thumbs_down |= int(rating is not None and rating < 0)
            else:
                tokens.append(flows.token(_TOKENS.get(name, flows.PERSON), faq_id, intent))
        yield {"cid": cid, "path": " ".join(tokens) or None, "thumbs_down": thumbs_down}


def _write_paths(conn: Connection, chosen: Any) -> None:
    facts = ConversationFacts.__table__  # type: ignore[attr-defined]
    statement = (
        update(facts)
        .where(facts.c.conversation_id == bindparam("cid"))
        .values(path=bindparam("path"), thumbs_down=bindparam("thumbs_down"))
    )
    rows = list(_paths(conn, chosen))
    if rows:
        conn.execute(statement, rows)


TABLES = ("conversationfacts", "answerfacts")


def refresh(conn: Connection, conversation_ids: Sequence[int]) -> None:
    """Recompute the facts of these conversations and their answers (a conversation that no
    longer exists loses its rows), in the caller's transaction."""
    ids = {"ids": list(conversation_ids)}
    chosen = "c.id IN :ids"
    statements = [f"DELETE FROM {table} WHERE conversation_id IN :ids" for table in TABLES]
    statements += [_facts_sql(conn.dialect.name, chosen), _answers_sql(chosen)]
    for sql in statements:
        conn.execute(text(sql).bindparams(bindparam("ids", expanding=True)), ids)
    _write_paths(conn, col(AnalyticsEvent.conversation_id).in_(ids["ids"]))


def refresh_all(conn: Connection) -> None:
    """Recompute every conversation's and answer's facts (a migration; data loaded without the
    models)."""
    for table in TABLES:
        conn.execute(text(f"DELETE FROM {table}"))
    conn.execute(text(_facts_sql(conn.dialect.name, "1 = 1", every=True)))
    conn.execute(text(_answers_sql("1 = 1", every=True)))
    last = conn.execute(text("SELECT MAX(id) FROM conversation")).scalar() or 0
    for first in range(0, last + 1, BATCH):  # a batch of conversations at a time
        _write_paths(conn, col(AnalyticsEvent.conversation_id).between(first, first + BATCH - 1))
