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


def _calls(package: str) -> list[tuple[str, ast.Call]]:
    found = []
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call):
                found.append((str(path.relative_to(ROOT)), node))
    return found


def _called(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def test_events_and_reply_kinds_are_written_as_members_of_their_vocabulary() -> None:
    """Flows and funnels count by these names: a bare string could be a typo nobody notices."""
    for package in ("core", "chat_server", "app"):
        for module, call in _calls(package):
            for keyword in call.keywords:
                literal = any(
                    isinstance(node, ast.Constant) and isinstance(node.value, str)
                    for node in ast.walk(keyword.value)
                )
                if _called(call) == "record_event" and keyword.arg == "name":
                    assert not literal, f"{module}:{call.lineno} records a bare event name"
                if keyword.arg == "kind" and _called(call) in {"Reply", "MessageCreate"}:
                    assert not literal, f"{module}:{call.lineno} writes a bare reply kind"


def test_message_rows_are_made_in_one_place() -> None:
    for package in ("core", "chat_server", "app"):
        for module, call in _calls(package):
            if _called(call) == "Message":
                assert module == "core/crud/messages.py", f"{module}:{call.lineno}"


NLP = ROOT / "core" / "nlp"
DATABASE = ("sqlmodel", "sqlalchemy", "core.db", "core.crud", "core.models")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_in(path: Path) -> list[tuple[str, str | None]]:
    """(module, name) of every import, anywhere in the file (inside functions too):
    `import a.b` is (a.b, None), `from a.b import c` is (a.b, c); relative imports resolved."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = ".".join(package[: len(package) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            found += [(base, alias.name) for alias in node.names]
    return found


def test_runtime_nlp_does_no_database_io() -> None:
    """Text in, typed results out: only the off-line training/ code may read the database."""
    for path in NLP.rglob("*.py"):
        if "training" in path.relative_to(NLP).parts:
            continue
        for module, name in imports_in(path):
            # `from core import db` names the database module only in its second half.
            for dotted in (module, f"{module}.{name}") if name else (module,):
                assert not any(dotted == db or dotted.startswith(db + ".") for db in DATABASE), (
                    f"{path.relative_to(ROOT)} imports {dotted}"
                )


def nlp_import_graph() -> dict[str, set[str]]:
    """Module -> the core.nlp modules it imports; `from core.nlp import x` is an edge to
    core.nlp.x when x is a module, else to core.nlp itself."""
    modules = {module_name(path): path for path in NLP.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = {
            f"{module}.{item}" if f"{module}.{item}" in modules else module
            for module, item in imports_in(path)
        }
        graph[name] = {target for target in targets if target in modules and target != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path (first module repeated last), or None."""
    done: set[str] = set()
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        if node in stack:
            return [*stack[stack.index(node) :], node]
        if node in done:
            return None
        stack.append(node)
        for other in sorted(graph[node]):
            cycle = visit(other)
            if cycle:
                return cycle
        stack.pop()
        done.add(node)
        return None

    for node in sorted(graph):
        cycle = visit(node)
        if cycle:
            return cycle
    return None


def test_the_cycle_finder_sees_a_circle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycle_among_nlp_modules() -> None:
    graph = nlp_import_graph()
    # The walk must see the package's edges, or an empty graph would pass.
    assert "core.nlp.token_states" in graph["core.nlp.emotions"]
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_the_admin_never_imports_the_chat_server() -> None:
    for module, names in imports_of("app").items():
        assert "chat_server" not in names, module


def test_plotly_enters_the_admin_only_through_charts() -> None:
    importers = {module for module, names in imports_of("app").items() if "plotly" in names}
    assert importers and all(module.startswith("app/charts/") for module in importers), importers


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
