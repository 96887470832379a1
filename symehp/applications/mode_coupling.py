"""Bias-induced coupling between two bosonic modes: the former home of the Eq. (9) mapping.

Kept so that every name importable from here keeps working; the code lives in

* :mod:`symehp.applications.eq9` - the Eq. (9) mapping of a junction model
  (:func:`eq9_coefficients`, :class:`Eq9Coefficients`, :func:`effective_dynamical_matrix`,
  :func:`bias_induced_coupling`, :func:`paper_a`, :func:`flat_dos_a`);
* :mod:`symehp.models` - :func:`two_level_two_modes` and the other ready-made models;
* :func:`symehp.ehp_self_energy` and :mod:`symehp.numeric.self_energy_quadrature` - the
  modes' self-energy from the electrons (closed form, energy quadrature);
* ``docs/conventions.md``, section "Mode coupling and Eq. (9)" - the derivation.

:func:`electronic_self_energy` is a deprecated alias of :func:`symehp.ehp_self_energy`.
Units: hbar = e = k_B = 1.
"""

from __future__ import annotations

import warnings

from ..models import two_level_two_modes
from .eq9 import (Eq9Coefficients, _self_energy, bias_induced_coupling,  # noqa: F401
                  effective_dynamical_matrix, eq9_coefficients, flat_dos_a, paper_a)

__all__ = ["electronic_self_energy", "bias_induced_coupling", "eq9_coefficients",
           "Eq9Coefficients", "paper_a", "flat_dos_a", "effective_dynamical_matrix",
           "two_level_two_modes"]


def electronic_self_energy(model, omega, *, mu_L, mu_R, T_e=None, T_L=None, T_R=None,
                           channel=None, route="poles", tol=1e-11):
    """Deprecated alias of :func:`symehp.ehp_self_energy` (the sum over the channels for
    ``channel=None``); it will be removed in the next release.

    The name read like the electrons' own lead self-energy ``Sigma``: it is the modes'
    self-energy from the electrons.  ``route="quadrature"`` is
    :func:`symehp.numeric.self_energy_quadrature.quadrature_self_energy`.  Returns the
    complex ``(..., K, K)`` array of ``Pi^r`` (units of ``Lambda``, a squared frequency).
    """
    warnings.warn("symehp.applications.mode_coupling.electronic_self_energy is deprecated: "
                  "use symehp.ehp_self_energy(model, channel, omega, ...) (channel='total' "
                  "for the sum over the channels)", DeprecationWarning, stacklevel=2)
    return _self_energy(model, omega, mu_L=mu_L, mu_R=mu_R, T_e=T_e, T_L=T_L, T_R=T_R,
                        channel=channel, route=route, tol=tol)
