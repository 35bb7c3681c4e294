"""GET /preview: the widget in preview mode, framed only by the admin, never indexed."""

from __future__ import annotations

from starlette.testclient import TestClient

from core.settings import Settings


def test_the_preview_loads_the_real_loader_in_preview_mode(client: TestClient) -> None:
    response = client.get("/preview?panel=contact&width=narrow&theme=dark")
    assert response.status_code == 200
    page = response.text
    assert '<script src="/widget/loader.js"' in page
    assert 'data-preview="contact"' in page and 'data-theme="dark"' in page
    assert "width: 360px" in page and "height: 640px" in page  # a phone's screen


def test_only_the_admin_may_frame_it_and_it_can_reach_nothing_that_stores(
    client: TestClient, settings: Settings
) -> None:
    response = client.get("/preview")
    policy = dict(
        part.strip().split(" ", 1)
        for part in response.headers["content-security-policy"].split(";")
    )
    assert policy["frame-ancestors"] == settings.ADMIN_PUBLIC_URL
    # Only the settings and the widget's files: no conversation, message, stream or event.
    assert policy["connect-src"].split() == [
        "http://127.0.0.1:8080/api/config",
        "http://127.0.0.1:8080/widget/",
    ]
    assert response.headers["x-robots-tag"] == "noindex, nofollow"
    assert 'name="robots" content="noindex' in response.text


def test_an_unknown_panel_width_or_theme_is_refused_with_the_choices(client: TestClient) -> None:
    for query, named in (
        ("panel=open", "panel must be one of closed, chat, contact"),
        ("width=huge", "width must be one of narrow, medium, wide"),
        ("theme=pink", "theme must be one of light, dark"),
    ):
        response = client.get(f"/preview?{query}")
        assert response.status_code == 400
        assert named in response.json()["error"]
