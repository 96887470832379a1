"""The Fermi and Bose factors as public, checked functions.

``symehp.numeric.fermi``, ``bose`` and ``x_bose`` are these: the arguments are
checked (real numbers, ``T >= 0``, no NaN, strings or booleans: a
:class:`~symehp.errors.ParameterError` naming the argument), a scalar call returns a
Python float, arrays broadcast.  The numeric kernels call the unchecked twins of
:mod:`.stats` directly (they are in their inner loops).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from . import stats
from ._args import real_array

__all__ = ["fermi", "bose", "x_bose"]


def _checked(fn, x, T):
    x = real_array(x, "x")
    T = real_array(T, "T", nonnegative=True)
    out = np.asarray(fn(x, T), dtype=float)
    return float(out) if out.ndim == 0 else out


def fermi(x: ArrayLike, T: ArrayLike) -> float | np.ndarray:
    """Fermi function ``1 / (exp(x/T) + 1)`` of ``x = e - mu`` (energy units); at ``T = 0``
    the step ``theta(-x)`` (1/2 at 0).  Full relative precision in both tails."""
    return _checked(stats.fermi, x, T)


def bose(x: ArrayLike, T: ArrayLike) -> float | np.ndarray:
    """Bose function ``1 / (exp(x/T) - 1)``; ``+inf`` at ``x = 0`` (its pole), ``-1`` for
    ``x < 0`` at ``T = 0``."""
    return _checked(stats.bose, x, T)


def x_bose(x: ArrayLike, T: ArrayLike) -> float | np.ndarray:
    """``x n_B(x, T)``, finite everywhere: ``T`` at ``x = 0``, ``-x theta(-x)`` at ``T = 0``
    (the factor of the emission spectrum, ``Pi^< = n_B(w - mu_ab) Lambda``)."""
    return _checked(stats.x_bose, x, T)
