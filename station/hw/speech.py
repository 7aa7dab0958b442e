"""Spoken phrases for the speaker: every phrase rendered by ``espeak-ng``
to a WAV file at start (all processes at once), loaded as mixer sounds.

The files live in a temporary directory that :func:`remove` deletes.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ESPEAK = "espeak-ng"
ESPEAK_TIMEOUT_S = 10.0
"""The longest all renders may take together, s."""

Renders = dict[str, tuple[Path, "subprocess.Popen[bytes]"]]


def espeak_missing() -> str:
    """Why there is no speech ("" when espeak-ng is on PATH)."""
    return "" if shutil.which(ESPEAK) is not None else f"{ESPEAK} not found on PATH"


def start(phrases: Iterable[str]) -> tuple[Path, Renders]:
    """Start one ``espeak-ng`` per phrase into a new temporary directory;
    returns the directory and phrase -> (WAV path, process)."""
    folder = Path(tempfile.mkdtemp(prefix="station-speech-"))
    renders: Renders = {}
    for i, phrase in enumerate(phrases):
        path = folder / f"phrase-{i}.wav"
        # -z: no pause after the phrase, so the next cue is never queued behind silence.
        cmd = [ESPEAK, "-z", "-w", str(path), phrase]
        renders[phrase] = (
            path,
            subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE),
        )
    return folder, renders


def finish(renders: Renders, load: Callable[[Path], Any],
           load_error: type[BaseException]) -> tuple[dict[str, Any], str]:
    """Wait for the renders (at most :data:`ESPEAK_TIMEOUT_S` in all) and
    ``load(path)`` each WAV. Returns (phrase -> loaded sound, problem): on
    any problem ("" when none) the sounds are empty: all phrases or none."""
    deadline = time.monotonic() + ESPEAK_TIMEOUT_S
    problem = ""
    sounds: dict[str, Any] = {}
    for phrase, (path, proc) in renders.items():
        try:
            _, stderr = proc.communicate(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            problem = problem or f"{ESPEAK} took longer than {ESPEAK_TIMEOUT_S} s for {phrase!r}"
            continue
        if proc.returncode != 0 or not path.is_file():
            detail = stderr.decode(errors="replace").strip() or f"exit status {proc.returncode}"
            problem = problem or f"{ESPEAK} failed for {phrase!r}: {detail}"
            continue
        if not problem:
            try:
                sounds[phrase] = load(path)
            except load_error as exc:
                problem = f"cannot load {ESPEAK} output {path.name} for {phrase!r}: {exc}"
    return ({} if problem else sounds), problem


def remove(folder: Path | None) -> None:
    """Delete the rendered files (no error if already gone)."""
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
