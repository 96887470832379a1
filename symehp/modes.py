"""Propagators of the bosonic modes damped by the ohmic phonon bath.

Symbolic layer, in the frequency variable (default :data:`symehp.symbols.omega`):

* ``Pi^r_ph(w) = -i w diag(gamma_ph)``, ``Gamma_ph(w) = 2 w diag(gamma_ph)``
* ``D^r(w) = [w^2 - diag(Omega_k^2) - Pi^r_ph(w)]^-1``, ``D^a = (D^r)^dagger``
* ``A_ph = D^r Gamma_ph D^a``

At the paper's lowest order the electrons do not enter ``D^r``, so all of
these are diagonal in the mode index.
"""

import sympy as sp

from .symbols import omega as _omega

__all__ = ["bath_self_energy", "bath_broadening", "retarded", "advanced", "spectral"]


def bath_self_energy(model, frequency=_omega):
    """Retarded ph-bath self-energy ``-i w diag(gamma_ph)`` (K x K)."""
    return sp.ImmutableMatrix(sp.diag(*[-sp.I * frequency * g for g in model.gamma_ph]))


def bath_broadening(model, frequency=_omega):
    """Ph-bath broadening ``Gamma_ph(w) = 2 w diag(gamma_ph)`` (K x K)."""
    return sp.ImmutableMatrix(sp.diag(*[2 * frequency * g for g in model.gamma_ph]))


def retarded(model, frequency=_omega):
    """Retarded mode propagator ``D^r(w)`` (K x K, diagonal)."""
    entries = [1 / (frequency**2 - w0**2 + sp.I * frequency * g)
               for w0, g in zip(model.omega, model.gamma_ph)]
    return sp.ImmutableMatrix(sp.diag(*entries))


def advanced(model, frequency=_omega):
    """Advanced mode propagator ``D^a = (D^r)^dagger`` (frequency taken real)."""
    return sp.ImmutableMatrix(retarded(model, frequency).H)


def spectral(model, frequency=_omega):
    """Mode spectral function due to the ph-bath, ``A_ph = D^r Gamma_ph D^a`` (K x K)."""
    return sp.ImmutableMatrix(
        retarded(model, frequency) * bath_broadening(model, frequency) * advanced(model, frequency))
