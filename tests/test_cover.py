"""The cover: generated (square, in size, legible, high contrast) or supplied (validated)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from audio_leaflet import cover
from audio_leaflet.cover import contrast_ratio, load_cover, make_cover
from audio_leaflet.errors import UsageError

TITLE = "Dystonia and mental health"
ORGANISATION = "The Dystonia Society"


def open_jpeg(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    return image


def text_bands(pixels: np.ndarray, colour: tuple[int, int, int]) -> list[tuple[int, int]]:
    """(top, bottom) of each horizontal band of rows that hold pixels close to `colour`."""
    close = np.abs(pixels.astype(int) - np.array(colour)).sum(axis=2) < 60
    rows = close.any(axis=1)
    bands = []
    top = None
    for y, has in enumerate(rows):
        if has and top is None:
            top = y
        elif not has and top is not None:
            bands.append((top, y))
            top = None
    if top is not None:
        bands.append((top, len(rows)))
    return bands


@pytest.mark.parametrize("size", [1400, 2048, 3000])
def test_cover_is_a_square_rgb_jpeg_of_the_size_asked(size: int) -> None:
    image = open_jpeg(make_cover(TITLE, ORGANISATION, size=size))
    assert image.size == (size, size)
    assert image.mode == "RGB"
    assert not image.info.get("progressive")  # baseline: every player decodes it


@pytest.mark.parametrize("size", [1399, 3001])
def test_cover_size_out_of_range_is_refused(size: int) -> None:
    with pytest.raises(UsageError, match="1400 to 3000"):
        make_cover(TITLE, ORGANISATION, size=size)


def test_text_contrast_measured_on_the_pixels() -> None:
    pixels = np.asarray(open_jpeg(make_cover(TITLE, ORGANISATION)))
    colours, counts = np.unique(pixels.reshape(-1, 3) // 8 * 8, axis=0, return_counts=True)
    background = tuple(int(c) + 4 for c in colours[np.argmax(counts)])
    # Text pixels: the brightest tenth of a per cent, i.e. the cores of the strokes.
    luminance = pixels.astype(float) @ np.array([0.2126, 0.7152, 0.0722])
    cores = pixels[luminance >= np.percentile(luminance, 99.9)]
    text = tuple(int(c) for c in np.median(cores, axis=0))
    ratio = contrast_ratio(text, background)
    print(f"background {background}, text {text}, contrast {ratio:.1f}:1")
    assert ratio >= 7.0
    assert contrast_ratio(cover.TEXT, cover.BACKGROUND) >= 7.0
    assert contrast_ratio(cover.ACCENT, cover.BACKGROUND) >= 7.0


def test_title_is_large_and_organisation_legible() -> None:
    size = 1400
    pixels = np.asarray(open_jpeg(make_cover(TITLE, ORGANISATION, size=size)))
    bands = text_bands(pixels, cover.TEXT)
    heights = [bottom - top for top, bottom in bands]
    # Title lines: each at least 7 % of the cover tall (about 100 px at 1400 px).
    assert sum(1 for h in heights if h >= 0.07 * size) >= 2
    # The organisation's line (the lowest band) at least 3 % tall (about 42 px).
    assert heights[-1] >= 0.03 * size
    assert bands[-1][0] > 0.8 * size


@pytest.mark.parametrize(
    "title",
    [
        "A" * 120,
        "Botulinum toxin treatment for cervical dystonia and blepharospasm: " * 3,
        "Dystonie et santé mentale : être écouté",
    ],
    ids=["one-long-word", "very-long-title", "accents"],
)
def test_long_titles_wrap_inside_the_margins(title: str) -> None:
    size = 1400
    pixels = np.asarray(open_jpeg(make_cover(title, ORGANISATION * 2, size=size)))
    close = np.abs(pixels.astype(int) - np.array(cover.TEXT)).sum(axis=2) < 120
    columns = np.flatnonzero(close.any(axis=0))
    rows = np.flatnonzero(close.any(axis=1))
    margin = 110 * 0.8
    assert columns.min() >= margin and columns.max() <= size - margin
    assert rows.min() >= margin and rows.max() <= size - margin * 0.5


def test_cover_without_a_system_font(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cover, "_FONT_FILES", ())
    pixels = np.asarray(open_jpeg(make_cover(TITLE, ORGANISATION)))
    bands = text_bands(pixels, cover.TEXT)
    assert sum(1 for top, bottom in bands if bottom - top >= 0.07 * 1400) >= 1


def test_cover_is_deterministic() -> None:
    assert make_cover(TITLE, ORGANISATION) == make_cover(TITLE, ORGANISATION)
    assert make_cover(TITLE, ORGANISATION) != make_cover(TITLE, "Another charity")


def test_empty_organisation_still_draws() -> None:
    image = open_jpeg(make_cover(TITLE, ""))
    assert image.size == (1400, 1400)


# --------------------------------------------------------------------------
# a supplied cover
# --------------------------------------------------------------------------


def save(image: Image.Image, path: Path, **options: object) -> Path:
    image.save(path, **options)
    return path


@pytest.mark.parametrize(
    ("size", "expected"),
    [((2000, 1500), 1500), ((800, 800), 1400), ((4000, 3000), 3000), ((1400, 2100), 1400)],
)
def test_supplied_cover_is_cropped_square_and_sized(
    tmp_path: Path, size: tuple[int, int], expected: int
) -> None:
    path = save(Image.new("RGB", size, (200, 30, 30)), tmp_path / "logo.png")
    image = open_jpeg(load_cover(path))
    assert image.size == (expected, expected)
    assert image.mode == "RGB"


def test_supplied_cover_is_centre_cropped(tmp_path: Path) -> None:
    image = Image.new("RGB", (3000, 1500), (0, 0, 255))
    image.paste((255, 0, 0), (750, 0, 2250, 1500))  # the middle square is red
    loaded = np.asarray(open_jpeg(load_cover(save(image, tmp_path / "wide.png"))))
    assert loaded.shape == (1500, 1500, 3)
    assert (loaded[:, :, 0] > 200).mean() > 0.98


def test_transparent_cover_is_laid_on_white(tmp_path: Path) -> None:
    image = Image.new("RGBA", (1500, 1500), (0, 0, 0, 0))
    image.paste((0, 0, 0, 255), (0, 0, 750, 1500))
    loaded = np.asarray(open_jpeg(load_cover(save(image, tmp_path / "alpha.png"))))
    assert loaded[750, 1200].min() > 245  # transparent -> white
    assert loaded[750, 300].max() < 10  # opaque black stays black


def test_exif_rotation_is_applied(tmp_path: Path) -> None:
    image = Image.new("RGB", (2000, 1500), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 1000, 1500))  # left half red, stored sideways
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to display
    path = save(image, tmp_path / "photo.jpg", exif=exif)
    loaded = np.asarray(open_jpeg(load_cover(path)))
    # Displayed upright the red half is on top.
    assert loaded[100, 750, 0] > 200 and loaded[100, 750, 2] < 60
    assert loaded[-100, 750, 2] > 200 and loaded[-100, 750, 0] < 60


def test_small_cover_is_refused(tmp_path: Path) -> None:
    path = save(Image.new("RGB", (600, 900), "white"), tmp_path / "small.png")
    with pytest.raises(UsageError, match=r"small.png is 600x900 px: .*at least 1400x1400"):
        load_cover(path)


def test_not_an_image_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cover.jpg"
    path.write_text("this is a text file, not a picture\n")
    with pytest.raises(UsageError, match=r"cover\.jpg cannot be read as an image"):
        load_cover(path)


def test_truncated_image_is_refused(tmp_path: Path) -> None:
    path = save(Image.new("RGB", (1500, 1500), "white"), tmp_path / "cut.png")
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(UsageError, match=r"cut\.png cannot be read as an image"):
        load_cover(path)


def test_missing_cover_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        load_cover(tmp_path / "missing.png")
