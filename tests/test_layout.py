"""The package's layout, as docs/architecture.md describes it, read from the code's own
import statements (Python's `ast`), never from a list kept by hand beside it."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "src" / "audio_leaflet"
ARCHITECTURE = Path(__file__).parent.parent / "docs" / "architecture.md"


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


def importers_of(target: str) -> set[str]:
    return {
        name
        for name, path in MODULES.items()
        if any(i == target or i.startswith(target + ".") for i in imports(path, at_load=False))
    }


def test_only_the_command_line_imports_click() -> None:
    assert importers_of("click") == {"audio_leaflet.cli"}


def test_nothing_imports_the_command_line() -> None:
    """The studio and the stages say things in their own words, not through the CLI."""
    assert importers_of("audio_leaflet.cli") == {"audio_leaflet.__main__"}


def test_only_the_command_line_and_the_studio_itself_import_the_studio() -> None:
    outside = {
        name
        for name in importers_of("audio_leaflet.studio")
        if not name.startswith("audio_leaflet.studio")
    }
    assert outside == {"audio_leaflet.cli"}


def test_no_two_modules_import_each_other_at_load_time() -> None:
    """A cycle of imports run at load time works only in one order of first import; the
    stages come before what wires them together."""
    graph = {
        name: {i for i in imports(path, at_load=True) if i in MODULES and i != name}
        for name, path in MODULES.items()
    }
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: being visited, 2: done

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for nxt in sorted(graph[name]):
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_the_import_reader_sees_imports_inside_functions() -> None:
    """The rules above hold only if imports made where they are used are seen too."""
    pipeline = MODULES["audio_leaflet.pipeline"]
    at_load = set(imports(pipeline, at_load=True))
    everywhere = set(imports(pipeline, at_load=False))
    assert "audio_leaflet.engines" in everywhere - at_load  # made only when speaking
    assert "audio_leaflet.config" in at_load


def documented_modules() -> set[str]:
    """The names in the first column of the architecture's module table."""
    text = ARCHITECTURE.read_text("utf-8")
    table = text[text.index("| module |") :].split("\n\n", 1)[0]
    names: set[str] = set()
    for row in table.splitlines()[2:]:
        first = row.split("|")[1]
        names |= set(re.findall(r"`([a-z_0-9]+(?:\.py|/))`", first))
    return names


def test_the_architecture_table_lists_every_module_and_only_those() -> None:
    top = {
        path.name
        for path in PACKAGE.glob("*.py")
        if path.name not in ("__init__.py", "__main__.py")
    } | {f"{path.parent.name}/" for path in PACKAGE.glob("*/__init__.py")}
    assert documented_modules() == top
