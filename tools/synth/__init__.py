"""Synthetic exercise-clip generator (developer tool, see README.md)."""
