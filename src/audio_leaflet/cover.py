"""The cover image: generated from the title and organisation, or supplied by the user.

Podcast directories want a square JPEG of 1400 to 3000 px (docs/formats.md).
The generated cover is light text on deep blue: many listeners have
blepharospasm, which bright screens bring on, so the picture a player shows
full screen should not glare; the text colours pass WCAG AAA contrast (7:1)
with a wide margin. Everything is drawn locally with Pillow: no network.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from audio_leaflet.errors import UsageError

MIN_SIZE = 1400
"""Smallest side of a cover, px (Apple Podcasts and most directories)."""
MAX_SIZE = 3000
"""Largest side of a cover, px."""
MIN_SUPPLIED_SIZE = 700
"""Smallest side of a supplied image: up to twice enlarged still looks sharp enough."""
JPEG_QUALITY = 90

BACKGROUND = (11, 37, 69)
"""Deep blue, #0B2545."""
TEXT = (255, 250, 240)
"""Warm white, #FFFAF0: 14.6:1 on the background."""
ACCENT = (244, 185, 66)
"""Amber, #F4B942: 8.9:1 on the background; headphones, label and rule."""

_FONT_FILES = (
    # DejaVu and Liberation ship with most Linux systems; Pillow's own font is
    # the fallback, so a cover can always be drawn.
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
    "/Library/Fonts/Arial Bold.ttf",
    "C:/Windows/Fonts/arialbd.ttf",
)


@dataclass(frozen=True)
class _Font:
    """A font at one size and how to draw it bold."""

    face: ImageFont.FreeTypeFont | ImageFont.ImageFont
    """The Pillow font."""
    stroke: int
    """Stroke width that thickens a regular face into a bold one (0 for a bold face)."""

    def width(self, text: str) -> float:
        """Drawn width of `text` in px."""
        return float(self.face.getlength(text)) + 2 * self.stroke


def make_cover(title: str, organisation: str, *, size: int = MIN_SIZE) -> bytes:
    """A square JPEG cover of `size` px with the title large and the organisation legible."""
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise UsageError(f"Cover size {size} px is out of range: use {MIN_SIZE} to {MAX_SIZE} px.")
    title = " ".join(title.split()) or "Audio leaflet"
    organisation = " ".join(organisation.split())
    unit = size / 1400  # the layout is designed at 1400 px and scaled
    margin = round(110 * unit)
    image = Image.new("RGB", (size, size), BACKGROUND)
    draw = ImageDraw.Draw(image)

    # Headphones and a label: says "this is something to listen to" at a glance.
    glyph = round(230 * unit)
    image.paste(_headphones(glyph), (margin, margin), _headphones(glyph, mask_only=True))
    label = _font(round(64 * unit))
    label_y = margin + glyph // 2
    draw.text(
        (margin + glyph + round(50 * unit), label_y),
        "Audio leaflet",
        font=label.face,
        fill=ACCENT,
        anchor="lm",
        stroke_width=label.stroke,
        stroke_fill=ACCENT,
    )

    # The organisation at the foot, under an amber rule.
    width = size - 2 * margin
    organisation_bottom = size - margin
    rule_y = size - round(300 * unit)
    if organisation:
        org_font, org_lines = _fit(organisation, width, round(230 * unit), round(80 * unit), 2)
        line_height = round(_line_height(org_font) * 1.2)
        top = organisation_bottom - line_height * len(org_lines)
        for number, line in enumerate(org_lines):
            _draw_line(draw, (margin, top + number * line_height), line, org_font, TEXT)
        rule_y = top - round(60 * unit)
    draw.rectangle(
        (margin, rule_y, margin + round(260 * unit), rule_y + round(12 * unit)), fill=ACCENT
    )

    # The title, as large as fits between the label and the rule.
    title_top = margin + glyph + round(90 * unit)
    title_bottom = rule_y - round(70 * unit)
    title_font, title_lines = _fit(
        title, width, title_bottom - title_top, round(170 * unit), max_lines=7
    )
    line_height = round(_line_height(title_font) * 1.12)
    block = line_height * len(title_lines)
    top = title_top + max(0, (title_bottom - title_top - block) // 2)
    for number, line in enumerate(title_lines):
        _draw_line(draw, (margin, top + number * line_height), line, title_font, TEXT)

    return _jpeg(image)


def load_cover(path: Path) -> bytes:
    """A user's image as a square RGB JPEG of 1400 to 3000 px (centre-cropped, resized)."""
    try:
        with Image.open(path) as opened:
            opened.load()  # decode now: a truncated file fails here, not later
            image = ImageOps.exif_transpose(opened)
    except FileNotFoundError as error:
        raise UsageError(f"Cover image {path} does not exist: check the path.") from error
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as error:
        raise UsageError(
            f"Cover image {path} cannot be read as an image ({error}): use a JPEG or PNG file."
        ) from error
    side = min(image.size)
    if side < MIN_SUPPLIED_SIZE:
        raise UsageError(
            f"Cover image {path} is {image.width}x{image.height} px: a cover needs at least "
            f"{MIN_SIZE}x{MIN_SIZE} px ({MIN_SUPPLIED_SIZE} px is enlarged); use a larger image."
        )
    image = _flatten(image)
    image = ImageOps.fit(image, (side, side), method=Image.Resampling.LANCZOS)
    target = min(max(side, MIN_SIZE), MAX_SIZE)
    if target != side:
        image = image.resize((target, target), Image.Resampling.LANCZOS)
    return _jpeg(image)


def contrast_ratio(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    """WCAG 2 contrast ratio of two sRGB colours, 1 to 21."""

    def luminance(colour: tuple[int, int, int]) -> float:
        def channel(value: int) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

        red, green, blue = (channel(value) for value in colour)
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# --------------------------------------------------------------------------
# drawing
# --------------------------------------------------------------------------


def _font(size: int) -> _Font:
    """A bold sans-serif font of `size` px: a system one if present, else Pillow's own."""
    for candidate in _FONT_FILES:
        if Path(candidate).is_file():
            return _Font(ImageFont.truetype(candidate, size), 0)
    # Pillow >= 10.1 embeds a scalable regular face; a thin stroke makes it bold.
    return _Font(ImageFont.load_default(size=size), max(1, size // 45))


def _line_height(font: _Font) -> int:
    """Height of a line of text from ascender to descender."""
    _left, top, _right, bottom = font.face.getbbox("Ag", stroke_width=font.stroke)
    return int(bottom - top)


def _draw_line(
    draw: ImageDraw.ImageDraw,
    origin: tuple[int, int],
    text: str,
    font: _Font,
    colour: tuple[int, int, int],
) -> None:
    """Draw one line of text with its top-left at `origin`."""
    draw.text(
        origin,
        text,
        font=font.face,
        fill=colour,
        anchor="la",
        stroke_width=font.stroke,
        stroke_fill=colour,
    )


def _fit(
    text: str, width: int, height: int, largest: int, max_lines: int
) -> tuple[_Font, list[str]]:
    """The largest font (from `largest` down) at which `text` wraps into the box."""
    size = largest
    while True:
        font = _font(size)
        lines = _wrap(text, font, width)
        fits = len(lines) <= max_lines and len(lines) * _line_height(font) * 1.12 <= height
        if fits or size <= 24:
            return font, lines[:max_lines]
        size = int(size * 0.93)


def _wrap(text: str, font: _Font, width: int) -> list[str]:
    """Greedy word wrap by drawn width; a word wider than a line is broken."""
    lines: list[str] = []
    current = ""
    for word in _pieces(text, font, width):
        candidate = f"{current} {word}" if current else word
        if font.width(candidate) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def _pieces(text: str, font: _Font, width: int) -> Iterator[str]:
    """The words of `text`, each cut into parts no wider than `width`."""
    for word in text.split():
        while font.width(word) > width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and font.width(word[:cut] + "-") > width:
                cut -= 1
            yield word[:cut] + "-"
            word = word[cut:]
        yield word


def _headphones(size: int, *, mask_only: bool = False) -> Image.Image:
    """A headphones glyph in ACCENT (or its alpha mask), drawn 4x and scaled down smoothly."""
    scale = 4
    big = size * scale
    mask = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(mask)
    band = big // 11
    inset = big // 12
    # Headband: the upper half of a thick ring.
    draw.arc((inset, inset, big - inset, big - inset), start=180, end=360, fill=255, width=band)
    # Arms down to the ear cups.
    middle = big // 2
    draw.rectangle((inset, middle - 1, inset + band, middle + big // 8), fill=255)
    draw.rectangle((big - inset - band, middle - 1, big - inset, middle + big // 8), fill=255)
    # Ear cups: rounded rectangles over the ends of the band.
    cup_width = big // 5
    cup_top = middle
    cup_bottom = big - inset // 2
    radius = cup_width // 3
    draw.rounded_rectangle((0, cup_top, cup_width, cup_bottom), radius=radius, fill=255)
    draw.rounded_rectangle((big - cup_width, cup_top, big - 1, cup_bottom), radius=radius, fill=255)
    mask = mask.resize((size, size), Image.Resampling.LANCZOS)
    if mask_only:
        return mask
    return Image.new("RGB", (size, size), ACCENT)


def _flatten(image: Image.Image) -> Image.Image:
    """`image` as RGB, transparent parts laid on white."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, (255, 255, 255))
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return image.convert("RGB")


def _jpeg(image: Image.Image) -> bytes:
    """Baseline sRGB JPEG bytes; no chroma subsampling, so coloured text edges stay crisp."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, subsampling=0, optimize=True)
    return buffer.getvalue()
