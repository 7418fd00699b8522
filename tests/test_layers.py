"""The layering holds: every module imports on its own, the import graph has no cycle, and
the data flow readers -> extraction -> model -> store -> replay -> views -> cli shows in it."""

from __future__ import annotations

import ast
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "src" / "chronicle"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = sorted(module_name(p) for p in PACKAGE.rglob("*.py"))


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(module: str, *, lazy: bool) -> set[str]:
    """chronicle modules ``module`` imports: at import time, or (``lazy``) anywhere, inside
    functions too; never under ``if TYPE_CHECKING``."""
    path = PACKAGE.parent.joinpath(*module.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST, top: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child, top)
            return
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            top = False
        if (top or lazy) and isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in MODULES else base)
        elif (top or lazy) and isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child, top)

    visit(ast.parse(path.read_text()), True)
    return {m for m in found if m in MODULES and m != module}


def cycle_in(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target):], target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for target in graph.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


EAGER = {m: imports_of(m, lazy=False) for m in MODULES}
ALL = {m: imports_of(m, lazy=True) for m in MODULES}


@pytest.mark.parametrize("kind", ["import time", "with imports inside functions"])
def test_the_import_graph_has_no_cycle(kind: str) -> None:
    graph = EAGER if kind == "import time" else ALL
    assert cycle_in(graph) is None, " -> ".join(cycle_in(graph) or [])


def test_the_cycle_check_finds_a_cycle() -> None:
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle_in({"a": {"b"}, "b": set()}) is None


def test_layers() -> None:
    assert not reachable(ALL, "chronicle.replay") & {"chronicle.store", "chronicle.gitobjects"}
    for leaf in ("chronicle.layout", "chronicle.problems", "chronicle.upcast",
                 "chronicle.errors"):
        assert reachable(ALL, leaf) <= {"chronicle.errors", "chronicle.layout"}, leaf
    assert not reachable(ALL, "chronicle.store") & {"chronicle.history", "chronicle.checks",
                                                     "chronicle.views", "chronicle.api"}
    for module in MODULES:
        if module != "chronicle.cli":
            source = (PACKAGE.parent / (module.replace(".", "/") + ".py"))
            if not source.exists():
                source = PACKAGE.parent / module.replace(".", "/") / "__init__.py"
            assert "import click" not in source.read_text(), f"{module} imports click"


@pytest.mark.slow
def test_every_module_imports_alone_in_a_fresh_interpreter() -> None:
    def load(module: str) -> tuple[str, int, str]:
        done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True,
                              text=True, timeout=120, check=False)
        return module, done.returncode, done.stderr.strip().splitlines()[-1:]  # type: ignore[return-value]

    with ThreadPoolExecutor(max_workers=4) as pool:
        failed = [(m, err) for m, code, err in pool.map(load, MODULES) if code != 0]
    assert failed == []
