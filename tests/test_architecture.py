"""The import rules of ARCHITECTURE.md, checked by walking every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imports_of(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def test_core_imports_no_web_framework_and_no_app() -> None:
    for module, names in imports_of("core").items():
        assert not names & {"starlette", "reflex", "uvicorn", "app", "chat_server"}, module


def test_chat_server_never_imports_the_admin() -> None:
    for module, names in imports_of("chat_server").items():
        assert "app" not in names and "reflex" not in names, module


def test_torch_and_transformers_enter_only_through_loading() -> None:
    for package in ("core", "chat_server"):
        for module, names in imports_of(package).items():
            if module != "core/nlp/loading.py":
                assert not names & {"torch", "transformers"}, module


def test_the_admin_never_imports_the_chat_server() -> None:
    for module, names in imports_of("app").items():
        assert "chat_server" not in names, module


def test_plotly_enters_the_admin_only_through_charts() -> None:
    importers = {module for module, names in imports_of("app").items() if "plotly" in names}
    assert importers == {"app/charts.py"}


def _page_functions() -> dict[str, set[str]]:
    """Module -> names of its page functions (a function decorated with `admin_page(...)`)."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / "app" / "pages").rglob("*.py"):
        for node in ast.parse(path.read_text(), str(path)).body:
            if isinstance(node, ast.FunctionDef) and any(
                isinstance(d, ast.Call) and getattr(d.func, "id", "") == "admin_page"
                for d in node.decorator_list
            ):
                module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
                found.setdefault(module, set()).add(node.name)
    return found


def test_the_admin_adds_exactly_the_registered_pages() -> None:
    from reflex.utils import format

    from app.app import app
    from app.registry import pages

    registered = pages()
    assert len({page.route for page in registered}) == len(registered)  # one page per route
    defined = {(module, name) for module, names in _page_functions().items() for name in names}
    assert {(page.body.__module__, page.body.__name__) for page in registered} == defined
    assert set(app._unevaluated_pages) == {format.format_route(p.route) for p in registered}
    # app.py adds pages in one loop over the registry, nowhere else.
    source = (ROOT / "app" / "app.py").read_text()
    assert source.count(".add_page(") == 1 and "registry.pages()" in source
