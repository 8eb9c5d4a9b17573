"""report.html, the batch index and `formcheck serve` in a real browser: Debian's Chromium,
headless, driven by Playwright (which never downloads a browser of its own here).

One browser for the whole module and one real analysis (a 7-second cut of the bundled demo
clip, uploaded through the page of a `formcheck serve` started as a user starts it): the
page shows progress and then the report; the report's video plays (its time advances), a
click on the timeline moves it, the plots are drawn, and no page logs a console error.
Screenshots are kept in test-artifacts/browser/ (or $FORMCHECK_ARTIFACTS).

Skipped, saying why, where no Chromium is installed (`.ci/run` installs Debian's).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "sample_videos" / "sldl_side_demo.mp4"
CHROMIUM = Path(os.environ.get("FORMCHECK_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(os.environ.get("FORMCHECK_ARTIFACTS", ROOT / "test-artifacts" / "browser"))
# What headless Chromium needs on a machine with no network and no GPU, run as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
CUT_S = 7.3  # two reps of the demo: rep 2's bell drifts away from the shin
ANALYSIS_TIMEOUT_S = 300

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install -e '.[test]'"
)
if not CHROMIUM.exists():
    pytest.skip(
        f"no Chromium at {CHROMIUM}: install Debian's chromium package (apt-get install "
        "chromium; .ci/run does) or set FORMCHECK_CHROMIUM to a Chromium binary",
        allow_module_level=True,
    )
if not DEMO.exists():
    pytest.skip("the bundled demo clip is missing", allow_module_level=True)


# --- the browser, pages and screenshots -----------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


class Page:
    """A browser tab that remembers every console error and uncaught exception."""

    def __init__(self, browser, width: int = 1100, height: int = 900):
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.tab = self.context.new_page()
        self.tab.set_default_timeout(30_000)
        self.errors: list[str] = []
        self.tab.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.tab.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))

    def shot(self, name: str, full_page: bool = False) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.tab.screenshot(path=str(path), full_page=full_page)
        assert path.stat().st_size > 10_000  # a real picture, not an empty page
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def page(browser):
    tab = Page(browser)
    yield tab
    tab.close()


def check_report_in_browser(page: Page, url: str, name: str) -> None:
    """The report's video plays, a timeline click moves it, the plots are drawn, and the
    console stays clean."""
    tab = page.tab
    tab.goto(url)
    tab.wait_for_selector("#video")
    assert tab.inner_text("#verdict") == "1 of 2 reps with a fault"
    page.shot(f"{name}_top")

    # The video plays: its time advances.
    tab.evaluate("document.getElementById('video').play()")
    tab.wait_for_function("document.getElementById('video').currentTime > 0.8", timeout=20_000)
    tab.evaluate("document.getElementById('video').pause()")

    # A click on the fault's mark on the timeline moves the video to its worst moment.
    mark = tab.locator(".track .mark").first
    target = float(mark.get_attribute("data-seek"))
    assert 4.0 < target < CUT_S
    mark.click()
    tab.wait_for_function(
        f"Math.abs(document.getElementById('video').currentTime - {target}) < 0.05 "
        "&& !document.getElementById('video').seeking"
    )
    # ... and so does a rep's band (to the rep's start).
    band = tab.locator(".track .band").first
    start = float(band.get_attribute("data-seek"))
    band.click()
    tab.wait_for_function(
        f"Math.abs(document.getElementById('video').currentTime - {start}) < 0.05"
    )

    # The plots shown at once are drawn: each canvas holds the curve, bands and limits.
    drawn = tab.evaluate(
        """() => Array.from(document.querySelectorAll('.plots > .plot .plot-area')).map(a => {
            const c = a.querySelector('canvas');
            if (!c || !c.width) return 0;
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
            return n;
        })"""
    )
    assert len(drawn) >= 2 and min(drawn) > 2_000, drawn
    # A click on a plot moves the video to that time too.
    over = tab.locator(".plots > .plot .plot-area .u-over").first
    over.scroll_into_view_if_needed()
    box = over.bounding_box()
    tab.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] / 2)
    duration = tab.evaluate("JSON.parse(document.getElementById('plot-data').textContent).duration")
    tab.wait_for_function(
        f"Math.abs(document.getElementById('video').currentTime - {duration * 0.25}) < 0.1"
    )
    # The folded plots are drawn when opened.
    tab.click("details.more-plots summary")
    tab.wait_for_selector("details.more-plots .plot-area[data-drawn] canvas")
    page.shot(f"{name}_full", full_page=True)
    assert page.errors == []


# --- one real analysis, through the page of a running `formcheck serve` -----------------------


def cut_demo(target: Path) -> Path:
    """The demo's first CUT_S seconds, re-encoded (two reps, a fault in the second)."""
    from formcheck.io.video_reader import VideoReader
    from formcheck.io.video_writer import VideoWriter

    with VideoReader(DEMO) as reader:
        info = reader.info
        with VideoWriter(target, width=info.width, height=info.height, fps=info.fps) as writer:
            for frame in reader:
                if frame.t > CUT_S:
                    break
                writer.write(frame.image, frame.t)
    return target


class Server:
    """`formcheck serve FOLDER --port PORT`, as a user starts and stops it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "formcheck", "serve", str(self.folder)]
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url, timeout=2) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
            if self.process.poll() is not None:
                break
        raise AssertionError(f"the server did not start: {self.stop()}")

    def stop(self) -> str:
        """Ctrl-C; returns what it printed."""
        if self.process is None:
            return ""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            out, _ = self.process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, _ = self.process.communicate()
        self.code = self.process.returncode
        self.process = None
        return out


@pytest.fixture(scope="module")
def served(browser, tmp_path_factory):
    """The cut clip uploaded through the page; what the page showed on the way."""
    work = tmp_path_factory.mktemp("serve")
    clip = cut_demo(work / "my set.mp4")
    server = Server(work / "analyses")
    server.start()
    page = Page(browser)
    tab = page.tab
    try:
        tab.goto(server.url)
        page.shot("serve_home")
        tab.set_input_files("#clip", str(clip))
        tab.select_option("#exercise", "kb_single_leg_deadlift")
        tab.click("#analyse")
        tab.wait_for_selector("#progress:not([hidden])")
        seen: set[str] = set()
        deadline = time.monotonic() + ANALYSIS_TIMEOUT_S
        while "/files/report.html" not in tab.url and time.monotonic() < deadline:
            try:
                title = tab.inner_text("#progress-title", timeout=1000)
                if title == "Finding your pose" and title not in seen:
                    page.shot("serve_progress")
                seen.add(title)
            except sync_api.Error:
                pass  # the page is navigating to the report
            time.sleep(0.2)
        assert "/files/report.html" in tab.url, f"no report: {tab.url}, {seen}"
        report_url = tab.url
        errors = list(page.errors)
    finally:
        page.close()
    yield {"server": server, "report_url": report_url, "seen": seen, "errors": errors}
    server.stop()


def test_the_page_shows_progress_then_the_report(served):
    assert "Finding your pose" in served["seen"]  # frames counted while the pose model runs
    assert served["errors"] == []
    assert (ARTIFACTS / "serve_progress.png").exists()


def test_the_served_report_plays_seeks_and_draws(served, page):
    check_report_in_browser(page, served["report_url"], "report_served")


def test_the_report_file_works_offline(served, page):
    """The same report.html opened from disk (file://), with no server."""
    (folder,) = [p for p in (served["server"].folder).iterdir() if p.is_dir()]
    html = folder / "report" / "report.html"
    assert json.loads((folder / "job.json").read_text())["state"] == "done"
    check_report_in_browser(page, html.as_uri(), "report_file")


def test_a_non_video_upload_gets_a_clear_message_on_the_page(served, page, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("3 sets of 8")
    tab = page.tab
    tab.goto(served["server"].url)
    tab.set_input_files("#clip", str(notes))
    tab.click("#analyse")
    tab.wait_for_selector("#message:not([hidden])")
    assert tab.inner_text("#message").startswith("\u201cnotes.txt\u201d is not a video")
    page.shot("serve_not_a_video")
    # The refused upload answered 415: the only console line is the browser's note of it.
    assert all("415" in error for error in page.errors), page.errors


def test_batch_index_sorts_and_links_each_report(served, page, tmp_path):
    from formcheck.batch.jobs import ClipResult
    from formcheck.report.batch_index import write_batch_index

    (folder,) = [p for p in served["server"].folder.iterdir() if p.is_dir()]
    results = [
        ClipResult(
            "clients/zoe set.mp4",
            str(folder / "report"),
            "ok",
            "kb_single_leg_deadlift",
            "side",
            reps=2,
            faults_per_rep=[[], ["bell_drift"]],
        ),
        ClipResult(
            "clients/adam.mov",
            str(tmp_path / "adam"),
            "failed",
            error="no person found in clients/adam.mov (0 of 90 frames)",
        ),
        ClipResult(
            "clients/mia.mp4",
            str(tmp_path / "mia"),
            "ok",
            "kb_swing",
            "side",
            reps=5,
            faults_per_rep=[[], [], [], [], []],
        ),
    ]
    index = write_batch_index(served["server"].folder, results)
    tab = page.tab
    tab.goto(index.as_uri())

    def clips() -> list[str]:
        return tab.eval_on_selector_all(
            "#clips tbody td.clip", "cells => cells.map(c => c.innerText)"
        )

    assert clips() == ["clients/zoe set.mp4", "clients/adam.mov", "clients/mia.mp4"]
    tab.click("th button[data-key=clip]")
    assert clips() == ["clients/adam.mov", "clients/mia.mp4", "clients/zoe set.mp4"]
    tab.click("th button[data-key=reps]")
    assert clips() == ["clients/zoe set.mp4", "clients/mia.mp4", "clients/adam.mov"]
    tab.click("th button[data-key=reps]")  # reversed; the failed clip (no reps) stays last
    assert clips() == ["clients/mia.mp4", "clients/zoe set.mp4", "clients/adam.mov"]
    assert "no person found" in tab.inner_text("section.failed")
    page.shot("batch_index")
    tab.click("text=clients/zoe set.mp4")
    tab.wait_for_selector("#verdict")
    assert tab.inner_text("#verdict") == "1 of 2 reps with a fault"
    assert page.errors == []


def test_stopping_the_server_loses_nothing_finished(served, page):
    server = served["server"]
    out = server.stop()
    assert server.code == 0 and "stopped; the analyses are kept" in out
    server.start()  # started again on the same folder
    tab = page.tab
    tab.goto(server.url)
    row = tab.locator("#jobs tbody tr").first
    assert "my set.mp4" in row.inner_text() and "1 of 2 reps with a fault" in row.inner_text()
    page.shot("serve_home_listed")
    row.locator("a").click()
    tab.wait_for_selector("#verdict")
    assert page.errors == []
