"""Measuring formcheck against labelled clips: manifests, cached poses, metrics, the `eval`
command."""
