"""Intents every business has, trained beside its own FAQs.

`HUMAN`: the visitor asks for a person. Its examples include the exact words the widget's
"Talk to a person" button sends in each of its languages (the `human` string of widget/i18n.js
and widget/strings/*.json; a test keeps them in step), so pressing the button and typing the
request reach the same place.
"""

from __future__ import annotations

HUMAN = "_human"

HUMAN_EXAMPLES: tuple[str, ...] = (
    # What the widget's button sends, in its six languages.
    "I'd like to talk to a person.",
    "مجھے کسی انسان سے بات کرنی ہے۔",
    "Quiero hablar con una persona.",
    "Je voudrais parler à une personne.",
    "Ich möchte mit einem Menschen sprechen.",
    "أريد التحدث إلى شخص.",
    # How people type it.
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
