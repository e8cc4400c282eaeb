"""No import loop in tuireader, counting imports inside functions and under TYPE_CHECKING:
neither between modules nor between the packages of the app and of the core."""

from __future__ import annotations

import sys
from pathlib import Path

import grimp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "docs"))
from import_graph import package_edges


def loops(edges: set[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected parts of more than one node (Tarjan's algorithm)."""
    nodes = sorted({n for edge in edges for n in edge})
    successors: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b in edges:
        successors[a].append(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in successors[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            part = []
            while True:
                top = stack.pop()
                part.append(top)
                if top == node:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for node in nodes:
        if node not in index:
            visit(node)
    return found


def test_the_loop_finder_finds_a_loop() -> None:
    assert loops({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}) == [["a", "b", "c"]]
    assert loops({("a", "b"), ("b", "c")}) == []


def test_no_module_imports_itself_back() -> None:
    graph = grimp.build_graph("tuireader")
    edges = {
        (module, imported)
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if imported.startswith("tuireader")
    }
    assert loops(edges) == []


def test_no_package_imports_itself_back() -> None:
    assert loops(package_edges()) == []
