"""How well leaflets are understood: the structure benchmark over the corpus of real documents.

    .venv/bin/python scripts/structure_bench.py [--build] [--only NAME ...] [--details]

Every member of the corpus has an expected outline written by reading its
source (tests/fixtures/real/expected/, tests/fixtures/office/expected/, one
TOML file each; the ten shared real texts are read in place where present).
Each member is read and narrated as `audio-leaflet script` does, and the
narration is compared with what a person reads:

- heading recall and precision: a chapter title matching a printed heading,
  compared without case, punctuation or a section number before it ("1.").
  A heading listed as left out over its sub-sections (it has no text of its
  own; its sub-headings are chapters) or over a contents list (its entries
  are the chapters) counts as found, and is not a chapter;
- title right: the narration's title is the printed one; where the text
  shows none, the reader said it found none (and the file name was used);
- furniture spoken: an expected furniture line whose words are said in a
  section (or that became the title); a menu item named like a heading may
  be heard once, as that heading;
- phones right: each printed phone number said digit by digit, in the groups
  it is printed in (a long group may be split further), and said again in
  the contacts recap at the end. Checked on the narration's text with rules
  of this script's own, not the narration's phone rule;
- words unaccounted: words of the source neither said nor in left-out.txt,
  found by tests/helpers/coverage.py (which does not use the reader's code);
- refused: the message `script` and `build` stop with, if any (a member whose
  expected file has `refuse` must be refused with those words; a file in a
  format the reader does not take, .odt, must be refused saying to save it as
  .docx). A member refused as it should be is not measured further.

With --build each member is also built with the listening check on (slow)
and the table says which pass.

This script is never imported by the package.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPECTED_FOLDERS = (
    ROOT / "tests" / "fixtures" / "real" / "expected",
    ROOT / "tests" / "fixtures" / "office" / "expected",
)
sys.path.insert(0, str(ROOT / "tests"))

from audio_leaflet.config import Settings  # noqa: E402
from audio_leaflet.errors import AudioLeafletError  # noqa: E402
from audio_leaflet.model import LeftOutReason, Narration  # noqa: E402
from audio_leaflet.read.source import SUFFIXES  # noqa: E402
from helpers.coverage import unaccounted_words  # noqa: E402

# --------------------------------------------------------------------------
# The corpus
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One corpus member and its expected outline."""

    name: str
    """The source file's name (the expected file is `<name>.toml`)."""
    source: Path
    """The source file."""
    expected: Path
    """Its expected outline."""
    title: str
    """The printed title; "" when the text shows none."""
    headings: tuple[str, ...]
    """Every printed heading after the title, in order."""
    furniture: tuple[str, ...]
    """Whole source lines that must never be spoken."""
    phones: tuple[str, ...]
    """Every phone number as printed."""
    refuse: str
    """Words of the one-line refusal expected instead of a leaflet; "" when it is read."""


def _text(value: object) -> str:
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value or "")


def load_member(expected: Path) -> Member:
    """A member from its expected TOML file."""
    data = tomllib.loads(expected.read_text(encoding="utf-8"))
    source = str(data["source"])
    path = (ROOT / source).resolve()
    return Member(
        name=path.name,
        source=path,
        expected=expected,
        title=str(data.get("title", "")),
        headings=tuple(str(h) for h in data.get("headings", [])),
        furniture=tuple(str(f) for f in data.get("furniture", [])),
        phones=tuple(str(p) for p in data.get("phones", [])),
        refuse=_text(data.get("refuse", "")),
    )


def members(folders: Iterable[Path] = EXPECTED_FOLDERS) -> list[Member]:
    """Every member with an expected file whose source is present (the shared texts may not be)."""
    found = []
    for folder in folders:
        for expected in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
            member = load_member(expected)
            if member.source.is_file():
                found.append(member)
    return found


# --------------------------------------------------------------------------
# Comparing what is said with what is printed
# --------------------------------------------------------------------------


def words(text: str) -> list[str]:
    """Lower-case words of letters and digits; punctuation, case and apostrophes ignored."""
    return re.findall(r"[^\W_]+", text.casefold().replace("'", "").replace("’", ""))


_SECTION_NUMBER = re.compile(r"^\s*\(?\d{1,2}(?:\.\d{1,2})*[.)]?\s+(?=\D)")


def same_heading(a: str, b: str) -> bool:
    """Two headings are the same when their words are, whatever the case and punctuation.

    A section number printed before a heading ("1. What BOTOX is") may be said or not.
    """
    return words(_SECTION_NUMBER.sub("", a)) == words(_SECTION_NUMBER.sub("", b))


def matched(expected: Sequence[str], found: Sequence[str]) -> int:
    """How many expected headings are found, each found heading matching at most one."""
    left = list(found)
    count = 0
    for heading in expected:
        for index, candidate in enumerate(left):
            if same_heading(heading, candidate):
                count += 1
                del left[index]
                break
    return count


_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_NUMBER_TEXT = (
    "oh ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty "
    "thirty forty fifty sixty seventy eighty ninety hundred thousand million point and first "
    "second third fourth fifth sixth seventh eighth ninth tenth minus"
)
_NUMBER_WORDS = frozenset(_DIGITS) | frozenset(_NUMBER_TEXT.split())


def _letters_only(text: str) -> list[str]:
    """Words of a printed line without its numbers (the narration says those in words)."""
    return [w for token in text.split() if not re.search(r"\d", token) for w in words(token)]


def furniture_spoken(line: str, body: Sequence[str], allowed: int = 0) -> bool:
    """Whether the words of a furniture line are said in the body of the narration.

    A line of three or more words is said when its words are said in a row;
    a shorter one ("Expand", "Log in") when a sentence says just those words.
    A number in the line may be said as any number words. `allowed` is how
    often the words may be heard anyway: a menu item named like a heading
    that is not a chapter is heard once, as that heading's line.
    """
    wanted = _letters_only(line)
    has_numbers = bool(re.search(r"\d", line))
    if not wanted:
        return False  # nothing but numbers: left to the number rules

    def said(sentence: str) -> list[str]:
        found = words(sentence.replace("-", " "))
        return [w for w in found if w not in _NUMBER_WORDS] if has_numbers else found

    if len(wanted) >= 3:
        stream = [w for sentence in body for w in said(sentence)]
        size = len(wanted)
        count = sum(stream[i : i + size] == wanted for i in range(len(stream) - size + 1))
    else:
        count = sum(said(sentence) == wanted for sentence in body)
    return count > allowed


_DIGIT_WORD = {word: str(value) for value, word in enumerate(_DIGITS)}


def spoken_digit_runs(text: str) -> list[list[str]]:
    """Runs of digits said one by one ("zero three zero zero, one two three"), as groups.

    A group is the digits between commas; "plus" starts an international group.
    """
    runs: list[list[str]] = []
    groups: list[str] = []
    current = ""
    for token in re.findall(r"[a-z]+|,|[^\sa-z,]+", text.lower()):
        if token in _DIGIT_WORD:
            current += _DIGIT_WORD[token]
        elif token == "plus" and not current:
            current = "+"
        elif token == "," and current.strip("+"):
            groups.append(current)
            current = ""
        else:
            if current.strip("+"):
                groups.append(current)
            if groups:
                runs.append(groups)
            groups, current = [], ""
    if current.strip("+"):
        groups.append(current)
    if groups:
        runs.append(groups)
    return runs


def printed_groups(number: str) -> list[str]:
    """The digit groups to dial of a printed number ("+44 (0)20 7793-3650" -> +44, 20, 7793,
    3650). A number spelt with letters ("0508 BRAINS (0508 272 467)") is dialled by the digits
    in its brackets."""
    if re.search(r"[A-Za-z]", number) and (bracket := re.search(r"\(([\d\s.-]+)\)", number)):
        number = bracket[1]
    number = number.replace("(0)", " ")
    return re.findall(r"\+?\d+", number)


def said_in_groups(number: str, run: list[str]) -> bool:
    """Whether a spoken run says the printed number, digit by digit, keeping its groups.

    Every place the print breaks the number is a pause in the speech; a long
    group may be broken further. A number printed without breaks may be said
    in groups of two to five digits. The number may be part of a longer run
    (an area code said before the digits in brackets).
    """
    printed = printed_groups(number)
    wanted = "".join(printed).lstrip("+")
    for start in range(len(run)):
        for end in range(start + 1, len(run) + 1):
            part = run[start:end]
            if "".join(part).lstrip("+") != wanted:
                continue
            if part[0].startswith("+") != printed[0].startswith("+"):
                continue
            if len(printed) == 1:
                if all(2 <= len(g.lstrip("+")) <= 5 for g in part) or len(part) == 1:
                    return True
            elif _breaks(printed) <= _breaks(part):
                return True
    return False


def _breaks(groups: list[str]) -> set[int]:
    places, at = set(), 0
    for group in groups[:-1]:
        at += len(group.lstrip("+"))
        places.add(at)
    return places


def phone_right(number: str, narration: Narration) -> tuple[bool, bool]:
    """Whether the number is said digit by digit in its groups, and said again in the recap."""
    chapters = narration.chapters
    body = " ".join(s for c in chapters for s in c.sentences)
    said = any(said_in_groups(number, run) for run in spoken_digit_runs(body))
    last = chapters[-1].sentences
    recap_at = next((i for i, s in enumerate(last) if s.startswith("Before you go")), None)
    recap = " ".join(last[recap_at:]) if recap_at is not None else ""
    in_recap = any(said_in_groups(number, run) for run in spoken_digit_runs(recap))
    return said, in_recap


# --------------------------------------------------------------------------
# Measuring one member
# --------------------------------------------------------------------------


@dataclass
class Result:
    """What the benchmark found for one member."""

    member: Member
    """The member measured."""
    chapters: list[str] = field(default_factory=list)
    """The chapter titles that are printed headings (not Overview or the small print)."""
    parents: list[str] = field(default_factory=list)
    """Headings listed as left out over their sub-sections."""
    chapters_found: int = 0
    """Expected headings found among the chapters."""
    parents_found: int = 0
    """Expected headings found among the headings left out over their sub-sections."""
    title: str = ""
    """The title the narration says."""
    title_found: bool = False
    """Whether the reader found a title in the text (not the file name)."""
    furniture_said: list[str] = field(default_factory=list)
    """Expected furniture lines whose words are said."""
    phones_wrong: list[str] = field(default_factory=list)
    """Phone numbers not said digit by digit in their groups, or missing from the recap."""
    unaccounted: list[str] = field(default_factory=list)
    """Source words neither said nor listed (independent check)."""
    refused: str = ""
    """The message `script` and `build` stop with; "" when the leaflet is accepted."""
    built: str = ""
    """With --build: "pass", or why the build failed."""
    seconds: float = 0.0
    """Time to read and narrate."""

    @property
    def found(self) -> int:
        """Expected headings found, as chapters or as parents of chapters."""
        return self.chapters_found + self.parents_found

    @property
    def recall(self) -> float | None:
        expected = len(self.member.headings)
        return self.found / expected if expected else None

    @property
    def precision(self) -> float | None:
        return self.chapters_found / len(self.chapters) if self.chapters else None

    @property
    def title_right(self) -> bool:
        if not self.member.title:
            return not self.title_found
        return self.title_found and same_heading(self.title, self.member.title)

    @property
    def refusal_right(self) -> bool:
        if not self.member.refuse:
            if self.member.source.suffix.lower() not in SUFFIXES:
                # A format the reader does not take (.odt) is refused, saying what to save.
                return ".docx" in self.refused
            return not self.refused
        wanted = words(self.member.refuse)
        return bool(self.refused) and all(w in words(self.refused) for w in wanted)

    @property
    def read(self) -> bool:
        """Whether the member is read, so its structure is measured (not refused as it
        should be)."""
        return not (self.refused and self.refusal_right)


_SYNTHETIC = frozenset({"Overview", "About this information", "More information"})


def measure(member: Member, work: Path) -> Result:
    """Read and narrate `member` as `audio-leaflet script` does, and compare."""
    from audio_leaflet.pipeline import prepare
    from audio_leaflet.read import read_leaflet
    from audio_leaflet.refusals import check_buildable

    result = Result(member)
    settings = Settings(narration_dir=work / "narration", cache_dir=work / "cache")
    began = time.perf_counter()
    try:
        prepared = prepare(member.source, settings)
    except AudioLeafletError as error:
        result.refused = str(error).splitlines()[0]
        return result
    try:
        check_buildable(prepared, settings)
    except AudioLeafletError as error:
        result.refused = str(error).splitlines()[0]
    result.seconds = time.perf_counter() - began
    document = read_leaflet(member.source)
    narration = prepared.narration
    result.chapters = [s.heading for s in document.sections if s.heading is not None]
    # Headings recognised and listed as left out: over sub-sections, or over a contents list.
    result.parents = [
        item.text
        for item in document.left_out
        if item.reason in (LeftOutReason.PARENT_HEADING, LeftOutReason.CONTENTS)
    ]
    result.chapters_found = matched(member.headings, result.chapters)
    result.parents_found = matched(_without(member.headings, result.chapters), result.parents)
    result.title = narration.title
    result.title_found = document.title is not None
    # The body: what each section says, without the sentences that name chapters.
    body = [s for c in narration.chapters[1:] for s in c.sentences[1:-1]]
    for line in member.furniture:
        if same_heading(line, narration.title) and not same_heading(line, member.title):
            result.furniture_said.append(line)  # furniture taken for the title
            continue
        named = [h for h in member.headings if same_heading(h, line)]
        as_text = bool(named) and not any(same_heading(named[0], c) for c in result.chapters)
        if furniture_spoken(line, body, allowed=1 if as_text else 0):
            result.furniture_said.append(line)
    for number in member.phones:
        said, in_recap = phone_right(number, narration)
        if not (said and in_recap):
            result.phones_wrong.append(
                f"{number} ({'not said in its groups' if not said else 'not in the recap'})"
            )
    result.unaccounted = sorted(set(unaccounted_words(member.source, prepared.script_dir)))
    return result


def _without(expected: Sequence[str], found: Sequence[str]) -> list[str]:
    """The expected headings left once those found are taken."""
    left = list(expected)
    for candidate in found:
        for index, heading in enumerate(left):
            if same_heading(heading, candidate):
                del left[index]
                break
    return left


def build_member(member: Member, work: Path, cache: Path) -> str:
    """Build with the listening check on: "pass", or the first line of why not."""
    from audio_leaflet.pipeline import build_leaflet

    settings = Settings(
        out_dir=work / "audio_out", narration_dir=work / "narration", cache_dir=cache
    )
    try:
        build_leaflet(member.source, settings)
    except AudioLeafletError as error:
        return "FAIL: " + str(error).splitlines()[0]
    return "pass"


# --------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def table(results: Sequence[Result], *, built: bool) -> str:
    """One row per member and a total row."""
    head = ["member", "recall", "precision", "title", "furniture", "phones", "unacc.", "refused"]
    if built:
        head.append("build")
    rows = [head]
    for r in results:
        if not r.read:
            rows.append([r.member.name[:44], *["-"] * 6, "ok (refused)"] + (["-"] if built else []))
            continue
        row = [
            r.member.name[:44],
            f"{_ratio(r.recall)} ({r.found}/{len(r.member.headings)})",
            f"{_ratio(r.precision)} ({len(r.chapters)})",
            "ok" if r.title_right else "WRONG",
            str(len(r.furniture_said)),
            f"{len(r.member.phones) - len(r.phones_wrong)}/{len(r.member.phones)}",
            str(len(r.unaccounted)),
            ("ok" if r.refusal_right else "WRONG") + (" (refused)" if r.refused else ""),
        ]
        if built:
            row.append(r.built[:40])
        rows.append(row)
    read = [r for r in results if r.read]
    expected = sum(len(r.member.headings) for r in read)
    found = sum(r.found for r in read)
    chapters = sum(len(r.chapters) for r in read)
    true_chapters = sum(r.chapters_found for r in read)
    phones = sum(len(r.member.phones) for r in read)
    total = [
        f"TOTAL ({len(results)} members, {len(read)} read)",
        f"{_ratio(found / expected if expected else None)} ({found}/{expected})",
        f"{_ratio(true_chapters / chapters if chapters else None)} ({chapters})",
        f"{sum(r.title_right for r in read)}/{len(read)}",
        str(sum(len(r.furniture_said) for r in read)),
        f"{phones - sum(len(r.phones_wrong) for r in read)}/{phones}",
        str(sum(len(r.unaccounted) for r in read)),
        f"{sum(r.refusal_right for r in results)}/{len(results)} right",
    ]
    if built:
        total.append(f"{sum(r.built == 'pass' for r in results)}/{len(results)} pass")
    rows.append(total)
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    lines.insert(len(lines) - 1, lines[1])
    return "\n".join(line.rstrip() for line in lines)


def details(result: Result) -> list[str]:
    """What went wrong for one member, line by line."""
    if not result.read:
        return []
    out = []
    missed = _without(result.member.headings, [*result.chapters, *result.parents])
    false = _without(result.chapters, result.member.headings)
    if missed:
        out.append(f"  headings missed: {missed}")
    if false:
        out.append(f"  chapters that are not printed headings: {false}")
    if not result.title_right:
        out.append(f"  title: said {result.title!r}, printed {result.member.title!r}")
    if result.furniture_said:
        out.append(f"  furniture spoken: {result.furniture_said}")
    if result.phones_wrong:
        out.append(f"  phones: {result.phones_wrong}")
    if result.unaccounted:
        out.append(f"  words unaccounted: {result.unaccounted[:12]}")
    if not result.refusal_right:
        out.append(f"  refused: {result.refused!r}; expected: {result.member.refuse!r}")
    if result.built and result.built != "pass":
        out.append(f"  build: {result.built}")
    return [f"{result.member.name}:", *out] if out else []


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", action="store_true", help="also build every member (slow)")
    parser.add_argument("--only", nargs="*", default=[], help="member names to measure")
    parser.add_argument("--details", action="store_true", help="say what went wrong, per member")
    options = parser.parse_args(argv)
    chosen = [m for m in members() if not options.only or m.name in options.only]
    if not chosen:
        print("no corpus members found", file=sys.stderr)
        return 1
    results = []
    with tempfile.TemporaryDirectory(prefix="structure-bench-") as temp:
        for index, member in enumerate(chosen):
            work = Path(temp) / f"{index:03d}"
            result = measure(member, work)
            if options.build and result.read:
                result.built = build_member(member, work / "build", Path(temp) / "cache")
            results.append(result)
    print(table(results, built=options.build))
    if options.details:
        for result in results:
            for line in details(result):
                print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
