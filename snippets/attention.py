"""Numerical building blocks of attention, in plain numpy.

The notes' executable blocks import from here, so no note copies code from another.
"""

from __future__ import annotations

import numpy as np


def softmax(scores, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    """Softmax along `axis`, computed stably.

    Subtracting the maximum first changes nothing mathematically (softmax is shift
    invariant) but keeps `exp` from overflowing; `-inf` scores (masked positions)
    get exactly zero weight.
    """
    if temperature <= 0:
        raise ValueError(f"temperature must be positive, not {temperature}")
    z = np.asarray(scores, dtype=float) / temperature
    z = z - np.max(z, axis=axis, keepdims=True)
    weights = np.exp(z)
    return weights / np.sum(weights, axis=axis, keepdims=True)
