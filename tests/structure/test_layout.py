"""The code's own structure: no import cycle, modules of a readable size, and the layering the architecture
describes (views import no rendering library; render knows no pack). Read from the source, nothing imported."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("compiler", "evidence_store")
MAX_LINES = 400
RENDERING = ("reportlab", "docx", "docxtpl", "matplotlib", "pikepdf", "openpyxl", "PIL")


def modules() -> dict[str, Path]:
    found = {}
    for top in PACKAGES:
        for path in (ROOT / top).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> dict[str, set[str]]:
    """{imported name: how}: every import the module can run (inside functions too; not those for type
    checkers only), resolved to project modules where it names one; a third-party name is kept as its
    top-level package."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: dict[str, set[str]] = {}

    def add(target: str, how: str) -> None:
        out.setdefault(target, set()).add(how)

    for node in _executed(ast.parse(path.read_bytes(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name if alias.name in known else alias.name.split(".")[0], "import")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                add(sub if sub in known else (target if target in known else target.split(".")[0]), "from")
    return out


def _executed(tree: ast.AST):
    """Every node that can run: all of the module but the bodies of `if TYPE_CHECKING:` (annotations only)."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and isinstance(child.test, ast.Name) and child.test.id == "TYPE_CHECKING":
                todo.extend(child.orelse)
                continue
            todo.append(child)


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: {t for t in imports(name, path, known) if t in known and t != name} for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle_in_compiler_or_evidence_store():
    assert cycles(graph()) == []


def test_a_module_over_400_lines_says_why_at_its_top():
    long = []
    for name, path in sorted(modules().items()):
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > MAX_LINES:
            doc = ast.get_docstring(ast.parse("\n".join(lines))) or ""
            if "400 lines" not in doc:
                long.append(f"{name}: {len(lines)} lines, and its docstring does not say why")
    assert long == []


def test_views_import_no_rendering_library_and_render_knows_no_pack():
    known = modules()
    wrong = []
    for name, path in known.items():
        used = imports(name, path, known)
        if name.startswith("compiler.views"):
            wrong += [f"{name} imports {t}" for t in used if t.split(".")[0] in RENDERING
                      or t.startswith(("compiler.render", "compiler.packs"))]
        if name.startswith("compiler.render"):
            wrong += [f"{name} imports {t}" for t in used if t.startswith("compiler.packs")
                      or (t.startswith("compiler.views") and t not in ("compiler.views.common", "compiler.views.words"))]
        if name.startswith("evidence_store"):
            wrong += [f"{name} imports {t}" for t in used if t.startswith("compiler")]
    assert sorted(wrong) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_imports_for_type_checkers_only_are_not_edges(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import compiler.cli\n"
                      "def f():\n    import compiler.pipeline\n", encoding="utf-8")
    found = imports("compiler.m", module, {"compiler.cli": module, "compiler.pipeline": module})
    assert "compiler.pipeline" in found and "compiler.cli" not in found
