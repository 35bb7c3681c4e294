"""The widget's "Talk to a person" button and the built-in intent speak the same words."""

from __future__ import annotations

import json
import re

from core.nlp.builtin_intents import HUMAN_EXAMPLES
from core.settings import ROOT

WIDGET = ROOT / "widget"


def test_every_language_of_the_button_is_an_example_of_asking_for_a_person() -> None:
    english = re.search(r"^\s*human: \"(.+)\",$", (WIDGET / "i18n.js").read_text(), re.M)
    assert english is not None
    sent = {"en": english.group(1)}
    for path in sorted((WIDGET / "strings").glob("*.json")):
        if not path.name.endswith(".more.json"):  # the views that load later
            sent[path.stem] = json.loads(path.read_text(encoding="utf-8"))["human"]
    assert set(sent) == {"en", "ur", "es", "fr", "de", "ar"}
    missing = {lang: text for lang, text in sent.items() if text not in HUMAN_EXAMPLES}
    assert not missing, f"add these to core/nlp/builtin_intents.py: {missing}"
