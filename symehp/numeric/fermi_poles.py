"""The Fermi function as a finite sum of poles (Ozaki's continued fraction), with its error.

For ``T > 0``

    f(x; T) = 1 / (exp(x/T) + 1)
            ~ f_N(x; T) = 1/2 - sum_{j=1..N} r_j T [1/(x - i xi_j T) + 1/(x + i xi_j T)],

with the ``N`` positive poles ``xi_j`` and residues ``r_j`` of Ozaki's continued
fraction of the hyperbolic tangent (T. Ozaki, Phys. Rev. B 75, 035123 (2007)): the
``xi_j = 1/b_j`` for the ``N`` positive eigenvalues ``b_j`` of the real symmetric
``2N x 2N`` tridiagonal matrix with zero diagonal and off-diagonal entries
``1 / (2 sqrt((2m - 1)(2m + 1)))`` (``m = 1 .. 2N - 1``), and
``r_j = v_j[0]^2 / (4 b_j^2)`` from the first component of the unit eigenvector
``v_j``.  The lowest poles are the Matsubara ones (``xi_j = (2j - 1) pi``,
``r_j = 1``); the higher ones move outwards, which is what makes the expansion
converge geometrically where the Matsubara sum converges like ``1/N``.

Error.  The expansion is exact to the order of its continued fraction at ``x = 0``
and accurate on a window that grows like ``N^2``: on ``|x| <= RANGE * N^2 T`` with
``N >= MIN_POLES`` its absolute error is at most :data:`ERROR_BOUND` (``2e-14``,
rounding included).  This is a verified bound, not a theorem: the test suite checks
it on dense grids for ``N`` from ``MIN_POLES`` to ``MAX_POLES`` = 1024 (``|f - f_N|`` is an
increasing function of ``|x|`` beyond the rounding level, ``~1e-15`` below
``0.2 N^2`` and ``2e-12`` at ``0.3 N^2``).  Outside the window ``f_N`` tends to
``1/2`` like ``N (2N + 1) T / (2 x)`` (the residues sum to ``N (2N + 1) / 2``), so
whoever uses it must treat the tails apart (:mod:`symehp.numeric.spectra` does, exactly).
"""

from __future__ import annotations

import functools

import numpy as np
from scipy.linalg import eigh_tridiagonal

__all__ = ["fermi_poles", "pole_count", "fermi_pole_sum", "ERROR_BOUND", "RANGE", "MIN_POLES",
           "MAX_POLES"]

#: absolute error of f_N on its window (rounding included)
ERROR_BOUND = 2e-14
#: the window: ``|x| <= RANGE N^2 T``
RANGE = 0.2
#: fewer poles have a relatively shorter window (N = 8: 1e-14 up to 0.2 N^2)
MIN_POLES = 8
#: the largest N the bound is verified for (tests/test_two_temperatures.py)
MAX_POLES = 1024


@functools.lru_cache(maxsize=256)
def _poles(n):
    m = np.arange(1, 2 * n)
    off = 1.0 / (2.0 * np.sqrt((2.0 * m - 1.0) * (2.0 * m + 1.0)))
    values, vectors = eigh_tridiagonal(np.zeros(2 * n), off)
    positive = values > 0
    b, first = values[positive], vectors[0, positive]
    order = np.argsort(-b)                   # the Matsubara-like poles first
    b, first = b[order], first[order]
    xi, r = 1.0 / b, first * first / (4.0 * b * b)
    xi.setflags(write=False)
    r.setflags(write=False)
    return xi, r


def fermi_poles(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``n`` poles ``xi_j`` (in units of ``T``, ascending) and residues ``r_j`` of ``f_N``.

    Read-only arrays, cached.  ``f(x; T) ~ 1/2 - sum_j r_j T [1/(x - i xi_j T) +
    1/(x + i xi_j T)]`` (module docstring).
    """
    n = int(n)
    if n < 1:
        raise ValueError(f"fermi_poles: the number of poles must be >= 1, got {n}")
    return _poles(n)


def pole_count(x_max) -> np.ndarray:
    """The number of poles ``N`` for which ``f_N`` is within :data:`ERROR_BOUND` on ``|x| <= x_max``.

    ``x_max`` (array_like, >= 0): the half-width of the window in units of ``T``.
    ``N = max(MIN_POLES, ceil(sqrt(x_max / RANGE)))``: the cost of a pole sum grows
    like the square root of the window.
    """
    x_max = np.asarray(x_max, dtype=float)
    n = np.ceil(np.sqrt(np.maximum(x_max, 0.0) / RANGE))
    return np.maximum(MIN_POLES, n).astype(int)


def fermi_pole_sum(x, T, n) -> np.ndarray:
    """``f_N(x; T)``, the pole sum itself (vectorized over ``x`` and ``T``; ``T > 0``)."""
    xi, r = fermi_poles(n)
    x = np.asarray(x, dtype=float)[..., None]
    T = np.asarray(T, dtype=float)[..., None]
    return 0.5 - np.sum(2.0 * r * T * x / (x * x + (xi * T) ** 2), axis=-1)

