"""The layer contract (.importlinter) holds, and no import cycle exists among the project's modules.

import-linter checks the layers and the public-API rule; grimp's graph (every import, including
those inside functions and under TYPE_CHECKING) is searched for cycles: strongly connected
components of more than one module. Both read the code of this checkout, not an installed copy.
"""

from __future__ import annotations

import configparser
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".importlinter"


def _root_packages() -> tuple[str, ...]:
    parser = configparser.ConfigParser()
    parser.read(CONFIG)
    return tuple(parser["importlinter"]["root_packages"].split())


PACKAGES = _root_packages()


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    for package in PACKAGES:
        spec = importlib.util.find_spec(package)
        origin = Path(spec.origin).resolve() if spec is not None and spec.origin else None
        assert origin is not None and origin.is_relative_to(ROOT), (
            f"{package} resolves to {origin}, not to this checkout; run with PYTHONPATH={ROOT}")
    return grimp.build_graph(*PACKAGES, cache_dir=None)


def test_import_contracts_hold() -> None:
    # A child process, so that import-linter sees this checkout first on its path and its
    # printed report lands in the failure message.
    script = ("import sys; from importlinter.cli import lint_imports; "
              "sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run([sys.executable, "-c", script, str(CONFIG)], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def strongly_connected(modules: set[str], imports_of: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative (the graph is deep enough to exhaust Python's recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[set[str]] = []
    counter = 0
    for start in sorted(modules):
        if start in index:
            continue
        work: list[tuple[str, list[str]]] = [(start, sorted(imports_of.get(start, ())))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, pending = work[-1]
            if pending:
                child = pending.pop()
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, sorted(imports_of.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                components.append(component)
    return components


def test_strongly_connected_finds_cycles() -> None:
    imports_of = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    components = strongly_connected(set(imports_of), imports_of)
    assert sorted(sorted(c) for c in components if len(c) > 1) == [["a", "b", "c"]]


def test_no_import_cycles(graph: grimp.ImportGraph) -> None:
    modules = set(graph.modules)
    imports_of = {m: graph.find_modules_directly_imported_by(m) & modules for m in modules}
    cycles = [c for c in strongly_connected(modules, imports_of) if len(c) > 1]
    for cycle in cycles:
        print(f"import cycle of {len(cycle)} modules: {', '.join(sorted(cycle))}")
    assert len(cycles) == 0, f"{len(cycles)} import cycle(s): " + "; ".join(
        ", ".join(sorted(c)) for c in cycles)


def test_only_upper_layers_import_the_public_package(graph: grimp.ImportGraph) -> None:
    # `sqlparser/__init__` is the compiler's public API: it sits above the dialects, the formatter
    # and the compiler base, which must not import it (import-linter's layers cannot name a
    # package's __init__ apart from its submodules).
    importers = graph.find_modules_that_directly_import("sqlparser")
    below = sorted(m for m in importers if not m.startswith(("providers", "cozelite", "sqlparser.contract",
                                                             "sqlparser.registry", "sqlparser.passes")))
    assert below == []
