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
            if module != "core/nlp/loading.py" and not module.startswith("core/nlp/training/"):
                assert not names & {"torch", "transformers"}, module
