"""The readable half of an export: the person's conversations, ratings and contact requests as
one HTML page, built from the same data as data.json. Everything stored is escaped; the page
reads well in a light or dark system theme and without styles (headings, lists, times)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from html import escape
from typing import Any

SPEAKERS = {"visitor": "You", "bot": "Assistant", "agent": "Agent", "system": "Notice"}
RATINGS = {1: "You rated this answer helpful", -1: "You rated this answer not helpful"}

_STYLE = """
:root { color-scheme: light dark; --fg: #1a1a1a; --bg: #fff; --muted: #555; --line: #ccc;
  --you: #e8f1fb; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #eee; --bg: #141414; --muted: #bbb; --line: #444; --you: #1d2b3a; } }
body { font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg);
  margin: 0 auto; max-width: 46em; padding: 1.5em; }
.muted { color: var(--muted); }
section { border-top: 1px solid var(--line); margin-top: 1.5em; }
ol { list-style: none; padding: 0; }
li { margin: 0.6em 0; padding: 0.5em 0.8em; border: 1px solid var(--line); border-radius: 6px; }
li.visitor { background: var(--you); }
.who { font-weight: 600; margin: 0; }
.text { white-space: pre-wrap; margin: 0.2em 0 0; }
"""


def render_transcript(data: dict[str, Any]) -> str:
    """The page for an export's data (export_data's dictionary)."""
    tables = data["tables"]
    business = data["business"]
    title = f"Your conversations with {business['name']}"
    feedback = defaultdict(list)
    for item in tables.get("feedback", []):
        feedback[item.get("message_id")].append(item)
    messages = defaultdict(list)
    for message in tables.get("message", []):
        messages[message["conversation_id"]].append(message)
    parts = [
        "<!doctype html>",
        f'<html lang="{_attr(business.get("language") or "en")}">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>",
        "<body><main>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="muted">Exported {_time(data["exported_at"])}. Everything stored about you, '
        "including what this page leaves out, is in data.json beside this file.</p>",
    ]
    conversations = tables.get("conversation", [])
    if not conversations:
        parts.append("<p>No conversations are stored about you.</p>")
    for number, conversation in enumerate(conversations, start=1):
        parts += _conversation(number, conversation, messages[conversation["id"]], feedback)
    parts += _contact_requests(tables.get("contactrequest", []))
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


def _conversation(
    number: int,
    conversation: dict[str, Any],
    messages: list[dict[str, Any]],
    feedback: dict[Any, list[dict[str, Any]]],
) -> list[str]:
    heading = f"conversation-{number}"
    lang = conversation.get("language")
    parts = [
        f'<section aria-labelledby="{heading}"' + (f' lang="{_attr(lang)}">' if lang else ">"),
        f'<h2 id="{heading}">Conversation {number}, started {_time(conversation["created_at"])}'
        "</h2>",
    ]
    if conversation.get("page_url"):
        parts.append(f"<p>Started on the page {escape(conversation['page_url'])}</p>")
    if not messages:
        parts.append('<p class="muted">No messages.</p>')
    else:
        parts.append(f'<ol aria-label="Messages of conversation {number}">')
        for message in messages:
            parts.append(_message(message, feedback.get(message["id"], [])))
        parts.append("</ol>")
    for item in feedback.get(None, []):
        parts.append(f"<p>{_rating(item)}</p>")  # a rating whose answer is no longer stored
    parts.append("</section>")
    return parts


def _message(message: dict[str, Any], ratings: Iterable[dict[str, Any]]) -> str:
    role = str(message.get("role", ""))
    speaker = SPEAKERS.get(role, role.title())
    lang = message.get("language") if role == "visitor" else None
    body = [
        f'<li class="{_attr(role)}"' + (f' lang="{_attr(lang)}">' if lang else ">"),
        f'<p class="who">{escape(speaker)}, {_time(message["created_at"])}</p>',
        f'<p class="text">{escape(str(message.get("text") or ""))}</p>',
    ]
    if message.get("note"):
        body.append(f'<p class="text">{escape(str(message["note"]))}</p>')
    body += [f"<p>{_rating(item)}</p>" for item in ratings]
    return "".join(body) + "</li>"


def _rating(item: dict[str, Any]) -> str:
    said = escape(RATINGS.get(item.get("rating", 0), f"Rating {item.get('rating')}"))
    comment = item.get("comment")
    return said + (f": “{escape(str(comment))}”" if comment else ".")


def _contact_requests(requests: list[dict[str, Any]]) -> list[str]:
    if not requests:
        return []
    parts = [
        '<section aria-labelledby="contact-requests">',
        '<h2 id="contact-requests">Contact requests</h2><ol>',
    ]
    for request in requests:
        details = ", ".join(
            escape(str(request[name])) for name in ("name", "email", "phone") if request.get(name)
        )
        parts.append(
            f'<li><p class="who">{_time(request["created_at"])}: {details}</p>'
            f'<p class="text">{escape(str(request.get("message") or ""))}</p></li>'
        )
    parts.append("</ol></section>")
    return parts


def _time(iso: str) -> str:
    """A stored time for people (UTC), machine-readable in its datetime attribute."""
    shown = datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M UTC")
    return f'<time datetime="{_attr(iso)}">{shown}</time>'


def _attr(value: Any) -> str:
    return escape(str(value), quote=True)
