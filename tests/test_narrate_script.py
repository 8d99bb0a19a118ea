"""Narration script files (narrate/scripts.py): format, parsing, safe writing, loading."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path

import pytest

from audio_leaflet import fileio
from audio_leaflet.errors import NarrationError
from audio_leaflet.model import (
    Chapter,
    ChapterKind,
    Document,
    Narration,
    Paragraph,
    Pause,
    Section,
    Speech,
)
from audio_leaflet.narrate import (
    load_scripts,
    narrate,
    parse_script,
    read_script,
    render_script,
    script_path,
    write_scripts,
)
from audio_leaflet.narrate.script import PREAMBLE, render_body

SOURCE = hashlib.sha256(b"leaflet v1").hexdigest()


def _narration(extra: str = "", sections: int = 2) -> Narration:
    document = Document(
        sections=tuple(
            Section(
                heading=f"Part {name}",
                blocks=(Paragraph(f"Text of part {name}.{extra}"), Paragraph("Call 116 123.")),
            )
            for name in ["one", "two", "three"][:sections]
        )
    )
    return narrate(document, title="Test leaflet", organisation="Us", slug="test-leaflet")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


# --------------------------------------------------------------------------
# format
# --------------------------------------------------------------------------


def test_rendered_script_follows_the_contract() -> None:
    narration = _narration()
    chapter = narration.chapters[1]
    text = render_script(chapter, narration, SOURCE)
    lines = text.split("\n")
    assert lines[:3] == list(PREAMBLE[:3])
    assert "written in words" in PREAMBLE[3]
    assert lines[4:8] == [
        "# leaflet: Test leaflet",
        "# chapter: 2 of 3",
        "# title: Part one",
        f"# source-sha256: {SOURCE}",
    ]
    body = text.split("\n\n", 1)[1]
    assert lines[8] == f"# generated-sha256: {hashlib.sha256(body.encode()).hexdigest()}"
    assert lines[9] == ""
    assert body == (
        "Section two of three. Part one.\n"
        "\n"
        "Text of part one.\n"
        "\n"
        "Call one one six, one two three.\n"
        "That number again: one one six, one two three.\n"
        "\n"
        "End of section two.\n"
    )


def test_render_then_parse_gives_the_same_lines() -> None:
    narration = _narration()
    for chapter in narration.chapters:
        parsed = parse_script(render_script(chapter, narration, SOURCE), "x.txt")
        assert parsed.lines == chapter.lines
        assert not parsed.edited
        assert (parsed.chapter, parsed.chapters, parsed.title) == (
            chapter.number,
            len(narration.chapters),
            chapter.title,
        )
        assert parsed.leaflet == "Test leaflet"
        assert parsed.source_sha256 == SOURCE


def test_explicit_pauses_round_trip() -> None:
    lines = (
        Pause(1000),
        Speech("One."),
        Pause(2000),
        Speech("Two."),
        Pause(500),
        Speech("Three."),
        Pause(1500),
        Speech("Four."),
        Pause(1000),
        Speech("Five."),
        Pause(1000),
    )
    chapter = Chapter(1, "T", "01-t", ChapterKind.SECTION, lines)
    narration = Narration("t", "T", "", (chapter,))
    text = render_script(chapter, narration, SOURCE)
    body = text.split("\n\n", 1)[1]
    assert body.splitlines() == [
        "[pause 1s]",
        "One.",
        "[pause 2s]",
        "Two.",
        "[pause 500ms]",
        "Three.",
        "[pause 1.5s]",
        "Four.",
        "",
        "Five.",
        "[pause 1s]",
    ]
    assert parse_script(text, "t.txt").lines == lines


def test_render_refuses_a_sentence_that_would_read_back_as_syntax() -> None:
    chapter = Chapter(1, "T", "01-t", ChapterKind.SECTION, (Speech("[pause 1s] hidden"),))
    with pytest.raises(NarrationError, match="bug in narration"):
        render_body(chapter.lines)


# --------------------------------------------------------------------------
# parsing
# --------------------------------------------------------------------------

HEADER = "# audio-leaflet narration script.\n# chapter: 2 of 3\n\n"


@pytest.mark.parametrize(
    ("body", "lines"),
    [
        ("One.\nTwo.\n", (Speech("One."), Speech("Two."))),
        ("One.\n\n\n\nTwo.\n", (Speech("One."), Pause(1000), Speech("Two."))),
        ("One.\n[pause 2s]\nTwo.\n", (Speech("One."), Pause(2000), Speech("Two."))),
        ("One.\n\n[pause 2s]\n\nTwo.\n", (Speech("One."), Pause(2000), Speech("Two."))),
        ("One.\n[pause 500ms]\nTwo.\n", (Speech("One."), Pause(500), Speech("Two."))),
        ("One.\n[Pause 1.5 seconds]\nTwo.\n", (Speech("One."), Pause(1500), Speech("Two."))),
        ("One.\n# a note to a colleague\nTwo.\n", (Speech("One."), Speech("Two."))),
        ("\n\n  One.  \n\n", (Speech("One."),)),
        ("It lasts {total length}.\n", (Speech("It lasts {total length}."),)),
        ("Section two, {length of section 2}.\n", (Speech("Section two, {length of section 2}."),)),
    ],
)
def test_parse_body(body: str, lines: tuple[object, ...]) -> None:
    assert parse_script(HEADER + body, "s.txt").lines == lines


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("One.\n[paws 2s]\n", r"s\.txt, line 5: cannot read '\[paws 2s\]'"),
        ("One.\n[pause two seconds]\n", r"line 5: cannot read"),
        ("One.\n[pause 0s]\n", r"line 5: a pause must be longer than 0 and at most 30s"),
        ("One.\n[pause 60s]\n", r"line 5: a pause must be"),
        ("One. [pause 2s] Two.\n", r"line 4: put \[pause \.\.\.\] on a line of its own"),
        ("It lasts {total}.\n", r"line 4: unknown placeholder \{total\}"),
        ("A { stray brace.\n", r"line 4: unmatched brace"),
    ],
)
def test_bad_syntax_names_the_file_and_line(body: str, message: str) -> None:
    with pytest.raises(NarrationError, match=message):
        parse_script(HEADER + body, Path("narration/x/s.txt"))


def test_bad_chapter_header_is_an_error() -> None:
    with pytest.raises(NarrationError, match=r"'# chapter: two' should read '# chapter: N of M'"):
        parse_script("# chapter: two\n\nOne.\n", "s.txt")


def test_windows_line_endings_and_bom_are_read() -> None:
    narration = _narration()
    text = render_script(narration.chapters[1], narration, SOURCE)
    windows = "\ufeff" + text.replace("\n", "\r\n")
    parsed = parse_script(windows, "s.txt")
    assert parsed.lines == narration.chapters[1].lines
    assert not parsed.edited


def test_edited_means_the_body_changed() -> None:
    narration = _narration()
    text = render_script(narration.chapters[1], narration, SOURCE)
    assert not parse_script(text.replace("\n", "   \n") + "\n\n", "s.txt").edited
    assert parse_script(text.replace("Text of part one.", "Text of part 1."), "s.txt").edited
    assert parse_script(text.replace("# generated-sha256", "# lost"), "s.txt").edited


def test_a_script_that_is_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "02-part-one.txt"
    path.write_bytes("Caf\u00e9 \u2013 open".encode("cp1252"))
    with pytest.raises(NarrationError, match=r"is not UTF-8 text.*save it as UTF-8"):
        read_script(path)


# --------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------


def test_write_scripts_writes_one_utf8_file_per_chapter(tmp_path: Path) -> None:
    narration = _narration()
    folder = tmp_path / "narration" / narration.slug
    result = write_scripts(narration, folder, source_sha256=SOURCE)
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["01-introduction.txt", "02-part-one.txt", "03-part-two.txt"]
    assert [p.name for p in result.written] == names
    assert result.kept_edited == result.backups == result.removed == result.orphans == ()
    for chapter in narration.chapters:
        path = script_path(folder, chapter)
        assert path.read_bytes().decode("utf-8") == render_script(chapter, narration, SOURCE)
    again = write_scripts(narration, folder, source_sha256=SOURCE)
    assert again.written == () and len(again.unchanged) == 3


def test_edited_script_is_kept_and_reported(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    write_scripts(_narration(), folder, source_sha256=SOURCE)
    edited = folder / "02-part-one.txt"
    _edit(edited, "Text of part one.", "Text of part one, as the nurse says it.")
    before = edited.read_bytes()

    changed = _narration(extra=" New words.")
    result = write_scripts(changed, folder, source_sha256="f" * 64)
    assert result.kept_edited == (edited,)
    assert edited.read_bytes() == before
    assert folder / "03-part-two.txt" in result.written
    assert result.backups == ()


def test_force_overwrites_an_edited_script_after_a_backup(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    narration = _narration()
    write_scripts(narration, folder, source_sha256=SOURCE)
    edited = folder / "02-part-one.txt"
    _edit(edited, "Text of part one.", "My own words.")
    edited_text = edited.read_text(encoding="utf-8")

    result = write_scripts(narration, folder, source_sha256=SOURCE, force=True)
    backup = folder / "02-part-one.txt.bak"
    assert result.backups == (backup,)
    assert result.written == (edited,)
    assert backup.read_text(encoding="utf-8") == edited_text
    assert edited.read_text(encoding="utf-8") == render_script(
        narration.chapters[1], narration, SOURCE
    )

    _edit(edited, "Text of part one.", "Second edit.")
    second = write_scripts(narration, folder, source_sha256=SOURCE, force=True)
    assert second.backups == (folder / "02-part-one.txt.2.bak",)
    assert backup.read_text(encoding="utf-8") == edited_text


def test_edit_that_matches_the_new_text_is_simply_rewritten(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    write_scripts(_narration(), folder, source_sha256=SOURCE)
    path = folder / "02-part-one.txt"
    _edit(path, "Text of part one.\n", "Text of part one.\nNew words.\n")
    result = write_scripts(_narration(extra=" New words."), folder, source_sha256=SOURCE)
    assert path in result.written and result.kept_edited == () and result.backups == ()
    assert not read_script(path).edited


def test_stale_scripts_are_removed_unless_edited(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    write_scripts(_narration(sections=3), folder, source_sha256=SOURCE)
    _edit(folder / "04-part-three.txt", "Text of part three.", "Edited.")
    (folder / "notes.txt").write_text("not a script", encoding="utf-8")

    result = write_scripts(_narration(sections=1), folder, source_sha256=SOURCE)
    assert result.removed == (folder / "03-part-two.txt",)
    assert result.orphans == (folder / "04-part-three.txt",)
    assert (folder / "04-part-three.txt").exists()
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "not a script"
    assert not (folder / "03-part-two.txt").exists()

    forced = write_scripts(_narration(sections=1), folder, source_sha256=SOURCE, force=True)
    assert forced.removed == (folder / "04-part-three.txt",)
    assert forced.backups == (folder / "04-part-three.txt.bak",)


def test_an_interrupted_write_leaves_the_old_script_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "s"
    write_scripts(_narration(), folder, source_sha256=SOURCE)
    path = folder / "02-part-one.txt"
    before = path.read_bytes()

    def fail(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(fileio.os, "replace", fail)
    with pytest.raises(KeyboardInterrupt):
        write_scripts(_narration(extra=" Changed."), folder, source_sha256=SOURCE)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == [
        "01-introduction.txt",
        "02-part-one.txt",
        "03-part-two.txt",
    ]


def test_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(NarrationError, match="Cannot create the narration folder"):
        write_scripts(_narration(), blocker / "sub", source_sha256=SOURCE)


# --------------------------------------------------------------------------
# loading
# --------------------------------------------------------------------------


def test_load_uses_generated_lines_when_nothing_was_edited(tmp_path: Path) -> None:
    narration = _narration()
    write_scripts(narration, tmp_path, source_sha256=SOURCE)
    loaded, warnings = load_scripts(narration, tmp_path)
    assert loaded == narration
    assert warnings == []
    missing, warnings = load_scripts(narration, tmp_path / "absent")
    assert missing == narration and warnings == []


def test_load_uses_the_edited_lines(tmp_path: Path) -> None:
    narration = _narration()
    write_scripts(narration, tmp_path, source_sha256=SOURCE)
    _edit(tmp_path / "02-part-one.txt", "Text of part one.\n", "Said my way.\n[pause 2s]\n")
    loaded, warnings = load_scripts(narration, tmp_path)
    assert warnings == []
    assert loaded.chapters[1].lines == (
        Speech("Section two of three. Part one."),
        Pause(1000),
        Speech("Said my way."),
        Pause(2000),
        Speech("Call one one six, one two three."),
        Speech("That number again: one one six, one two three."),
        Pause(1000),
        Speech("End of section two."),
    )
    assert loaded.chapters[0] == narration.chapters[0]
    assert loaded.chapters[2] == narration.chapters[2]
    assert dataclasses.replace(loaded.chapters[1], lines=()) == dataclasses.replace(
        narration.chapters[1], lines=()
    )


def test_load_warns_when_the_leaflet_changed_under_an_edited_script(tmp_path: Path) -> None:
    write_scripts(_narration(), tmp_path, source_sha256=SOURCE)
    path = tmp_path / "02-part-one.txt"
    _edit(path, "Text of part one.", "Said my way.")
    changed = _narration(extra=" New words.")
    loaded, warnings = load_scripts(changed, tmp_path)
    assert Speech("Said my way.") in loaded.chapters[1].lines
    assert len(warnings) == 1
    assert str(path) in warnings[0] and "changed since" in warnings[0]


def test_load_warns_about_an_edited_script_whose_chapter_is_gone(tmp_path: Path) -> None:
    write_scripts(_narration(sections=3), tmp_path, source_sha256=SOURCE)
    _edit(tmp_path / "04-part-three.txt", "Text of part three.", "Mine.")
    smaller = _narration(sections=1)
    write_scripts(smaller, tmp_path, source_sha256=SOURCE)
    _, warnings = load_scripts(smaller, tmp_path)
    assert len(warnings) == 1
    assert "04-part-three.txt" in warnings[0] and "no longer in the leaflet" in warnings[0]


def test_an_edited_script_with_nothing_to_say_is_an_error(tmp_path: Path) -> None:
    narration = _narration()
    write_scripts(narration, tmp_path, source_sha256=SOURCE)
    path = tmp_path / "02-part-one.txt"
    header = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    path.write_text(header + "\n\n# everything deleted\n", encoding="utf-8")
    with pytest.raises(NarrationError, match="has no sentences left"):
        load_scripts(narration, tmp_path)


def test_scripts_are_plain_files_with_no_leftovers(tmp_path: Path) -> None:
    write_scripts(_narration(), tmp_path, source_sha256=SOURCE)
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".")]
