"""How a bot answer is scored, and what the quality dashboard says about it; no I/O here
(`core.analytics.queries.quality` applies these definitions in SQL).

Every bot answer from the knowledge base (a bot message with an FAQ, kind "answer") gets four
parts, each from 0 to 1, and an overall score:

- Relevance: the similarity of the visitor's question to the answer's FAQ as the bot measured it
  when it answered, which is the `confidence` stored on the answer: the retrieval's cosine
  similarity, or, when the intent head picked the FAQ (the usual case once there are two FAQs or
  more), the head's calibrated probability for that FAQ (the retrieval similarity had passed the
  answer threshold). Clipped to 0-1; an answer without one counts 0.
- Completeness: 1 unless, in the next NEXT_TURNS replies of the conversation, the visitor
  re-asked (the bot answered the same FAQ again), was asked to clarify, got a fallback or an
  "I don't know", asked for a person, or an agent replied; then 0.
- Helpfulness: the visitor's latest rating of the answer where there is one (thumbs-up 1,
  thumbs-down 0). Otherwise predicted from the other parts (`HelpfulnessModel`): the thumbs-up
  share of the rated answers in the same cell (completeness x relevance band, RELEVANCE_BANDS)
  in the same period, once the cell holds MIN_RATED rated answers; below that, the rule
  (relevance + completeness) / 2.
- Speed: 1 when the answer took at most TARGET_LATENCY_MS, else TARGET_LATENCY_MS / latency
  (twice the target scores 0.5); an answer stored without a measured latency counts as on time.

Overall = the WEIGHTS-weighted sum of the parts. Answers scoring under REVIEW_THRESHOLD go to the
review queue until someone marks them reviewed.

Bot resolution (Intercom's confirmed-or-assumed definition), per conversation:
- confirmed: the bot answered from an FAQ and the visitor rated an FAQ answer thumbs-up (the
  intent head has no "thanks" intent to read a written thank-you from, so only the rating
  confirms); and no agent took part, the visitor did not ask for a person or send the contact
  form, and no answer's latest rating is thumbs-down;
- assumed: not confirmed, none of the above happened either, and the conversation ends on an
  FAQ answer: the visitor asked nothing more after it (so no clarification or fallback followed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

WEIGHTS = {"relevance": 0.3, "completeness": 0.3, "helpfulness": 0.3, "speed": 0.1}
REVIEW_THRESHOLD = 0.6
TARGET_LATENCY_MS = 2000.0
NEXT_TURNS = 2
# Relevance bands of the helpfulness model: [0, 0.5), [0.5, 0.7), [0.7, 0.85), [0.85, 1].
RELEVANCE_BANDS = (0.5, 0.7, 0.85)
MIN_RATED = 20  # rated answers a cell needs before its thumbs-up share is trusted
# Kinds of the next replies that mean the answer did not settle the question.
INCOMPLETE_KINDS = ("clarify", "fallback", "unknown", "handover")


def relevance_band(relevance: float) -> int:
    return sum(relevance >= edge for edge in RELEVANCE_BANDS)


def speed_score(latency_ms: float | None) -> float:
    if latency_ms is None or latency_ms <= TARGET_LATENCY_MS:
        return 1.0
    return TARGET_LATENCY_MS / latency_ms


def rule_helpfulness(relevance: float, completeness: int) -> float:
    """The prediction before there are enough ratings to learn from."""
    return (relevance + completeness) / 2


def overall(relevance: float, completeness: float, helpfulness: float, speed: float) -> float:
    return (
        WEIGHTS["relevance"] * relevance
        + WEIGHTS["completeness"] * completeness
        + WEIGHTS["helpfulness"] * helpfulness
        + WEIGHTS["speed"] * speed
    )


@dataclass(frozen=True)
class Cell:
    """Rated answers in one (completeness, relevance band) cell."""

    complete: int
    band: int
    rated: int
    thumbs_up: int

    @property
    def fitted(self) -> bool:
        return self.rated >= MIN_RATED

    @property
    def predicted(self) -> float | None:
        """The cell's thumbs-up share once it has MIN_RATED ratings, else None (use the rule)."""
        return self.thumbs_up / self.rated if self.fitted else None


@dataclass(frozen=True)
class HelpfulnessModel:
    cells: dict[tuple[int, int], Cell]

    @classmethod
    def fit(cls, cells: Iterable[Cell]) -> HelpfulnessModel:
        return cls({(c.complete, c.band): c for c in cells})

    def predict(self, relevance: float, completeness: int) -> float:
        cell = self.cells.get((completeness, relevance_band(relevance)))
        fitted = None if cell is None else cell.predicted
        return rule_helpfulness(relevance, completeness) if fitted is None else fitted

    @property
    def fitted_cells(self) -> int:
        return sum(cell.fitted for cell in self.cells.values())

    def describe(self) -> str:
        if not self.fitted_cells:
            return (
                f"Fewer than {MIN_RATED} rated answers in every cell: unrated answers use "
                "(relevance + completeness) / 2."
            )
        return (
            f"{self.fitted_cells} of 8 cells (complete or not x 4 relevance bands) have "
            f"{MIN_RATED}+ rated answers and predict their thumbs-up share; the others use "
            "(relevance + completeness) / 2."
        )


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
