"""Draw audio-leaflet's import graph, read from its source with Python's `ast`.

    .venv/bin/python scripts/import_graph.py

Prints the modules in layers: a module's layer is one above the highest of the
modules it imports when it is loaded, so every arrow points down the page, and
a cycle (which has no layer) is named instead. Beside each module are what it
imports when loaded and, in brackets, what it imports only where used (inside a
function: a voice, numpy or the studio are loaded only when needed).
tests/test_layout.py checks the same graph. This script is never imported by the package.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "audio_leaflet"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(path: Path, *, at_load: bool) -> Iterator[str]:
    """The modules `path` imports: every import statement, or (`at_load`) only those run
    when the module is loaded (not inside a function, not only for type checkers)."""
    tree = ast.parse(path.read_text("utf-8"))
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]

    def visit(nodes: Iterable[ast.AST]) -> Iterator[str]:
        for node in nodes:
            if isinstance(node, ast.Import):
                yield from (alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.rsplit(".", node.level - 1)[0]
                    base = f"{parent}.{base}" if base else parent
                for alias in node.names:
                    # `from audio_leaflet.check import report` imports a module.
                    named = f"{base}.{alias.name}"
                    yield named if named in MODULES else base
            elif isinstance(node, ast.If) and _is_type_checking(node):
                if not at_load:
                    yield from visit(node.body)
                yield from visit(node.orelse)
            elif at_load and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue  # runs when called, not when loaded
            else:
                yield from visit(ast.iter_child_nodes(node))

    yield from visit(tree.body)


def load_graph() -> dict[str, set[str]]:
    """Each module of the package, and the package's modules it imports when loaded."""
    return {
        name: {i for i in imports(path, at_load=True) if i in MODULES and i != name}
        for name, path in MODULES.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles in `graph`, each as the modules along it ([] when none)."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: being visited, 2: done

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for nxt in sorted(graph[name]):
            if state.get(nxt) == 1:
                found.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    return found


def layers(graph: dict[str, set[str]]) -> dict[str, int]:
    """Each module's layer: 0 for one importing none of the package, else one above the
    highest it imports (the graph must have no cycle)."""
    layer: dict[str, int] = {}

    def of(name: str) -> int:
        if name not in layer:
            layer[name] = 1 + max((of(i) for i in graph[name]), default=-1)
        return layer[name]

    for name in graph:
        of(name)
    return layer


def short(name: str) -> str:
    return name.removeprefix("audio_leaflet.") if name != "audio_leaflet" else "(package)"


def main() -> int:
    graph = load_graph()
    if found := cycles(graph):
        for cycle in found:
            print("cycle: " + " -> ".join(short(name) for name in cycle))
        return 1
    layer = layers(graph)
    for number in range(max(layer.values()), -1, -1):
        print(f"layer {number}")
        for name in sorted(n for n in graph if layer[n] == number):
            later = {
                i
                for i in imports(MODULES[name], at_load=False)
                if i in MODULES and i != name and i not in graph[name]
            }
            shown = ", ".join(short(i) for i in sorted(graph[name]))
            where_used = f"  [{', '.join(short(i) for i in sorted(later))}]" if later else ""
            print(f"  {short(name)}  -> {shown or '(nothing of the package)'}{where_used}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
