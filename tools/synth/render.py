"""pyrender/OSMesa renderer: a room (floor + wall), the body with vertex colours, a kettlebell."""

import os

os.environ.setdefault("PYOPENGL_PLATFORM", "osmesa")
import numpy as np  # noqa: E402

np.infty = np.inf  # pyrender 0.1.45 still uses the NumPy 1 alias
import pyrender  # noqa: E402
import trimesh  # noqa: E402


def _stable_shader_cache():
    """pyrender keys its shader cache on OpenGL.contextdata.getContext(), which under OSMesa is a
    new pointer object every call: every frame recompiled every shader and leaked ~13 MB. Each
    renderer has one context and its own cache, so a constant key is correct."""
    import OpenGL.contextdata as cd
    import pyrender.shader_program as sp

    orig = sp.ShaderProgramCache.get_program
    if getattr(orig, "_synth_patched", False):
        return

    def get_program(self, vertex_shader, fragment_shader, geometry_shader=None, defines=None):
        real = cd.getContext
        cd.getContext = lambda *a: 0
        try:
            return orig(self, vertex_shader, fragment_shader, geometry_shader, defines)
        finally:
            cd.getContext = real

    get_program._synth_patched = True
    sp.ShaderProgramCache.get_program = get_program


_stable_shader_cache()

BELL_R = 0.09  # body radius of a ~12 kg competition-size bell
BELL_GRIP = 0.125  # grip (top of the handle) above the bell's centre


def vertex_normals(v, f):
    fn = np.cross(v[f[:, 1]] - v[f[:, 0]], v[f[:, 2]] - v[f[:, 0]])
    n = np.zeros_like(v)
    for k in range(3):
        for c in range(3):
            n[:, c] += np.bincount(f[:, k], weights=fn[:, c], minlength=len(v))
    return n / np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)


def _prim(v, f, col, material):
    return pyrender.Primitive(
        positions=v.astype(np.float32),
        normals=vertex_normals(v, f).astype(np.float32),
        color_0=np.concatenate([col, np.ones((len(col), 1))], 1).astype(np.float32),
        indices=f.astype(np.uint32),
        material=material,
    )


def _matte(rough=0.85):
    return pyrender.MetallicRoughnessMaterial(
        baseColorFactor=[1.0, 1.0, 1.0, 1.0], metallicFactor=0.0, roughnessFactor=rough
    )


def kettlebell_mesh():
    body = trimesh.creation.icosphere(subdivisions=3, radius=BELL_R)
    body.vertices[:, 2] *= 0.95
    handle = trimesh.creation.torus(
        major_radius=0.058, minor_radius=0.011, major_sections=40, minor_sections=10
    )
    # torus in the y-z plane so the grip bar runs front-back, like a neutral-grip carry
    handle.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, [0, 1, 0]))
    handle.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, [0, 0, 1]))
    handle.vertices[:, 2] += BELL_GRIP - 0.058
    m = trimesh.util.concatenate([body, handle])
    mat = pyrender.MetallicRoughnessMaterial(
        baseColorFactor=[0.09, 0.09, 0.10, 1.0], metallicFactor=0.3, roughnessFactor=0.45
    )
    return pyrender.Mesh.from_trimesh(m, material=mat, smooth=True)


def rod_mesh(radius, rgb, length=1.0):
    """A cylinder from z=0 to z=length: sticks (fixed length), bands (scaled along z per
    frame)."""
    m = trimesh.creation.cylinder(radius=radius, height=length, sections=12)
    m.vertices[:, 2] += length / 2
    mat = pyrender.MetallicRoughnessMaterial(
        baseColorFactor=[*rgb, 1.0], metallicFactor=0.0, roughnessFactor=0.7
    )
    return pyrender.Mesh.from_trimesh(m, material=mat, smooth=False)


def shadow_mesh(n=32, rings=6):
    """Soft contact shadow: a unit disc whose alpha fades from the centre (scaled per frame)."""
    verts, cols, faces = [[0, 0, 0]], [[0, 0, 0, 0.45]], []
    for r in range(1, rings + 1):
        rad = r / rings
        for k in range(n):
            a = 2 * np.pi * k / n
            verts.append([rad * np.cos(a), rad * np.sin(a), 0])
            cols.append([0, 0, 0, 0.45 * (1 - rad) ** 1.5])
    for r in range(rings):
        for k in range(n):
            k2 = (k + 1) % n
            if r == 0:
                faces.append([0, 1 + k, 1 + k2])
            else:
                a0, b0 = 1 + (r - 1) * n, 1 + r * n
                faces += [[a0 + k, b0 + k, b0 + k2], [a0 + k, b0 + k2, a0 + k2]]
    v = np.array(verts, np.float32)
    mat = pyrender.MetallicRoughnessMaterial(
        baseColorFactor=[1.0, 1.0, 1.0, 1.0],
        metallicFactor=0.0,
        roughnessFactor=1.0,
        alphaMode="BLEND",
    )
    prim = pyrender.Primitive(
        positions=v,
        normals=np.tile([0, 0, 1.0], (len(v), 1)).astype(np.float32),
        color_0=np.array(cols, np.float32),
        indices=np.array(faces, np.uint32),
        material=mat,
    )
    return pyrender.Mesh([prim])


def prop_mesh(spec):
    kind = spec["kind"]
    if kind == "shadow":
        return shadow_mesh()
    if kind == "kettlebell":
        return kettlebell_mesh()
    if kind == "stick":
        return rod_mesh(
            spec.get("radius", 0.014), spec.get("rgb", (0.55, 0.38, 0.2)), spec.get("length", 1.5)
        )
    if kind == "band":
        return rod_mesh(0.007, spec.get("rgb", (0.75, 0.1, 0.1)))
    raise ValueError(kind)


def room_mesh(cam, rng, floor_rgb, wall_rgb):
    """Floor tiles with slight tone jitter and a wall behind the person with a vertical gradient."""
    r, u, f = cam.axes
    c = np.array([cam.target[0], cam.target[1], 0.0])
    n, size = 24, 0.5
    verts, faces, cols = [], [], []
    for i in range(n):
        for j in range(n):
            x0 = (i - n / 2) * size
            y0 = (j - n / 2) * size
            p = c + np.array([x0, y0, 0])
            q = [p, p + [size, 0, 0], p + [size, size, 0], p + [0, size, 0]]
            k = len(verts)
            verts += q
            faces += [[k, k + 1, k + 2], [k, k + 2, k + 3]]
            tone = np.array(floor_rgb) * (0.92 + 0.08 * rng.random())
            cols += [tone] * 4
    wall_c = c + f * 2.6
    k = len(verts)
    for a, h in [(-8, 0), (8, 0), (8, 5.0), (-8, 5.0)]:
        verts.append(wall_c + r * a + np.array([0, 0, h]))
        cols.append(np.array(wall_rgb) * (0.8 + 0.2 * h / 5.0))
    faces += [[k, k + 1, k + 2], [k, k + 2, k + 3]]
    # skirting board strip along the wall
    k = len(verts)
    for a, h in [(-6, 0), (6, 0), (6, 0.1), (-6, 0.1)]:
        verts.append(wall_c - f * 0.01 + r * a + np.array([0, 0, h]))
        cols.append(np.array(wall_rgb) * 0.55)
    faces += [[k, k + 1, k + 2], [k, k + 2, k + 3]]
    v, fa, co = np.array(verts), np.array(faces), np.array(cols)
    prim = pyrender.Primitive(
        positions=v.astype(np.float32),
        normals=np.tile([0, 0, 1.0], (len(v), 1)).astype(np.float32),
        color_0=np.concatenate([co, np.ones((len(co), 1))], 1).astype(np.float32),
        indices=fa.astype(np.uint32),
        material=_matte(0.9),
    )
    # wall normals face the camera
    prim.normals[-8:] = -f
    return pyrender.Mesh([prim])


class Renderer:
    def __init__(
        self,
        cam,
        faces,
        colors,
        seed=0,
        floor_rgb=(0.52, 0.42, 0.32),
        wall_rgb=(0.66, 0.64, 0.58),
        scenery=None,
    ):
        """scenery: None = the committed set's room and lights; else dict(meshes, ambient,
        lights=[(light, pose)]) from scenery.py."""
        self.cam = cam
        self.faces = faces
        self.colors = colors
        amb = 0.3 if scenery is None else scenery["ambient"]
        self.scene = pyrender.Scene(bg_color=[0.0, 0.0, 0.0, 1.0], ambient_light=[amb] * 3)
        pc = pyrender.PerspectiveCamera(
            yfov=np.radians(cam.fov_deg), aspectRatio=cam.width / cam.height, znear=0.2, zfar=30.0
        )
        if scenery is not None:
            for m in scenery["meshes"]:
                self.scene.add(m)
            self.scene.add(pc, pose=cam.pose())
            for light, M in scenery["lights"]:
                self.scene.add(light, pose=M)
            self._finish_init(cam, colors)
            return
        self.scene.add(room_mesh(cam, np.random.default_rng(seed), floor_rgb, wall_rgb))
        self.scene.add(pc, pose=cam.pose())
        # key light above and to one side of the camera, fill from the other side
        r, u, f = cam.axes
        for direction, inten in (
            (f + 0.9 * np.array([0, 0, -1.0]) + 0.5 * r, 2.3),
            (f - 0.6 * r, 1.2),
        ):
            d = direction / np.linalg.norm(direction)
            M = np.eye(4)
            z = -d
            x = np.cross([0, 0, 1.0], z)
            x /= np.linalg.norm(x)
            M[:3, 0], M[:3, 1], M[:3, 2] = x, np.cross(z, x), z
            self.scene.add(pyrender.DirectionalLight(color=np.ones(3), intensity=inten), pose=M)
        self._finish_init(cam, colors)

    def _finish_init(self, cam, colors):
        self.props = []
        self.mat = _matte(0.8)
        self.r = pyrender.OffscreenRenderer(cam.width, cam.height)
        self.body = None
        self._rgba = np.concatenate([colors, np.ones((len(colors), 1))], 1).astype(np.float32)

    def _upload(self, verts):
        """Overwrite the body's vertex buffer in place: re-adding a mesh per frame costs ~2x."""
        from OpenGL import GL

        n = vertex_normals(verts, self.faces)
        data = np.ascontiguousarray(np.hstack([verts, n, self._rgba]).astype(np.float32).ravel())
        self.r._platform.make_current()
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, self.body._buffers[0])
        GL.glBufferSubData(GL.GL_ARRAY_BUFFER, 0, data.nbytes, data)
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, 0)

    def set_props(self, specs):
        """specs: list of dicts with 'kind' (kettlebell, stick, band); poses come per frame."""
        self.props = [self.scene.add(prop_mesh(p), pose=np.eye(4)) for p in specs]

    def frame(self, verts, prop_poses=()):
        if self.body is None:
            self.body = _prim(verts, self.faces, self.colors, self.mat)
            self.scene.add(pyrender.Mesh([self.body]))
            self.r.render(self.scene)  # first render uploads the buffers
        self._upload(verts)
        for node, M in zip(self.props, prop_poses):
            self.scene.set_pose(node, M)
        color, depth = self.r.render(self.scene)
        return color, depth

    def close(self):
        self.r.delete()
