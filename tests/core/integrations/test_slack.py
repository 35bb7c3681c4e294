"""Slack alerts as Block Kit, posted with slack-sdk's WebClient to a local Web API server."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError

from core.integrations import slack
from core.settings import Settings
from tests.fake_slack import CHANNEL, FakeSlack


def alert(**overrides: object) -> slack.Alert:
    values: dict[str, object] = {
        "title": "New contact request",
        "summary": "New contact request from Ada Lovelace",
        "fields": [("Name", "Ada Lovelace"), ("E-mail", "ada@example.com")],
        "quote": "Please call me back\nabout my order",
        "link": "http://localhost:3000/inbox?c=abc",
        "link_label": "Open conversation",
    }
    return slack.Alert(**(values | overrides))  # type: ignore[arg-type]


def test_an_alert_is_a_header_its_fields_the_quote_and_a_button_to_the_admin() -> None:
    message = slack.render(alert())

    assert message["text"] == "New contact request from Ada Lovelace"
    header, fields, quote, actions = message["blocks"]
    assert header == {
        "type": "header",
        "text": {"type": "plain_text", "text": "New contact request"},
    }
    assert [f["text"] for f in fields["fields"]] == [
        "*Name*\nAda Lovelace",
        "*E-mail*\nada@example.com",
    ]
    assert quote["text"]["text"] == "> Please call me back\n> about my order"
    [button] = actions["elements"]
    assert button["url"] == "http://localhost:3000/inbox?c=abc"
    assert button["text"]["text"] == "Open conversation"


def test_what_a_visitor_wrote_cannot_ping_the_channel_or_fake_a_link() -> None:
    message = slack.render(alert(quote="<!channel> see <https://evil.example|your bank> & co"))
    text = message["blocks"][2]["text"]["text"]
    assert "<" not in text and ">" not in text.removeprefix("> ")
    assert text == "> &lt;!channel&gt; see &lt;https://evil.example|your bank&gt; &amp; co"


def test_long_texts_are_cut_to_what_slack_accepts() -> None:
    message = slack.render(alert(title="T" * 400, quote="q" * 5000, summary="s" * 5000))
    assert len(message["blocks"][0]["text"]["text"]) == slack.HEADER_CHARS
    assert len(message["blocks"][2]["text"]["text"]) == slack.SECTION_CHARS
    assert len(message["text"]) == slack.FALLBACK_CHARS
    assert message["text"].endswith("…")


def test_posting_sends_the_token_channel_blocks_and_idempotency_key(
    slack_server: FakeSlack, slack_settings: Settings
) -> None:
    ts = slack.post(settings=slack_settings, payload=slack.render(alert()), key="slack:contact:7")

    [post] = slack_server.posts
    assert ts == post.ts
    assert post.authorization == f"Bearer {slack_settings.SLACK_BOT_TOKEN}"
    assert post.body["channel"] == CHANNEL
    assert post.body["blocks"] == slack.render(alert())["blocks"]
    assert post.body["metadata"] == {
        "event_type": "customeragent_alert",
        "event_payload": {"idempotency_key": "slack:contact:7"},
    }


def test_slack_refusing_the_token_is_an_error(
    slack_server: FakeSlack, slack_settings: Settings
) -> None:
    revoked = slack_settings.model_copy(update={"SLACK_BOT_TOKEN": "xoxb-revoked"})
    with pytest.raises(SlackApiError) as raised:
        slack.post(settings=revoked, payload=slack.render(alert()), key="k")
    assert raised.value.response["error"] == "invalid_auth"
    assert slack_server.posts == []


def test_the_api_url_always_ends_with_a_slash() -> None:
    assert Settings(SLACK_API_URL="http://127.0.0.1:9/api").SLACK_API_URL == (
        "http://127.0.0.1:9/api/"
    )
