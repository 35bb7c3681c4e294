"""Render widget/icons/icon.svg to the PNG icons the web app manifest names (192 and 512 px),
and a 32 px favicon.ico (an ICO holding one PNG, which every current browser reads).

    .venv/bin/python scripts/make_icons.py

The PNGs are committed; run this again after editing the SVG. Chromium draws them (Debian's
/usr/bin/chromium through Playwright, as in the tests), so no image library is needed. The
artwork is a full-bleed square with the bubble inside the central 80 %, so the same files serve
as "any" and "maskable" icons.
"""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

from playwright.sync_api import sync_playwright

ICONS = Path(__file__).resolve().parent.parent / "widget" / "icons"
SIZES = (192, 512)
FAVICON_SIZE = 32
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def main() -> None:
    svg = (ICONS / "icon.svg").read_text(encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        for size in (*SIZES, FAVICON_SIZE):
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(
                "<style>html,body{margin:0}svg{display:block;width:100vw;height:100vh}</style>"
                + svg
            )
            png = page.screenshot(omit_background=True)
            page.close()
            if size == FAVICON_SIZE:
                write(ICONS / "favicon.ico", ico(png, size))
            else:
                write(ICONS / f"icon-{size}.png", png)
        browser.close()


def ico(png: bytes, size: int) -> bytes:
    """An ICO file with one PNG image: header, one directory entry, the image."""
    header = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(png), 6 + 16)
    return header + entry + png


def write(out: Path, data: bytes) -> None:
    out.write_bytes(data)
    print(f"{out.relative_to(ICONS.parent.parent)}: {len(data)} bytes")


if __name__ == "__main__":
    main()
