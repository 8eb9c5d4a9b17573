"""Contact sheets for labelling clips by eye: frames in a grid, each with its frame number and
time burned in, decoded the way formcheck decodes (upright, presentation timestamps).

    python tools/contact_sheet.py CLIP OUT.png                      # the whole clip, ~48 tiles
    python tools/contact_sheet.py CLIP OUT.png --from 2.0 --to 4.0  # a stretch, every frame
    python tools/contact_sheet.py CLIP OUT.png --every 0.1 --cols 8 --width 240
    python tools/contact_sheet.py CLIP OUT.png --crop 200,0,400,400   # x0,y0,x1,y1 in pixels

Sheets are for looking at, written wherever OUT says (keep them outside the project: real
clips are never copied into it, not even as stills).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import cv2
import numpy as np

from formcheck.errors import FormcheckError
from formcheck.io.video_reader import VideoReader

DEFAULT_TILES = 48


def _parse_crop(text: str | None) -> tuple[int, int, int, int] | None:
    if not text:
        return None
    parts = [int(p) for p in text.split(",")]
    if len(parts) != 4 or parts[2] <= parts[0] or parts[3] <= parts[1]:
        raise argparse.ArgumentTypeError("--crop wants x0,y0,x1,y1 with x1 > x0 and y1 > y0")
    return parts[0], parts[1], parts[2], parts[3]


def pick_frames(
    times: np.ndarray, start: float, stop: float, every: float | None, tiles: int
) -> list[int]:
    """Indices of the frames to show: every ``every`` seconds in [start, stop], or about
    ``tiles`` frames spread evenly when no step is given (every frame if fewer)."""
    inside = np.flatnonzero((times >= start - 1e-6) & (times <= stop + 1e-6))
    if inside.size == 0:
        return []
    if every is None:
        if inside.size <= tiles:
            return inside.tolist()
        picks = np.linspace(0, inside.size - 1, tiles).round().astype(int)
        return inside[np.unique(picks)].tolist()
    chosen, next_t = [], times[inside[0]]
    for i in inside:
        if times[i] >= next_t - 1e-6:
            chosen.append(int(i))
            next_t = times[i] + every
    return chosen


def label_tile(image: np.ndarray, index: int, t: float, width: int) -> np.ndarray:
    scale = width / image.shape[1]
    tile = cv2.resize(image, (width, max(1, int(round(image.shape[0] * scale)))))
    text = f"#{index}  {t:.2f}s"
    cv2.rectangle(tile, (0, 0), (width, 18), (0, 0, 0), -1)
    cv2.putText(tile, text, (3, 13), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 0), 1, cv2.LINE_AA)
    return tile


def sheet(tiles: list[np.ndarray], cols: int) -> np.ndarray:
    h = max(t.shape[0] for t in tiles)
    w = tiles[0].shape[1]
    rows = math.ceil(len(tiles) / cols)
    out = np.zeros((rows * h, cols * w, 3), np.uint8)
    for k, tile in enumerate(tiles):
        r, c = divmod(k, cols)
        out[r * h : r * h + tile.shape[0], c * w : c * w + w] = tile
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("clip", type=Path)
    p.add_argument("out", type=Path)
    p.add_argument("--from", dest="start", type=float, default=0.0, help="seconds")
    p.add_argument("--to", dest="stop", type=float, default=math.inf, help="seconds")
    p.add_argument("--every", type=float, default=None, help="seconds between tiles")
    p.add_argument("--tiles", type=int, default=DEFAULT_TILES, help="tiles without --every")
    p.add_argument("--cols", type=int, default=6)
    p.add_argument("--width", type=int, default=220, help="tile width in pixels")
    p.add_argument("--crop", type=_parse_crop, default=None, help="x0,y0,x1,y1 (pixels)")
    args = p.parse_args(argv)
    try:
        with VideoReader(args.clip) as reader:
            frames = [(f.index, f.t) for f in reader]
            times = np.array([t for _, t in frames])
            wanted = set(pick_frames(times, args.start, args.stop, args.every, args.tiles))
            tiles = []
            for f in reader:
                if f.index in wanted:
                    image = f.image
                    if args.crop:
                        x0, y0, x1, y1 = args.crop
                        image = image[y0:y1, x0:x1]
                    tiles.append(label_tile(image, f.index, f.t, args.width))
    except FormcheckError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not tiles:
        print("error: no frames in that stretch of the clip", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(args.out), cv2.cvtColor(sheet(tiles, args.cols), cv2.COLOR_RGB2BGR))
    print(f"{args.out}: {len(tiles)} frames of {len(times)} ({times[-1]:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
