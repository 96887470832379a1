"""Ready-made junction models: the paper's, the figures' and the examples', in one place.

* :func:`two_level` - the paper's minimal model (its Fig. 2): two levels, one mode
  (symbolic where an argument is left out);
* :func:`fig2_model` with :data:`FIG2` and :data:`GEOMETRIES` - the heating and cooling
  geometries of Figs. 2 and 3;
* :func:`two_level_two_modes` - the same two levels with two modes, ``M^1 = m sigma_x``,
  ``M^2 = m sigma_y``: the bias couples the modes non-conservatively (the curl coupling
  of Eq. 9);
* :func:`ep_junction` - two nearly degenerate modes of that kind, tuned so that the
  current-induced coupling drives them to an exceptional point at a moderate bias, with
  a ``scale`` that approaches the flat-DOS limit at fixed Eq. (9) coefficients;
* :func:`gated_two_modes` - :func:`two_level_two_modes` with a gate voltage shifting both
  levels, the model of the instability-map figure.

Units: hbar = e = k_B = 1 (energies, frequencies, widths in one unit; ``docs/conventions.md``).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from .errors import ParameterError
from .model import Junction, _plain_type

__all__ = ["two_level", "FIG2", "GEOMETRIES", "fig2_model", "two_level_two_modes",
           "EP_JUNCTION", "ep_junction", "GATED_TWO_MODES", "gated_two_modes"]


# ---------------------------------------------------------------- the paper's model

def two_level(eps1=None, eps2=None, gamma1=None, gamma2=None, m=None, omega=None,
              gamma_ph=None, *, hopping=0, spin_degeneracy=1):
    """The paper's minimal model (its Fig. 2): two levels, one mode.

    Level 1 (energy ``eps1``) couples only to electrode L with width
    ``gamma1``; level 2 (``eps2``) only to R with width ``gamma2``.  There is no
    direct hopping (unless ``hopping`` is given, an extension): electrons move
    between the levels only by emitting or absorbing a quantum of the mode,
    which couples off-diagonally, ``M = m (|1><2| + |2><1|)``.  The mode has
    frequency ``omega`` and ohmic damping ``gamma_ph``.

    Any argument left as ``None`` becomes a SymPy symbol with the right
    assumptions (``epsilon_1``, ``gamma_1``, ``m``, ``Omega``, ...), so
    ``two_level()`` is the fully symbolic model.  ``spin_degeneracy``: as for
    :class:`Junction` (default 1, spinless).
    """
    def sym(value, name, **assumptions):
        return sp.Symbol(name, **assumptions) if value is None else value

    eps1 = sym(eps1, "epsilon_1", real=True)
    eps2 = sym(eps2, "epsilon_2", real=True)
    gamma1 = sym(gamma1, "gamma_1", positive=True)
    gamma2 = sym(gamma2, "gamma_2", positive=True)
    m = sym(m, "m", real=True)
    omega = sym(omega, "Omega", positive=True)
    gamma_ph = sym(gamma_ph, "gamma_ph", positive=True)
    # numbers stay plain numbers, so that a numeric two_level takes the numeric route
    hopping_conj = hopping.conjugate() if _plain_type(type(hopping)) else sp.conjugate(hopping)
    return Junction(
        H=[[eps1, hopping], [hopping_conj, eps2]],
        gamma_L=[[gamma1, 0], [0, 0]],
        gamma_R=[[0, 0], [0, gamma2]],
        M=[[0, m], [m, 0]],
        omega=omega, gamma_ph=gamma_ph, spin_degeneracy=spin_degeneracy)


# ---------------------------------------------------------------- Figs. 2 and 3

#: defaults for Figs. 2 and 3 (the paper gives none): energy units
FIG2 = dict(omega=1.0, gamma1=0.2, gamma2=0.2, m=0.1, gamma_ph=0.05)

#: level positions of the two geometries, in units of Omega
GEOMETRIES = {"heating": (0.5, -0.5), "cooling": (-0.5, 0.5)}


def fig2_model(geometry, **params):
    """The two-level model of Fig. 2 in ``geometry`` ``"heating"`` or ``"cooling"``.

    ``params`` override :data:`FIG2` (``omega``, ``gamma1``, ``gamma2``,
    ``m``, ``gamma_ph``); the levels sit at ``+-Omega/2`` so that
    ``eps1 - eps2 = +Omega`` (heating) or ``-Omega`` (cooling).
    """
    if geometry not in GEOMETRIES:
        raise ParameterError(f"geometry must be one of {sorted(GEOMETRIES)}, got {geometry!r}")
    unknown = set(params) - set(FIG2)
    if unknown:
        raise ParameterError(f"unknown parameter(s) {sorted(unknown)}; allowed: {sorted(FIG2)}")
    p = {**FIG2, **params}
    x1, x2 = GEOMETRIES[geometry]
    return two_level(x1 * p["omega"], x2 * p["omega"], p["gamma1"], p["gamma2"], p["m"],
                     p["omega"], p["gamma_ph"])


# ---------------------------------------------------------------- two modes with a curl

def two_level_two_modes(eps1=0.15, eps2=-0.1, gamma1=0.4, gamma2=0.4, m=0.05,
                        omega=(0.105, 0.095), gamma_ph=(0.001, 0.001), *, hopping=0.0):
    """The paper's two-level model (its Fig. 2) with two modes instead of one.

    Level 1 (``eps1``) couples to L only (width ``gamma1``), level 2 (``eps2``) to R
    only (``gamma2``), optional direct ``hopping``.  Mode 1 modulates the
    inter-level transition with a real amplitude, mode 2 with an imaginary one::

        M^1 = m sigma_x = m (|1><2| + |2><1|),   M^2 = m sigma_y = m (-i|1><2| + i|2><1|),

    so ``tr[M^1 A_L M^2 A_R] = -i m^2 (A_L)_11 (A_R)_22`` (no hopping) has a
    non-zero imaginary part and the bias couples the modes non-conservatively.
    With two real couplings (e.g. ``sigma_x`` and ``sigma_z``) and no hopping the
    curl vanishes identically.  For a flat DOS this model saturates the bound
    ``|a| <= 2 sqrt(gamma_e1 gamma_e2)`` (docs/conventions.md, "Mode coupling and
    Eq. (9)").  Numbers, in energy units (hbar = e = k_B = 1).
    """
    sx = np.array([[0, 1], [1, 0]], dtype=complex)
    sy = np.array([[0, -1j], [1j, 0]])
    return Junction(H=[[eps1, hopping], [np.conj(hopping), eps2]],
                    gamma_L=[[gamma1, 0], [0, 0]], gamma_R=[[0, 0], [0, gamma2]],
                    M=[m * sx, m * sy], omega=list(omega), gamma_ph=list(gamma_ph))


#: defaults of :func:`ep_junction` (energy units): level width, coupling, mean mode
#: frequency, detuning, ohmic damping of each mode
EP_JUNCTION = dict(width=2.0, m=0.04, Omega=0.1, delta=0.002, gamma_ph=1e-5)


def ep_junction(scale=1.0, *, width=EP_JUNCTION["width"], m=EP_JUNCTION["m"],
                Omega=EP_JUNCTION["Omega"], delta=EP_JUNCTION["delta"],
                gamma_ph=EP_JUNCTION["gamma_ph"], eps=0.0):
    """Two nearly degenerate modes that the current drives to an exceptional point.

    :func:`two_level_two_modes` with both levels at ``eps`` (default 0, the middle of
    the bias window ``mu_L = V/2 = -mu_R``), widths ``scale * width`` and coupling
    ``scale * m``, modes at ``Omega +- delta/2`` with ohmic damping ``gamma_ph``.

    For a flat DOS the curl coupling is ``a = -Im tr[M^1 A_L M^2 A_R]/(2 pi)`` and Eq. (9)'s
    exceptional point sits near ``V_EP ~ delta Omega / |a|`` (at ``Im V_EP ~ delta gamma
    / |a|``): a small detuning and a small damping bring it to a moderate bias.
    ``a`` and the electronic dampings ``gamma_ek`` scale as ``m^2 / width^2``, so changing
    ``scale`` keeps them (and hence Eq. 9's coefficients) fixed while the levels widen:
    ``scale -> inf`` is the flat-DOS limit (``Omega, V << width``) at fixed EP.

    Parameters
    ----------
    scale : float
        Width and coupling multiplier (> 0); 1 gives the defaults :data:`EP_JUNCTION`.
    width, m, Omega, delta, gamma_ph, eps : float
        Level width (each level on one lead), coupling amplitude, mean mode frequency,
        detuning ``Omega_1 - Omega_2``, ohmic damping of each mode, level energy
        (energy units).

    Returns
    -------
    Junction
        Two levels, two modes (``M^1 = m sigma_x``, ``M^2 = m sigma_y``).
    """
    if not scale > 0:
        raise ParameterError(f"scale must be > 0, got {scale!r}")
    g = scale * width
    return two_level_two_modes(eps1=eps, eps2=eps, gamma1=g, gamma2=g, m=scale * m,
                               omega=(Omega + delta / 2, Omega - delta / 2),
                               gamma_ph=(gamma_ph, gamma_ph))


#: defaults of :func:`gated_two_modes` (energy units): the Fig. 2 heating geometry
#: (``eps1 - eps2 = Omega``) with two modes
GATED_TWO_MODES = dict(eps1=0.5, eps2=-0.5, gamma1=0.2, gamma2=0.2, m=0.1,
                       omega=(1.05, 0.95), gamma_ph=(0.01, 0.01))


def gated_two_modes(gate=0.0, **params):
    """:func:`two_level_two_modes` with both levels shifted by a gate voltage ``gate``.

    ``params`` override :data:`GATED_TWO_MODES` (the heating geometry of Fig. 2, levels
    ``+-0.5`` about the middle of the bias window, with two modes near ``Omega = 1``);
    the levels sit at ``eps1 + gate`` and ``eps2 + gate`` (energy units).  The model of
    the instability map (:func:`symehp.instability_map`).
    """
    unknown = set(params) - set(GATED_TWO_MODES)
    if unknown:
        raise ParameterError(f"unknown parameter(s) {sorted(unknown)}; "
                             f"allowed: {sorted(GATED_TWO_MODES)}")
    p = {**GATED_TWO_MODES, **params}
    p["eps1"] = p["eps1"] + gate
    p["eps2"] = p["eps2"] + gate
    return two_level_two_modes(**p)
