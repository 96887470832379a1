"""Electronic Green's functions and spectral functions of the central region.

Symbolic layer: every function returns a SymPy matrix in the energy variable
(default :data:`symehp.symbols.eps`).  Wide-band leads:

* ``G^r(e) = [e - H - Sigma^r]^-1`` with ``Sigma^r = -i (Gamma_L + Gamma_R)/2``
* ``G^a = (G^r)^dagger``
* ``A_alpha(e) = G^r Gamma_alpha G^a``  (alpha = L, R)
* ``A = A_L + A_R = i (G^r - G^a)``  (proven in :func:`symehp.verify.spectral_sum_rule`)
"""

import sympy as sp

from .errors import ParameterError
from .symbols import eps as _eps

__all__ = ["self_energy", "retarded", "advanced", "spectral", "spectral_total"]


def _electrode(name):
    if name not in ("L", "R"):
        raise ParameterError(f"electrode must be 'L' or 'R', got {name!r}")
    return name


def self_energy(model):
    """Retarded wide-band lead self-energy ``-i (Gamma_L + Gamma_R) / 2``."""
    return -sp.I * (model.gamma_L + model.gamma_R) / 2


def retarded(model, energy=_eps):
    """Retarded Green's function ``G^r(energy)`` (N x N SymPy matrix)."""
    n = model.N
    mat = energy * sp.eye(n) - model.H - self_energy(model)
    return sp.ImmutableMatrix(mat.inv(method="LU") if n > 1 else sp.Matrix([[1 / mat[0, 0]]]))


def advanced(model, energy=_eps):
    """Advanced Green's function ``G^a = (G^r)^dagger`` (energy taken real)."""
    return sp.ImmutableMatrix(retarded(model, energy).H)


def spectral(model, electrode, energy=_eps):
    """Partial spectral function ``A_alpha = G^r Gamma_alpha G^a`` of electrode ``"L"``/``"R"``."""
    gamma = model.gamma[_electrode(electrode)]
    return sp.ImmutableMatrix(retarded(model, energy) * gamma * advanced(model, energy))


def spectral_total(model, energy=_eps):
    """Total spectral function ``A = i (G^r - G^a)``."""
    return sp.ImmutableMatrix(sp.I * (retarded(model, energy) - advanced(model, energy)))
