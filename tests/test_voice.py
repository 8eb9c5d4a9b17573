"""Spoken cues for `formcheck live --voice`: the scheduler's rules and the engines around it.

Everything runs without a speech engine: a fake speaker and a fake clock drive the scheduler,
and subprocess/shutil/pyttsx3 are faked for the engines. One test runs the real espeak-ng
when it happens to be on PATH.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
import types
import wave

import pytest

from formcheck.live import voice
from formcheck.live.voice import (
    CommandSpeaker,
    CueScheduler,
    Pyttsx3Speaker,
    VoiceSettings,
    find_speaker,
    open_voice,
    rep_words,
)

# --- fakes -----------------------------------------------------------------------------------


class FakeClock:
    """A clock the test moves by hand; counts reads so tests can see tick() skip it."""

    def __init__(self, start: float = 100.0) -> None:
        self.now = start
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakeSpeaker:
    """Records what it is told to say; busy while the test says so."""

    name = "fake"

    def __init__(self) -> None:
        self.said: list[str] = []
        self.speaking = False
        self.busy_calls = 0
        self.closes = 0

    def say(self, text: str) -> None:
        self.said.append(text)

    def busy(self) -> bool:
        self.busy_calls += 1
        return self.speaking

    def close(self) -> None:
        self.closes += 1


class BrokenSpeaker(FakeSpeaker):
    """An engine that fails on its first utterance (process cannot start, library error)."""

    name = "broken"

    def say(self, text: str) -> None:
        self.said.append(text)
        raise OSError("cannot start engine")


def scheduler(settings: VoiceSettings | None = None, **kwargs):
    """A scheduler around a fake speaker and clock, returned with both."""
    speaker, clock = FakeSpeaker(), FakeClock()
    cues = CueScheduler(speaker, settings or VoiceSettings(), clock, **kwargs)
    return cues, speaker, clock


def spoken_texts(cues: CueScheduler) -> list[str]:
    return [text for _, text in cues.spoken]


# --- the scheduler's rules -------------------------------------------------------------------


def test_a_queued_cue_is_spoken_on_the_next_tick_and_recorded():
    cues, speaker, clock = scheduler()
    cues.fault("Long spine")
    assert speaker.said == []  # queuing never speaks: only tick() does
    cues.tick()
    assert speaker.said == ["Long spine"]
    assert cues.spoken == [(clock.now, "Long spine")]
    cues.tick()
    assert speaker.said == ["Long spine"]  # said once, not again


def test_rep_counts_are_spoken_as_words():
    assert [rep_words(n) for n in (0, 1, 3, 12, 20)] == ["zero", "one", "three", "twelve", "twenty"]
    assert rep_words(21) == "21"
    cues, speaker, _ = scheduler()
    cues.rep(3)
    cues.tick()
    assert speaker.said == ["three"]


def test_nothing_is_spoken_within_the_cooldown():
    cues, speaker, clock = scheduler(VoiceSettings(cooldown_s=2.5))
    cues.fault("Long spine")
    cues.tick()
    clock.advance(1.5)
    cues.rep(1)
    cues.tick()
    clock.advance(0.9)  # 2.4 s after the fault: still cooling down
    cues.tick()
    assert speaker.said == ["Long spine"]
    clock.advance(0.1)  # 2.5 s: allowed
    cues.tick()
    assert speaker.said == ["Long spine", "one"]
    assert cues.spoken[1][0] - cues.spoken[0][0] == pytest.approx(2.5)


def test_the_same_fault_is_not_repeated_within_repeat_s():
    cues, speaker, clock = scheduler(VoiceSettings(cooldown_s=1.0, repeat_s=10.0))
    cues.fault("Long spine")
    cues.tick()
    for _ in range(3):  # the fault persists rep after rep: said once, not nagged
        clock.advance(3.0)
        cues.fault("Long spine")
        cues.fault("long spine ")  # same cue, whatever the case and spacing
        cues.tick()
    assert speaker.said == ["Long spine"]
    cues.fault("Hips back")  # a different fault is not held back
    cues.tick()
    assert speaker.said == ["Long spine", "Hips back"]
    clock.advance(1.0)  # 10 s after the first: it may be said again
    cues.fault("Long spine")
    cues.tick()
    assert speaker.said == ["Long spine", "Hips back", "Long spine"]


def test_priority_is_fault_then_rep_then_message():
    cues, speaker, clock = scheduler(VoiceSettings(cooldown_s=1.0, max_age_s=10.0))
    cues.say("Step back so your feet are in view")
    cues.rep(2)
    cues.fault("Long spine")
    for _ in range(4):
        cues.tick()
        clock.advance(1.0)
    assert speaker.said == ["Long spine", "two", "Step back so your feet are in view"]


def test_a_fault_wins_and_the_count_goes_stale_behind_it():
    cues, speaker, clock = scheduler()  # defaults: cooldown 2.5 s > max age 1.5 s
    cues.rep(5)
    cues.fault("Soft knees")
    cues.tick()
    for _ in range(10):
        clock.advance(0.5)
        cues.tick()
    assert speaker.said == ["Soft knees"]  # "five" was dropped, never said late


def test_a_newer_cue_replaces_the_pending_one_of_the_same_kind():
    cues, speaker, clock = scheduler(VoiceSettings(cooldown_s=0.5, max_age_s=5.0))
    speaker.speaking = True
    cues.rep(3)
    cues.fault("Hips back")
    cues.say("old advice")
    clock.advance(0.2)
    cues.rep(4)
    cues.fault("Long spine")
    cues.say("new advice")
    cues.tick()
    speaker.speaking = False
    for _ in range(4):
        cues.tick()
        clock.advance(0.5)
    assert speaker.said == ["Long spine", "four", "new advice"]


def test_a_cue_pending_longer_than_max_age_is_dropped():
    cues, speaker, clock = scheduler(VoiceSettings(max_age_s=1.5))
    speaker.speaking = True
    cues.rep(1)
    clock.advance(1.0)
    cues.rep(2)
    clock.advance(1.5)  # "two" is exactly max_age old: still fresh
    speaker.speaking = False
    cues.tick()
    assert speaker.said == ["two"]

    speaker.speaking = True
    clock.advance(5.0)
    cues.fault("Long spine")
    clock.advance(1.6)  # held by the busy engine past max_age
    speaker.speaking = False
    cues.tick()
    assert speaker.said == ["two"]
    clock.advance(5.0)
    cues.tick()
    assert speaker.said == ["two"]  # dropped for good, not kept for later


def test_a_busy_speaker_holds_cues():
    cues, speaker, clock = scheduler()
    speaker.speaking = True
    cues.fault("Long spine")
    for _ in range(3):
        cues.tick()
        clock.advance(0.4)
    assert speaker.said == []
    assert speaker.busy_calls == 3
    speaker.speaking = False
    cues.tick()
    assert speaker.said == ["Long spine"]
    assert cues.spoken[0][0] == pytest.approx(101.2)


def test_tick_with_nothing_pending_does_no_work():
    cues, speaker, clock = scheduler()
    for _ in range(100):
        cues.tick()
    assert (clock.reads, speaker.busy_calls, speaker.said) == (0, 0, [])


def test_an_engine_that_fails_warns_once_and_goes_silent():
    speaker, clock, warnings = BrokenSpeaker(), FakeClock(), []
    cues = CueScheduler(speaker, VoiceSettings(cooldown_s=0.0), clock, warn=warnings.append)
    cues.fault("Long spine")
    cues.tick()  # must not raise
    for n in range(5):
        clock.advance(3.0)
        cues.rep(n)
        cues.fault(f"Cue {n}")
        cues.tick()
    assert speaker.said == ["Long spine"]  # never tried again
    assert cues.spoken == []  # nothing reached the listener
    assert len(warnings) == 1
    assert "broken" in warnings[0] and "cannot start engine" in warnings[0]
    assert speaker.closes >= 1  # the engine was released


def test_an_engine_whose_busy_fails_is_handled_the_same_way():
    class BadPoll(FakeSpeaker):
        def busy(self) -> bool:
            raise RuntimeError("engine died")

    warnings: list[str] = []
    cues = CueScheduler(BadPoll(), clock=FakeClock(), warn=warnings.append)
    cues.fault("Long spine")
    cues.tick()
    cues.fault("Hips back")
    cues.tick()
    assert len(warnings) == 1 and "engine died" in warnings[0]


def test_a_failing_engine_without_warn_or_with_a_broken_warn_never_raises():
    def bad_warn(message: str) -> None:
        raise ValueError("terminal gone")

    for warn in (None, bad_warn):
        cues = CueScheduler(BrokenSpeaker(), clock=FakeClock(), warn=warn)
        cues.fault("Long spine")
        cues.tick()
        cues.close()


def test_close_releases_the_engine_once_and_stops_speech():
    cues, speaker, _ = scheduler()
    cues.fault("Long spine")
    cues.close()
    cues.close()
    cues.tick()
    cues.rep(1)
    cues.tick()
    assert speaker.closes == 1
    assert speaker.said == []


# --- open_voice --------------------------------------------------------------------------------


def test_open_voice_disabled_is_none_and_looks_for_nothing(monkeypatch):
    def must_not_search():
        raise AssertionError("find_speaker called with voice off")

    monkeypatch.setattr(voice, "find_speaker", must_not_search)
    warnings: list[str] = []
    assert open_voice(False, warnings.append) is None
    assert warnings == []


def test_open_voice_without_an_engine_warns_once_how_to_install(monkeypatch):
    monkeypatch.setattr(voice, "find_speaker", lambda: None)
    monkeypatch.setattr(sys, "platform", "linux")
    warnings: list[str] = []
    assert open_voice(True, warnings.append) is None
    assert len(warnings) == 1
    line = warnings[0]
    assert "\n" not in line
    assert "no offline speech engine" in line and "not spoken" in line
    assert "sudo apt install espeak-ng" in line and "pip install pyttsx3" in line


def test_open_voice_with_an_engine_wraps_it_and_passes_warn_on(monkeypatch):
    speaker = BrokenSpeaker()
    monkeypatch.setattr(voice, "find_speaker", lambda: speaker)
    warnings: list[str] = []
    cues = open_voice(True, warnings.append, settings=VoiceSettings(cooldown_s=1.0))
    assert isinstance(cues, CueScheduler)
    assert cues.speaker is speaker and cues.settings.cooldown_s == 1.0
    assert warnings == []
    cues.fault("Long spine")
    cues.tick()
    assert len(warnings) == 1  # the mid-session failure reaches the same warn


# --- command-line engines ----------------------------------------------------------------------


class FakeProcess:
    """Stands in for subprocess.Popen: records the call; poll() says what the test sets."""

    started: list[FakeProcess] = []

    def __init__(self, argv, **kwargs) -> None:
        self.argv, self.kwargs = list(argv), kwargs
        self.returncode: int | None = None
        self.terminated = False
        FakeProcess.started.append(self)

    def poll(self) -> int | None:
        return self.returncode

    def terminate(self) -> None:
        self.terminated = True
        self.returncode = -15

    def wait(self, timeout: float | None = None) -> int | None:
        return self.returncode

    def kill(self) -> None:
        self.returncode = -9


@pytest.fixture
def fake_system(monkeypatch):
    """No real engine: `which` finds only the programs a test names, Popen is FakeProcess,
    and pyttsx3 cannot be imported."""
    FakeProcess.started = []
    on_path: dict[str, str] = {}
    monkeypatch.setattr(shutil, "which", lambda name: on_path.get(name))
    monkeypatch.setattr(subprocess, "Popen", FakeProcess)
    monkeypatch.setitem(sys.modules, "pyttsx3", None)  # import pyttsx3 -> ImportError
    monkeypatch.setattr(sys, "platform", "linux")
    return on_path


def test_find_speaker_is_none_without_any_engine(fake_system):
    assert find_speaker() is None


def test_find_speaker_never_raises(fake_system, monkeypatch):
    def broken_which(name):
        raise OSError("PATH unreadable")

    monkeypatch.setattr(shutil, "which", broken_which)
    assert find_speaker() is None


def test_espeak_ng_gets_the_right_command_line(fake_system):
    fake_system.update({"espeak-ng": "/usr/bin/espeak-ng", "espeak": "/usr/bin/espeak"})
    speaker = find_speaker()
    assert isinstance(speaker, CommandSpeaker) and speaker.name == "espeak-ng"
    assert FakeProcess.started == []  # finding an engine speaks nothing
    speaker.say("Long spine")
    (proc,) = FakeProcess.started
    assert proc.argv == ["/usr/bin/espeak-ng", "-s", "175", "Long spine"]
    assert proc.kwargs["stdout"] is subprocess.DEVNULL
    assert proc.kwargs["stderr"] is subprocess.DEVNULL


def test_busy_follows_the_process_poll(fake_system):
    fake_system["espeak-ng"] = "/usr/bin/espeak-ng"
    speaker = find_speaker()
    assert not speaker.busy()
    speaker.say("three")
    assert speaker.busy()
    FakeProcess.started[0].returncode = 0
    assert not speaker.busy()


def test_plain_espeak_is_the_fallback(fake_system):
    fake_system["espeak"] = "/usr/bin/espeak"
    speaker = find_speaker()
    assert speaker.name == "espeak"
    speaker.say("two")
    assert FakeProcess.started[0].argv == ["/usr/bin/espeak", "-s", "175", "two"]


def test_macos_say_comes_first_on_macos(fake_system, monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    fake_system.update({"say": "/usr/bin/say", "espeak-ng": "/opt/homebrew/bin/espeak-ng"})
    speaker = find_speaker()
    assert speaker.name == "say"
    speaker.say("Hips back")
    assert FakeProcess.started[0].argv == ["/usr/bin/say", "Hips back"]


def test_a_say_program_elsewhere_is_not_taken_for_macos_say(fake_system):
    fake_system["say"] = "/usr/games/say"
    assert find_speaker() is None


def test_powershell_on_windows_quotes_the_text(fake_system, monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    fake_system["powershell"] = r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.EXE"
    speaker = find_speaker()
    assert speaker.name == "powershell"
    argv = speaker.argv("Don't round")
    assert argv[:4] == [fake_system["powershell"], "-NoProfile", "-NonInteractive", "-Command"]
    assert "System.Speech" in argv[4] and ".Speak('Don''t round')" in argv[4]


def test_text_cannot_smuggle_options_or_markup(fake_system):
    fake_system["espeak-ng"] = "/usr/bin/espeak-ng"
    speaker = find_speaker()
    assert speaker.argv('--stdout <b>Long   spine</b> "now"')[-1] == "stdout b Long spine b now"


def test_a_new_utterance_cuts_off_one_still_running_and_close_stops_it(fake_system):
    fake_system["espeak-ng"] = "/usr/bin/espeak-ng"
    speaker = find_speaker()
    speaker.say("Long spine")
    speaker.say("three")  # a caller that ignores busy(): no two voices at once
    first, second = FakeProcess.started
    assert first.terminated and not second.terminated
    speaker.close()
    speaker.close()
    assert second.terminated
    assert not speaker.busy()


def test_an_engine_process_that_fails_is_reported_by_the_next_say(fake_system):
    fake_system["espeak-ng"] = "/usr/bin/espeak-ng"
    speaker, clock, warnings = find_speaker(), FakeClock(), []
    cues = CueScheduler(speaker, VoiceSettings(cooldown_s=0.0), clock, warn=warnings.append)
    cues.fault("Long spine")
    cues.tick()
    FakeProcess.started[0].returncode = 1  # e.g. a voice or audio device missing
    clock.advance(1.0)
    cues.rep(1)
    cues.tick()
    assert len(warnings) == 1 and "espeak-ng exited with status 1" in warnings[0]
    assert len(FakeProcess.started) == 1


def test_a_missing_program_is_an_engine_failure_not_a_crash(fake_system, monkeypatch):
    fake_system["espeak-ng"] = "/usr/bin/espeak-ng"
    speaker = find_speaker()

    def no_such_file(argv, **kwargs):
        raise FileNotFoundError(2, "No such file or directory", argv[0])

    monkeypatch.setattr(subprocess, "Popen", no_such_file)
    warnings: list[str] = []
    cues = CueScheduler(speaker, clock=FakeClock(), warn=warnings.append)
    cues.fault("Long spine")
    cues.tick()
    assert len(warnings) == 1 and "No such file" in warnings[0]


# --- pyttsx3 ----------------------------------------------------------------------------------


class FakeEngine:
    """pyttsx3's engine: runAndWait blocks until the test lets it finish."""

    def __init__(self, fail: bool = False) -> None:
        self.said: list[str] = []
        self.threads: set[str] = set()
        self.release = threading.Event()
        self.stopped = False
        self.fail = fail

    def say(self, text: str) -> None:
        self.threads.add(threading.current_thread().name)
        self.said.append(text)

    def runAndWait(self) -> None:  # noqa: N802 - pyttsx3's name
        self.threads.add(threading.current_thread().name)
        if self.fail:
            raise RuntimeError("driver crashed")
        assert self.release.wait(5.0)

    def stop(self) -> None:
        self.stopped = True


def fake_pyttsx3(monkeypatch, engine: FakeEngine | None = None, init_error: bool = False):
    module = types.ModuleType("pyttsx3")

    def init():
        if init_error:
            raise OSError("libespeak.so.1: cannot open shared object file")
        return engine

    module.init = init
    monkeypatch.setitem(sys.modules, "pyttsx3", module)


def wait_until(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_pyttsx3_is_used_when_no_command_line_engine(fake_system, monkeypatch):
    engine = FakeEngine()
    fake_pyttsx3(monkeypatch, engine)
    speaker = find_speaker()
    assert isinstance(speaker, Pyttsx3Speaker) and speaker.name == "pyttsx3"
    try:
        started = time.monotonic()
        speaker.say("Long spine")
        assert time.monotonic() - started < 0.5  # runAndWait is blocking, say() is not
        assert speaker.busy()
        assert wait_until(lambda: engine.said == ["Long spine"])
        assert speaker.busy()  # still inside runAndWait
        engine.release.set()
        assert wait_until(lambda: not speaker.busy())
        assert engine.threads == {"formcheck-voice"}  # the engine is driven from its own thread
    finally:
        engine.release.set()
        speaker.close()
        speaker.close()
    assert engine.stopped
    assert not speaker._thread.is_alive()


def test_pyttsx3_whose_init_fails_is_not_available(fake_system, monkeypatch):
    fake_pyttsx3(monkeypatch, init_error=True)
    assert find_speaker() is None


def test_pyttsx3_that_fails_mid_session_warns_once(fake_system, monkeypatch):
    engine = FakeEngine(fail=True)
    fake_pyttsx3(monkeypatch, engine)
    speaker, clock, warnings = find_speaker(), FakeClock(), []
    cues = CueScheduler(speaker, VoiceSettings(cooldown_s=0.0), clock, warn=warnings.append)
    cues.fault("Long spine")
    cues.tick()
    assert wait_until(lambda: not speaker.busy())
    for n in range(3):
        clock.advance(1.0)
        cues.rep(n)
        cues.tick()
    assert len(warnings) == 1 and "driver crashed" in warnings[0]
    cues.close()


# --- the real engine, where there is one -------------------------------------------------------


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not on PATH")
def test_real_espeak_ng_speaks_into_a_wav(tmp_path):
    wav = tmp_path / "cue.wav"
    exe = shutil.which("espeak-ng")
    speaker = CommandSpeaker("espeak-ng", lambda text: [exe, "-w", str(wav), text])
    cues = CueScheduler(speaker)
    cues.fault("Long spine")
    started = time.monotonic()
    cues.tick()
    assert time.monotonic() - started < 0.5  # the video loop did not wait for the speech
    assert wait_until(lambda: not speaker.busy(), timeout=10.0)
    cues.close()
    with wave.open(str(wav)) as audio:
        seconds = audio.getnframes() / audio.getframerate()
    assert 0.3 < seconds < 5.0  # two words of speech, not an empty file
