"""The `wide` evaluation set: every fault of every exercise at three magnitudes, plus clean
clips, each clip under its own variation (vary.py, seeded by the clip's name).

A fault clip has 4 reps: clean, then the fault at its small, medium and large magnitude (the
swing adds a clean fifth rep so the last graded swing is not the one that settles). The small
magnitude sits near where a coach starts to call the fault; each rep's label carries `level`
(clean | small | medium | large). Views per fault come from the rules' `views` in
src/formcheck/exercises/*.toml (copied here so the set does not change when a rule does).
"""

from . import vary

# exercise -> (module name, short name)
EXERCISES = {
    "kb_single_leg_deadlift": ("sldl", "sldl"),
    "kb_deadlift": ("kb_deadlift", "kbdl"),
    "romanian_deadlift": ("romanian_deadlift", "rdl"),
    "hip_hinge": ("hip_hinge", "hinge"),
    "kb_swing": ("kb_swing", "swing"),
    "band_kickback": ("band_kickback", "kickback"),
}

# (small, medium, large). Small: about where a coach first says something.
LADDERS = {
    "kb_single_leg_deadlift": {
        "hips_open": (10.0, 20.0, 30.0),  # pelvis turned open, deg
        "spine_round": (12.0, 24.0, 40.0),
        "bell_drift": (12.0, 22.0, 35.0),  # bell arm swung forward, deg
        "knee_valgus": (7.0, 11.0, 16.0),  # frontal-plane knee angle, deg
        "lean_back": (6.0, 10.0, 15.0),
        "squat_not_hinge": (45.0, 58.0, 70.0),  # standing knee at the bottom, deg
        "rear_leg_high": (10.0, 17.0, 25.0),
        "rear_leg_bent": (30.0, 45.0, 70.0),
        "chest_drop": (0.4, 0.7, 1.0),
        "arm_pull": (30.0, 50.0, 70.0),
        "fast_descent": (0.8, 0.6, 0.45),  # descent time, s (clean 1.5)
        "bounce_at_bottom": (5.0, 8.0, 12.0),
        "balance_loss/touchdown": (0.15, 0.3, 0.5),  # free foot down, s
        "balance_loss/foot_shift": (0.04, 0.07, 0.12),  # standing foot slides, m
        "neck_not_neutral": (20.0, 30.0, 40.0),
    },
    "kb_deadlift": {
        "spine_round": (12.0, 22.0, 35.0),
        "gaze_not_neutral": (25.0, 45.0, 70.0),
        "bell_position": (0.06, 0.1, 0.15),
        "arms_bent": (25.0, 45.0, 70.0),
        "incomplete_lockout": (8.0, 15.0, 25.0),
        "hips_rise_first": (0.25, 0.4, 0.6),
        "heel_lift": (0.015, 0.03, 0.05),
    },
    "romanian_deadlift": {
        "knees_too_bent": (35.0, 45.0, 60.0),
        "spine_round": (12.0, 22.0, 35.0),
        "gaze_not_neutral": (25.0, 45.0, 70.0),
        "arms_bent": (20.0, 30.0, 45.0),
        "incomplete_lockout": (8.0, 15.0, 25.0),
        "heel_lift": (0.015, 0.03, 0.05),
    },
    "hip_hinge": {
        "spine_not_neutral": (10.0, 20.0, 30.0),
        "gaze_not_neutral": (15.0, 25.0, 35.0),
        "squat_not_hinge": (40.0, 55.0, 70.0),
        "heel_lift": (0.015, 0.03, 0.05),
        "hips_rise_first": (0.25, 0.4, 0.6),
    },
    "kb_swing": {
        "arm_lift": (25.0, 40.0, 60.0),
        "top_not_plank": (5.0, 10.0, 15.0),
        "squat_swing": (55.0, 70.0, 85.0),
        "spine_round": (12.0, 22.0, 35.0),
    },
    "band_kickback": {
        "torso_too_upright": (30.0, 40.0, 50.0),  # trunk above horizontal, deg (clean 15)
        "back_arch": (8.0, 14.0, 20.0),
        "hips_rotate": (10.0, 18.0, 28.0),
        "working_leg_bent": (20.0, 30.0, 45.0),
        "standing_knee_locked": (8.0, 4.0, 0.0),  # standing-knee flexion left, deg (clean 15)
        "head_up": (15.0, 25.0, 35.0),
        "no_hold": (1.0, 0.7, 0.4),  # return time with no hold, s
        "torso_moves": (6.0, 12.0, 20.0),
    },
}

# graded squats: the trunk at the bottom moves from the clean hinge toward the fault's trunk in
# step with the knee (the exercise scripts jump straight to the fault's trunk)
SQUATS = {
    ("kb_single_leg_deadlift", "squat_not_hinge"): dict(knee=(20.0, 70.0), trunk=(80.0, 45.0)),
    ("romanian_deadlift", "knees_too_bent"): dict(knee=(18.0, 60.0), trunk=(75.0, 60.0)),
    ("hip_hinge", "squat_not_hinge"): dict(knee=(20.0, 70.0), trunk=(60.0, 35.0)),
    ("kb_swing", "squat_swing"): dict(knee=(30.0, 85.0), trunk=(65.0, 35.0)),
}

# Views per fault, from the rules' `views` (src/formcheck/exercises/*.toml): one clip per
# fault, from a view that can judge it (the front/back rules alternate front and back; the
# rules judged from every view get a non-side view), plus an oblique clip for the SLDL's
# spine_round. Unlisted faults: side. The back series adds side and oblique back clips.
SIDE = ["side"]
VIEWS = {
    "kb_single_leg_deadlift": {
        "hips_open": ["back"],
        "spine_round": ["side", "oblique"],
        "knee_valgus": ["front"],
        "fast_descent": ["front"],
        "bounce_at_bottom": ["oblique"],
        "balance_loss/touchdown": ["back"],
        "balance_loss/foot_shift": ["front"],
    },
    "romanian_deadlift": {"spine_round": ["oblique"]},
    "band_kickback": {"hips_rotate": ["front"], "no_hold": ["oblique"]},
}
# clean clips: the views the faults use, and views no rule judges from
CLEAN_VIEWS = {
    "kb_single_leg_deadlift": ["side", "side_far", "front"],
    "kb_deadlift": ["side", "oblique"],
    "romanian_deadlift": ["side", "back"],
    "hip_hinge": ["side", "oblique"],
    "kb_swing": ["side", "front"],
    "band_kickback": ["side_far", "back"],
}
LEVELS = ("small", "medium", "large")


def _trunk_for(ex, fault, knee):
    sq = SQUATS[(ex, fault)]
    (k0, k1), (t0, t1) = sq["knee"], sq["trunk"]
    return round(t0 + (t1 - t0) * (knee - k0) / (k1 - k0), 1)


def _fault_reps(ex, key, ladder):
    fault, _, variant = key.partition("/")
    reps = [dict(fault=None, labels=dict(level="clean"))]
    for lvl, m in zip(LEVELS, ladder):
        r = dict(fault=fault, magnitude=m, labels=dict(level=lvl))
        if variant:
            r["variant"] = variant
        if (ex, fault) in SQUATS:
            r["trunk_bottom"] = _trunk_for(ex, fault, m)
            r["labels"]["trunk_bottom_deg"] = r["trunk_bottom"]
        reps.append(r)
    if ex == "kb_swing":
        reps.append(dict(fault=None, labels=dict(level="clean")))
    return reps


def _clip(name, ex, view, reps, rng, overrides=None):
    """One clip spec: the side a camera stands on and the standing leg come from the name's
    generator, so near- and far-side views both occur."""
    mod, _ = EXERCISES[ex]
    build_kw = {}
    far = view == "side_far"
    kind = "side" if far else view
    sign = 1 if rng.random() < 0.5 else -1
    if ex in ("kb_single_leg_deadlift", "band_kickback"):
        standing = "L" if rng.random() < 0.5 else "R"
        build_kw["standing"] = standing
        if kind == "side":
            # SLDL: the standing-leg side shows the bell and the standing shin; kickback: the
            # working-leg side shows the kicking leg. far = the other side.
            near = 1 if standing == "L" else -1
            if ex == "band_kickback":
                near = -near
            sign = -near if far else near
    if ex == "hip_hinge":
        fault = next((r["fault"] for r in reps if r.get("fault")), None)
        build_kw["variant"] = (
            "band" if fault == "hips_rise_first" else ("stick" if rng.random() < 0.5 else "band")
        )
    return dict(
        name=name,
        set="wide",
        exercise=ex,
        build_kw=build_kw,
        reps=reps,
        variation=vary.draw(name, kind, sign, overrides),
    )


def clips():
    """Fault clips first, then clean clips; each part takes the exercises in turn, so a run
    stopped early still covers every exercise."""
    faults, clean = {}, {}
    for ex, ladders in LADDERS.items():
        short = EXERCISES[ex][1]
        for key, ladder in ladders.items():
            for view in VIEWS.get(ex, {}).get(key, SIDE):
                name = f"wide_{short}_{key.replace('/', '_')}_{view}"
                reps = _fault_reps(ex, key, ladder)
                c = _clip(name, ex, view, reps, vary.rng_for(name + "/legs"))
                faults.setdefault(ex, []).append(c)
    for ex, views in CLEAN_VIEWS.items():
        short = EXERCISES[ex][1]
        n = 5 if ex == "kb_swing" else 3
        for i, view in enumerate(views):
            name = f"wide_{short}_clean_{i + 1}_{view}"
            reps = [dict(fault=None, labels=dict(level="clean")) for _ in range(n)]
            clean.setdefault(ex, []).append(
                _clip(name, ex, view, reps, vary.rng_for(name + "/legs"))
            )
    return _in_turn(faults) + _in_turn(clean)


def _in_turn(groups):
    out, k = [], 0
    while any(k < len(g) for g in groups.values()):
        out += [g[k] for g in groups.values() if k < len(g)]
        k += 1
    return out
