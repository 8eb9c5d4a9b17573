"""The measures judged besides the per-frame ones (signals.measures), by name and unit: data,
apart from the code that computes them (reps.metrics, analysis), so the exercise list and the
checks of a config file can read them without loading SciPy."""

# Per-rep scalars (reps.metrics) -> unit.
REP_MEASURE_UNITS = {
    "depth_deg": "deg",
    "descent_s": "s",
    "pause_s": "s",
    "hold_s": "s",
    "ascent_s": "s",
    "bottom_rebound_deg": "deg",
    "hip_back_ratio": "ratio",
    "free_foot_down_s": "s",
    "standing_foot_travel": "leg lengths",
    "return_to_push": "ratio",
    "knee_lead_on_ascent": "fraction",
    "bell_height": "shoulder heights",
    "hip_snap_deg_per_s": "deg/s",
    "top_trunk_deg": "deg",
    "toe_wander": "leg lengths",
    "outline_seen": "fraction",
}
# Measures judged as a change from the lifter's own standing posture: people stand with their
# heads a little forward or back, and the fault is what the hinge does to it.
FROM_STANDING = {
    "spine_flexion_deg": "spine_flexion_change_deg",
    # The back's outline: bodies and clothes curve it differently standing; the fault is what
    # the rep does to it.
    "back_rounding": "back_rounding_change",
    "back_bend_deg": "back_bend_change_deg",
    "heel_height": "heel_rise",
    "foot_pitch_deg": "heel_pitch_change_deg",
    "head_pitch_deg": "head_pitch_change_deg",
}
# Measures judged as a change from their median over the set's reps: postures that should
# hold still through the whole set. name -> (per-frame measure, unit).
SET_MEASURES = {"trunk_change_from_set_deg": ("trunk_inclination_deg", "deg")}
