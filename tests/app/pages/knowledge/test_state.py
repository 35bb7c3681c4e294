"""The knowledge page's media field: JSON text in, checked blocks out."""

from __future__ import annotations

import pytest

from app.pages.knowledge.state import _media_of, _media_text


def test_media_text_round_trips_and_empty_means_none() -> None:
    media = [{"type": "image", "url": "/a.png", "alt": "Café sign"}]
    assert _media_of(_media_text(media)) == media
    assert "Café" in _media_text(media)  # readable, not \\u-escaped
    assert _media_text([]) == ""
    assert _media_of("  \n") == []


def test_broken_json_says_where() -> None:
    with pytest.raises(ValueError, match=r"media: not valid JSON \(.* at line 2, column 1\)"):
        _media_of('[{"type": "image",\n')
