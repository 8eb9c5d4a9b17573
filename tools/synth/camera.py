"""Camera views and projection (pinhole, looking horizontally at hip height)."""

from dataclasses import asdict, dataclass

import numpy as np

# yaw: where the camera stands around the person. 0 = in front, +90 = at the person's left,
# -90 = at the person's right, 180 = behind, 45 = front-left oblique.
VIEWS = {
    "front": 0.0,
    "back": 180.0,
    "left": 90.0,
    "right": -90.0,
    "oblique_left": 45.0,
    "oblique_right": -45.0,
}
# what the labels call the view (the analysis' categories); camera_side keeps the exact one
VIEW_KIND = {
    "front": "front",
    "back": "back",
    "left": "side",
    "right": "side",
    "oblique_left": "oblique",
    "oblique_right": "oblique",
}


@dataclass
class Camera:
    yaw_deg: float
    height_m: float = 0.9
    distance_m: float = 3.2
    fov_deg: float = 42.0  # vertical field of view
    width: int = 640
    height: int = 480
    target: tuple = (0.0, 0.0)  # world x, y the camera looks at
    # None = level camera (the committed set). pitch: + = looking down; roll: + = the image
    # turns clockwise (the camera rotated counter-clockwise about its viewing axis)
    pitch_deg: float = None
    roll_deg: float = None

    def label(self):
        d = asdict(self)
        d.pop("target")
        for k in ("pitch_deg", "roll_deg"):
            if d[k] is None:
                d.pop(k)
        return d

    @property
    def axes(self):
        a = np.radians(self.yaw_deg)
        fwd = -np.array([np.sin(a), -np.cos(a), 0.0])  # from the camera toward the person
        up = np.array([0.0, 0.0, 1.0])
        right = np.cross(fwd, up)
        if self.pitch_deg is None and self.roll_deg is None:
            return right, up, fwd
        p, r = np.radians(self.pitch_deg or 0.0), np.radians(self.roll_deg or 0.0)
        fwd = np.cos(p) * fwd - np.sin(p) * up
        up = np.cross(right, fwd)
        right, up = np.cos(r) * right + np.sin(r) * up, np.cos(r) * up - np.sin(r) * right
        return right, up, fwd

    @property
    def level_fwd(self):
        """Horizontal viewing direction (the room is built square to it)."""
        a = np.radians(self.yaw_deg)
        return -np.array([np.sin(a), -np.cos(a), 0.0])

    @property
    def position(self):
        if self.pitch_deg is None and self.roll_deg is None:
            r, u, f = self.axes
        else:
            f = self.level_fwd  # distance_m stays horizontal when the camera tilts
        return np.array([self.target[0], self.target[1], self.height_m]) - f * self.distance_m

    def pose(self):
        """Camera-to-world 4x4 in OpenGL convention (looks down its -z)."""
        r, u, f = self.axes
        M = np.eye(4)
        M[:3, 0], M[:3, 1], M[:3, 2], M[:3, 3] = r, u, -f, self.position
        return M

    def to_camera(self, p):
        """World points (..., 3) -> camera coords x right, y down, z forward (MediaPipe-like)."""
        r, u, f = self.axes
        d = p - self.position
        return np.stack([d @ r, -(d @ u), d @ f], axis=-1)

    def project(self, p):
        """World points -> normalised image coords (x right, y down in [0, 1]) and depth."""
        c = self.to_camera(p)
        ty = np.tan(np.radians(self.fov_deg) / 2)
        tx = ty * self.width / self.height
        x = 0.5 + c[..., 0] / c[..., 2] / (2 * tx)
        y = 0.5 + c[..., 1] / c[..., 2] / (2 * ty)
        return np.stack([x, y], -1), c[..., 2]
