"""Each conversation's facts row (`core.models.ConversationFacts`) computed from its messages,
ratings and events, by the definitions of `core.analytics.quality`: for the conversations a
transaction wrote (the models' listener calls `refresh` before it commits), and for every
conversation at once (`refresh_all`: a migration, bulk-loaded data)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, bindparam, text

from core.analytics.queries._sql import FAQ_ANSWER

COLUMNS = (
    "conversation_id, first_visitor, last_visitor, last_answer, last_reply, handed, agent_wrote,"
    " joined, contacted, disliked, liked, first_response_seconds, last_reply_seconds"
)


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


def _facts_sql(dialect: str, chosen: str) -> str:
    """INSERT of the facts rows of the conversations `chosen` (a WHERE condition on c)."""
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
  FROM message m JOIN convs ON convs.id = m.conversation_id
  GROUP BY m.conversation_id
),
first_reply AS (  -- the first bot or agent message after the visitor's first
  SELECT m.conversation_id, MIN(m.id) AS id
  FROM message m JOIN msg_stats ms ON ms.conversation_id = m.conversation_id
  WHERE m.role IN ('bot', 'agent') AND m.id > ms.first_visitor
  GROUP BY m.conversation_id
),
ev_stats AS (
  SELECT e.conversation_id,
    MAX(CASE WHEN e.name = 'agent_joined' THEN 1 ELSE 0 END) AS joined,
    MAX(CASE WHEN e.name = 'contact_requested' THEN 1 ELSE 0 END) AS contacted
  FROM analyticsevent e JOIN convs ON convs.id = e.conversation_id
  WHERE e.name IN ('agent_joined', 'contact_requested')
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
)
SELECT convs.id, ms.first_visitor, ms.last_visitor, ms.last_answer, ms.last_reply,
  COALESCE(ms.handed, 0), COALESCE(ms.agent_wrote, 0), COALESCE(ev.joined, 0),
  COALESCE(ev.contacted, 0), COALESCE(rs.disliked, 0), COALESCE(rs.liked, 0),
  CASE WHEN fr.id IS NOT NULL THEN {_reply_seconds(dialect, "fr.id", "ms.first_visitor")} END,
  CASE WHEN ms.last_reply > ms.first_visitor
    THEN {_reply_seconds(dialect, "ms.last_reply", "ms.first_visitor")} END
FROM convs
LEFT JOIN msg_stats ms ON ms.conversation_id = convs.id
LEFT JOIN first_reply fr ON fr.conversation_id = convs.id
LEFT JOIN ev_stats ev ON ev.conversation_id = convs.id
LEFT JOIN rating_stats rs ON rs.conversation_id = convs.id
"""


def refresh(conn: Connection, conversation_ids: Sequence[int]) -> None:
    """Recompute the facts of these conversations (a conversation that no longer exists loses
    its row), in the caller's transaction."""
    ids = {"ids": list(conversation_ids)}
    dialect = conn.dialect.name
    chosen = "c.id IN :ids"
    conn.execute(
        text("DELETE FROM conversationfacts WHERE conversation_id IN :ids").bindparams(
            bindparam("ids", expanding=True)
        ),
        ids,
    )
    conn.execute(
        text(_facts_sql(dialect, chosen)).bindparams(bindparam("ids", expanding=True)), ids
    )


def refresh_all(conn: Connection) -> None:
    """Recompute every conversation's facts (a migration; data loaded without the models)."""
    conn.execute(text("DELETE FROM conversationfacts"))
    conn.execute(text(_facts_sql(conn.dialect.name, "1 = 1")))
