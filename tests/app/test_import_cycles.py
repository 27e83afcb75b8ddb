"""No import cycle inside the app layer. Function-level imports count: grimp reads every import
statement in a module, wherever it sits."""

from __future__ import annotations

import grimp


def _cycles(graph: grimp.ImportGraph, modules: set[str]) -> list[list[str]]:
    """One cycle per strongly connected component with more than one module (or a self-import)."""
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & modules) for m in sorted(modules)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's algorithm; the app layer is small, recursion is fine
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in edges[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1 or module in edges[module]:
                found.append(sorted(component))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return found


def test_the_app_layer_has_no_import_cycle() -> None:
    graph = grimp.build_graph("cozelite", cache_dir=None)  # no cache: always the files as they are
    modules = {m for m in graph.modules if m == "cozelite" or m.startswith("cozelite.")}
    assert "cozelite.backup" in modules and "cozelite.server.app" in modules
    assert _cycles(graph, modules) == []


def test_the_cycle_finder_finds_a_function_level_cycle() -> None:
    graph = grimp.ImportGraph()
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.c")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    graph.add_import(importer="pkg.c", imported="pkg.d")
    assert _cycles(graph, set(graph.modules)) == [["pkg.a", "pkg.b", "pkg.c"]]
