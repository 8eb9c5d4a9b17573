"""Synthetic pose sequences with known faults, for testing formcheck's rules.

``skeleton`` is a small kinematic body and a MediaPipe-like camera; one sibling module per
exercise poses it through reps (``sldl`` for the kettlebell single-leg deadlift).
"""

from .skeleton import Body, Camera, Motion, Noise, pose, render
from .sldl import FAULT_DEFAULTS, FAULTS, RepTruth, sldl_motion, sldl_sequence

__all__ = [
    "FAULTS",
    "FAULT_DEFAULTS",
    "Body",
    "Camera",
    "Motion",
    "Noise",
    "RepTruth",
    "pose",
    "render",
    "sldl_motion",
    "sldl_sequence",
]
