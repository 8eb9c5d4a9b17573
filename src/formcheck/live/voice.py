"""Spoken cues for `formcheck live --voice`: faults and rep counts, offline, never piling up.

During a deadlift nobody looks at a screen, so short spoken cues carry the feedback. But a
pile-up of stale speech is worse than silence, so a :class:`CueScheduler` sits between the
video loop and the speech engine: it keeps at most one pending cue per kind, speaks the most
important one when the engine is free and a cool-down has passed, and drops cues that have
gone stale or that it said a moment ago.

Engines (:func:`find_speaker`) are offline only: a command-line engine on PATH (``say`` on
macOS, ``espeak-ng``/``espeak``), the ``pyttsx3`` library, or PowerShell's System.Speech on
Windows. Without any, :func:`open_voice` warns once and the session carries on silently.
"""

from __future__ import annotations

import contextlib
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = [
    "CommandSpeaker",
    "CueScheduler",
    "Pyttsx3Speaker",
    "Speaker",
    "VoiceSettings",
    "find_speaker",
    "open_voice",
    "rep_words",
]


class Speaker(Protocol):
    """A speech engine, as the scheduler sees it."""

    name: str

    def say(self, text: str) -> None:
        """Start speaking ``text`` and return at once (the video loop must not wait)."""

    def busy(self) -> bool:
        """True while an utterance is still being spoken."""

    def close(self) -> None:
        """Stop speaking and release the engine; safe to call twice."""


# --- command-line engines --------------------------------------------------------------------

# Output is noise to the user (ALSA complaints on a machine without sound, for one), and stdin
# is not the engine's to read: the terminal belongs to the live session.
_POPEN_KWARGS: dict[str, Any] = {
    "stdin": subprocess.DEVNULL,
    "stdout": subprocess.DEVNULL,
    "stderr": subprocess.DEVNULL,
}
if sys.platform == "win32":  # no console window flashing up for every cue
    _POPEN_KWARGS["creationflags"] = subprocess.CREATE_NO_WINDOW

ESPEAK_RATE_WPM = 175


def _clean(text: str) -> str:
    """Plain words only: nothing an engine could read as an option, markup or quoting."""
    text = re.sub(r"[^\w\s.,!?'-]", " ", text)
    return " ".join(text.split()).lstrip("-").strip()


class CommandSpeaker:
    """One engine process per utterance (``espeak-ng``, ``say``, PowerShell).

    ``argv`` turns the text into the command line. A new utterance cuts off one still running,
    so speech never queues up behind the engine. If the previous process failed (non-zero exit
    that we did not cause), the next :meth:`say` raises so the caller can report it.
    """

    def __init__(self, name: str, argv: Callable[[str], list[str]]) -> None:
        self.name = name
        self._argv = argv
        self._proc: subprocess.Popen[bytes] | None = None
        self._stopped_by_us = False

    def argv(self, text: str) -> list[str]:
        """The command line that speaks ``text``."""
        return self._argv(_clean(text))

    def say(self, text: str) -> None:
        self._raise_if_last_failed()
        self._terminate()
        self._stopped_by_us = False
        self._proc = subprocess.Popen(self.argv(text), **_POPEN_KWARGS)

    def busy(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def close(self) -> None:
        proc = self._proc
        self._terminate()
        self._proc = None
        if proc is not None:
            try:  # reap it, briefly; close() is not on the per-frame path
                proc.wait(timeout=1.0)
            except Exception:
                with contextlib.suppress(Exception):
                    proc.kill()

    def _terminate(self) -> None:
        proc = self._proc
        if proc is not None and proc.poll() is None:
            self._stopped_by_us = True
            proc.terminate()  # no wait: say() must return at once

    def _raise_if_last_failed(self) -> None:
        proc = self._proc
        if proc is None or self._stopped_by_us:
            return
        code = proc.poll()
        if code not in (None, 0):
            self._proc = None  # report it once
            raise RuntimeError(f"{self.name} exited with status {code}")


def _espeak(exe: str, name: str) -> CommandSpeaker:
    return CommandSpeaker(name, lambda text: [exe, "-s", str(ESPEAK_RATE_WPM), text])


def _say(exe: str) -> CommandSpeaker:
    return CommandSpeaker("say", lambda text: [exe, text])


def _powershell(exe: str) -> CommandSpeaker:
    def argv(text: str) -> list[str]:
        quoted = text.replace("'", "''")  # PowerShell's single-quoted string escape
        script = (
            "Add-Type -AssemblyName System.Speech; "
            f"(New-Object System.Speech.Synthesis.SpeechSynthesizer).Speak('{quoted}')"
        )
        return [exe, "-NoProfile", "-NonInteractive", "-Command", script]

    return CommandSpeaker("powershell", argv)


def _command_speaker() -> CommandSpeaker | None:
    """``say`` on macOS (the system voice beats espeak there), else espeak-ng, then espeak."""
    if sys.platform == "darwin" and (exe := shutil.which("say")):
        return _say(exe)
    for name in ("espeak-ng", "espeak"):
        if exe := shutil.which(name):
            return _espeak(exe, name)
    return None


def _powershell_speaker() -> CommandSpeaker | None:
    if sys.platform == "win32" and (exe := shutil.which("powershell")):
        return _powershell(exe)
    return None


# --- pyttsx3 -------------------------------------------------------------------------------


class Pyttsx3Speaker:
    """The ``pyttsx3`` library, on a thread of its own that owns the engine.

    pyttsx3's ``runAndWait`` blocks until the utterance ends, and its engines are not safe to
    share across threads, so the worker thread creates, drives and stops the engine and
    :meth:`say` only hands it text through a queue. Raises if the engine cannot start.
    """

    name = "pyttsx3"

    def __init__(self, init_timeout_s: float = 5.0) -> None:
        import pyttsx3  # ImportError: not installed

        self._texts: queue.Queue[str | None] = queue.Queue()
        self._lock = threading.Lock()
        self._outstanding = 0  # texts handed over and not finished yet
        self._error: Exception | None = None
        self._closed = False
        self._ready = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(pyttsx3,), name="formcheck-voice", daemon=True
        )
        self._thread.start()
        if not self._ready.wait(init_timeout_s):
            self.close()
            raise RuntimeError("pyttsx3 did not start in time")
        if self._error is not None:
            raise RuntimeError(f"pyttsx3 could not start: {self._error}") from self._error

    def say(self, text: str) -> None:
        if self._error is not None:
            raise RuntimeError(f"pyttsx3 failed: {self._error}") from self._error
        if self._closed:
            return
        self._drop_unstarted()  # the newest text wins over one still waiting
        with self._lock:
            self._outstanding += 1
        self._texts.put(_clean(text))

    def busy(self) -> bool:
        with self._lock:
            return self._outstanding > 0 and self._error is None

    def close(self) -> None:
        """Let the current (short) cue finish, then stop the worker; waits at most 2 s."""
        if self._closed:
            return
        self._closed = True
        self._drop_unstarted()
        self._texts.put(None)
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=2.0)

    def _drop_unstarted(self) -> None:
        while True:
            try:
                text = self._texts.get_nowait()
            except queue.Empty:
                return
            if text is None:  # keep the stop signal
                self._texts.put(None)
                return
            with self._lock:
                self._outstanding -= 1

    def _run(self, pyttsx3: Any) -> None:
        try:
            engine = pyttsx3.init()
        except Exception as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        try:
            while (text := self._texts.get()) is not None:
                try:
                    engine.say(text)
                    engine.runAndWait()
                finally:
                    with self._lock:
                        self._outstanding -= 1
        except Exception as exc:
            self._error = exc  # raised to the caller on its next say()
        finally:
            with contextlib.suppress(Exception):
                engine.stop()


def _pyttsx3_speaker() -> Pyttsx3Speaker:
    return Pyttsx3Speaker()


# --- finding an engine -----------------------------------------------------------------------

# PowerShell comes after pyttsx3: it starts a new PowerShell per cue (about a second late),
# while pyttsx3 drives the same Windows voices in-process.
_CANDIDATES: tuple[Callable[[], Speaker | None], ...] = (
    _command_speaker,
    _pyttsx3_speaker,
    _powershell_speaker,
)


def find_speaker() -> Speaker | None:
    """The best offline speech engine on this machine, or None. Never raises."""
    for candidate in _CANDIDATES:
        try:
            speaker = candidate()
        except Exception:  # missing, broken or refusing to start: not available
            continue
        if speaker is not None:
            return speaker
    return None


def _install_hint() -> str:
    if sys.platform == "win32":
        return "`pip install pyttsx3`"
    if sys.platform == "darwin":
        return "the built-in `say` was not found on PATH; or `pip install pyttsx3`"
    return "install espeak-ng, e.g. `sudo apt install espeak-ng`, or `pip install pyttsx3`"


def no_engine_message() -> str:
    """The one line shown when voice cues were asked for but nothing can speak."""
    return f"no offline speech engine found: cues will be shown, not spoken ({_install_hint()})"


# --- scheduling ------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoiceSettings:
    """Timing of spoken cues, in seconds."""

    cooldown_s: float = 2.5  # at least this long between any two utterances
    repeat_s: float = 10.0  # the same fault cue is not repeated within this long
    max_age_s: float = 1.5  # a queued cue older than this is dropped (stale)


DEFAULT_SETTINGS = VoiceSettings()

# fmt: off
_NUMBER_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty",
)
# fmt: on


def rep_words(count: int) -> str:
    """A rep count as engines say it best: a word up to twenty, digits past it."""
    return _NUMBER_WORDS[count] if 0 <= count < len(_NUMBER_WORDS) else str(count)


# Kinds of cue, most important first.
_FAULT, _REP, _MESSAGE = "fault", "rep", "message"
_PRIORITY = (_FAULT, _REP, _MESSAGE)


class CueScheduler:
    """Decides, frame by frame, whether to speak and what.

    Queue cues with :meth:`fault`, :meth:`rep` and :meth:`say` whenever they happen; call
    :meth:`tick` once per frame. Rules: nothing is spoken while the speaker is busy or within
    ``cooldown_s`` of the last utterance; at most one pending cue per kind, a newer one
    replacing the older; fault before rep before message; a cue pending longer than
    ``max_age_s`` is dropped; the same fault is not said again within ``repeat_s``. If the
    engine fails, ``warn`` is called once and the scheduler goes silent for good.
    """

    def __init__(
        self,
        speaker: Speaker,
        settings: VoiceSettings = DEFAULT_SETTINGS,
        clock: Callable[[], float] = time.monotonic,
        *,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self.speaker = speaker
        self.settings = settings
        self._clock = clock
        self._warn = warn
        self._pending: dict[str, tuple[float, str]] = {}  # kind -> (queued at, text)
        self._last_spoken_at: float | None = None
        self._fault_said_at: dict[str, float] = {}  # casefolded fault text -> when said
        self._silent = False  # after close() or an engine failure
        self._closed = False
        self.spoken: list[tuple[float, str]] = []

    # Queuing: cheap, called from the analysis as events happen.

    def rep(self, count: int) -> None:
        """Queue a rep count, spoken as a word ("three")."""
        self._queue(_REP, rep_words(count))

    def fault(self, cue: str) -> None:
        """Queue a fault cue (two to four coaching words, e.g. "Long spine")."""
        if not self._silent and not self._said_recently(cue.strip(), self._clock()):
            self._queue(_FAULT, cue)

    def say(self, text: str) -> None:
        """Queue a one-off message (set-up advice and the like), lowest priority."""
        self._queue(_MESSAGE, text)

    # Speaking: once per frame.

    def tick(self) -> None:
        """Speak at most one pending cue, if the rules allow it now. Never raises."""
        if self._silent or not self._pending:
            return  # the common case: nothing to do, not even a clock read
        try:
            self._tick(self._clock())
        except Exception as exc:
            self._fail(exc)

    def close(self) -> None:
        """Stop speaking and release the engine; safe to call twice."""
        if self._closed:
            return
        self._closed = self._silent = True
        self._pending.clear()
        with contextlib.suppress(Exception):  # ending a session must not fail it
            self.speaker.close()

    # Internals.

    def _queue(self, kind: str, text: str) -> None:
        text = text.strip()
        if text and not self._silent:
            self._pending[kind] = (self._clock(), text)

    def _said_recently(self, fault: str, now: float) -> bool:
        said_at = self._fault_said_at.get(fault.casefold())
        return said_at is not None and now - said_at < self.settings.repeat_s

    def _tick(self, now: float) -> None:
        self._drop_stale(now)
        if not self._pending or self._cooling_down(now) or self.speaker.busy():
            return
        chosen = self._next_cue()
        if chosen is None:
            return
        kind, text = chosen
        del self._pending[kind]
        self.speaker.say(text)
        self._last_spoken_at = now
        self.spoken.append((now, text))
        if kind == _FAULT:
            self._fault_said_at[text.casefold()] = now

    def _drop_stale(self, now: float) -> None:
        max_age = self.settings.max_age_s
        for kind in [k for k, (at, _) in self._pending.items() if now - at > max_age]:
            del self._pending[kind]

    def _cooling_down(self, now: float) -> bool:
        last = self._last_spoken_at
        return last is not None and now - last < self.settings.cooldown_s

    def _next_cue(self) -> tuple[str, str] | None:
        for kind in _PRIORITY:
            if kind in self._pending:
                return kind, self._pending[kind][1]
        return None

    def _fail(self, exc: Exception) -> None:
        """The engine broke mid-session: say so once, then stay quiet."""
        self._silent = True
        self._pending.clear()
        name = getattr(self.speaker, "name", "speech engine")
        with contextlib.suppress(Exception):
            self.speaker.close()
        if self._warn is not None:
            # A broken warn must not break the video loop either.
            with contextlib.suppress(Exception):
                self._warn(f"voice cues stopped: {name} failed ({exc}); cues will be shown only")


def open_voice(
    enabled: bool,
    warn: Callable[[str], None],
    *,
    settings: VoiceSettings = DEFAULT_SETTINGS,
) -> CueScheduler | None:
    """The scheduler for ``--voice``, or None when voice is off or nothing can speak.

    Without an engine, ``warn`` gets one line saying how to install one, and the session is
    expected to carry on silently.
    """
    if not enabled:
        return None
    speaker = find_speaker()
    if speaker is None:
        warn(no_engine_message())
        return None
    return CueScheduler(speaker, settings, warn=warn)
