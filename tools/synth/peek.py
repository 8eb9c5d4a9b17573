"""Contact sheet of a clip's frames (for eyeballing): python peek.py CLIP.mp4 OUT.png t1 t2 ..."""

import sys

import av
from PIL import Image


def grab(path, times):
    want = sorted(times)
    got = {}
    with av.open(str(path)) as c:
        for fr in c.decode(video=0):
            t = float(fr.pts * fr.time_base)
            for w in want:
                if w not in got and t >= w - 1e-3:
                    got[w] = fr.to_ndarray(format="rgb24")
    return [got[t] for t in times if t in got]


def sheet(frames, cols=3, scale=0.5):
    ims = [
        Image.fromarray(f).resize((int(f.shape[1] * scale), int(f.shape[0] * scale)))
        for f in frames
    ]
    w, h = ims[0].size
    rows = (len(ims) + cols - 1) // cols
    out = Image.new("RGB", (w * cols, h * rows))
    for i, im in enumerate(ims):
        out.paste(im, ((i % cols) * w, (i // cols) * h))
    return out


if __name__ == "__main__":
    sheet(grab(sys.argv[1], [float(x) for x in sys.argv[3:]])).save(sys.argv[2])
