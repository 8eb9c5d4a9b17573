#!/usr/bin/env python3
"""Which labelled clips show someone besides the lifter: the clips a change to how the lifter
is followed (pose.finder, pose.tracking) must be checked on.

    python tools/people_in_view.py eval/real_manifest.json [--every 10] [--min-share 0.05]

Reads every ``--every``-th frame of each clip (its panel, for split screens) with the pose
model asked for two people and prints, as JSON, the clips in which at least ``--min-share``
of those frames hold two detections, with the share of frames holding two detections and
the share holding two bodies (pose.tracking.drop_duplicates: a fragment of the lifter is not
a second body). Feed the list to ``tools/compare_eval.py --only``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def share_with_others(clip: Path, crop, every: int, model: str) -> tuple[float, float]:
    """(share of sampled frames with two detections, share with two bodies)."""
    from formcheck.io.video_reader import VideoReader
    from formcheck.pipeline import MAX_SIDE, crop_box
    from formcheck.pose.estimator import PoseEstimator
    from formcheck.pose.tracking import drop_duplicates

    seen = detections = bodies = 0
    with (
        VideoReader(clip, max_side=MAX_SIDE) as reader,
        PoseEstimator(model, num_poses=2) as estimator,
    ):
        box = None if crop is None else crop_box(reader, crop)
        for frame in reader:
            if frame.index % every:
                continue
            image = frame.image if box is None else frame.image[box[1] : box[3], box[0] : box[2]]
            people = estimator.detect(image, int(round(frame.t * 1000)))
            seen += 1
            detections += len(people) > 1
            bodies += len(drop_duplicates(people)) > 1
    return (detections / seen, bodies / seen) if seen else (0.0, 0.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("manifest")
    parser.add_argument("--every", type=int, default=10)
    parser.add_argument("--min-share", type=float, default=0.05)
    parser.add_argument("--model", default="lite")
    args = parser.parse_args(argv)

    from formcheck import native_logs
    from formcheck.evaluation.manifest import load_manifest

    manifest = load_manifest(Path(args.manifest))
    found = {}
    with native_logs.hidden():
        for label in manifest.clips:
            clip = manifest.clips_root / label.file
            if not clip.exists():
                continue
            detections, bodies = share_with_others(clip, label.crop, args.every, args.model)
            if detections >= args.min_share:
                found[label.key] = {"detections": round(detections, 3), "bodies": round(bodies, 3)}
                print(f"{label.key}: {detections:.0%} / {bodies:.0%}", file=sys.stderr)
    print(json.dumps(found, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
