"""Remake the Word, ODT and PDF leaflets in tests/fixtures/office/ from their recipes.

Never run by the tests or by CI: the files it makes are committed, so neither
needs an office suite. Run it by hand only to remake them (after changing a
recipe, say), then check the results as tests/fixtures/office/README.md says:

    .venv/bin/python scripts/make_office_fixtures.py              # every file
    .venv/bin/python scripts/make_office_fixtures.py NAME [...]   # only these outputs
    .venv/bin/python scripts/make_office_fixtures.py --list       # outputs and producers

Each file is made by the producer staff would use, from a recipe written by
reading one real text in tests/fixtures/office/sources/:

- LibreOffice Writer converts a flat ODT recipe (recipes/*.fodt) to .docx
  (as "Word 2007-365", and three as "Office Open XML Text"), .odt or .pdf
  (`soffice --headless --convert-to`); one of its PDFs is then
  printed to PDF the way a CUPS "PDF printer" does it (poppler's pdftops,
  then Ghostscript's ps2pdf), which drops the fonts' Unicode maps;
- pandoc converts a Markdown recipe (recipes/*.md) to .docx and .odt;
- Chromium prints an HTML recipe (recipes/*.html) to PDF, with its running
  header and footer drawn from CSS page-margin boxes;
- reportlab draws the one PDF whose text layer is out of reading order
  (words placed right on the page but written in shuffled order), straight
  from its source text.

The committed files were made on Debian 12 with:

    soffice --version    LibreOffice 7.4.7.2 40(Build:2)
    pandoc --version     pandoc 2.17.1.1
    chromium --version   Chromium 156.0.8078.129 built on Debian GNU/Linux 12 (bookworm)
    pdftops -v           pdftops version 22.12.0 (poppler-utils)
    gs --version         10.00.0 (Ghostscript, through ps2pdf)
    reportlab            5.1.0 (from the project's test extra)

(apt-get install libreoffice-writer pandoc chromium poppler-utils ghostscript)

This script never imports the audio_leaflet package.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OFFICE = ROOT / "tests" / "fixtures" / "office"
RECIPES = OFFICE / "recipes"
SOURCES = OFFICE / "sources"
TIMEOUT_S = 180

LIBREOFFICE_FILTERS = {
    ".docx": "docx:MS Word 2007 XML",
    ".odt": "odt:writer8",
    ".pdf": "pdf:writer_pdf_Export",
}


@dataclass(frozen=True)
class Fixture:
    """One produced file and how it is made."""

    name: str
    """File name under tests/fixtures/office/."""
    producer: str
    """The producer, as the README names it."""
    recipe: str
    """The recipe or source it is made from, relative to tests/fixtures/office/."""
    make: Callable[[Path, Path], None]
    """Writes the file: make(recipe path, output path), working in the output's folder."""


def run(command: list[str], cwd: Path | None = None) -> None:
    """Runs one producer; its stderr is shown when it fails."""
    done = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
    )
    if done.returncode != 0:
        raise SystemExit(
            f"{command[0]} failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-2000:]}"
        )


def libreoffice(recipe: Path, output: Path, export_filter: str | None = None) -> None:
    """soffice --convert-to, with a profile of its own so a running LibreOffice is not used."""
    work = output.parent
    profile = work / "lo-profile"
    run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            export_filter or LIBREOFFICE_FILTERS[output.suffix],
            "--outdir",
            str(work / "lo-out"),
            str(recipe),
        ]
    )
    made = work / "lo-out" / (recipe.stem + output.suffix)
    if not made.exists():  # soffice exits 0 even when it could not convert
        raise SystemExit(f"LibreOffice made no {made.name} from {recipe}")
    made.replace(output)


def libreoffice_ooxml(recipe: Path, output: Path) -> None:
    """The .docx of Writer's "Office Open XML Text (Transitional)" choice, not "Word 2007-365".

    It is also what a bare `soffice --convert-to docx` gives. It names the core
    properties part by the relationship type .../officedocument/2006/...
    (python-docx looks only for .../package/2006/... and then reports its own
    placeholder title "Word Document"), and aligns paragraphs with w:jc "start".
    """
    libreoffice(recipe, output, "docx:Office Open XML Text")


def printed_to_pdf(recipe: Path, output: Path) -> None:
    """LibreOffice's PDF printed again to PDF as a CUPS PDF printer does (pdftops, ps2pdf).

    Ghostscript keeps the text fonts' glyph names but gives the TrueType
    bullet font no Unicode map, so pdfminer reads each bullet as "(cid:1)".
    """
    direct = output.with_name("libreoffice.pdf")
    libreoffice(recipe, direct)
    postscript = output.with_suffix(".ps")
    run(["pdftops", str(direct), str(postscript)])
    run(["ps2pdf", str(postscript), str(output)])


def pandoc(recipe: Path, output: Path) -> None:
    run(["pandoc", "--from", "markdown", "--to", output.suffix[1:], "-o", str(output), str(recipe)])


def chromium(recipe: Path, output: Path) -> None:
    """Chromium's print to PDF; its own date-and-address header is off (the page draws one)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("Chromium is not installed (apt-get install chromium)")
    run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={output.parent / 'chromium-profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={output}",
            recipe.as_uri(),
        ]
    )


SHUFFLE_SEED = 20
"""Fixed, so the out-of-order PDF comes out the same each time."""


def reportlab_out_of_order(source: Path, output: Path) -> None:
    """A two-page PDF: page 1 drawn line by line, page 2 one word per text object, shuffled.

    Every word of page 2 sits where it belongs on the page (a viewer and
    pdftotext -layout show it right), but the content stream gives the words
    in random order, as some web-to-PDF converters and PDF editors leave them.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    paragraphs = [p.strip() for p in source.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    questions = [p for p in paragraphs if p.endswith("?")]
    # The source stops in the middle of its last answer: that question and its fragment stay out.
    last = paragraphs.index(questions[-1])
    introduction = paragraphs[: paragraphs.index(questions[0])]
    answered = paragraphs[paragraphs.index(questions[0]) : last]

    width, height = A4
    left, line_width = 56.0, width - 112.0
    pdf = canvas.Canvas(str(output), pagesize=A4, invariant=True)
    pdf.setTitle("")

    def layout(blocks: list[str]) -> list[tuple[str, float, str]]:
        """(font, size, line) for each printed line, a blank line between blocks."""
        lines: list[tuple[str, float, str]] = []
        for block in blocks:
            font, size = ("Helvetica-Bold", 14.0) if block.endswith("?") else ("Helvetica", 12.0)
            lines += [(font, size, line) for line in simpleSplit(block, font, size, line_width)]
            lines.append(("Helvetica", 12.0, ""))
        return lines

    y = height - 72
    for font, size, line in layout(introduction):
        pdf.setFont(font, size)
        pdf.drawString(left, y, line)
        y -= size * 1.45
    pdf.showPage()

    words: list[tuple[str, float, float, float, str]] = []
    y = height - 72
    for font, size, line in layout(answered):
        x = left
        for word in line.split():
            words.append((font, size, x, y, word))
            x += pdf.stringWidth(word + " ", font, size)
        y -= size * 1.45
    random.Random(SHUFFLE_SEED).shuffle(words)
    for font, size, x, y, word in words:
        pdf.setFont(font, size)
        pdf.drawString(x, y, word)  # one BT ... ET text object per word
    pdf.showPage()
    pdf.save()


WRITER = "LibreOffice Writer"
WRITER_OOXML = "LibreOffice Writer (Office Open XML Text)"

FIXTURES = [
    Fixture("walton-tremor-dbs-numbered-headings.docx", WRITER,
            "recipes/walton-tremor-dbs-numbered-headings.fodt", libreoffice),
    Fixture("walton-tremor-dbs-numbered-headings.pdf", WRITER,
            "recipes/walton-tremor-dbs-numbered-headings.fodt", libreoffice),
    Fixture("medicines-for-children-baclofen.docx", WRITER_OOXML,
            "recipes/medicines-for-children-baclofen.fodt", libreoffice_ooxml),
    Fixture("medicines-for-children-baclofen.odt", WRITER,
            "recipes/medicines-for-children-baclofen.fodt", libreoffice),
    Fixture("medicines-for-children-baclofen-tracked-changes.docx", WRITER,
            "recipes/medicines-for-children-baclofen-tracked-changes.fodt", libreoffice),
    Fixture("eput-achilles-two-column-section.pdf", WRITER,
            "recipes/eput-achilles-two-column-section.fodt", libreoffice),
    Fixture("eput-achilles-two-column-section.docx", WRITER,
            "recipes/eput-achilles-two-column-section.fodt", libreoffice),
    Fixture("cambridge-parkinsons-newsletter-three-columns.pdf", WRITER,
            "recipes/cambridge-parkinsons-newsletter-three-columns.fodt", libreoffice),
    Fixture("cambridge-parkinsons-newsletter-three-columns.docx", WRITER_OOXML,
            "recipes/cambridge-parkinsons-newsletter-three-columns.fodt", libreoffice_ooxml),
    Fixture("nth-prehab-exercise-table.pdf", WRITER,
            "recipes/nth-prehab-exercise-table.fodt", libreoffice),
    Fixture("nth-prehab-exercise-nested-list.docx", WRITER_OOXML,
            "recipes/nth-prehab-exercise-nested-list.fodt", libreoffice_ooxml),
    Fixture("dchft-going-into-hospital-easy-read.docx", WRITER,
            "recipes/dchft-going-into-hospital-easy-read.fodt", libreoffice),
    Fixture("dchft-going-into-hospital-easy-read.pdf", WRITER,
            "recipes/dchft-going-into-hospital-easy-read.fodt", libreoffice),
    Fixture("dchft-going-into-hospital-chromium.pdf", "Chromium print to PDF",
            "recipes/dchft-going-into-hospital-chromium.html", chromium),
    Fixture("nhs-baclofen-pandoc.docx", "pandoc", "recipes/nhs-baclofen.md", pandoc),
    Fixture("nhs-baclofen-pandoc.odt", "pandoc", "recipes/nhs-baclofen.md", pandoc),
    Fixture("nhs-baclofen-printed-to-pdf.pdf", "LibreOffice Writer, then pdftops and ps2pdf",
            "recipes/nhs-baclofen-printed-to-pdf.fodt", printed_to_pdf),
    Fixture("dystonia-uk-clinics-reopening-pandoc.docx", "pandoc",
            "recipes/dystonia-uk-clinics-reopening.md", pandoc),
    Fixture("dystonia-uk-clinics-out-of-order.pdf", "reportlab",
            "sources/dystonia-uk-clinics-reopening.txt", reportlab_out_of_order),
]  # fmt: skip


def make(fixture: Fixture) -> Path:
    """Makes one file in a scratch folder, then puts it in place whole."""
    target = OFFICE / fixture.name
    with tempfile.TemporaryDirectory(prefix="office-fixture-") as scratch:
        output = Path(scratch) / fixture.name
        fixture.make(OFFICE / fixture.recipe, output)
        if not output.exists() or output.stat().st_size == 0:
            raise SystemExit(f"{fixture.producer} made nothing for {fixture.name}")
        shutil.copyfile(output, target)
    return target


def main(arguments: list[str]) -> int:
    if arguments == ["--list"]:
        for fixture in FIXTURES:
            print(f"{fixture.name}\t{fixture.producer}\t{fixture.recipe}")
        return 0
    known = {fixture.name: fixture for fixture in FIXTURES}
    unknown = [name for name in arguments if name not in known]
    if unknown:
        print(f"Unknown output {', '.join(unknown)}. Known: {', '.join(known)}", file=sys.stderr)
        return 2
    for fixture in [known[name] for name in arguments] or FIXTURES:
        print(make(fixture).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
