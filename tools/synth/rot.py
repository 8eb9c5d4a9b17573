"""Small rotation helpers. Scene frame is Anny's: x = person's left, y = backward, z = up."""

import numpy as np


def rx(deg):
    """About the left-right axis; +deg tips a segment's upper end forward (its lower end back)."""
    a = np.radians(np.asarray(deg, dtype=float))
    c, s = np.cos(a), np.sin(a)
    o, z = np.ones_like(a), np.zeros_like(a)
    return np.stack(
        [np.stack([o, z, z], -1), np.stack([z, c, -s], -1), np.stack([z, s, c], -1)], -2
    )


def ry(deg):
    a = np.radians(np.asarray(deg, dtype=float))
    c, s = np.cos(a), np.sin(a)
    o, z = np.ones_like(a), np.zeros_like(a)
    return np.stack(
        [np.stack([c, z, s], -1), np.stack([z, o, z], -1), np.stack([-s, z, c], -1)], -2
    )


def rz(deg):
    a = np.radians(np.asarray(deg, dtype=float))
    c, s = np.cos(a), np.sin(a)
    o, z = np.ones_like(a), np.zeros_like(a)
    return np.stack(
        [np.stack([c, -s, z], -1), np.stack([s, c, z], -1), np.stack([z, z, o], -1)], -2
    )


def axis_angle(axis, rad):
    axis = np.asarray(axis, float)
    axis = axis / np.linalg.norm(axis)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    rad = np.asarray(rad, float)[..., None, None]
    return np.eye(3) + np.sin(rad) * k + (1 - np.cos(rad)) * (k @ k)


def align(a, b):
    """Minimal rotation taking direction a onto direction b."""
    a = np.asarray(a, float) / np.linalg.norm(a)
    b = np.asarray(b, float) / np.linalg.norm(b)
    axis = np.cross(a, b)
    n = np.linalg.norm(axis)
    if n < 1e-9:
        return np.eye(3)
    return axis_angle(axis / n, np.arctan2(n, np.dot(a, b)))


def mm(a, b):
    return np.einsum("...ij,...jk->...ik", a, b)


def mv(a, v):
    return np.einsum("...ij,...j->...i", a, v)
