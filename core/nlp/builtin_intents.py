"""Intents every business has, trained beside its own FAQs.

`HUMAN`: the visitor asks for a person. Its examples include the exact words of the widget's
"Talk to a person" button in each of its languages (widget/strings/*.json), so pressing the
button and typing the request reach the same place.
"""

from __future__ import annotations

HUMAN = "_human"

HUMAN_EXAMPLES: tuple[str, ...] = (
    "Talk to a person",
    "I want to talk to a person",
    "Can I speak to a human?",
    "Let me talk to a real person",
    "connect me with an agent",
    "I need a human, not a bot",
    "put me through to customer service",
    "speak to someone please",
    "get me a live agent",
    "is there a real person I can chat with",
    "human please",
    "operator",
    "کسی انسان سے بات کریں",
    "مجھے کسی نمائندے سے بات کرنی ہے",
    "Hablar con una persona",
    "quiero hablar con un agente",
    "Parler à une personne",
    "je veux parler à un conseiller",
    "Mit einer Person sprechen",
    "ich möchte mit einem Mitarbeiter sprechen",
    "التحدث إلى شخص",
    "أريد التحدث مع موظف",
)
