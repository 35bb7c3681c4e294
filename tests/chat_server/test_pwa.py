"""The installable chat page's server side: the page, the manifest and the service worker it fills in
(the browser side is tests/e2e/test_pwa.py)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from chat_server.endpoints import pwa
from core.models import Business
from tests.widget.test_weight import static_imports

BUSINESS = Business(name='Tom & Jerry\'s <b>"Bikes"</b>', greeting="Hi", color="#0b6e4f")


def worker_constants(source: str) -> tuple[str, list[str]]:
    version = re.search(r"^const VERSION = (.*);$", source, re.M)
    shell = re.search(r"^const SHELL = (.*);$", source, re.M)
    assert version and shell
    return json.loads(version.group(1)), json.loads(shell.group(1))


def test_the_worker_precaches_the_page_and_every_widget_module_but_not_the_loader() -> None:
    version, shell = worker_constants(pwa.render_worker())
    assert re.fullmatch(r"[0-9a-f]{16}", version)
    assert shell[:2] == ["/chat", "/chat/manifest.webmanifest"]
    modules = {
        f"/widget/{p.relative_to(pwa.WIDGET).as_posix()}"
        for p in static_imports(pwa.WIDGET / "chat.js")
    }
    assert modules <= set(shell)
    assert {
        "/widget/widget.css",
        "/widget/icons/icon-192.png",
        "/widget/icons/icon-512.png",
    } <= set(shell)
    assert "/widget/loader.js" not in shell and "/widget/sw.js" not in shell
    assert not any(path.startswith("/api/") for path in shell)


@pytest.fixture
def widget_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "widget"
    shutil.copytree(pwa.WIDGET, copy)
    monkeypatch.setattr(pwa, "WIDGET", copy)
    monkeypatch.setattr(pwa, "PAGE_TEMPLATE", copy / "chat.html")
    monkeypatch.setattr(pwa, "WORKER_TEMPLATE", copy / "sw.js")
    return copy


def test_a_changed_widget_file_makes_a_new_worker_version(widget_copy: Path) -> None:
    before, _ = worker_constants(pwa.render_worker())
    assert worker_constants(pwa.render_worker())[0] == before  # same files, same worker
    css = widget_copy / "widget.css"
    css.write_text(css.read_text() + "\n/* changed */\n")
    assert worker_constants(pwa.render_worker())[0] != before


def test_a_worker_without_the_lines_to_fill_in_is_refused(widget_copy: Path) -> None:
    worker = widget_copy / "sw.js"
    worker.write_text(worker.read_text().replace("const SHELL =", "let SHELL ="))
    with pytest.raises(RuntimeError, match="SHELL"):
        pwa.render_worker()


def test_the_page_shows_the_business_name_as_text() -> None:
    page = pwa.render_page(BUSINESS)
    assert (
        "<title>Chat with Tom &amp; Jerry&#x27;s &lt;b&gt;&quot;Bikes&quot;&lt;/b&gt;</title>"
        in page
    )
    assert "<b>" not in page
    assert "{{" not in page
    assert '<meta name="theme-color" content="#0b6e4f">' in page
    assert "--sc-color: #0b6e4f; --sc-on-color: #fff" in page


def test_the_manifest_comes_from_the_business_settings() -> None:
    manifest = pwa.build_manifest(
        Business(name="Harbourside Bikes", greeting="Hi", color="#ffd60a")
    )
    assert manifest["name"] == "Harbourside Bikes"
    assert manifest["short_name"] == "Harbourside"
    assert manifest["theme_color"] == "#ffd60a"
    assert manifest["start_url"] == manifest["scope"] == manifest["id"] == "/chat"
    assert manifest["display"] == "standalone"


@pytest.mark.parametrize(
    ("color", "text"),
    [("#0b6e4f", "#fff"), ("#1f5fbf", "#fff"), ("#ffd60a", "#000"), ("#ffffff", "#000")],
)
def test_text_on_the_brand_colour_is_black_or_white_like_the_loader_chooses(
    color: str, text: str
) -> None:
    assert pwa.on_color(color) == text
