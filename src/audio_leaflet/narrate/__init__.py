"""narrate: a Document turned into words for the ear, and the narration scripts on disk.

    narrate(document, title=..., organisation=..., slug=...) -> Narration
    write_scripts(narration, folder, source_sha256=...) -> ScriptWriteResult
    load_scripts(narration, folder) -> (Narration, warnings)

`rules` holds the text rules (one small `str -> str` step each), `sentences` the
sentence splitter, `numbers` numbers in words, `chapters` the chapter layout,
`lengths` the words that fill the introduction's placeholders and `script` the
script file format.
"""

from audio_leaflet.narrate.chapters import narrate, section_closing, section_opening
from audio_leaflet.narrate.lengths import describe_date, describe_length
from audio_leaflet.narrate.numbers import cardinal, ordinal, year
from audio_leaflet.narrate.rules import STEPS, date_words, speakable
from audio_leaflet.narrate.script import (
    ParsedScript,
    ScriptWriteResult,
    load_scripts,
    parse_script,
    read_script,
    render_script,
    script_path,
    write_scripts,
)
from audio_leaflet.narrate.sentences import split_sentences

__all__ = [
    "STEPS",
    "ParsedScript",
    "ScriptWriteResult",
    "cardinal",
    "date_words",
    "describe_date",
    "describe_length",
    "load_scripts",
    "narrate",
    "ordinal",
    "parse_script",
    "read_script",
    "render_script",
    "script_path",
    "section_closing",
    "section_opening",
    "speakable",
    "split_sentences",
    "write_scripts",
    "year",
]
