"""The widget's weight budget, measured on the files (no browser, no server).

Budget: everything a host page loads before the visitor opens the panel is at most 5 KB
gzipped; the whole widget at first open (the loader, then the panel's JS + CSS + the strings of
one language) at most 25 KB gzipped. KB = 1024 bytes.

Sizes are what the chat server sends: minified JS and CSS (chat_server/widget_files.py), then Starlette's GZipMiddleware (minimum_size=1024, its
default compresslevel 9) compresses each response on its own, and a body under 1024 bytes goes
out as it is. The first-open files are found here by following app.js's static imports; what
Chromium really loads is measured by tests/e2e/test_widget_weight.py (the real figure).
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from chat_server.widget_files import MEDIA_TYPES, minified

WIDGET = Path(__file__).resolve().parents[2] / "widget"
KB = 1024
BEFORE_OPEN_BUDGET = 5 * KB
FIRST_OPEN_BUDGET = 25 * KB
GZIP_MIN_SIZE = 1024  # chat_server/factory.py: GZipMiddleware(minimum_size=1024)
# import x from './a.js'; import './a.js'; export {x} from './a.js' (static imports only: a
# dynamic import() loads later, when needed).
_STATIC_IMPORT = re.compile(
    r"""^\s*(?:import|export)\s+(?:[^'";]*?\s+from\s+)?['"](\.{1,2}/[^'"]+)['"]""", re.M
)


def wire_size(body: bytes) -> int:
    """Bytes the chat server sends for a response with this body."""
    if len(body) < GZIP_MIN_SIZE:
        return len(body)
    return len(gzip.compress(body, compresslevel=9, mtime=0))


def served(path: Path) -> bytes:
    """The body the chat server sends for a widget file (JS and CSS minified)."""
    if path.suffix in MEDIA_TYPES:
        return minified(str(path), path.stat().st_mtime)[0]
    return path.read_bytes()


def static_imports(entry: Path) -> list[Path]:
    """`entry` and every module it imports statically, directly or not."""
    seen: list[Path] = []
    todo = [entry.resolve()]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.append(module)
        for spec in _STATIC_IMPORT.findall(module.read_text(encoding="utf-8")):
            todo.append((module.parent / spec).resolve())
    return seen


def one_language_strings() -> list[Path]:
    """The largest first-open strings file of one language, if the widget has any besides its
    built-in English (the views that load later bring strings/<code>.more.json)."""
    files = [p for p in WIDGET.glob("strings/*.json") if not p.name.endswith(".more.json")]
    return [max(files, key=lambda p: wire_size(served(p)))] if files else []


def first_open_files() -> list[Path]:
    return [*static_imports(WIDGET / "app.js"), WIDGET / "widget.css", *one_language_strings()]


def total(files: list[Path]) -> int:
    return sum(wire_size(served(path)) for path in files)


def test_wire_size_follows_the_servers_gzip_rule() -> None:
    small = b"x" * (GZIP_MIN_SIZE - 1)
    assert wire_size(small) == len(small)
    text = b"function f() { return 1; }\n" * 100
    assert 0 < wire_size(text) < len(text) // 10


def test_the_first_open_files_are_every_module_app_js_needs() -> None:
    names = {path.relative_to(WIDGET).as_posix() for path in first_open_files()}
    # Each of these is imported (directly or not) by app.js today; one missing means the import
    # scan stopped working, and the figures below would be too low.
    assert {"app.js", "api.js", "log.js", "outbox.js", "ui.js", "widget.css"} <= names
    assert "loader.js" not in names and "sw.js" not in names and "chat.js" not in names
    # Images, videos, cards and carousels come with the first answer that has them (import()).
    assert "actions.js" in names and "rich.js" not in names


def test_the_host_page_loads_at_most_5_kb_before_the_panel_opens() -> None:
    # The loader's launcher CSS is inline; its /api/config request is counted by the e2e test.
    loader = wire_size(served(WIDGET / "loader.js"))
    assert loader <= BEFORE_OPEN_BUDGET, f"loader.js is {loader} bytes gzipped"


def test_the_whole_widget_at_first_open_is_at_most_25_kb() -> None:
    files = [WIDGET / "loader.js", *first_open_files()]
    sizes = {p.relative_to(WIDGET).as_posix(): wire_size(served(p)) for p in files}
    assert sum(sizes.values()) <= FIRST_OPEN_BUDGET, f"{sum(sizes.values())} bytes: {sizes}"
