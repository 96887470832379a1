"""Non-reciprocal heat flow between the electrons and the phonon bath.

With no bias (``mu_L = mu_R``) every EHP channel has ``mu_ab = 0`` and
``Pi^< = n_B(w, T_e) Lambda``, so Eq. (8) reads

    J = int_0^inf dw/(2 pi) w Tr[Lambda(w; T_e) A_ph(w)] [n_B(w, T_e) - n_B(w, T_ph)].

If the transmission ``Tr[Lambda A_ph]`` did not depend on ``T_e`` (it does
not for a flat electron DOS: ``Lambda = w tr[M A M A]/(2 pi)``), swapping the
two temperatures would just flip the sign of J: the flow is reciprocal.  An
energy-dependent DOS (Lorentzian levels) makes ``Lambda`` depend on ``T_e``
through the Fermi functions, and the junction rectifies heat.  The symbolic
statement is :mod:`symehp.derivations.reciprocity`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError
from ..numeric import energy_current
from ..numeric._args import real_array, real_scalar

__all__ = ["Rectification", "rectification"]


@dataclass(frozen=True)
class Rectification:
    """Forward and backward heat flow at temperature difference ``dT``.

    Attributes
    ----------
    T0, dT : float or ndarray
        Base temperature and temperature difference (energy units).
    J_forward : float or ndarray
        Energy current electrons -> bosons with ``T_e = T0 + dT, T_ph = T0``.
    J_backward : float or ndarray
        The same with the temperatures swapped (``T_e = T0, T_ph = T0 + dT``).
    asymmetry : float or ndarray
        ``(J_forward + J_backward) / (J_forward - J_backward)``: 0 for a
        reciprocal junction; > 0 when the flow from the hotter electrons is
        the larger one.  At ``dT = 0`` both currents vanish and the value is
        its limit, 0 (the asymmetry is linear in dT for small dT).
    mu_L, mu_R : float
    """

    T0: float
    dT: np.ndarray
    J_forward: np.ndarray
    J_backward: np.ndarray
    asymmetry: np.ndarray
    mu_L: float
    mu_R: float


def rectification(model, *, T0, dT, mu_L=0.0, mu_R=0.0, rtol=1e-10, progress=None):
    """Heat rectification between the electrons and the phonon bath.

    Parameters
    ----------
    model : Junction
        A numeric junction model.
    T0 : float
        Base temperature (energy units, ``> 0``).
    dT : array_like
        Temperature difference(s), ``T0 + dT >= 0``.  Vectorized.
    mu_L, mu_R : float
        Chemical potentials (energy units); the paper's statement is at
        ``mu_L = mu_R``.
    rtol, progress
        Passed to :func:`symehp.energy_current`.

    Returns
    -------
    Rectification
        ``J_forward`` (``T_e = T0 + dT``, ``T_ph = T0``), ``J_backward``
        (swapped) and ``asymmetry = (J_f + J_b)/(J_f - J_b)``.
    """
    T0 = real_scalar(T0, "T0", nonnegative=True)
    if T0 <= 0:
        raise ParameterError(f"T0 must be > 0 (a temperature), got {T0!r}")
    dT = real_array(dT, "dT")
    if np.any(T0 + dT < 0):
        raise ParameterError(f"dT must keep T0 + dT >= 0; got dT = {dT[T0 + dT < 0].ravel()[:3]} "
                             f"with T0 = {T0}")
    mu_L = real_scalar(mu_L, "mu_L")
    mu_R = real_scalar(mu_R, "mu_R")
    hot = T0 + dT
    # one call for both directions: the stacked axis 0 is (forward, backward)
    t_e = np.stack([hot, np.full_like(hot, T0)])
    t_ph = np.stack([np.full_like(hot, T0), hot])
    J = energy_current(model, mu_L=mu_L, mu_R=mu_R, T_e=t_e, T_ph=t_ph, rtol=rtol,
                       progress=progress)
    J_f, J_b = np.asarray(J[0]), np.asarray(J[1])
    diff = J_f - J_b
    with np.errstate(divide="ignore", invalid="ignore"):
        asym = np.where(diff != 0, (J_f + J_b) / np.where(diff != 0, diff, 1.0), 0.0)
    asym = np.where(dT == 0, 0.0, asym)          # both currents are round-off there

    def out(x):
        return x.item() if np.ndim(x) == 0 else x

    return Rectification(T0=T0, dT=out(dT), J_forward=out(J_f), J_backward=out(J_b),
                         asymmetry=out(asym), mu_L=mu_L, mu_R=mu_R)
