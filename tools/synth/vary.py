"""Draw one clip's variation (body, clothing, camera, video, lighting, background) from a
generator seeded by the clip's name, so every set is reproducible.

The result is the clip's `variation` label: each factor has a categorical level (for breaking
results down) and the exact values the renderer used. varied.render reads it back.
"""

import hashlib

import numpy as np

from . import scenery

SKIN = {
    "very_light": (0.95, 0.79, 0.69),
    "light": (0.9, 0.7, 0.58),
    "medium": (0.78, 0.57, 0.42),
    "olive": (0.66, 0.49, 0.33),
    "brown": (0.5, 0.33, 0.22),
    "dark": (0.35, 0.22, 0.15),
    "very_dark": (0.22, 0.14, 0.1),
}
HAIR = {
    "black": (0.04, 0.035, 0.03),
    "dark_brown": (0.12, 0.08, 0.05),
    "brown": (0.3, 0.2, 0.12),
    "blond": (0.7, 0.58, 0.36),
    "grey": (0.55, 0.55, 0.55),
    "red": (0.5, 0.2, 0.08),
}
COLOURS = {
    "navy": (0.08, 0.12, 0.3),
    "red": (0.62, 0.12, 0.12),
    "green": (0.15, 0.42, 0.2),
    "royal_blue": (0.1, 0.25, 0.65),
    "yellow": (0.8, 0.68, 0.15),
    "orange": (0.8, 0.38, 0.1),
    "purple": (0.35, 0.15, 0.45),
    "teal": (0.1, 0.45, 0.45),
    "pink": (0.85, 0.45, 0.55),
    "olive": (0.35, 0.38, 0.18),
}
DARK = {"black": (0.04, 0.04, 0.045), "charcoal": (0.15, 0.15, 0.16), "navy": (0.06, 0.08, 0.2)}
LIGHT = {"white": (0.88, 0.88, 0.86), "light_grey": (0.65, 0.65, 0.66), "beige": (0.75, 0.68, 0.55)}
SHOES = [(0.85, 0.85, 0.85), (0.1, 0.1, 0.1), (0.3, 0.3, 0.35), (0.6, 0.15, 0.15), (0.2, 0.3, 0.6)]

# camera height as a fraction of the person's standing height
CAM_HEIGHTS = {"knee": 0.28, "hip": 0.5, "chest": 0.72, "head": 0.93, "above_head": 1.15}
LENSES = {"tele": (30.0, 40.0), "normal": (40.0, 60.0), "wide": (60.0, 80.0)}
SIZES = {
    "640x480": (640, 480),
    "640x360": (640, 360),
    "1280x720": (1280, 720),
    "1080x1920": (1080, 1920),
}
# the view kind -> where the camera can stand (yaw ranges, deg; + = at the person's left)
YAW = {
    "side": [(80.0, 100.0)],
    "oblique": [(20.0, 70.0)],
    "front": [(-10.0, 10.0)],
    "back": [(170.0, 190.0)],
}


def rng_for(name):
    return np.random.default_rng(int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big"))


def _pick(rng, weights):
    keys = list(weights)
    p = np.array([weights[k] for k in keys], float)
    return keys[rng.choice(len(keys), p=p / p.sum())]


def _u(rng, lo, hi, nd=3):
    return round(float(rng.uniform(lo, hi)), nd)


def body(rng):
    sex = _pick(rng, {"male": 1, "female": 1})
    age = _pick(rng, {"young": 2, "middle": 2, "older": 1})
    build = _pick(rng, {"slim": 1, "average": 2, "muscular": 1, "heavy": 1.2})
    height = _pick(rng, {"short": 1, "medium": 2, "tall": 1})
    w, m = {
        "slim": ((0.08, 0.32), (0.2, 0.5)),
        "average": ((0.4, 0.6), (0.4, 0.6)),
        "muscular": ((0.5, 0.65), (0.75, 1.0)),
        "heavy": ((0.75, 1.0), (0.3, 0.6)),
    }[build]
    tone = _pick(rng, {k: 1 for k in SKIN})
    return dict(
        sex=sex,
        age_group=age,
        build=build,
        height_group=height,
        skin_tone=tone,
        phenotype=dict(
            gender=_u(rng, 0.0, 0.15) if sex == "male" else _u(rng, 0.85, 1.0),
            age={"young": _u(rng, 0.667, 0.75), "middle": _u(rng, 0.78, 0.88)}.get(
                age, _u(rng, 0.9, 1.0)
            ),
            muscle=_u(rng, *m),
            weight=_u(rng, *w),
            height={"short": _u(rng, 0.05, 0.3), "medium": _u(rng, 0.35, 0.65)}.get(
                height, _u(rng, 0.7, 0.95)
            ),
            proportions=_u(rng, 0.2, 0.8),
        ),
        skin=SKIN[tone],
    )


def clothing(rng, skin, wall_rgb, scheme=None, fit=None):
    scheme = scheme or _pick(
        rng, {"contrast": 3, "dark": 2, "light": 1.5, "skin": 1.5, "background": 1.5}
    )
    top = _pick(rng, {"tshirt": 2, "long": 1.5, "tank": 0.6})
    bottom = _pick(rng, {"shorts": 1, "long": 1.3})
    if scheme in ("skin", "background"):
        top, bottom = "long", "long"  # the case the issue names: sleeves and trousers
    fit = fit or _pick(rng, {"fitted": 2, "loose": 1})

    def near(rgb):
        return tuple(round(float(c * rng.uniform(0.93, 1.07)), 3) for c in rgb)

    if scheme == "contrast":
        a, b = rng.choice(list(COLOURS), 2, replace=False)
        shirt, bottoms = COLOURS[a], (COLOURS[b] if rng.random() < 0.4 else DARK["charcoal"])
        names = (str(a), "charcoal" if bottoms == DARK["charcoal"] else str(b))
    elif scheme == "dark":
        a, b = rng.choice(list(DARK), 2)
        shirt, bottoms, names = DARK[a], DARK[b], (str(a), str(b))
    elif scheme == "light":
        a, b = rng.choice(list(LIGHT), 2)
        shirt, bottoms, names = LIGHT[a], LIGHT[b], (str(a), str(b))
    elif scheme == "skin":
        shirt, bottoms, names = near(skin), near(skin), ("skin", "skin")
    else:
        shirt, bottoms, names = near(wall_rgb), near(wall_rgb), ("wall", "wall")
    hair = _pick(rng, {k: 1 for k in HAIR})
    c = dict(
        scheme=scheme,
        top=top,
        bottom=bottom,
        fit=fit,
        shirt_name=names[0],
        bottoms_name=names[1],
        shirt=tuple(shirt),
        bottoms=tuple(bottoms),
        shoes=SHOES[rng.integers(len(SHOES))],
        hair_colour=hair,
        hair=HAIR[hair],
    )
    if top == "tshirt":
        c["sleeve_to"] = _u(rng, 0.3, 0.6, 2)
    elif top == "tank":
        c["sleeve_to"] = 0.0
    if bottom == "shorts":
        c["shorts_to"] = _u(rng, 0.35, 0.9, 2)
    if fit == "loose":
        c["loose_m"] = _u(rng, 0.012, 0.03)
        c["drape_m"] = _u(rng, 0.02, 0.06)
    return c


def camera(rng, view, side_sign, heights=None, lenses=None, small_p=0.15):
    """view: side | oblique | front | back; side_sign +1 = camera at the person's left."""
    lo, hi = YAW[view][0]
    yaw = float(rng.uniform(lo, hi))
    if view in ("side", "oblique"):
        yaw *= side_sign
    elif view == "back" and yaw > 180:
        yaw -= 360
    level = _pick(
        rng, heights or {"knee": 1, "hip": 2.5, "chest": 2.5, "head": 1.5, "above_head": 1}
    )
    lens = _pick(rng, lenses or {"tele": 1, "normal": 2, "wide": 1})
    small = rng.random() < small_p  # a far camera: the person small in the frame
    side = {1: "left", -1: "right"}.get(int(np.sign(yaw)), "front")
    return dict(
        view=view,
        camera_side={"side": side, "oblique": f"oblique_{side}"}.get(view, view),
        yaw_deg=round(yaw, 2),
        height_level=level,
        height_rel=round(CAM_HEIGHTS[level] + float(rng.uniform(-0.04, 0.04)), 3),
        lens=lens,
        fov_deg=_u(rng, *LENSES[lens], 1),
        framing="small" if small else "normal",
        fill=_u(rng, 0.3, 0.45, 2) if small else _u(rng, 0.5, 0.9, 2),
        roll_deg=_u(rng, -4.0, 4.0, 1),
        tilt_deg=_u(rng, -4.0, 4.0, 1),
    )


def video(rng, sizes=None, fps=None, blur_p=0.08):
    size = _pick(rng, sizes or {"640x480": 3, "640x360": 4.5, "1280x720": 0.8, "1080x1920": 0.35})
    w, h = SIZES[size]
    f = int(_pick(rng, fps or {"24": 3, "25": 3, "30": 1.5, "50": 0.35, "60": 0.35}))
    if w * h > 640 * 480 and f > 30:
        f = 30  # 50/60 fps only at the small sizes: render time grows with pixels x frames
    blur = rng.random() < blur_p and w * h <= 640 * 480 and f <= 30
    return dict(
        size=size,
        width=w,
        height=h,
        orientation="portrait" if h > w else "landscape",
        fps=f,
        crf=int(rng.integers(20, 37)),
        # blend with the neighbouring frames, weights (a, 1 - 2a, a): see varied.render
        motion_blur=dict(method="neighbour_blend", neighbour_weight=_u(rng, 0.1, 0.25, 2))
        if blur
        else None,
        # phone portrait is rendered at half size and scaled up (bicubic): a quarter of the
        # render time; a phone's own frames are soft at that size too
        render_scale=0.5 if w * h > 1e6 else 1.0,
    )


def lighting(rng, presets=None):
    name = _pick(
        rng,
        presets
        or {
            "studio": 2,
            "bright": 1.2,
            "dim": 1.2,
            "warm": 1,
            "cold": 1,
            "one_sided": 1.1,
            "backlit": 0.6,
        },
    )
    # sensor noise (8-bit levels): a phone raises its gain in dim light
    noise = _u(rng, 3.0, 7.0, 1) if name == "dim" else _u(rng, 0.0, 1.5, 1)
    return dict(preset=name, noise_sigma=noise)


def background(rng, looks=None):
    name = _pick(
        rng, looks or {k: (1.6 if k.startswith("cluttered") else 1) for k in scenery.LOOKS}
    )
    return scenery.look(name, rng)


def draw(name, view, side_sign, overrides=None):
    """The full variation of one clip. overrides: per-factor dicts of weights / fixed values
    (keys: heights, lenses, small_p, sizes, fps, blur_p, lights, looks, scheme, fit)."""
    o = overrides or {}
    rng = rng_for(name)
    bg = background(rng, o.get("looks"))
    b = body(rng)
    return dict(
        body=b,
        clothing=clothing(rng, b["skin"], bg["wall"]["rgb"], o.get("scheme"), o.get("fit")),
        camera=camera(
            rng, view, side_sign, o.get("heights"), o.get("lenses"), o.get("small_p", 0.15)
        ),
        video=video(rng, o.get("sizes"), o.get("fps"), o.get("blur_p", 0.08)),
        lighting=lighting(rng, o.get("lights")),
        background=bg,
    )


def factors(v):
    """Flat categorical levels of a variation label, for breaking results down."""
    b, c, cam, vid = v["body"], v["clothing"], v["camera"], v["video"]
    return dict(
        sex=b["sex"],
        age=b["age_group"],
        build=b["build"],
        height=b["height_group"],
        skin_tone=b["skin_tone"],
        clothing=c["scheme"],
        top=c["top"],
        bottom=c["bottom"],
        fit=c["fit"],
        view=cam["view"],
        cam_height=cam["height_level"],
        lens=cam["lens"],
        framing=cam["framing"],
        size=vid["size"],
        fps=str(vid["fps"]),
        crf=f"{(vid['crf'] - 20) // 6 * 6 + 20}-{(vid['crf'] - 20) // 6 * 6 + 25}",
        motion_blur="yes" if vid["motion_blur"] else "no",
        lighting=v["lighting"]["preset"],
        background=v["background"]["name"],
    )
