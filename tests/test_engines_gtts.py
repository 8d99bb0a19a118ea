"""The gtts engine with only Google's HTTP endpoint faked.

gTTS itself runs for real: it builds the batchexecute request and parses the
answer. The fake stands in for `requests.Session.send` and answers with a real
MP3 (espeak-ng speech encoded by ffmpeg) wrapped the way Google wraps it.
"""

from __future__ import annotations

import base64
import json
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
import requests

from audio_leaflet.engines import make_engine
from audio_leaflet.engines.base import count_words, from_clip, speech_wpm
from audio_leaflet.engines.espeak import EspeakEngine
from audio_leaflet.engines.gtts import (
    CLAUSE_GAP_MS,
    MAX_CHARS,
    GttsEngine,
    split_for_google,
)
from audio_leaflet.errors import EngineError
from audio_leaflet.ffmpeg import run_ffmpeg

SENTENCE = "The main treatments for mental health conditions are medication and talking therapies."


def mp3_of(text: str, rate: int) -> bytes:
    """`text` spoken by espeak-ng at `rate`, as a 24 kHz mono MP3 like Google's."""
    speaker = EspeakEngine()
    speaker.rate = rate
    clip = speaker.synthesize(text)
    result = run_ffmpeg(
        [
            *("-f", "s16le", "-ar", str(clip.sample_rate), "-ac", "1", "-i", "pipe:0"),
            *("-ar", "24000", "-ac", "1", "-codec:a", "libmp3lame", "-b:a", "32k", "-f", "mp3"),
            "pipe:1",
        ],
        stdin=clip.pcm,
    )
    return result.stdout


def batchexecute_body(mp3: bytes) -> bytes:
    """Google Translate's batchexecute answer carrying `mp3` for RPC jQ1olc."""
    compact = (",", ":")  # Google's answer has no spaces, and gTTS's pattern relies on it
    inner = json.dumps([base64.b64encode(mp3).decode("ascii")], separators=compact)
    frame = json.dumps(
        [["wrb.fr", "jQ1olc", inner, None, None, None, "generic"]], separators=compact
    )
    return f')]}}\'\n\n{len(frame)}\n{frame}\n25\n[["e",4,null,null,131]]\n'.encode()


def response(
    request: requests.PreparedRequest, status: int, body: bytes = b""
) -> requests.Response:
    answer = requests.Response()
    answer.status_code = status
    answer.reason = {200: "OK", 429: "Too Many Requests", 403: "Forbidden"}.get(status, "")
    answer._content = body
    answer._content_consumed = True  # type: ignore[attr-defined]
    answer.request = request
    answer.url = request.url or ""
    return answer


class FakeGoogle:
    """Answers gTTS's requests from a script of outcomes, recording what was asked."""

    def __init__(self, mp3: bytes, outcomes: list[int | str]) -> None:
        self.mp3 = mp3
        self.outcomes: Iterator[int | str] = iter(outcomes)
        self.texts: list[str] = []
        self.urls: list[str] = []
        self.retry_after: str | None = None

    def send(self, request: requests.PreparedRequest) -> requests.Response:
        body = urllib.parse.unquote(str(request.body))
        rpc = json.loads(body.removeprefix("f.req=").rstrip("&"))
        self.texts.append(json.loads(rpc[0][0][1])[0])
        self.urls.append(str(request.url))
        outcome = next(self.outcomes, 200)
        if outcome == "refused":
            raise requests.exceptions.ConnectionError("Failed to establish a new connection")
        assert isinstance(outcome, int)
        if outcome != 200:
            answer = response(request, outcome)
            if self.retry_after:
                answer.headers["Retry-After"] = self.retry_after
            return answer
        return response(request, 200, batchexecute_body(self.mp3))


@pytest.fixture(scope="module")
def natural_mp3() -> bytes:
    return mp3_of(SENTENCE, 165)


@pytest.fixture
def google(monkeypatch: pytest.MonkeyPatch, natural_mp3: bytes) -> Callable[..., FakeGoogle]:
    def install(outcomes: list[int | str] | None = None, mp3: bytes | None = None) -> FakeGoogle:
        fake = FakeGoogle(mp3 or natural_mp3, outcomes or [])

        def send(
            session: requests.Session, request: requests.PreparedRequest, **_: object
        ) -> requests.Response:
            return fake.send(request)

        monkeypatch.setattr(requests.Session, "send", send)
        return fake

    return install


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def engine(sleeps: list[float]) -> GttsEngine:
    return GttsEngine(sleep=sleeps.append)


def rms_dbfs(samples: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(samples.astype(np.float64) ** 2)) + 1e-12))


def test_google_speaks_a_sentence(
    google: Callable[..., FakeGoogle], engine: GttsEngine, sleeps: list[float]
) -> None:
    fake = google()
    clip = engine.synthesize(engine.engine_text(SENTENCE))
    assert fake.texts == [SENTENCE]
    assert fake.urls[0].startswith("https://translate.google.co.uk/")
    assert clip.sample_rate == 24_000 == engine.sample_rate
    assert engine.voice_id == "en-co.uk"
    assert 3_000 < clip.duration_ms < 7_000
    samples = from_clip(clip)
    assert rms_dbfs(samples) > -30
    assert samples[0] == 0.0 and samples[-1] == 0.0
    assert sleeps == []


def test_lexicon_words_are_sent_respelt(
    google: Callable[..., FakeGoogle], engine: GttsEngine
) -> None:
    fake = google()
    engine.synthesize(engine.engine_text("Botox can ease torticollis."))
    assert fake.texts == ["BOH-tocks can ease tor-tih-KOLL-iss."]


def test_a_long_sentence_goes_in_pieces_cut_at_commas(
    google: Callable[..., FakeGoogle], engine: GttsEngine
) -> None:
    fake = google()
    sentence = (
        "Depression can include feelings of sadness, hopelessness and helplessness, crying, "
        "worry, low self-esteem, a lack of energy, sleeping difficulties and a bleak view of "
        "the future."
    )
    clip = engine.synthesize(sentence)
    assert len(fake.texts) == 2
    assert all(len(text) <= MAX_CHARS for text in fake.texts)
    assert fake.texts[0].endswith(",")
    assert " ".join(fake.texts) == sentence
    one_piece = engine.synthesize("Short.")
    assert clip.duration_ms > one_piece.duration_ms


def test_a_rate_limit_is_retried_after_a_pause(
    google: Callable[..., FakeGoogle], engine: GttsEngine, sleeps: list[float]
) -> None:
    fake = google([429])
    clip = engine.synthesize(SENTENCE)
    assert sleeps == [1.0]
    assert fake.texts == [SENTENCE, SENTENCE]
    assert clip.duration_ms > 3_000


def test_retry_after_is_honoured(
    google: Callable[..., FakeGoogle], engine: GttsEngine, sleeps: list[float]
) -> None:
    fake = google([429, 429])
    fake.retry_after = "3"
    engine.synthesize(SENTENCE)
    assert sleeps == [3.0, 3.0]


def test_backoff_doubles_then_gives_a_clear_error(
    google: Callable[..., FakeGoogle],
    engine: GttsEngine,
    sleeps: list[float],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    google([429] * 10)
    with pytest.raises(EngineError) as caught:
        engine.synthesize(SENTENCE)
    assert sleeps == [1.0, 2.0, 4.0]
    message = str(caught.value)
    assert message.startswith("Google's voice is unreachable (HTTP 429 Too Many Requests")
    assert "--engine piper or --engine espeak" in message
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_a_connection_failure_ends_in_the_clear_error(
    google: Callable[..., FakeGoogle], engine: GttsEngine, sleeps: list[float]
) -> None:
    fake = google(["refused"] * 10)
    with pytest.raises(EngineError) as caught:
        engine.synthesize(SENTENCE)
    assert len(fake.texts) == 4
    assert sleeps == [1.0, 2.0, 4.0]
    assert str(caught.value) == (
        "Google's voice is unreachable (cannot connect, 4 attempts). "
        "Use an offline engine: --engine piper or --engine espeak"
    )


def test_a_connection_failure_then_success_recovers(
    google: Callable[..., FakeGoogle], engine: GttsEngine, sleeps: list[float]
) -> None:
    google(["refused", "refused"])
    assert engine.synthesize(SENTENCE).duration_ms > 3_000
    assert sleeps == [1.0, 2.0]


def test_a_refusal_is_not_retried(
    google: Callable[..., FakeGoogle], engine: GttsEngine, sleeps: list[float]
) -> None:
    google([403])
    with pytest.raises(EngineError, match=r"refused the text \(HTTP 403 Forbidden\)"):
        engine.synthesize(SENTENCE)
    assert sleeps == []


def test_a_quick_voice_is_slowed_to_the_pace_asked_for(
    google: Callable[..., FakeGoogle], engine: GttsEngine
) -> None:
    # Google's voice has no rate control: a sentence spoken far too fast is
    # slowed with ffmpeg's atempo (by at most 1.25).
    google(mp3=mp3_of(SENTENCE, 260))
    clip = engine.synthesize(SENTENCE)
    heard = count_words(SENTENCE) / (clip.duration_ms / 60_000)
    target = speech_wpm(150)
    assert heard < 230  # was about 260: slowed
    assert abs(heard - target) / target < 0.25
    assert rms_dbfs(from_clip(clip)) > -30


def test_a_voice_at_the_right_pace_is_left_alone(natural_mp3: bytes, engine: GttsEngine) -> None:
    assert engine._tempo(15, int(engine.sample_rate * 60 * 15 / speech_wpm(150))) == 1.0
    assert engine._tempo(15, int(engine.sample_rate * 60 * 15 / 250)) == pytest.approx(0.8)
    assert engine._tempo(2, 10) == 1.0  # too short to measure


def test_gtts_is_built_through_the_registry() -> None:
    engine = make_engine("gtts", voice="com.au")
    assert isinstance(engine, GttsEngine)
    assert engine.voice_id == "en-com.au" and not engine.OFFLINE


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("Short.", [("Short.", 0)]),
        ("", []),
        ("...", []),
        ("a" * 130, [("a" * 100, 0), ("a" * 30, 0)]),
        (
            "First sentence here. " + "word " * 18,
            [("First sentence here.", 400), (("word " * 18).strip(), 0)],
        ),
        (
            "x" * 60 + ", " + "y" * 60,
            [("x" * 60 + ",", CLAUSE_GAP_MS), ("y" * 60, 0)],
        ),
    ],
)
def test_split_for_google(text: str, pieces: list[tuple[str, int]]) -> None:
    assert split_for_google(text) == pieces
    assert all(len(piece) <= MAX_CHARS for piece, _ in split_for_google(text))
