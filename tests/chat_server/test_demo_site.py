"""The demo business's website and help centre: every link a visitor can follow leads somewhere,
the prices agree, and every quick action the owner offers gets an answer."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.settings import Settings
from tests.conftest import Visit

pytestmark = pytest.mark.slow

PAGES = ("/demo", "/pricing", "/help")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.headings: list[str] = []
        self.summaries: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)
        if tag in {"h2", "summary"}:
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "h2":
            self.headings.append(data.strip())
        elif self._in == "summary":
            self.summaries.append(data.strip())


def parse(html: str) -> _Links:
    links = _Links()
    links.feed(html)
    return links


def _paths(blocks: Any) -> list[str]:
    """Every path a rich block or quick action links to."""
    text = json.dumps(blocks)
    return re.findall(r'"(?:url|value)": "(/[^"]*)"', text)


def test_every_local_link_on_the_demo_pages_the_answers_and_quick_actions_resolves(
    client: TestClient, settings: Settings
) -> None:
    demo = settings.DEMO_DIR
    targets = set(_paths(json.loads((demo / "faqs.json").read_text(encoding="utf-8"))))
    targets |= set(_paths(json.loads((demo / "business.json").read_text())["quick_actions"]))
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 200, page
        assert 'src="http://127.0.0.1:8080/widget/loader.js"' in response.text  # the widget
        targets |= {h for h in parse(response.text).hrefs if h.startswith("/")}
    assert {"/pricing", "/help"} <= {t.split("#")[0] for t in targets}
    for target in sorted(targets):
        path, _, fragment = target.partition("#")
        response = client.get(path)
        assert response.status_code == 200, target
        if fragment:
            assert f'id="{fragment}"' in response.text, target
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_the_help_centre_lists_every_published_faq_under_its_topic(
    client: TestClient, settings: Settings
) -> None:
    faqs = json.loads((settings.DEMO_DIR / "faqs.json").read_text(encoding="utf-8"))
    sources = [f for f in faqs if f.get("published", True) and f.get("language", "en") == "en"]
    page = parse(client.get("/help").text)
    # Other tests add FAQs of their own to the shared database: the demo's are all there, once.
    assert {f["question"] for f in sources} <= set(page.summaries)
    assert len(page.summaries) == len(set(page.summaries))
    assert {f["category"].title() for f in sources} <= set(page.headings)
    drafts = [f["question"] for f in faqs if not f.get("published", True)]
    assert drafts and not set(drafts) & set(page.summaries)


def test_the_website_and_the_bots_cards_quote_the_same_prices(
    client: TestClient, settings: Settings
) -> None:
    faqs = json.loads((settings.DEMO_DIR / "faqs.json").read_text(encoding="utf-8"))
    cards = [
        c for f in faqs for b in f.get("media", []) if b["type"] == "carousel" for c in b["cards"]
    ]
    site = client.get("/pricing").text
    for card in cards:
        name = card["title"].split(" & ")[0]  # "E-Bike Service & Battery Health Check"
        shown = re.search(
            rf"<h3>{re.escape(name)}</h3>.*?<p class=\"price\">(\$\d+)", site, re.DOTALL
        )
        assert shown is not None, name
        assert shown[1] == card["price"], name


def test_every_message_the_owners_buttons_send_is_answered(
    client: TestClient, settings: Settings
) -> None:
    demo = settings.DEMO_DIR
    business = json.loads((demo / "business.json").read_text(encoding="utf-8"))
    faqs = json.loads((demo / "faqs.json").read_text(encoding="utf-8"))
    buttons = [b for group in business["quick_actions"].values() for b in group] + [
        b for f in faqs for block in f.get("media", []) for b in block.get("buttons", [])
    ]
    sent = {b["value"] for b in buttons if b["action"] == "message"}
    assert len(sent) >= 3
    for text in sorted(sent):
        reply = Visit(client).say(text)["reply"]
        assert reply["kind"] == "answer", (text, reply["text"])
