"""Incremental builds of the seed leaflet (issue 4): edit one sentence, rebuild, or change nothing.

The seed build of the session (conftest `seed_build`) is copied before anything
is changed. The edit is made on a copy of the leaflet's text in a tmp folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from types import SimpleNamespace

import pytest

from audio_leaflet.manifest import Manifest, verify_files
from audio_leaflet.pipeline import build_leaflet
from audio_leaflet.status import ChapterState, leaflet_status
from conftest import SEED_LEAFLET
from helpers.pipeline import (
    BASE_URL,
    SEED_SLUG,
    copy_work,
    manifest_of,
    repaced_sentences,
    settings_for,
    snapshot,
    staging_folders,
)

OLD_SENTENCE = (
    "This can help deal with specific conditions, cope with a crisis, improve relationships, "
    "or develop better ways of living."
)
NEW_SENTENCE = OLD_SENTENCE.replace("ways of living.", "ways of coping.")
EDITED_CHAPTER = 5  # "Talking therapies"


def _built_at(manifest: dict[str, object]) -> dt.datetime:
    return dt.datetime.fromisoformat(str(manifest["built_at"]).replace("Z", "+00:00"))


def _chapter_cache(cache: Path) -> set[str]:
    return {p.name for p in (cache / "chapters").rglob("*.wav")}


@pytest.fixture(scope="module")
def edit(
    seed_build: Path, session_cache: Path, tmp_path_factory: pytest.TempPathFactory
) -> SimpleNamespace:
    """The seed build copied, one sentence of one section edited, status taken, then rebuilt."""
    folder = tmp_path_factory.mktemp("one-sentence-edit")
    work = copy_work(seed_build, folder / "work")
    text = SEED_LEAFLET.read_text(encoding="utf-8")
    assert text.count("or develop better ways of living.") == 1
    leaflet = folder / SEED_LEAFLET.name  # edited where staff keep it: same name, new place
    leaflet.write_text(text.replace("ways of living.", "ways of coping."), encoding="utf-8")
    settings = settings_for(work, session_cache, base_url=BASE_URL)
    bundle = work / "audio_out" / SEED_SLUG
    before = manifest_of(bundle)
    stamps_before = snapshot(bundle)
    chapters_cached_before = _chapter_cache(session_cache)
    status = leaflet_status(leaflet, settings)
    # Same day as the seed build, so the recording date says the same words.
    result = build_leaflet(leaflet, settings, now=lambda: _built_at(before))
    return SimpleNamespace(
        leaflet=leaflet,
        bundle=bundle,
        before=before,
        after=manifest_of(bundle),
        stamps_before=stamps_before,
        stamps_after=snapshot(bundle),
        new_chapter_audio=_chapter_cache(session_cache) - chapters_cached_before,
        status=status,
        result=result,
    )


def test_status_names_exactly_the_edited_chapter_and_sentence(edit: SimpleNamespace) -> None:
    status = edit.status
    assert status.built and status.source_changed and not status.up_to_date
    changed = [c for c in status.chapters if c.state is not ChapterState.UNCHANGED]
    assert [(c.number, c.title, c.state) for c in changed] == [
        (EDITED_CHAPTER, "Talking therapies", ChapterState.CHANGED)
    ]
    assert changed[0].changed_sentences == (NEW_SENTENCE,)
    assert changed[0].removed_sentences == (OLD_SENTENCE,)
    assert not any(c.edited_by_hand for c in status.chapters)
    assert status.reasons == ()


def _intro_texts(manifest: dict[str, object]) -> set[str]:
    chapters = manifest["chapters"]
    assert isinstance(chapters, list)
    return {cue["text"] for cue in chapters[0]["cues"]}


def test_rebuild_speaks_only_the_changed_sentence(edit: SimpleNamespace) -> None:
    result = edit.result
    assert not result.up_to_date
    assert result.synthesized == len(result.synthesized_sentences)
    intro_before = _intro_texts(edit.before)
    intro_after = _intro_texts(edit.after)
    in_sections = {s for s in result.synthesized_sentences if s not in intro_after}
    assert NEW_SENTENCE in in_sections
    assert in_sections - {NEW_SENTENCE} <= repaced_sentences(edit.before, edit.after)
    # The introduction is spoken again only where a length it states changed.
    in_intro = [s for s in result.synthesized_sentences if s in intro_after]
    assert not (set(in_intro) - repaced_sentences(edit.before, edit.after)) & intro_before
    assert result.synthesized >= 1
    assert result.reused > 80


def test_rebuild_reassembles_only_the_chapters_that_changed(edit: SimpleNamespace) -> None:
    intro_changed = _intro_texts(edit.before) != _intro_texts(edit.after)
    expected = (1, EDITED_CHAPTER) if intro_changed else (EDITED_CHAPTER,)
    assert edit.result.chapters_changed == expected
    assert len(edit.new_chapter_audio) == len(expected)


def test_unchanged_chapter_files_are_the_same_files(edit: SimpleNamespace) -> None:
    before = {c["number"]: c for c in edit.before["chapters"]}
    after = {c["number"]: c for c in edit.after["chapters"]}
    assert before.keys() == after.keys()
    for number, chapter in after.items():
        name = chapter["file"]
        if number in edit.result.chapters_changed:
            assert chapter["sha256"] != before[number]["sha256"]
            continue
        assert chapter["sha256"] == before[number]["sha256"], name
        # Not even copied: the published file itself was kept (same inode and time).
        assert edit.stamps_after[name] == edit.stamps_before[name], name
        data = (edit.bundle / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == before[number]["sha256"]
    assert edit.after["full"]["sha256"] != edit.before["full"]["sha256"]


def test_rebuilt_bundle_is_complete_and_its_history_grows(edit: SimpleNamespace) -> None:
    after = edit.after
    assert verify_files(edit.bundle, Manifest.from_json(after)) == []
    assert not staging_folders(edit.bundle.parent)
    old, new = edit.before["history"][-1], after["history"][-1]
    assert new["build"] == old["build"] + 1
    assert new["chapters_changed"] == list(edit.result.chapters_changed)
    digest = hashlib.sha256(edit.leaflet.read_bytes()).hexdigest()
    assert new["source_sha256"] == digest == after["source"]["sha256"]
    assert after["source"]["updated"] == edit.before["source"]["updated"]
    cues = {c["text"] for chapter in after["chapters"] for c in chapter["cues"]}
    assert NEW_SENTENCE in cues and OLD_SENTENCE not in cues


def test_status_after_the_rebuild_is_up_to_date(edit: SimpleNamespace, session_cache: Path) -> None:
    work = edit.bundle.parent.parent
    status = leaflet_status(edit.leaflet, settings_for(work, session_cache, base_url=BASE_URL))
    assert status.up_to_date
    assert {c.state for c in status.chapters} == {ChapterState.UNCHANGED}


def test_a_build_with_nothing_changed_writes_nothing(
    seed_build: Path, seed_leaflet: Path, session_cache: Path, tmp_path: Path
) -> None:
    work = copy_work(seed_build, tmp_path / "work")
    settings = settings_for(work, session_cache, base_url=BASE_URL)
    out_dir = work / "audio_out"
    assert (out_dir / "feed.xml").is_file() and (out_dir / "index.html").is_file()
    before = snapshot(work)

    result = build_leaflet(seed_leaflet, settings)

    assert result.up_to_date
    assert (result.synthesized, result.reused, result.chapters_changed) == (0, 0, ())
    assert snapshot(work) == before, "no file in the bundle, the out-dir or narration/ rewritten"
    assert not staging_folders(out_dir), "no staging folder was made"
