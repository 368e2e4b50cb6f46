"""Pages of the voice app (see the submodules)."""
