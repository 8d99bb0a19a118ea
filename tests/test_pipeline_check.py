"""The listening check guards publishing: a build that says the wrong thing is refused.

The fault is made for real: a project lexicon tells the voice to say "eight"
wherever the narration says "six", so the helpline number heard differs from
the one printed, as a voice's slip would. A slip in one take only is cured by
saying the sentence again; a slip in every take is refused.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import ClassVar

import pytest

from audio_leaflet import engines
from audio_leaflet.cache import sentence_key
from audio_leaflet.config import Settings
from audio_leaflet.engines.piper import PiperEngine
from audio_leaflet.errors import CheckFailed
from audio_leaflet.model import Clip
from audio_leaflet.pipeline import RETAKE_ROUNDS, build_leaflet
from helpers.cli import assert_one_line_error, manifest_of, run, tree_state
from helpers.pipeline import settings_for

LEAFLET = """Getting help

If you feel low, talk to someone you trust. You do not have to cope alone.
Helpline: 0300 456 7612
"""


def test_a_build_the_check_refuses_is_not_published(tmp_path: Path, session_cache: Path) -> None:
    leaflet = tmp_path / "getting-help.txt"
    leaflet.write_text(LEAFLET, encoding="utf-8")
    out_dir = tmp_path / "audio_out"
    common = (
        "--out-dir",
        out_dir,
        "--narration-dir",
        tmp_path / "narration",
        "--cache-dir",
        session_cache,
    )

    good = run("build", leaflet, *common)
    assert good.exit_code == 0, good.stderr
    assert "listening check passed" in good.stderr
    bundle = Path(good.stdout.strip())
    published = tree_state(bundle)

    slip = tmp_path / "slip.toml"
    slip.write_text('[words.six]\nsay = "eight"\n', encoding="utf-8")
    refused = run("build", leaflet, *common, "--lexicon", slip)

    message = assert_one_line_error(refused, 1, "listening check failed", "left as it was")
    report = out_dir / f"{manifest_of(bundle)['slug']}-check-report.txt"
    assert str(report) in message
    text = report.read_text(encoding="utf-8")
    assert "six" in text and "eight" in text, text
    assert tree_state(bundle) == published, "the published bundle was not touched"

    again = run("build", leaflet, *common)
    assert again.exit_code == 0, again.stderr
    assert not report.exists(), "a passing build clears the old report"


HELPLINE = "seven six one two"


class SlippingPiper(PiperEngine):
    """The real Piper voice, saying "eight" for "six" in the first `slips` takes of the
    helpline sentences (fault injection): the slip a voice or a mishearing makes once."""

    NAME = "slipping-piper"
    slips: ClassVar[int] = 1
    takes: ClassVar[Counter[str]] = Counter()
    """Takes by cache key (text and speed: a chapter may be said again faster)."""
    helpline_keys: ClassVar[set[str]] = set()

    def synthesize(self, engine_text: str) -> Clip:
        key = sentence_key(self.settings_key(), engine_text)
        self.takes[key] += 1
        if HELPLINE in engine_text:
            self.helpline_keys.add(key)
            if self.takes[key] <= self.slips:
                engine_text = engine_text.replace("six", "eight")
        return super().synthesize(engine_text)


@pytest.fixture
def slipping(monkeypatch: pytest.MonkeyPatch) -> type[SlippingPiper]:
    monkeypatch.setitem(engines.ENGINES, SlippingPiper.NAME, SlippingPiper)  # type: ignore[arg-type]
    monkeypatch.setattr(SlippingPiper, "takes", Counter())
    monkeypatch.setattr(SlippingPiper, "helpline_keys", set())
    return SlippingPiper


def _build_getting_help(folder: Path) -> tuple[Path, Settings]:
    leaflet = folder / "getting-help.txt"
    leaflet.write_text(LEAFLET, encoding="utf-8")
    return leaflet, settings_for(folder, folder / "cache", engine=SlippingPiper.NAME, check=True)


def test_a_sentence_misheard_once_is_said_again_and_the_bundle_published(
    tmp_path: Path, slipping: type[SlippingPiper], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(slipping, "slips", 1)
    leaflet, settings = _build_getting_help(tmp_path)

    result = build_leaflet(leaflet, settings)

    assert "listening check passed" in result.check_summary
    # Each helpline sentence was said twice: the slip, then the good take.
    assert slipping.helpline_keys and {slipping.takes[k] for k in slipping.helpline_keys} == {2}
    assert result.synthesized == sum(slipping.takes.values())
    [said_again] = [w for w in result.warnings if w.startswith("said again")]
    assert HELPLINE in said_again
    assert (result.bundle / "manifest.json").is_file()
    # The good take is kept: the next build has nothing to say.
    again = build_leaflet(leaflet, settings)
    assert again.up_to_date and sum(slipping.takes.values()) == result.synthesized


def test_a_sentence_misheard_in_every_take_is_refused_after_the_retakes(
    tmp_path: Path, slipping: type[SlippingPiper], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(slipping, "slips", 99)
    leaflet, settings = _build_getting_help(tmp_path)

    with pytest.raises(CheckFailed, match="listening check failed"):
        build_leaflet(leaflet, settings)

    assert {slipping.takes[k] for k in slipping.helpline_keys} == {1 + RETAKE_ROUNDS}
    assert not (tmp_path / "audio_out" / "getting-help").exists()
    assert (tmp_path / "audio_out" / "getting-help-check-report.txt").is_file()
