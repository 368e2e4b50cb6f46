"""Reads of the voice app (see the submodules)."""
