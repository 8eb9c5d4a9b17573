"""The graded back series (issue 17): lumbar and thoracic flexion as separate parameters at
0, 10, 20, 30 and 45 deg for the five hinges, and lumbar extension (arching) at the same steps
for the kickback; side and oblique views, each clip with its own body, clothing and scene.

A clip is 5 reps: the 0 deg rep first (the lifter's own clean reference), then 10-45 in an
order drawn from the clip's name. The degree is reached at the bottom of the rep (it grows
with the hinge progress, like spine_round). Each rep's label: lumbar_flex_deg and
thoracic_flex_deg (signed, - = extension), `series` (lumbar | thoracic | lumbar_extension),
and fault = the exercise's back rule with magnitude = the posed degree (null at 0 deg).
The keypoints npz carries the per-frame truth (truth_lumbar_flex_deg, truth_thoracic_flex_deg,
truth_back_* from backline.py, back_midline_xy).
"""

from . import vary

DEGREES = (10.0, 20.0, 30.0, 45.0)
RULE = {
    "kb_single_leg_deadlift": "spine_round",
    "kb_deadlift": "spine_round",
    "romanian_deadlift": "spine_round",
    "kb_swing": "spine_round",
    "hip_hinge": "spine_not_neutral",
    "band_kickback": "back_arch",
}
SHORT = {
    "kb_single_leg_deadlift": "sldl",
    "kb_deadlift": "kbdl",
    "romanian_deadlift": "rdl",
    "kb_swing": "swing",
    "hip_hinge": "hinge",
    "band_kickback": "kickback",
}
OVERRIDES = dict(
    sizes={"640x480": 2, "1280x720": 0.5, "640x360": 2.5, "1080x1920": 0.3},
    fps={"24": 1, "25": 1},
    blur_p=0.05,
    small_p=0.05,  # the contour needs pixels across the trunk: few far cameras
    heights={"knee": 0.5, "hip": 2, "chest": 2.5, "head": 1.5, "above_head": 0.5},
)


def _reps(ex, series, order):
    reps = []
    for deg in (0.0, *order):
        key = "thoracic_flex" if series == "thoracic" else "lumbar_flex"
        signed = -deg if series == "lumbar_extension" else deg
        lab = dict(
            series=series,
            lumbar_flex_deg=signed if key == "lumbar_flex" else 0.0,
            thoracic_flex_deg=signed if key == "thoracic_flex" else 0.0,
        )
        if deg > 0:
            lab.update(fault=RULE[ex], magnitude=deg, unit="deg")
        reps.append(dict(fault=None, **{key: signed}, labels=lab))
    return reps


def _clip(ex, series, view, tag, variant=None):
    name = f"back_{SHORT[ex]}_{series}_{view}{tag}"
    rng = vary.rng_for(name + "/legs")
    order = [DEGREES[i] for i in rng.permutation(len(DEGREES))]
    sign = 1 if rng.random() < 0.5 else -1
    build_kw = {}
    if ex in ("kb_single_leg_deadlift", "band_kickback"):
        st = "L" if rng.random() < 0.5 else "R"
        build_kw["standing"] = st
        if ex == "band_kickback" and view == "side":
            near = -1 if st == "L" else 1  # the working-leg side
            sign = -near if tag == "_b" else near
    if ex == "hip_hinge":
        build_kw["variant"] = variant or "band"  # the stick lies along the back
    return dict(
        name=name,
        set="back",
        exercise=ex,
        build_kw=build_kw,
        reps=_reps(ex, series, order),
        variation=vary.draw(name, view, sign, OVERRIDES),
    )


def clips():
    out = []
    for ex in (
        "kb_single_leg_deadlift",
        "kb_deadlift",
        "romanian_deadlift",
        "kb_swing",
        "hip_hinge",
    ):
        for series in ("lumbar", "thoracic"):
            for view in ("side", "oblique"):
                out.append(_clip(ex, series, view, ""))
    out.append(_clip("hip_hinge", "lumbar", "side", "_stick", "stick"))
    for view, tag in (("side", "_a"), ("side", "_b"), ("oblique", "_a")):
        out.append(_clip("band_kickback", "lumbar_extension", view, tag))
    return out
