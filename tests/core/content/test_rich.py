"""Rich reply blocks: what owners may attach, and the plain text other channels get."""

from __future__ import annotations

import re

import pytest

from core.content.rich import RichError, plain_text, validate_blocks, validate_buttons

PLANS = {
    "type": "carousel",
    "label": "Tune-up plans",
    "cards": [
        {"title": "Basic", "price": "$59", "link": {"label": "Book", "url": "/book?plan=basic"}},
        {
            "title": "Full",
            "price": "$129",
            "text": "Everything, plus wheel truing.",
            "image": "https://cdn.example.com/full.jpg",
            "alt": "A bike on a repair stand",
        },
    ],
}


def test_good_blocks_are_kept_as_plain_json() -> None:
    blocks = validate_blocks(
        [
            {"type": "image", "url": "/widget/icons/icon-192.png", "alt": "Our logo"},
            {"type": "video", "url": "https://videos.example.com/fit.mp4", "title": "Bike fit"},
            PLANS,
            {
                "type": "buttons",
                "buttons": [{"label": "Pricing", "action": "message", "value": "How much?"}],
            },
        ]
    )
    assert [b["type"] for b in blocks] == ["image", "video", "carousel", "buttons"]
    assert blocks[2]["cards"][0] == {
        "type": "card",
        "title": "Basic",
        "price": "$59",
        "link": {"label": "Book", "url": "/book?plan=basic"},
    }


@pytest.mark.parametrize(
    ("block", "problem"),
    [
        ({"type": "image", "url": "javascript:alert(1)", "alt": "x"}, "http(s) URL or a path"),
        ({"type": "image", "url": "//evil.example/x.png", "alt": "x"}, "http(s) URL or a path"),
        ({"type": "image", "url": "/\\evil.example/x.png", "alt": "x"}, "http(s) URL or a path"),
        ({"type": "image", "url": "/a.png", "alt": ""}, "at least 1 character"),
        ({"type": "card", "title": "x", "image": "/a.png"}, "needs alt text"),
        ({"type": "carousel", "label": "One", "cards": [{"title": "x"}]}, "at least 2"),
        ({"type": "buttons", "buttons": [{"label": "Go", "action": "link"}]}, "needs a value"),
        ({"type": "buttons", "buttons": [{"label": "Go", "action": "teleport"}]}, "action"),
        ({"type": "gif", "url": "/a.gif"}, "does not match any of the expected tags"),
        ({"type": "image", "url": "/a.png", "alt": "x", "onclick": "x"}, "Extra inputs"),
    ],
)
def test_bad_blocks_are_refused_naming_the_problem(block: dict[str, object], problem: str) -> None:
    with pytest.raises(RichError, match=re.escape(problem)):
        validate_blocks([block])


def test_buttons_alone_are_checked_the_same_way() -> None:
    assert validate_buttons([{"label": "Call me back", "action": "contact_form"}]) == [
        {"label": "Call me back", "action": "contact_form"}
    ]
    with pytest.raises(RichError):
        validate_buttons([{"label": "", "action": "human"}])


def test_channels_without_rich_media_get_every_block_as_text() -> None:
    blocks = validate_blocks(
        [
            {"type": "image", "url": "https://cdn.example.com/shop.jpg", "alt": "Our shop front"},
            PLANS,
            {
                "type": "buttons",
                "buttons": [
                    {"label": "Talk to a person", "action": "human"},
                    {"label": "Prices", "action": "link", "value": "https://example.com/prices"},
                ],
            },
        ]
    )
    assert plain_text("Here are our plans.", blocks) == "\n".join(
        [
            "Here are our plans.",
            "[Image: Our shop front] https://cdn.example.com/shop.jpg",
            "Tune-up plans:",
            "1. Basic - $59 - Book: /book?plan=basic",
            "2. Full - $129 - Everything, plus wheel truing.",
            "- Talk to a person",
            "- Prices: https://example.com/prices",
        ]
    )
    assert plain_text("Just text.", []) == "Just text."
