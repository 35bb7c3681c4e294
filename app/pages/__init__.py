"""The admin's pages, one folder each: `state.py` (the page's state), `page.py` (the page
function, registered with `@admin_page`), and views beside them when the page outgrows one module.

Importing this package imports every module in it, so every page registers itself: a new page
needs no line anywhere else.
"""

from __future__ import annotations

import importlib
import pkgutil

for _module in pkgutil.walk_packages(__path__, prefix=f"{__name__}."):
    importlib.import_module(_module.name)
