"""Domain errors raised by the effect-verification estimators."""

from __future__ import annotations


class EstimationError(ValueError):
    """The data cannot support the requested estimate; the message names the problem."""
