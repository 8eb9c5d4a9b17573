"""Render one clip: skin the body, place the camera, render, write mp4 + labels + keypoints."""

import json
import time
from pathlib import Path

import numpy as np

from . import body as body_mod
from . import camera as cam_mod
from . import landmarks as lm_mod
from . import posture
from .video import VideoWriter

EXERCISES = {}


def exercise(name):
    if not EXERCISES:
        import importlib

        for n in (
            "sldl",
            "kb_deadlift",
            "romanian_deadlift",
            "kb_swing",
            "band_kickback",
            "hip_hinge",
        ):
            try:
                m = importlib.import_module(f".exercises.{n}", __package__)
            except ModuleNotFoundError:
                continue
            EXERCISES[m.EXERCISE] = m
    return EXERCISES[name]


_BODIES = {}


def duration_s(spec):
    """A clip's length from its rep timeline alone (no posing), for cost estimates."""
    ex = exercise(spec["exercise"])
    from .exercises import common

    faults = getattr(ex, "ALL_FAULTS", ex.FAULTS)
    reps = common.with_defaults(
        [
            dict(r, magnitude=r.get("magnitude", 0.1)) if r.get("fault") == "balance_loss" else r
            for r in spec["reps"]
        ],
        faults,
    )
    if spec["exercise"] in ("kb_deadlift", "romanian_deadlift", "hip_hinge"):
        from .exercises import bilateral

        return bilateral.timeline(reps, 10, ex.TEMPO).duration
    return ex.timeline(reps, 10).duration


def get_body(variant):
    if variant not in _BODIES:
        b = body_mod.Body(variant)
        _BODIES[variant] = (b, posture.Rig(b), lm_mod.Landmarks(b))
    return _BODIES[variant]


def render_clip(spec, out_dir, fps=30, crf=28, log=print):
    """spec: dict(name, exercise, reps, variant, view, standing, camera overrides...)."""
    if "variation" in spec:
        from . import varied

        return varied.render(spec, out_dir, log)
    from .render import Renderer

    t0 = time.time()
    body, rig, lms = get_body(spec["variant"])
    ex = exercise(spec["exercise"])
    built = ex.build(rig, spec["reps"], **spec.get("build_kw", {}), fps=fps)
    verts, _ = body.skin(built["G"])
    verts += built["trans"][:, None, :]
    kp = lms(verts)
    # look at the middle of everything the body does in the clip
    lo, hi = kp.reshape(-1, 3).min(0), kp.reshape(-1, 3).max(0)
    cam = cam_mod.Camera(
        yaw_deg=cam_mod.VIEWS[spec["view"]],
        target=tuple(((lo + hi) / 2)[:2]),
        **spec.get("camera", {}),
    )
    rnd = Renderer(
        cam,
        body.faces,
        body.colors,
        seed=sum(map(ord, spec["name"])) % 1000,
        **spec.get("room", {}),
    )
    props = props_of(built, verts)
    rnd.set_props([p for p, _ in props])
    T = len(built["t"])
    image_xy, depth_kp = cam.project(kp)
    vis = np.zeros((T, 33))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    name = spec["name"]
    t1 = time.time()
    with VideoWriter(out_dir / f"{name}.mp4", cam.width, cam.height, fps, crf) as vw:
        for i in range(T):
            color, depth = rnd.frame(verts[i], [poses[i] for _, poses in props])
            vw.write(color)
            vis[i] = visibility(image_xy[i], depth_kp[i], depth, lms.depth_tol, cam)
            if spec.get("png_at") is not None and abs(built["t"][i] - spec["png_at"]) < 0.5 / fps:
                Path("/work/synthcache/png").mkdir(parents=True, exist_ok=True)
                _save_png(color, Path("/work/synthcache/png") / f"{name}_{spec['png_at']:.1f}.png")
    rnd.close()
    t2 = time.time()
    # MediaPipe-style world landmarks: camera axes, origin between the hips
    cam_xyz = cam.to_camera(kp)
    hip = (cam_xyz[:, 23] + cam_xyz[:, 24]) / 2
    world = cam_xyz - hip[:, None, :]
    extra = {f"truth_{k}": np.asarray(v, np.float32) for k, v in built["truth"].items()}
    np.savez_compressed(
        out_dir / f"{name}.keypoints.npz",
        t=built["t"].astype(np.float32),
        image_xy=image_xy.astype(np.float32),
        world_xyz=world.astype(np.float32),
        visibility=vis.astype(np.float32),
        names=np.array(lm_mod.NAMES),
        **extra,
    )
    labels = dict(
        exercise=spec["exercise"],
        view=cam_mod.VIEW_KIND[spec["view"]],
        camera_side=spec["view"],
        camera=cam.label(),
        body=dict(
            variant=spec["variant"],
            phenotype=body.spec["phenotype"],
            colors={k: body.spec[k] for k in ("skin", "hair", "shirt", "shorts", "shoes")},
        ),
        fps=fps,
        reps=built["reps"],
        keypoints_file=f"{name}.keypoints.npz",
        generator="tools/synth (Anny body, pyrender)",
    )
    for k in ("standing_leg", "working_leg"):
        if k in built:
            labels[k] = built[k]
    if "variant" in built:
        labels["exercise_variant"] = built["variant"]
    (out_dir / f"{name}.labels.json").write_text(json.dumps(labels, indent=1) + "\n")
    log(
        f"{name}: {T} frames, pose+skin {t1 - t0:.1f}s, render+encode {t2 - t1:.1f}s "
        f"({1000 * (t2 - t1) / T:.0f} ms/frame)"
    )
    return labels


def props_of(built, verts=None):
    """[(mesh spec, (T, 4, 4) poses)]: the exercise's props (a hanging bell under the grip for the
    single-leg deadlift), plus a soft contact shadow under the body."""
    from .render import BELL_GRIP

    out = []
    if "props" in built:
        out = list(built["props"])
    elif built.get("bell"):
        M = np.tile(np.eye(4), (len(built["t"]), 1, 1))
        M[:, :3, 3] = built["grip"] - np.array([0, 0, BELL_GRIP])
        out = [(dict(kind="kettlebell"), M)]
    if verts is not None:
        # shadow under the lowest parts of the body: feet and anything near the floor
        M = np.tile(np.eye(4), (len(verts), 1, 1))
        for i, v in enumerate(verts):
            low = v[v[:, 2] < v[:, 2].min() + 0.25]
            c = low.mean(0)
            ext = np.maximum(low.max(0) - low.min(0), 0.25)
            M[i, :3, :3] = np.diag([ext[0] * 0.75, ext[1] * 0.75, 1.0])
            M[i, :3, 3] = [c[0], c[1], 0.002]
        out.append((dict(kind="shadow"), M))
    return out


def visibility(xy, z, depth, tol, cam):
    """1 where no rendered surface lies in front of the keypoint (depth test at its pixel)."""
    H, W = depth.shape
    px = np.clip((xy[:, 0] * W).astype(int), 0, W - 1)
    py = np.clip((xy[:, 1] * H).astype(int), 0, H - 1)
    inside = (xy[:, 0] >= 0) & (xy[:, 0] < 1) & (xy[:, 1] >= 0) & (xy[:, 1] < 1)
    d = depth[py, px]
    d = np.where(d > 0, d, np.inf)  # background pixel: nothing in front
    return (inside & (z <= d + tol)).astype(float)


def _save_png(rgb, path):
    from PIL import Image

    Image.fromarray(rgb).save(path)


def preview(spec, times, png, fps=30):
    """Render only the frames at `times` (s) into a contact sheet: quick look at a pose script."""
    from PIL import Image

    from .render import Renderer

    body, rig, lms = get_body(spec["variant"])
    built = exercise(spec["exercise"]).build(rig, spec["reps"], **spec.get("build_kw", {}), fps=fps)
    idx = [int(np.argmin(np.abs(built["t"] - t))) for t in times]
    G = built["G"][idx]
    verts, heads = body.skin(G)
    verts += built["trans"][idx][:, None, :]
    allkp = lms(body.skin(built["G"][::10])[0] + built["trans"][::10][:, None, :])
    lo, hi = allkp.reshape(-1, 3).min(0), allkp.reshape(-1, 3).max(0)
    cam = cam_mod.Camera(
        yaw_deg=cam_mod.VIEWS[spec["view"]],
        target=tuple(((lo + hi) / 2)[:2]),
        **spec.get("camera", {}),
    )
    rnd = Renderer(cam, body.faces, body.colors)
    props = props_of(built)
    shadow = props_of({"t": idx}, verts)[0][1]
    rnd.set_props([p for p, _ in props] + [dict(kind="shadow")])
    ims = []
    for j, i in enumerate(idx):
        poses = [poses[i] for _, poses in props] + [shadow[j]]
        ims.append(Image.fromarray(rnd.frame(verts[j], poses)[0]).resize((320, 240)))
    rnd.close()
    cols = min(3, len(ims))
    sheet = Image.new("RGB", (320 * cols, 240 * ((len(ims) + cols - 1) // cols)))
    for j, im in enumerate(ims):
        sheet.paste(im, ((j % cols) * 320, (j // cols) * 240))
    sheet.save(png)
    return built, idx, heads + built["trans"][idx][:, None, :], body
