"""Shared inputs for the bot's tests: FAQ matches, intent readings, the policy."""

from __future__ import annotations

from core.bot.policy import Policy
from core.bot.texts import say
from core.nlp.intents import IntentResult
from core.nlp.retrieval import Match

ANGRY_TEXT = say("angry")
CLARIFY_TEXT = say("clarify")
FALLBACK_TEXT = say("fallback")
HANDOVER_TEXT = say("handover")
SORRY_TEXT = say("sorry")
UNKNOWN_TEXT = say("unknown")

MATCHES = [
    Match(1, "When are you open?", "9 to 5 on weekdays.", 0.81),
    Match(2, "Where are you?", "14 Wharf Street.", 0.40),
    Match(3, "Do you rent bikes?", "Yes, from $25 a day.", 0.30),
]
QUESTIONS = {1: "When are you open?", 2: "Where are you?", 3: "Do you rent bikes?", 4: "Gifts?"}
POLICY = Policy(answer_threshold=0.55, unknown_threshold=0.4, intent_threshold=0.7)


def intent(*top: tuple[str, float], threshold: float = 0.7, margin: float = 0.1) -> IntentResult:
    label, confidence = top[0]
    return IntentResult(
        label=label,
        confidence=confidence,
        top3=tuple(top),
        out_of_scope=confidence < threshold,
        ambiguous=confidence - top[1][1] < margin,
    )


SURE = intent(("1", 0.93), ("2", 0.04), ("3", 0.02))
UNSURE = intent(("4", 0.55), ("2", 0.30), ("1", 0.10))
CLOSE = intent(("1", 0.80), ("2", 0.75), ("3", 0.01))
