"""Earlier published bundles are kept aside and can be put back (docs/safety.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audio_leaflet.errors import BuildError
from audio_leaflet.manifest import MANIFEST_NAME, load_manifest
from audio_leaflet.pipeline import build_leaflet, restore_version
from audio_leaflet.publish import make_staging, publish
from audio_leaflet.versions import (
    KEEP_VERSIONS,
    REFUSED,
    list_versions,
    refused_findings,
    store_dir,
)
from pipeline_helpers import settings_for, small_leaflet


def _bundle_with(folder: Path, marker: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MANIFEST_NAME).write_text(json.dumps({"marker": marker}))
    (folder / "01-introduction.mp3").write_bytes(marker.encode())


def test_each_replaced_bundle_is_kept_outside_the_out_dir(tmp_path: Path) -> None:
    out = tmp_path / "audio_out"
    bundle = out / "leaflet"
    store = store_dir(tmp_path / "cache", out, "leaflet")
    _bundle_with(bundle, "first")
    for number in range(2, KEEP_VERSIONS + 3):
        staging = make_staging(bundle)
        _bundle_with(staging, f"build {number}")
        publish(staging, bundle, store)
    # The out-dir holds the newest bundle and nothing else: no copies to upload.
    assert [p.name for p in out.iterdir()] == ["leaflet"]
    assert (bundle / "01-introduction.mp3").read_text() == f"build {KEEP_VERSIONS + 2}"
    kept = list_versions(store)
    assert len(kept) == KEEP_VERSIONS
    markers = [(v.folder / "01-introduction.mp3").read_text() for v in kept]
    # Newest first: the bundles each build replaced.
    assert markers == [f"build {n}" for n in range(KEEP_VERSIONS + 1, 1, -1)]


def test_a_folder_with_no_manifest_is_never_kept_as_a_version(tmp_path: Path) -> None:
    out = tmp_path / "audio_out"
    bundle = out / "leaflet"
    store = store_dir(tmp_path / "cache", out, "leaflet")
    bundle.mkdir(parents=True)
    staging = make_staging(bundle)
    _bundle_with(staging, "new")
    publish(staging, bundle, store)
    assert list_versions(store) == []


@pytest.mark.slow
def test_a_version_is_put_back_as_it_was_and_the_replaced_one_kept(tmp_path: Path) -> None:
    leaflet = small_leaflet("pipeline-sleep.txt", tmp_path / "leaflets")
    settings = settings_for(tmp_path / "work", tmp_path / "cache", engine="espeak")
    first = build_leaflet(leaflet, settings)
    first_manifest = (first.bundle / MANIFEST_NAME).read_bytes()
    first_files = {p.name: p.read_bytes() for p in first.bundle.iterdir()}
    leaflet.write_text(leaflet.read_text() + "\nOne more sentence, added later.\n")
    second = build_leaflet(leaflet, settings)
    assert (second.bundle / MANIFEST_NAME).read_bytes() != first_manifest
    store = store_dir(settings.cache_dir, settings.out_dir, first.slug)
    [kept] = list_versions(store)
    assert load_manifest(kept.folder).built_at == kept.built

    restore_version(settings, first.slug, kept.name)
    assert {p.name: p.read_bytes() for p in first.bundle.iterdir()} == first_files
    assert len(list_versions(store)) == 2  # the second build is kept in turn
    # The leaflet still says the new sentence, so the next build makes it again.
    third = build_leaflet(leaflet, settings)
    assert not third.up_to_date

    with pytest.raises(BuildError, match="no earlier version called 'nonsense'"):
        restore_version(settings, first.slug, "nonsense")


@pytest.mark.slow
def test_a_refused_bundle_is_kept_to_be_heard_and_a_passing_build_clears_it(
    tmp_path: Path,
) -> None:
    from audio_leaflet.errors import CheckFailed

    leaflet = small_leaflet("pipeline-sleep.txt", tmp_path / "leaflets")
    lexicon = tmp_path / "lexicon.toml"
    # The voice says "Section four of three" where the narration says two: the check's
    # announcement rule refuses that whatever the recogniser makes of the rest.
    lexicon.write_text('[words.two]\nsay = "four"\n')
    settings = settings_for(tmp_path / "work", tmp_path / "cache", engine="espeak", check=True)
    with pytest.raises(CheckFailed) as refused:
        build_leaflet(leaflet, settings.replace(lexicon=lexicon))
    kinds = {p.kind.value for p in refused.value.problems}
    assert "announcement" in kinds, kinds
    slug = "sleep-and-dystonia"
    store = store_dir(settings.cache_dir, settings.out_dir, slug)
    assert (store / REFUSED / MANIFEST_NAME).is_file()
    found = refused_findings(store)
    assert [f["message"] for f in found] == [p.to_json()["message"] for p in refused.value.problems]
    assert all(f["text"] for f in found)
    assert not (settings.out_dir / slug).exists()  # nothing was published
    build_leaflet(leaflet, settings)
    assert not (store / REFUSED).exists() and refused_findings(store) == []
