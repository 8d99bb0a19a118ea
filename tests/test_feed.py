"""The podcast feed (docs/formats.md), read back by lxml, feedparser and gPodder's `gpo`."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import http.server
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html

from audio_leaflet.bundle import ChannelInfo, podcast_guid, write_feed, write_site_index
from audio_leaflet.bundle.feed import ATOM, CONTENT, ITUNES, PODCAST, episode_guid
from audio_leaflet.errors import BuildError, UsageError
from helpers.bundle import NASTY, make_bundle, sha256, typed

BASE = "https://leaflets.example.org/audio/"
NS = {"itunes": ITUNES, "content": CONTENT, "atom": ATOM, "podcast": PODCAST}
MENTAL_HEALTH = [
    ("Introduction", ["Section 1 of 2. Introduction.", "This leaflet is about mental health."]),
    ("Getting support", ["Section 2 of 2. Getting support.", "End of leaflet."]),
]


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    out = tmp_path_factory.mktemp("out")
    manifests = [
        make_bundle(out, title="Dystonia and mental health", chapters=MENTAL_HEALTH),
        make_bundle(
            out,
            title=NASTY,
            chapters=[("Introduction", ["Hello."]), (NASTY, ["A sentence."])],
            built_at="2026-12-01T09:30:00Z",
        ),
    ]
    return out, manifests


def _item(root: Any, slug: str) -> Any:
    items = [i for i in root.iter("item") if i.findtext("guid").startswith(f"{BASE}{slug}/#")]
    assert len(items) == 1
    return items[0]


@pytest.mark.parametrize(
    ("url", "guid"),
    [
        # Vectors from the podcast namespace's guid.md and feedgen's test suite.
        ("https://mp3s.nashownotes.com/pc20rss.xml", "917393e3-1b1e-5cef-ace4-edaa54e1f810"),
        ("podnews.net/rss/", "9b024349-ccf0-5f69-a609-6b82873eab3c"),
        ("https://podnews.net/rss", "9b024349-ccf0-5f69-a609-6b82873eab3c"),
    ],
)
def test_podcast_guid(url: str, guid: str) -> None:
    assert podcast_guid(url) == guid


def test_feed_has_every_required_tag(out_dir: tuple[Path, list[dict[str, Any]]]) -> None:
    out, manifests = out_dir
    path = write_feed(out, typed(*manifests), base_url=BASE.rstrip("/"))
    assert path == out / "feed.xml"
    raw = path.read_bytes()
    assert raw.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = etree.fromstring(raw)
    assert root.tag == "rss" and root.get("version") == "2.0"
    assert {k: v for k, v in root.nsmap.items()} == NS
    channel = root.find("channel")
    assert channel.findtext("title") == "The Dystonia Society audio leaflets"
    assert channel.findtext("description")
    assert channel.findtext("language") == "en-GB"
    assert channel.findtext("link") == BASE
    self_link = channel.find("atom:link", NS)
    assert self_link.get("rel") == "self" and self_link.get("href") == BASE + "feed.xml"
    assert self_link.get("type") == "application/rss+xml"
    assert channel.find("itunes:image", NS).get("href").startswith(BASE)
    category = channel.find("itunes:category", NS)
    assert category.get("text") == "Health & Fitness"
    assert category.find("itunes:category", NS).get("text") == "Medicine"
    assert channel.findtext("itunes:explicit", namespaces=NS) == "false"
    assert channel.findtext("podcast:guid", namespaces=NS) == podcast_guid(BASE + "feed.xml")

    items = channel.findall("item")
    assert len(items) == 2
    # Newest first.
    assert [i.findtext("title") for i in items] == [NASTY, "Dystonia and mental health"]
    for manifest in manifests:
        slug = manifest["slug"]
        audio = out / slug / manifest["full"]["file"]
        item = _item(root, slug)
        assert item.findtext("title") == manifest["title"]
        assert manifest["title"] in item.findtext("description")
        encoded = lxml_html.fragment_fromstring(
            item.findtext("content:encoded", namespaces=NS), create_parent="div"
        )
        assert [li.text_content().rsplit(" (", 1)[0] for li in encoded.xpath("ol/li")] == [
            c["title"] for c in manifest["chapters"]
        ]
        assert [a.get("href") for a in encoded.xpath("ul/li/a")] == [
            f"{BASE}{slug}/{slug}.epub",
            f"{BASE}{slug}/{slug}-daisy.zip",
        ]
        enclosure = item.find("enclosure")
        assert int(enclosure.get("length")) == os.path.getsize(audio)
        assert enclosure.get("type") == "audio/mpeg"
        assert enclosure.get("url") == (
            f"{BASE}{slug}/{manifest['full']['file']}?v={sha256(audio)[:16]}"
        )
        guid = item.find("guid")
        # The leaflet's folder and its audio's version: new audio, a new episode.
        assert guid.text == f"{BASE}{slug}/#{sha256(audio)[:16]}"
        assert guid.get("isPermaLink") == "false"
        published = parsedate_to_datetime(item.findtext("pubDate"))
        assert published == dt.datetime.fromisoformat(manifest["built_at"].replace("Z", "+00:00"))
        assert item.findtext("itunes:duration", namespaces=NS) == str(
            round(manifest["full"]["duration_ms"] / 1000)
        )
        chapters = item.find("podcast:chapters", NS)
        assert chapters.get("url") == f"{BASE}{slug}/chapters.json"
        assert chapters.get("type") == "application/json+chapters"
        transcript = item.find("podcast:transcript", NS)
        assert transcript.get("url") == f"{BASE}{slug}/{slug}.vtt"
        assert transcript.get("type") == "text/vtt"
        # Every URL in the item points at a file that exists in the bundle.
        for url in (chapters.get("url"), transcript.get("url"), enclosure.get("url")):
            assert (out / url[len(BASE) :].split("?")[0]).is_file()


def test_feedparser_reads_the_episodes(out_dir: tuple[Path, list[dict[str, Any]]]) -> None:
    out, manifests = out_dir
    parsed = feedparser.parse(write_feed(out, typed(*manifests), base_url=BASE).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "The Dystonia Society audio leaflets"
    by_id = {entry.id: entry for entry in parsed.entries}
    ids = {m["slug"]: _item_guid(BASE, out, m["slug"]) for m in manifests}
    assert set(by_id) == set(ids.values())
    for manifest in manifests:
        entry = by_id[ids[manifest["slug"]]]
        assert entry.title == manifest["title"]
        (enclosure,) = entry.enclosures
        assert enclosure.type == "audio/mpeg"
        assert int(enclosure.length) == os.path.getsize(
            out / manifest["slug"] / manifest["full"]["file"]
        )
        assert entry.itunes_duration == str(round(manifest["full"]["duration_ms"] / 1000))


def test_feed_is_the_same_bytes_for_the_same_bundles(
    out_dir: tuple[Path, list[dict[str, Any]]],
) -> None:
    out, manifests = out_dir
    first = write_feed(out, typed(*manifests), base_url=BASE).read_bytes()
    later = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    assert (
        write_feed(out, typed(*reversed(manifests)), base_url=BASE, now=later).read_bytes() == first
    )


def test_a_leaflet_without_build_dates_is_dated_now(tmp_path: Path) -> None:
    manifest = make_bundle(tmp_path, title="Undated", chapters=MENTAL_HEALTH)
    del manifest["built_at"], manifest["history"]
    now = dt.datetime(2027, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    root = etree.parse(str(write_feed(tmp_path, typed(manifest), base_url=BASE, now=now))).getroot()
    assert root.findtext("channel/item/pubDate") == "Thu, 04 Mar 2027 05:06:07 +0000"


def test_channel_details_can_be_given(out_dir: tuple[Path, list[dict[str, Any]]]) -> None:
    out, manifests = out_dir
    channel = ChannelInfo(
        title="Clinic <audio> & more", description="Ours.", image_url="https://x.example/c.jpg"
    )
    root = etree.parse(
        str(write_feed(out, typed(*manifests), base_url=BASE, channel=channel))
    ).getroot()
    assert root.findtext("channel/title") == "Clinic <audio> & more"
    assert root.find("channel/itunes:image", NS).get("href") == "https://x.example/c.jpg"


def test_new_audio_is_a_new_episode_that_replaces_the_old(tmp_path: Path) -> None:
    first = make_bundle(tmp_path, title="Botulinum toxin", chapters=MENTAL_HEALTH)
    before = etree.parse(str(write_feed(tmp_path, typed(first), base_url=BASE))).getroot()
    again = etree.parse(str(write_feed(tmp_path, typed(first), base_url=BASE))).getroot()
    edited = [
        MENTAL_HEALTH[0],
        ("Getting support", ["Section 2 of 2. Support.", "End of leaflet."]),
    ]
    second = make_bundle(
        tmp_path, title="Botulinum toxin", chapters=edited, built_at="2026-12-24T10:00:00Z"
    )
    after = etree.parse(str(write_feed(tmp_path, typed(second), base_url=BASE))).getroot()
    audio = tmp_path / "botulinum-toxin" / "botulinum-toxin.mp3"
    old, same, new = (root.findall("channel/item") for root in (before, again, after))
    assert len(old) == len(same) == len(new) == 1  # one episode per leaflet, always
    old_guid, new_guid = old[0].findtext("guid"), new[0].findtext("guid")
    # The same audio keeps its guid; new audio gets a new one, so apps download it.
    assert same[0].findtext("guid") == old_guid
    assert new_guid == episode_guid(BASE, "botulinum-toxin", sha256(audio)[:16]) != old_guid
    assert old_guid.startswith(f"{BASE}botulinum-toxin/#")
    assert new[0].find("enclosure").get("url").endswith(f"?v={sha256(audio)[:16]}")
    assert int(new[0].find("enclosure").get("length")) == os.path.getsize(audio)
    assert new[0].findtext("pubDate") == "Thu, 24 Dec 2026 10:00:00 +0000"


@pytest.mark.parametrize(
    "bad", ["", "example.org/audio", "ftp://example.org/", "https://x.org/?a=1"]
)
def test_base_url_must_be_http(bad: str, out_dir: tuple[Path, list[dict[str, Any]]]) -> None:
    out, manifests = out_dir
    with pytest.raises(UsageError, match="base-url"):
        write_feed(out, typed(*manifests), base_url=bad)


def test_missing_audio_names_the_file(tmp_path: Path) -> None:
    manifest = make_bundle(tmp_path, title="Gone", chapters=MENTAL_HEALTH)
    (tmp_path / "gone" / "gone.mp3").unlink()
    with pytest.raises(BuildError, match=r"gone\.mp3.*rebuild 'gone'"):
        write_feed(tmp_path, typed(manifest), base_url=BASE)


def test_site_index_lists_every_leaflet(out_dir: tuple[Path, list[dict[str, Any]]]) -> None:
    out, manifests = out_dir
    path = write_site_index(out, typed(*manifests), base_url=BASE)
    doc = lxml_html.parse(str(path)).getroot()
    links = doc.xpath("//ul[@class='leaflets']//a")
    assert sorted((a.text_content(), a.get("href")) for a in links) == sorted(
        (m["title"], f"{m['slug']}/index.html") for m in manifests
    )
    assert all((out / a.get("href")).is_file() for a in links)
    assert BASE + "feed.xml" in doc.text_content()
    assert not doc.xpath("//script")


# ---------------------------------------------------------------- gPodder


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` over HTTP on 127.0.0.1 (docs/safety.md: loopback only)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return None

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def gpo(home: Path, *args: str) -> str:
    """Run gPodder's command-line client non-interactively with its home in `home`."""
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "GPODDER_HOME": str(home / "gpodder"),
        "GPODDER_DOWNLOAD_DIR": str(home / "downloads"),
    }
    # stdin and stdout are not terminals, so gpo never prompts and never pages.
    result = subprocess.run(
        ["gpo", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"gpo {' '.join(args)} failed: {result.stderr}"
    return result.stdout


def _item_guid(base: str, out: Path, slug: str) -> str:
    return episode_guid(base, slug, sha256(out / slug / f"{slug}.mp3")[:16])


def _downloads(home: Path) -> set[bytes]:
    return {p.read_bytes() for p in (home / "downloads").rglob("*.mp3")}


def _listing(text: str) -> dict[str, set[str]]:
    """`gpo episodes --guid` as {episode title: its guids}."""
    listed: dict[str, set[str]] = {}
    for line in text.splitlines():
        number, _, rest = line.strip().partition(". ")
        if number.isdigit():
            # "GUID  <state mark>  TITLE"
            guid, title = rest.split()[0], rest.split("  ")[-1].strip()
            listed.setdefault(title, set()).add(guid)
    return listed


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("gpo") is None, reason="gPodder's gpo is not installed (apt-get install gpodder)"
)
def test_gpodder_gets_the_new_audio_of_an_updated_leaflet_and_keeps_one_episode(
    tmp_path: Path,
) -> None:
    out = tmp_path / "audio_out"
    keeper, browser = tmp_path / "keeper", tmp_path / "browser"
    keeper.mkdir()
    browser.mkdir()
    chapters = [
        ("Introduction", ["Section 1 of 2. Introduction.", "This leaflet is about sleep."]),
        (
            "Sleep",
            ["Section 2 of 2. Sleep.", "Most people need seven hours of sleep.", "End of leaflet."],
        ),
    ]
    other = make_bundle(out, title="Dystonia and mental health", chapters=MENTAL_HEALTH)
    leaflet = out / "dystonia-and-sleep" / "dystonia-and-sleep.mp3"
    with serve(out) as base:
        first = make_bundle(out, title="Dystonia and sleep", chapters=chapters, voice="piper")
        feed = write_feed(out, typed(first, other), base_url=base)
        feed_url = base + "feed.xml"
        old_guid = _item_guid(base, out, "dystonia-and-sleep")
        other_guid = _item_guid(base, out, "dystonia-and-mental-health")

        # One listener downloads every episode; another only subscribes.
        gpo(keeper, "subscribe", feed_url)
        gpo(keeper, "download", feed_url)
        gpo(browser, "subscribe", feed_url)
        old_audio = leaflet.read_bytes()
        assert old_audio in _downloads(keeper)

        # One sentence edited, the bundle rebuilt: new audio, so a new guid.
        edited = [
            chapters[0],
            (
                "Sleep",
                [
                    "Section 2 of 2. Sleep.",
                    "Most adults need eight hours of sleep.",
                    "End of leaflet.",
                ],
            ),
        ]
        second = make_bundle(
            out,
            title="Dystonia and sleep",
            chapters=edited,
            voice="piper",
            built_at="2026-12-02T08:00:00Z",
        )
        new_audio = leaflet.read_bytes()
        assert new_audio != old_audio
        write_feed(out, typed(second, other), base_url=base)
        # http.server answers If-Modified-Since to the second: make the new feed visibly newer.
        later = feed.stat().st_mtime + 60
        os.utime(feed, (later, later))
        new_guid = _item_guid(base, out, "dystonia-and-sleep")
        assert new_guid != old_guid

        for client in (keeper, browser):
            gpo(client, "update", feed_url)
            gpo(client, "download", feed_url)  # as gPodder's automatic download: new episodes
            assert new_audio in _downloads(client), "gPodder did not download the new audio"
        # The listener who never downloaded the old audio has one episode per leaflet.
        assert _listing(gpo(browser, "episodes", "--guid", feed_url)) == {
            "Dystonia and sleep": {new_guid},
            "Dystonia and mental health": {other_guid},
        }
        # gPodder never deletes a file its listener downloaded: the old audio stays in the
        # list, marked downloaded, until the listener deletes it ...
        listing = _listing(gpo(keeper, "episodes", "--guid", feed_url))
        assert listing["Dystonia and sleep"] == {old_guid, new_guid}
        gpo(keeper, "delete", feed_url, old_guid)
        # ... and then, no longer in the feed, it leaves the list when the feed is next read.
        later += 60
        os.utime(feed, (later, later))
        gpo(keeper, "update", feed_url)
        assert _listing(gpo(keeper, "episodes", "--guid", feed_url)) == {
            "Dystonia and sleep": {new_guid},
            "Dystonia and mental health": {other_guid},
        }
