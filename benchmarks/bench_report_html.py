"""What writing report.html adds to `formcheck analyze`, on one clip, measured in one run.

The report's stills decode the clip again up to the last fault, and the page is rendered
from templates; the plots cost nothing here (the page draws them). Usage:

    python benchmarks/bench_report_html.py [CLIP] [--no-video]

Prints the whole analysis's seconds, the seconds inside write_report_html, their ratio, and
the page's size.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CLIP = ROOT / "sample_videos" / "sldl_side_demo.mp4"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?", default=str(DEFAULT_CLIP))
    parser.add_argument("--no-video", action="store_true")
    args = parser.parse_args(argv)

    import formcheck.pipeline as pipeline

    spent: list[float] = []
    write = pipeline.write_report_html

    def timed(*a, **k):
        start = time.perf_counter()
        try:
            return write(*a, **k)
        finally:
            spent.append(time.perf_counter() - start)

    pipeline.write_report_html = timed
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        report = pipeline.analyze(args.clip, out=out, video=not args.no_video)
        total = time.perf_counter() - start
        size = Path(report.outputs["html"]).stat().st_size
    print(
        f"{Path(args.clip).name}: {report.clip.frame_count} frames, "
        f"{report.fault_count} faults (stills)"
    )
    print(f"analyze total     {total:7.2f} s")
    print(f"report.html       {spent[0]:7.2f} s  ({spent[0] / total:.1%} of the total)")
    print(f"report.html size  {size / 1024:7.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
