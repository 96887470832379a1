"""Bias-driven heating, cooling and instability of a mode (Fig. 2 of the paper).

Two-level model, level 1 on L, level 2 on R, ``mu_L = +V/2 = -mu_R``:

* geometry ``"heating"``: ``eps1 - eps2 = +Omega``.  An electron from L
  (level 1) that drops into level 2 on R emits a quantum ``Omega``: the LR
  channel (4, chemical potential ``+eV``) is resonant.  Once ``eV > Omega``
  the LR bath is population-inverted, its damping ``Lambda^LR(Omega)`` turns
  negative and can overcome the phonon bath: the current drives the mode
  unstable (negative total damping).
* geometry ``"cooling"``: ``eps2 - eps1 = +Omega``.  Now an electron from R
  must *absorb* ``Omega`` to reach level 1 on L: the reverse of the RL
  channel (3, ``-eV``) is resonant, and the bias pumps quanta out of the mode.
  This cools only when the mode holds quanta to remove: at ``T = 0.2``
  (``n_B(1, 0.2) = 0.007``) the mode temperature falls below ``T_ph``; at
  ``T = 0.05`` (``n_B = 2e-9``) the mode cools only a little, and only up to
  ``eV ~ 0.39`` (where its effective temperature crosses ``T_ph`` again; J
  changes sign earlier, at ``eV ~ 0.22``, as it integrates over the broadened
  line while ``T_eff`` samples the baths at ``Omega``): beyond, off-resonant
  emission through the broadened levels wins and the bias heats the mode.

The paper gives no numbers for Fig. 2; :data:`FIG2` holds symehp's defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from ..errors import ParameterError
from ..models import FIG2, GEOMETRIES, fig2_model  # noqa: F401  (re-exported: the models' home)
from ..numeric import mode_occupation, transport
from ..numeric._args import numeric_model, real_array, real_scalar

__all__ = ["FIG2", "GEOMETRIES", "fig2_model", "BiasResponse", "bias_response",
           "instability_bias"]


@dataclass(frozen=True)
class BiasResponse:
    """A mode and the currents against bias, ``mu_L = V/2 = -mu_R``.

    Attributes
    ----------
    V : ndarray
        Bias ``eV = mu_L - mu_R`` (energy units).
    J, J_by_channel : ndarray, ChannelMapping
        Energy current electrons -> bosons, total and per channel.
    I : ndarray
        Electrons per unit time from L to R carried by the inelastic
        processes (the elastic current is not part of Eq. (8)).
    n, T_eff : ndarray
        Occupation and effective temperature of ``mode`` (nan where unstable).
    damping : ndarray
        Total damping ``sum_ab Lambda_kk(Omega) + Gamma_ph(Omega)``.
    stable : ndarray of bool
    instability : float or None
        Smallest bias in ``[0, max |V|]`` at which the damping crosses zero
        (the current-driven instability), or None if it stays positive.
    T_e, T_ph : float
    mode : int
    """

    V: np.ndarray
    J: np.ndarray
    J_by_channel: dict
    I: np.ndarray
    n: np.ndarray
    T_eff: np.ndarray
    damping: np.ndarray
    stable: np.ndarray
    instability: float | None
    T_e: float
    T_ph: float
    mode: int


def _damping(model, V, T_e, T_ph, mode):
    occ = mode_occupation(model, mode, mu_L=V / 2, mu_R=-V / 2, T_e=T_e, T_ph=T_ph,
                          unstable="flag")
    return np.asarray(occ.damping)


def instability_bias(model, *, T_e, T_ph, mode=0, V_max=None, points=201):
    """Smallest positive bias at which the total damping of ``mode`` vanishes.

    The damping is scanned on ``points`` biases in ``[0, V_max]`` (default
    ``V_max = 4 max(Omega)``) and the first sign change is refined with
    :func:`scipy.optimize.brentq` (to ~1e-12).  Returns None when the damping
    stays positive on the interval (no current-driven instability there).
    """
    numeric = numeric_model(model, energy_dependent_leads=True)
    T_e = real_scalar(T_e, "T_e", nonnegative=True)
    T_ph = real_scalar(T_ph, "T_ph", nonnegative=True)
    V_max = (4 * float(np.max(numeric.omega)) if V_max is None
             else real_scalar(V_max, "V_max"))
    if not V_max > 0:
        raise ParameterError(f"V_max must be > 0, got {V_max!r}")
    if isinstance(points, bool) or not isinstance(points, (int, np.integer)) or points < 2:
        raise ParameterError(f"points must be an integer >= 2, got {points!r}")
    grid = np.linspace(0.0, V_max, int(points))
    damp = _damping(model, grid, T_e, T_ph, mode)
    bad = np.flatnonzero(damp <= 0)
    if bad.size == 0:
        return None
    i = bad[0]
    if i == 0:
        return 0.0
    return brentq(lambda v: float(_damping(model, np.asarray(v), T_e, T_ph, mode)),
                  grid[i - 1], grid[i], xtol=1e-13, rtol=1e-12)


def bias_response(model, V, *, T_e, T_ph, mode=0, rtol=1e-10, progress=None):
    """Currents, occupation and stability of ``mode`` against bias ``V``.

    Parameters
    ----------
    model : Junction
        A numeric model (e.g. :func:`fig2_model`).
    V : array_like
        Biases ``eV = mu_L - mu_R``, applied symmetrically ``mu_L = V/2 = -mu_R``.
    T_e, T_ph : float
        Electron and phonon-bath temperatures (energy units).
    mode : int
        The mode whose occupation is reported.

    Returns
    -------
    BiasResponse
    """
    V = real_array(V, "V")
    T_e = real_scalar(T_e, "T_e", nonnegative=True)
    T_ph = real_scalar(T_ph, "T_ph", nonnegative=True)
    res = transport(model, mu_L=V / 2, mu_R=-V / 2, T_e=T_e, T_ph=T_ph, rtol=rtol,
                    progress=progress)
    occ = mode_occupation(model, mode, mu_L=V / 2, mu_R=-V / 2, T_e=T_e, T_ph=T_ph,
                          unstable="flag")
    v_max = float(np.max(np.abs(V))) if V.size else 0.0
    crit = (instability_bias(model, T_e=T_e, T_ph=T_ph, mode=mode, V_max=v_max)
            if v_max > 0 else None)
    return BiasResponse(V=V, J=res.J, J_by_channel=res.J_by_channel, I=res.I, n=occ.n,
                        T_eff=occ.T_eff, damping=occ.damping, stable=occ.stable,
                        instability=crit, T_e=T_e, T_ph=T_ph, mode=int(mode))
