"""The clip set: what `generate.py --all` and `--samples` render (names, faults, views, bodies)."""

from .exercises import sldl

VARIANTS = ["A", "B", "C"]


def _side_view(standing):
    # camera on the standing-leg side: the bell, the standing shin and the free leg are all in view
    return "left" if standing == "L" else "right"


def sldl_fault_clips():
    """3 reps per fault, fault in the middle rep only, from the views where it can be judged."""
    views = {"knee_valgus": ["front"], "hips_open": ["front", "oblique"]}
    out = []
    n = 0
    for fault, (mag, _unit) in sldl.FAULTS.items():
        variants = [dict(variant="touchdown", magnitude=mag)]
        if fault == "balance_loss":
            variants.append(dict(variant="foot_shift", magnitude=sldl.BALANCE_SHIFT_DEFAULT))
        for var in variants:
            for v in views.get(fault, ["side"]):
                standing = "L" if n % 2 == 0 else "R"
                view = (
                    _side_view(standing)
                    if v == "side"
                    else (
                        "front"
                        if v == "front"
                        else ("oblique_left" if standing == "L" else "oblique_right")
                    )
                )
                bad = dict(fault=fault, magnitude=var["magnitude"])
                if fault == "balance_loss":
                    bad["variant"] = var["variant"]
                suffix = f"_{var['variant']}" if fault == "balance_loss" else ""
                out.append(
                    dict(
                        name=f"sldl_{fault}{suffix}_{v}",
                        exercise=sldl.EXERCISE,
                        variant=VARIANTS[n % 3],
                        view=view,
                        build_kw=dict(standing=standing),
                        reps=[dict(fault=None), bad, dict(fault=None)],
                    )
                )
                n += 1
    return out


def sldl_core():
    return [
        dict(
            name="sldl_side_demo",
            exercise=sldl.EXERCISE,
            variant="A",
            view="left",
            build_kw=dict(standing="L"),
            png_at=None,
            reps=[
                dict(fault=None),
                dict(fault="bell_drift", magnitude=35.0),
                dict(fault=None),
                dict(fault="rear_leg_bent", magnitude=70.0),
            ],
        ),
        dict(
            name="sldl_side_clean",
            exercise=sldl.EXERCISE,
            variant="B",
            view="right",
            build_kw=dict(standing="R"),
            reps=[dict(fault=None)] * 3,
        ),
    ]


def clean_views():
    """Clean SLDL from every view (the analysis must say 'not assessable' where it applies)."""
    out = []
    for i, view in enumerate(["front", "back", "oblique_left"]):
        out.append(
            dict(
                name=f"sldl_clean_{view}",
                exercise=sldl.EXERCISE,
                variant=VARIANTS[(i + 2) % 3],
                view=view,
                build_kw=dict(standing="L"),
                reps=[dict(fault=None)] * 3,
            )
        )
    return out


def bilateral_clips():
    """kb_deadlift, romanian_deadlift, hip_hinge, kb_swing: clean + one per fault, side view."""
    from .exercises import hip_hinge, kb_deadlift, kb_swing, romanian_deadlift

    out = []
    n = 0
    for mod, short in (
        (kb_deadlift, "kbdl"),
        (romanian_deadlift, "rdl"),
        (hip_hinge, "hinge"),
        (kb_swing, "swing"),
    ):
        nrep = 5 if mod is kb_swing else 3
        mid = nrep // 2
        faults = [
            f for f in mod.FAULTS if not (mod is hip_hinge and f == "hips_rise_first")
        ]  # band hinge only
        for fault in [None] + faults:
            reps = [dict(fault=None) for _ in range(nrep)]
            if fault:
                reps[mid] = dict(fault=fault)
            view = "left" if n % 2 == 0 else "right"
            clip = dict(
                name=f"{short}_{fault or 'clean'}_side",
                exercise=mod.EXERCISE,
                variant=VARIANTS[n % 3],
                view=view,
                reps=reps,
            )
            if mod is hip_hinge:
                clip["camera"] = dict(
                    height_m=1.0, distance_m=3.5
                )  # the stick reaches above the head
            out.append(clip)
            n += 1
    return out


def band_hinge_clips():
    from .exercises import hip_hinge

    out = []
    for n, fault in enumerate([None, "hips_rise_first", "squat_not_hinge", "spine_not_neutral"]):
        reps = [dict(fault=None) for _ in range(3)]
        if fault:
            reps[1] = dict(fault=fault)
        out.append(
            dict(
                name=f"bandhinge_{fault or 'clean'}_side",
                exercise=hip_hinge.EXERCISE,
                variant=VARIANTS[(n + 1) % 3],
                view="right" if n % 2 == 0 else "left",
                build_kw=dict(variant="band"),
                reps=reps,
            )
        )
    return out


def kickback_clips():
    from .exercises import band_kickback as kb

    out = []
    n = 0
    for fault in [None] + list(kb.FAULTS):
        views = ["side", "back"] if fault == "hips_rotate" else ["side"]
        for v in views:
            standing = "L" if n % 2 == 0 else "R"
            # side view from the working-leg side, so the kicking leg is nearest the camera
            view = ("right" if standing == "L" else "left") if v == "side" else "back"
            reps = [dict(fault=None) for _ in range(3)]
            if fault:
                reps[1] = dict(fault=fault)
            out.append(
                dict(
                    name=f"kickback_{fault or 'clean'}_{v}",
                    exercise=kb.EXERCISE,
                    variant=VARIANTS[(n + 1) % 3],
                    view=view,
                    build_kw=dict(standing=standing),
                    reps=reps,
                )
            )
            n += 1
    return out


def sldl_back_views():
    """knee_valgus and hips_open from behind (both are judged from the front or the back)."""
    out = []
    for n, (fault, mag) in enumerate((("knee_valgus", 15.0), ("hips_open", 30.0))):
        out.append(
            dict(
                name=f"sldl_{fault}_back",
                exercise=sldl.EXERCISE,
                variant=VARIANTS[(n + 2) % 3],
                view="back",
                build_kw=dict(standing="R" if n == 0 else "L"),
                reps=[dict(fault=None), dict(fault=fault, magnitude=mag), dict(fault=None)],
            )
        )
    return out


def all_clips():
    return (
        sldl_core()
        + sldl_fault_clips()
        + clean_views()
        + bilateral_clips()
        + kickback_clips()
        + band_hinge_clips()
        + sldl_back_views()
    )


# committed to sample_videos/ (kept under 20 MB in total)
SAMPLE_NAMES = None  # None = every clip in all_clips()


def sample_clips():
    clips = all_clips()
    return clips if SAMPLE_NAMES is None else [c for c in clips if c["name"] in SAMPLE_NAMES]
