"""The response-quality page's state: the dashboard's figures (the same dict the JSON command
prints), formatted for the page, with CSV downloads of each table and the chart's data."""

from __future__ import annotations

from typing import Any

import reflex as rx

from app import charts
from app.charts.quality import score_distribution
from app.date_range import RangeState, csv_download
from app.session_state import guarded
from core.analytics.period import Period
from core.analytics.queries import quality as queries
from core.crud import assessment
from core.db import session_scope

DASH = "–"
INBOX = "/inbox"
KNOWLEDGE = "/knowledge"
PER_FAQ_COLUMNS = (
    "faq_id", "question", "answers", "mean_score", "relevance", "completeness", "helpfulness",
    "speed", "rated", "thumbs_up_share", "reasks", "below_threshold",
)  # fmt: skip
QUEUE_COLUMNS = (
    "message_id", "faq_id", "question", "conversation", "answered_at", "score", "relevance",
    "completeness", "helpfulness", "rated", "speed", "latency_ms",
)  # fmt: skip
DISTRIBUTION_COLUMNS = ("from", "to", "answers")


def number(value: float | None, digits: int = 2) -> str:
    return DASH if value is None else f"{value:.{digits}f}"


def percent(value: float | None) -> str:
    return DASH if value is None else f"{value:.0%}"


def faq_row(row: dict[str, Any]) -> dict[str, str]:
    return {
        "faq_id": str(row["faq_id"]),
        "question": row["question"],
        "answers": str(row["answers"]),
        "mean_score": number(row["mean_score"]),
        "thumbs_up": percent(row["thumbs_up_share"]) + f" of {row['rated']}",
        "reasks": str(row["reasks"]),
        "below": str(row["below_threshold"]),
        "edit_url": f"{KNOWLEDGE}?edit={row['faq_id']}",
    }


def queue_row(row: dict[str, Any]) -> dict[str, str]:
    return {
        "message_id": str(row["message_id"]),
        "question": row["question"],
        "when": row["answered_at"][:16].replace("T", " ") + " UTC",
        "score": number(row["score"]),
        "relevance": number(row["relevance"]),
        "completeness": "yes" if row["completeness"] else "no",
        "helpfulness": number(row["helpfulness"])
        + (" (rated)" if row["rated"] else " (predicted)"),
        "speed": number(row["speed"]),
        "inbox_url": f"{INBOX}?c={row['conversation']}",
        "edit_url": f"{KNOWLEDGE}?edit={row['faq_id']}",
    }


def summary_cards(found: dict[str, Any]) -> list[dict[str, str]]:
    res, parts = found["resolution"], found["mean_parts"]
    return [
        {"label": "Answers scored", "value": str(found["answers"]), "help": "Bot answers from the knowledge base"},
        {"label": "Mean score", "value": number(found["mean_score"]), "help": "0 to 1, weighted parts below"},
        {"label": "Waiting for review", "value": str(found["awaiting_review"]), "help": f"Of {found['below_threshold']} answers under {found['review_threshold']}"},
        {"label": "Thumbs-up share", "value": percent(found["thumbs_up_share"]), "help": f"Of {found['rated']} rated answers"},
        {"label": "Relevance", "value": number(parts.get("relevance")), "help": "Question to FAQ similarity"},
        {"label": "Completeness", "value": percent(parts.get("completeness")), "help": "No re-ask, clarification, fallback or handover next"},
        {"label": "Helpfulness", "value": number(parts.get("helpfulness")), "help": "Rating, else predicted"},
        {"label": "Speed", "value": number(parts.get("speed")), "help": f"Against {found['target_latency_ms']:.0f} ms"},
        {"label": "Resolved by the bot", "value": f"{res['resolved']} of {res['conversations']}", "help": percent(res["rate"]) + " of conversations"},
        {"label": "Confirmed", "value": str(res["confirmed"]), "help": "The visitor gave a thumbs-up"},
        {"label": "Assumed", "value": str(res["assumed"]), "help": "Nothing asked after an FAQ answer"},
    ]  # fmt: skip


class QualityState(RangeState):
    cards: list[dict[str, str]] = []
    per_faq: list[dict[str, str]] = []
    queue: list[dict[str, str]] = []
    model: str = ""
    weights: str = ""
    loaded: bool = False
    notice: str = ""
    _found: dict[str, Any] = {}
    _shown: Period | None = None

    @rx.var
    def distribution_chart(self) -> charts.Figure:
        return score_distribution(
            self._found.get("distribution", []), self._found.get("review_threshold", 0.6)
        )

    def _load(self) -> None:
        period = self._checked_period()
        if period is None:
            return
        with session_scope() as session:
            found = queries.figures(session=session, period=period)
        self._found, self._shown = found, period
        self.cards = summary_cards(found)
        self.per_faq = [faq_row(row) for row in found["per_faq"]]
        self.queue = [queue_row(row) for row in found["review_queue"]]
        self.model = found["helpfulness_model"]
        self.weights = ", ".join(
            f"{name} {weight:.0%}" for name, weight in found["weights"].items()
        )
        self.loaded = True

    @rx.event
    @guarded()
    def load(self) -> None:
        self.notice = ""
        self._load()

    @rx.event
    @guarded()
    def mark_reviewed(self, message_id: str) -> None:
        who = self._user()
        user = None if who is None else who.id
        with session_scope() as session:
            done = assessment.mark_reviewed(
                session=session, message_id=int(message_id), user_id=user
            )
        self.notice = "Marked reviewed." if done else "That answer no longer exists."
        self._load()

    @rx.event
    @guarded()
    def download_per_faq(self) -> Any:
        return csv_download(
            "quality-per-faq", self._found.get("per_faq", []), PER_FAQ_COLUMNS, self._shown
        )

    @rx.event
    @guarded()
    def download_queue(self) -> Any:
        return csv_download(
            "quality-review-queue", self._found.get("review_queue", []), QUEUE_COLUMNS, self._shown
        )

    @rx.event
    @guarded()
    def download_distribution(self) -> Any:
        return csv_download(
            "quality-score-distribution",
            self._found.get("distribution", []),
            DISTRIBUTION_COLUMNS,
            self._shown,
        )
