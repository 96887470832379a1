"""The modes' self-energy from the electrons by energy quadrature: an independent route.

The closed form :func:`symehp.ehp_self_energy` sums Fermi integrals of simple poles.  This
module integrates the same lowest-order electron-hole bubble over the electron energy
instead, with ``G^r`` from matrix inverses (no pole expansion)::

    Pi^r_mn(w) = -i int de/2pi tr[M^m G^r(e) M^n G^<(e - w) + M^m G^<(e) M^n G^a(e - w)]
               = sum_c int de/2pi f_c(e) tr[M^m G^r(e + w) M^n A_c(e) + M^m A_c(e) M^n G^a(e - w)]

(``A_c = G^r Gamma_c G^a``, ``c = L, R``; scipy ``quad_vec`` between the level
energies, their ``+-w`` images and ``mu_c``).  Slow: a cross-check of the closed
form, used by the tests and by ``route="quadrature"`` of :mod:`symehp.applications.eq9`.
Units (hbar = e = k_B = 1): those of ``Lambda`` of Eq. (7), a squared frequency.
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import quad_vec

from ..errors import ParameterError
from ._args import electrode_temperatures, numeric_model, real_array
from .self_energy import _expansion
from .stats import fermi

__all__ = ["quadrature_self_energy"]

_TWO_PI = 2 * np.pi
#: Fermi tails beyond this many temperatures are below exp(-40)
_TAIL = 40.0


def _quadrature_point(numeric, w, mus, temps, tol):
    """Total ``Pi^r(w)`` at one point by energy quadrature (matrix inverses, no poles)."""
    h_eff = numeric.H - 0.5j * (numeric.gamma_L + numeric.gamma_R)
    eye = np.eye(numeric.N)
    gammas = {"L": numeric.gamma_L, "R": numeric.gamma_R}
    m = numeric.M
    k = numeric.K
    levels = np.linalg.eigvals(h_eff)
    widths = np.abs(levels.imag)
    total = np.zeros((k, k), dtype=complex)
    for c in "LR":
        mu, temp = mus[c], temps[c]

        def integrand(x, c=c, mu=mu, temp=temp):
            g_x = np.linalg.inv(x * eye - h_eff)
            a_c = g_x @ gammas[c] @ g_x.conj().T
            g_plus = np.linalg.inv((x + w) * eye - h_eff)                # G^r(x + w)
            g_minus = np.linalg.inv((x - w) * eye - h_eff).conj().T      # G^a(x - w)
            val = (np.einsum("mij,jk,nkl,li->mn", m, g_plus, m, a_c)
                   + np.einsum("mij,jk,nkl,li->mn", m, a_c, m, g_minus))
            val = val * (numeric.spin_degeneracy * fermi(x - mu, temp) / _TWO_PI)
            return np.concatenate([val.real.ravel(), val.imag.ravel()])

        hi = mu + _TAIL * temp
        pts = sorted({float(p) for p in np.concatenate([levels.real, levels.real - w,
                                                        levels.real + w, [mu]])})
        lo = min(pts + [hi]) - 20 * max(1.0, float(widths.max()), abs(w))
        inner = [p for p in pts if lo < p < hi]
        scale = float(np.abs(m).max()) ** 2 * numeric.N / max(float(widths.min()), 1e-300)
        res = np.zeros(2 * k * k)
        for a, b in zip([lo] + inner, inner + [hi]):
            if b > a:
                res += quad_vec(integrand, a, b, epsabs=tol * scale, epsrel=tol, limit=2000)[0]
        res += quad_vec(integrand, -np.inf, lo, epsabs=tol * scale, epsrel=tol, limit=2000)[0]
        total += (res[:k * k] + 1j * res[k * k:]).reshape(k, k)
    return total


def quadrature_self_energy(model, omega, *, mu_L, mu_R, T_e=None, T_L=None, T_R=None,
                           tol=1e-11):
    """Total retarded ``Pi^r_mn(omega)`` of the modes by energy quadrature (a cross-check).

    The sum over the four EHP channels of :func:`symehp.ehp_self_energy`, computed
    independently of the pole expansion (module docstring).

    Parameters
    ----------
    model : Junction
        Numeric model; every level must be broadened by a lead.
    omega : array_like
        Boson frequency (energy units; any real value).
    mu_L, mu_R : array_like
        Chemical potentials of the electrodes (``eV = mu_L - mu_R``).
    T_e, T_L, T_R : array_like
        Electron temperature(s), ``>= 0``: ``T_e`` for both electrodes, or ``T_L`` and
        ``T_R``.
    tol : float
        Relative (and scaled absolute) tolerance of ``quad_vec``, in ``(0, 1e-3)``.

    Returns
    -------
    ndarray, complex, shape ``broadcast(omega, mu_L, mu_R, T).shape + (K, K)``
        Units of ``Lambda`` (squared frequency for mass-weighted modes).
    """
    numeric = numeric_model(model)
    if not (isinstance(tol, float) and 0 < tol < 1e-3):
        raise ParameterError(f"tol must be a float in (0, 1e-3), got {tol!r}")
    omega = real_array(omega, "omega")
    mu_L = real_array(mu_L, "mu_L")
    mu_R = real_array(mu_R, "mu_R")
    T_L, T_R = electrode_temperatures(T_e, T_L, T_R)
    shape = np.broadcast_shapes(*(np.shape(x) for x in (omega, mu_L, mu_R, T_L, T_R)))
    omega, mu_L, mu_R, T_L, T_R = (np.broadcast_to(np.asarray(x, float), shape)
                                   for x in (omega, mu_L, mu_R, T_L, T_R))
    _expansion(numeric)          # same model checks as the closed form
    out = np.empty(shape + (numeric.K, numeric.K), dtype=complex)
    for idx in np.ndindex(shape):
        out[idx] = _quadrature_point(numeric, float(omega[idx]),
                                     {"L": float(mu_L[idx]), "R": float(mu_R[idx])},
                                     {"L": float(T_L[idx]), "R": float(T_R[idx])}, tol)
    return out
