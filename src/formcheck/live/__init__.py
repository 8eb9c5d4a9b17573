"""Live webcam feedback: camera in, overlay and cues out, one frame at a time."""
