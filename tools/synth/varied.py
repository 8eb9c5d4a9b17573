"""One clip of a varied set (wide, back): the body, clothing and scene of its variation
(vary.py), the camera framed to the movement, then video, labels (with `variation`) and
keypoints (with the back-midline truth of backline.py)."""

import json
import time
from pathlib import Path

import numpy as np

from . import body as body_mod
from . import camera as cam_mod
from . import clip, posture
from . import landmarks as lm_mod
from .video import VideoWriter

_VARIED = {}


def varied_body(v):
    """Body, rig, landmarks and back line for a variation's body and clothing (cached per clip
    family: one body is reused only by clips that drew the same one)."""
    from . import backline

    spec = dict(phenotype=v["body"]["phenotype"], skin=v["body"]["skin"], clothing=v["clothing"])
    key = json.dumps(spec, sort_keys=True)
    if key not in _VARIED:
        _VARIED.clear()  # bodies rarely repeat across clips; keep memory flat
        b = body_mod.Body("varied", spec)
        _VARIED[key] = (b, posture.Rig(b), lm_mod.Landmarks(b), backline.BackLine(b))
    return _VARIED[key]


def frame_camera(cv, vid, body_h, pts):
    """Place the camera of variation `cv`: its height is a fraction of the body's height, it
    looks at the middle of everything the body does (plus tilt and roll), and stands at the
    horizontal distance where that fills `fill` of the frame's larger extent."""
    lo, hi = pts.min(0), pts.max(0)
    ctr = (lo + hi) / 2
    h = cv["height_rel"] * body_h

    def make(d):
        pitch = np.degrees(np.arctan2(h - ctr[2], d)) + cv["tilt_deg"]
        return cam_mod.Camera(
            yaw_deg=cv["yaw_deg"],
            height_m=round(float(h), 3),
            distance_m=float(d),
            fov_deg=cv["fov_deg"],
            width=vid["width"],
            height=vid["height"],
            target=(float(ctr[0]), float(ctr[1])),
            pitch_deg=round(float(pitch), 2),
            roll_deg=cv["roll_deg"],
        )

    def extent(d):
        cam = make(d)
        xy, z = cam.project(pts)
        if z.min() < 0.4:  # the camera would stand inside the movement
            return 10.0
        return max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1]))

    lo_d, hi_d = 0.5, 40.0
    for _ in range(40):
        mid = (lo_d + hi_d) / 2
        lo_d, hi_d = (mid, hi_d) if extent(mid) > cv["fill"] else (lo_d, mid)
    d = hi_d
    for _ in range(60):  # perspective can push one side out: step back until all is inside
        xy, _ = make(d).project(pts)
        if xy.min() >= 0.01 and xy.max() <= 0.99:
            break
        d *= 1.03
    return make(round(d, 3))


def render(spec, out_dir, log=print, stills=None):
    """One clip of a varied set: spec has name, exercise, reps, build_kw and `variation`
    (vary.draw). Writes NAME.mp4, NAME.labels.json (with the variation) and NAME.keypoints.npz
    (with the back-midline truth). stills: times (s) -> only NAME.stills.png, a row of those
    frames with the labelled keypoints and back midline drawn (a cheap look at a spec)."""
    from . import clothing, scenery, vary
    from .render import Renderer

    t0 = time.time()
    v = json.loads(json.dumps(spec["variation"]))  # a copy the render may fill in
    vid = v["video"]
    fps = vid["fps"]
    body, rig, lms, back = varied_body(v)
    body_h = float(np.ptp(body.ref_verts[:, 2]))
    built = clip.exercise(spec["exercise"]).build(
        rig, spec["reps"], **spec.get("build_kw", {}), fps=fps
    )
    skin_v, _ = body.skin(built["G"])
    skin_v += built["trans"][:, None, :]
    kp = lms(skin_v)
    back_truth = back.measures(skin_v, built["G"])
    mid3 = back.points(skin_v)
    c = v["clothing"]
    verts = skin_v
    cloth = 0.0  # how far loose cloth can stand in front of a skin keypoint
    if body.loose is not None:
        verts = clothing.dress(skin_v, body.faces, body.loose, c["loose_m"], c["drape_m"])
        cloth = c["loose_m"] + c["drape_m"]
    props = clip.props_of(built, verts)
    T = len(built["t"])
    sample = [verts[::3, ::5].reshape(-1, 3)]
    for spec_p, poses in props:
        if spec_p["kind"] != "shadow":
            p = poses[::3, :3, 3]
            sample += [p, p - [0, 0, 0.12]]
    pts = np.concatenate(sample)
    cam = frame_camera(v["camera"], vid, body_h, pts)
    rng = vary.rng_for(spec["name"] + "/scene")
    f = cam.level_fwd
    depth_half = float(((pts - [cam.target[0], cam.target[1], 0]) @ f).max())
    amb, lights = scenery.lights(cam, v["lighting"]["preset"])
    scale = vid.get("render_scale", 1.0)
    cam_r = cam  # the camera the renderer uses: same view, maybe fewer pixels
    if scale != 1.0:
        cam_r = cam_mod.Camera(
            **{
                **cam.__dict__,
                "width": round(cam.width * scale),
                "height": round(cam.height * scale),
            }
        )
    rnd = Renderer(
        cam_r,
        body.faces,
        body.colors,
        scenery=dict(
            meshes=scenery.room(cam, rng, v["background"], depth_half), ambient=amb, lights=lights
        ),
    )
    rnd.set_props([p for p, _ in props])
    image_xy, depth_kp = cam.project(kp)
    mid_xy, mid_z = cam.project(mid3)
    vis = np.zeros((T, 33))
    mid_vis = np.zeros((T, mid3.shape[1]))
    blur = vid["motion_blur"]
    # motion blur, approximately: each rendered frame blended with its neighbours (a, 1 - 2a,
    # a), a smear across the frame interval at no extra render cost (true sub-frames cost 3x)
    a_nb = 0.0 if not blur else blur["neighbour_weight"]
    noise_rng = vary.rng_for(spec["name"] + "/noise")
    sigma = v["lighting"]["noise_sigma"]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    name = spec["name"]
    if stills is not None:
        idx = [int(np.argmin(np.abs(built["t"] - t))) for t in stills]
        ims = []
        for i in idx:
            color, _ = rnd.frame(verts[i], [ps[i] for _, ps in props])
            ims.append(_overlay(color, image_xy[i], mid_xy[i]))
        rnd.close()
        _row(ims).save(out_dir / f"{name}.stills.png")
        log(f"{name}: stills at {stills} -> {out_dir / (name + '.stills.png')}")
        return None
    t1 = time.time()

    def rendered(i):
        color, depth = rnd.frame(verts[i], [ps[i] for _, ps in props])
        vis[i] = clip.visibility(image_xy[i], depth_kp[i], depth, lms.depth_tol + cloth, cam)
        mid_vis[i] = clip.visibility(
            mid_xy[i], mid_z[i], depth, np.full(mid3.shape[1], 0.03 + cloth), cam
        )
        img = color.astype(np.float32)
        return _upscale(img, cam.width, cam.height) if scale != 1.0 else img

    with VideoWriter(out_dir / f"{name}.mp4", cam.width, cam.height, fps, vid["crf"]) as vw:
        prev, cur = None, rendered(0)
        for i in range(T):
            nxt = rendered(i + 1) if i + 1 < T else cur
            img = cur
            if a_nb:
                img = a_nb * (cur if prev is None else prev) + (1 - 2 * a_nb) * cur + a_nb * nxt
            if sigma > 0:
                img = img + sigma * noise_rng.standard_normal(img.shape, dtype=np.float32)
            vw.write(np.clip(img + 0.5, 0, 255).astype(np.uint8))
            prev, cur = cur, nxt
    rnd.close()
    t2 = time.time()
    cam_xyz = cam.to_camera(kp)
    hip = (cam_xyz[:, 23] + cam_xyz[:, 24]) / 2
    world = cam_xyz - hip[:, None, :]
    mid_world = cam.to_camera(mid3) - hip[:, None, :]
    extra = {f"truth_{k}": np.asarray(x, np.float32) for k, x in built["truth"].items()}
    extra.update({f"truth_{k}": np.asarray(x, np.float32) for k, x in back_truth.items()})
    R = np.einsum(
        "tji,tjk->tik", built["G"][:, body.idx["root"]], built["G"][:, body.idx["spine01"]]
    )
    extra["truth_spine_bones_flex_deg"] = np.degrees(np.arctan2(R[:, 2, 1], R[:, 1, 1])).astype(
        np.float32
    )
    np.savez_compressed(
        out_dir / f"{name}.keypoints.npz",
        t=built["t"].astype(np.float32),
        image_xy=image_xy.astype(np.float32),
        world_xyz=world.astype(np.float32),
        visibility=vis.astype(np.float32),
        names=np.array(lm_mod.NAMES),
        back_midline_xy=mid_xy.astype(np.float32),
        back_midline_world=mid_world.astype(np.float32),
        back_midline_visibility=mid_vis.astype(np.float32),
        **extra,
    )
    v["body"]["height_m"] = round(body_h, 3)
    v["camera"].update(height_m=cam.height_m, distance_m=cam.distance_m, pitch_deg=cam.pitch_deg)
    v["factors"] = vary.factors(v)
    labels = dict(
        exercise=spec["exercise"],
        view=v["camera"]["view"],
        camera_side=v["camera"]["camera_side"],
        camera=cam.label(),
        body=dict(
            variant=spec["name"],
            phenotype=v["body"]["phenotype"],
            colors=dict(
                skin=v["body"]["skin"],
                hair=c["hair"],
                shirt=c["shirt"],
                shorts=c["bottoms"],
                shoes=c["shoes"],
            ),
        ),
        fps=fps,
        reps=built["reps"],
        keypoints_file=f"{name}.keypoints.npz",
        generator="tools/synth (Anny body, pyrender), varied set",
        set=spec.get("set"),
        variation=v,
    )
    for k in ("standing_leg", "working_leg"):
        if k in built:
            labels[k] = built[k]
    if "variant" in built:
        labels["exercise_variant"] = built["variant"]
    (out_dir / f"{name}.labels.json").write_text(json.dumps(labels, indent=1) + "\n")
    log(
        f"{name}: {T} frames {cam.width}x{cam.height}@{fps}{' blur' if blur else ''}, pose+skin "
        f"{t1 - t0:.1f}s, render+encode {t2 - t1:.1f}s ({1000 * (t2 - t1) / T:.0f} ms/frame)"
    )
    return labels


def _overlay(rgb, xy, mid):
    """The frame with the labelled keypoints (green) and back midline (red) drawn on it."""
    from PIL import Image, ImageDraw

    im = Image.fromarray(rgb)
    d = ImageDraw.Draw(im)
    W, H = im.size
    r = max(2, W // 320)
    for x, y in xy * [W, H]:
        d.ellipse([x - r, y - r, x + r, y + r], outline=(0, 255, 0))
    d.line([tuple(p) for p in mid * [W, H]], fill=(255, 0, 0), width=max(1, r // 2))
    return im


def _row(ims, h=360):
    from PIL import Image

    ims = [im.resize((int(im.width * h / im.height), h)) for im in ims]
    out = Image.new("RGB", (sum(im.width for im in ims), h))
    x = 0
    for im in ims:
        out.paste(im, (x, 0))
        x += im.width
    return out


def _upscale(img, w, h):
    from PIL import Image

    im = Image.fromarray(np.clip(img + 0.5, 0, 255).astype(np.uint8)).resize((w, h), Image.BICUBIC)
    return np.asarray(im).astype(np.float32)
