"""The live window's keys, apart from the window (OpenCV) so `formcheck live --help` can
show them without loading it."""

KEYS = {
    ord("q"): "quit",
    27: "quit",  # Esc
    ord("p"): "pause",
    ord(" "): "pause",
    ord("r"): "reset",
}
KEY_HELP = "keys: q or Esc quit, p or space pause, r reset the count"
