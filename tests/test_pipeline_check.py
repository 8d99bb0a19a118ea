"""The listening check guards publishing: a build that says the wrong thing is refused.

The fault is made for real: a project lexicon tells the voice to say "eight"
wherever the narration says "six", so the helpline number heard differs from
the one printed, as a voice's slip would.
"""

from __future__ import annotations

from pathlib import Path

from cli_helpers import assert_one_line_error, manifest_of, run, tree_state

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
