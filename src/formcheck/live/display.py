"""Where the live session shows its frames: an OpenCV window with keys, or nothing (headless).

OpenCV's Qt window aborts the whole process when it cannot reach a screen, which no Python
``except`` can catch, so the screen is looked for before the window is made.
"""

from __future__ import annotations

import os
import sys

import cv2
import numpy as np

from formcheck.errors import NoDisplayError
from formcheck.live.keys import KEYS

NO_DISPLAY_ADVICE = (
    "run with --no-window to get the feedback in this terminal (and --voice to hear it)"
)


def screen_available() -> bool:
    """On Linux and the BSDs a window needs an X11 or Wayland server; macOS and Windows
    always have a screen for a logged-in user."""
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


class WindowDisplay:
    """A resizable OpenCV window. ``show`` returns the action of a key pressed, "quit" when
    the window was closed, or None."""

    def __init__(self, title: str) -> None:
        if not screen_available():
            raise NoDisplayError(f"no display available for the live window: {NO_DISPLAY_ADVICE}")
        self.title = title
        try:
            cv2.namedWindow(title, cv2.WINDOW_NORMAL)
        except cv2.error as error:
            reason = str(error).strip().splitlines()[-1] if str(error).strip() else "unknown"
            raise NoDisplayError(
                f"cannot open the live window ({reason}): {NO_DISPLAY_ADVICE}"
            ) from None
        self._shown = False

    def show(self, image_rgb: np.ndarray) -> str | None:
        cv2.imshow(self.title, cv2.cvtColor(image_rgb, cv2.COLOR_RGB2BGR))
        key = cv2.waitKey(1) & 0xFF
        if self._shown and not self._visible():
            return "quit"  # closed with the window's own button
        self._shown = True
        return KEYS.get(key)

    def _visible(self) -> bool:
        try:
            return cv2.getWindowProperty(self.title, cv2.WND_PROP_VISIBLE) >= 1
        except cv2.error:
            # Qt destroys a window closed by its button; asking about it then raises
            # ("NULL guiReceiver"), which means the same thing: it is gone.
            return False

    def close(self) -> None:
        try:
            cv2.destroyWindow(self.title)
            cv2.waitKey(1)  # lets the GUI thread actually remove the window
        except cv2.error:
            pass


class NoDisplay:
    """Headless: frames are not shown; the session is stopped with Ctrl-C."""

    def show(self, image_rgb: np.ndarray) -> str | None:
        return None

    def close(self) -> None:
        pass
