"""The package's layout, as docs/architecture.md describes it, read from the code's own
import statements (Python's `ast`, in scripts/import_graph.py, which also draws the
graph), never from a list kept by hand beside it."""

from __future__ import annotations

import re
from pathlib import Path

from import_graph import MODULES, PACKAGE, cycles, imports, load_graph

ARCHITECTURE = Path(__file__).parent.parent / "docs" / "architecture.md"


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
    assert cycles(load_graph()) == []


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


def command_table() -> dict[str, str]:
    """The architecture's commands table: each command and what it says it calls."""
    text = ARCHITECTURE.read_text("utf-8")
    table = text[text.index("| command | calls |") :].split("\n\n", 1)[0]
    rows = (row.split("|") for row in table.splitlines()[2:])
    return {row[1].strip().strip("`"): row[2] for row in rows}


def test_the_commands_table_names_every_command_and_what_it_calls() -> None:
    import importlib

    from audio_leaflet.cli import cli

    assert set(command_table()) == set(cli.commands)
    for command, calls in command_table().items():
        for named in re.findall(r"`([a-z_.]+\.[a-z_]+)`", calls):
            module, _, function = named.rpartition(".")
            found = importlib.import_module(f"audio_leaflet.{module}")
            assert callable(getattr(found, function, None)), (command, named)
