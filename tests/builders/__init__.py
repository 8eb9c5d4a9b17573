"""Synthetic pose sequences with known faults, for testing formcheck's rules.

``skeleton`` is a small kinematic body and a MediaPipe-like camera; one sibling module per
exercise poses it through reps (``sldl`` for the kettlebell single-leg deadlift,
``kb_deadlift``, ``romanian_deadlift``, ``hip_hinge``, ``kb_swing`` on the two-footed hinge
engine in ``bilateral``, and ``kickback`` for the band kickback).
"""

from . import hip_hinge, kb_deadlift, kb_swing, kickback, romanian_deadlift
from .hip_hinge import VARIANT_FAULTS as HIP_HINGE_VARIANT_FAULTS
from .hip_hinge import hip_hinge_motion, hip_hinge_sequence
from .kb_deadlift import kb_deadlift_motion, kb_deadlift_sequence
from .kb_swing import kb_swing_motion, kb_swing_sequence
from .kickback import KickbackRepTruth, band_kickback_motion, band_kickback_sequence
from .romanian_deadlift import romanian_deadlift_motion, romanian_deadlift_sequence
from .skeleton import Body, Camera, Motion, Noise, pose, render
from .sldl import FAULT_DEFAULTS, FAULTS, RepTruth, sldl_motion, sldl_sequence

# Exercise name (as formcheck's registry spells it) -> {fault: (default magnitude, unit)}.
EXERCISE_FAULTS = {
    "kb_deadlift": kb_deadlift.FAULTS,
    "romanian_deadlift": romanian_deadlift.FAULTS,
    "hip_hinge": hip_hinge.FAULTS,
    "kb_swing": kb_swing.FAULTS,
    "band_kickback": kickback.FAULTS,
}

__all__ = [
    "EXERCISE_FAULTS",
    "FAULTS",
    "FAULT_DEFAULTS",
    "HIP_HINGE_VARIANT_FAULTS",
    "Body",
    "Camera",
    "KickbackRepTruth",
    "Motion",
    "Noise",
    "RepTruth",
    "band_kickback_motion",
    "band_kickback_sequence",
    "hip_hinge_motion",
    "hip_hinge_sequence",
    "kb_deadlift_motion",
    "kb_deadlift_sequence",
    "kb_swing_motion",
    "kb_swing_sequence",
    "pose",
    "render",
    "romanian_deadlift_motion",
    "romanian_deadlift_sequence",
    "sldl_motion",
    "sldl_sequence",
]
