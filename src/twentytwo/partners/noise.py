"""Noise for the partners' figures: OpenDP's discrete Laplace sampler.

OpenDP's library (with NumPy) takes about 37 MB of a process's memory, and most processes
never release a figure: the app server's workers serve streams, pages and beacons. So the
library is loaded the first time a process noises a figure, not when it starts."""

from __future__ import annotations

from functools import cache
from importlib import import_module
from importlib.metadata import version

LIBRARY = "opendp"


@cache
def _opendp():
    dp = import_module("opendp.prelude")
    dp.enable_features("contrib")
    return dp


def noise_library() -> str:
    """The library and version that draws the noise, as the method pages name it."""
    return f"OpenDP {version(LIBRARY)}"


def noised(values: list[int], *, sensitivity: int, epsilon: float) -> list[int]:
    """Return the values with discrete Laplace noise of scale sensitivity / ε, by OpenDP."""
    if not values:
        return []
    dp = _opendp()
    scale = sensitivity / epsilon
    measurement = dp.m.make_laplace(
        dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=scale
    )
    # OpenDP states the privacy loss of the measurement itself: it must be the one claimed.
    if measurement.map(sensitivity) > epsilon * (1 + 1e-9):
        raise RuntimeError(f"noise of scale {scale} does not give ε {epsilon}")
    return measurement(values)
