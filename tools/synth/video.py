"""H.264 (libx264, yuv420p) mp4 writer on PyAV, so clips play anywhere."""

from fractions import Fraction

import av


class VideoWriter:
    def __init__(self, path, width, height, fps=30, crf=28):
        self.c = av.open(str(path), mode="w")
        self.s = self.c.add_stream("libx264", rate=Fraction(fps, 1))
        self.s.width, self.s.height, self.s.pix_fmt = width, height, "yuv420p"
        self.s.options = {"crf": str(crf), "preset": "medium", "movflags": "+faststart"}

    def write(self, rgb):
        fr = av.VideoFrame.from_ndarray(rgb, format="rgb24")
        for p in self.s.encode(fr):
            self.c.mux(p)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        for p in self.s.encode():
            self.c.mux(p)
        self.c.close()
