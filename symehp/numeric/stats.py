"""Fermi and Bose factors as vectorized NumPy functions, exact at T = 0.

Written so that no argument overflows or divides by zero: large ``x/T`` goes
through ``exp(-|y|)``, and the removable singularity of ``x n_B(x)`` at
``x = 0`` is coded explicitly (``x n_B(x, T) -> T``).  ``T = 0`` gives the step
functions of the limit, not an error.
"""

import numpy as np
from scipy.special import expit

__all__ = ["fermi", "bose", "x_bose", "fermi_complex", "bose_complex", "bose_difference"]


def _ratio(x, T):
    """``x / T`` with T = 0 mapped to +-inf (sign of x) and 0/0 -> 0."""
    x, T = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(T, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        y = np.where(T > 0, x / np.where(T > 0, T, 1.0), np.sign(x) * np.inf)
    return np.where((T == 0) & (x == 0), 0.0, y)


def fermi(x, T):
    """Fermi function ``1 / (exp(x/T) + 1)``; at ``T = 0`` the step ``theta(-x)`` (1/2 at 0).

    Full relative precision in both tails (``1 - f(x) = f(-x)`` is exact too).
    """
    return expit(-_ratio(x, T))


def bose(x, T):
    """Bose function ``1 / (exp(x/T) - 1)``; ``+inf`` at ``x = 0`` (its pole), -1 for x<0 at T=0."""
    y = _ratio(x, T)
    a = np.abs(y)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        e = np.exp(-a)                       # in [0, 1]: never overflows
        positive = e / -np.expm1(-a)         # n_B(|y|)
    out = np.where(y > 0, positive, -1.0 - positive)   # n_B(-y) = -1 - n_B(y)
    return np.where(y == 0, np.inf, out)


def x_bose(x, T):
    """``x n_B(x, T)``, finite everywhere: ``T`` at ``x = 0``, ``-x theta(-x)`` at ``T = 0``.

    This is the combination that multiplies the EHP DOS in the emission
    spectrum, ``Pi^< = n_B(w - mu) Lambda``, with ``Lambda`` linear in ``w - mu``.
    """
    x, T = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(T, dtype=float))
    y = _ratio(x, T)
    a = np.abs(y)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore", under="ignore"):
        g_pos = np.where(a > 0, a * np.exp(-a) / -np.expm1(-a), 1.0)   # g(|y|), g(y) = y/expm1(y)
        g_pos = np.where(np.isinf(a), 0.0, g_pos)
        # T g(y) = T g(|y|) + |x| for x < 0: written so that y = x/T may overflow
        finite_T = np.where(y >= 0, T * g_pos, T * g_pos + np.abs(x))
    zero_T = np.where(x < 0, -x, 0.0)
    return np.where(T > 0, finite_T, zero_T)


# complex arguments (the residues of the frequency integrand at poles off the axis,
# symehp.numeric.lattice); T > 0

def _complex_factor(x, T, sign):
    """``1/(exp(x/T) + sign)`` of complex ``x`` (``sign`` +1: Fermi, -1: Bose): its limits
    0 and ``1/sign`` far above and below the real part, no overflow."""
    u = np.asarray(x / T, complex)
    out = np.empty(u.shape, dtype=complex)
    big = u.real > 700
    small = u.real < -700
    mid = ~(big | small)
    out[big] = 0.0
    out[small] = 1.0 / sign
    with np.errstate(over="ignore", under="ignore"):
        out[mid] = 1.0 / (np.exp(u[mid]) + sign) if sign > 0 else 1.0 / np.expm1(u[mid])
    return out


def fermi_complex(x, T):
    """``1/(exp(x/T) + 1)`` of complex ``x`` (``T > 0``)."""
    return _complex_factor(x, T, 1.0)


def bose_complex(x, T):
    """``1/(exp(x/T) - 1)`` of complex ``x`` (``T > 0``)."""
    return _complex_factor(x, T, -1.0)


def bose_difference(x, T1, y, T2):
    """``n_B(x, T1) - n_B(y, T2)`` of complex ``x``, ``y`` without the cancellation of two
    values near -1: where both real parts are negative it is ``n_B(-y, T2) - n_B(-x, T1)``
    (``n_B(-u) = -1 - n_B(u)``; e.g. ``x = y`` at ``T1 != T2`` far below 0, where the
    difference is ``~exp(x/T1)`` and the direct form keeps only ``eps/exp(x/T1)`` of it)."""
    x, y = np.broadcast_arrays(np.asarray(x, complex), np.asarray(y, complex))
    T1, T2 = np.broadcast_to(T1, x.shape), np.broadcast_to(T2, x.shape)
    flip = (x.real < 0) & (y.real < 0)
    with np.errstate(over="ignore", under="ignore"):
        out = bose_complex(x, T1) - bose_complex(y, T2)
        if flip.any():
            out[flip] = bose_complex(-y[flip], T2[flip]) - bose_complex(-x[flip], T1[flip])
    return out
